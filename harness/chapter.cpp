#include "harness/chapter.hpp"

#include <boost/interprocess/exceptions.hpp>

#include <charconv>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <regex>
#include <sstream>
#include <unistd.h>

namespace ipclab::harness {
namespace bip = boost::interprocess;

void expect(bool holds, const std::string& what) {
  if (!holds) throw invariant_error(what);
}

void rethrow_as_resource_error(const std::string& step) {
  try {
    throw;
  } catch (const bip::interprocess_exception& e) {
    throw resource_error("cannot " + step + ": " + e.what());
  }
  // Anything else (usage_error, invariant_error, std::bad_alloc) passes unchanged.
}

role::role(std::string program, std::string name, std::vector<std::string> args)
    : program_(std::move(program)), name_(std::move(name)), args_(std::move(args)) {}

const std::vector<std::string>& role::expect_args(std::initializer_list<std::string_view> names) const {
  if (args_.size() != names.size()) {
    std::string usage = "usage: " + program_ + " " + name_;
    for (const auto n : names) usage += " " + std::string(n);
    throw usage_error("the " + name_ + " role takes " + std::to_string(names.size()) +
                      (names.size() == 1 ? " argument" : " arguments") + " but got " +
                      std::to_string(args_.size()) + " (" + usage + ")");
  }
  auto arg = args_.begin();
  for (const auto name : names) {
    if (name == "SEGMENT" || name == "NAME" || name == "MUTEX") check_object_name(*arg, "the name");
    ++arg;
  }
  return args_;
}

namespace {

// Carries out IPCLAB_FAULT (see role::narrate) for `role` at `step`.
void inject_fault(const std::string& role, int step) {
  const char* faults = std::getenv("IPCLAB_FAULT");
  if (!faults) return;
  std::istringstream list(faults);
  for (std::string fault; std::getline(list, fault, ',');) {
    const auto colon = fault.find(':'), at = fault.find('@');
    if (colon == std::string::npos || at == std::string::npos || fault.substr(0, colon) != role ||
        fault.substr(at + 1) != std::to_string(step))
      continue;
    const auto action = fault.substr(colon + 1, at - colon - 1);
    if (action == "kill") ::raise(SIGKILL);
    if (action == "hang")
      for (;;) ::pause();
  }
}

}  // namespace

void role::narrate(const std::string& text) const {
  ++step_;
  std::cerr << '[' << name_ << ' ' << ::getpid() << " step " << step_ << "] " << text << std::endl;
  inject_fault(name_, step_);
}

std::string role::describe_child(const spawn_result& child) {
  if (child.how != ending::killed && child.how != ending::timed_out) return child.describe();
  // The child's last narrated step: "[child 4243 step 2] opened segment ..."
  std::smatch step;
  std::string last;
  for (auto from = child.err.cbegin();
       std::regex_search(from, child.err.cend(), step, std::regex(R"(\[child \d+ step (\d+)\] ([^\n]*))"));
       from = step.suffix().first)
    last = " at step " + step[1].str() + ": " + step[2].str();
  return child.describe() + (last.empty() ? " before its first step" : last);
}

std::vector<spawn_result> role::spawn_children(const std::vector<std::vector<std::string>>& each_args) const {
  std::vector<spawn_request> requests;
  for (const auto& args : each_args) {
    std::vector<std::string> argv{"child"};
    argv.insert(argv.end(), args.begin(), args.end());
    std::string shown = program_ + " child";
    for (const auto& arg : args) shown += " " + arg;
    narrate("spawning the child role: " + shown);
    requests.push_back({self_executable(), std::move(argv)});
  }
  const char* timeout_ms = std::getenv("IPCLAB_CHILD_TIMEOUT_MS");
  const auto timeout = std::chrono::milliseconds(timeout_ms ? std::atol(timeout_ms) : 20000);
  auto children = spawn_many(requests, {.timeout = timeout});
  for (const auto& child : children) {
    std::cerr << child.err << std::flush;
    std::cout << child.out << std::flush;
    narrate("child " + std::to_string(child.pid) + " " + describe_child(child));
  }
  return children;
}

spawn_result role::spawn_child(const std::vector<std::string>& args) const {
  return spawn_children({args}).front();
}

std::string role::run_child(const std::vector<std::string>& args) const {
  const auto child = spawn_child(args);
  expect(child.succeeded(), "the child role did not exit 0 (" + describe_child(child) + ")");
  return child.out;
}

int run_chapter(int argc, char** argv, const std::function<void(const role&)>& parent,
                const std::function<void(const role&)>& child) {
  const std::string program = std::filesystem::path(argc > 0 ? argv[0] : "chapter").filename();
  auto fail = [&](int code, const std::string& sentence) {
    std::cerr << program << ": error: " << sentence << std::endl;
    return code;
  };
  try {
    std::vector<std::string> args(argv + std::min(argc, 2), argv + argc);
    if (argc < 2) {
      parent(role(program, "parent", {}));
    } else if (std::string_view(argv[1]) == "child") {
      child(role(program, "child", std::move(args)));
    } else {
      throw usage_error("unknown role '" + std::string(argv[1]) + "' (usage: " + program +
                        " to run the lesson, or " + program + " child ARGS... for the child role)");
    }
    return exit_ok;
  } catch (const usage_error& e) {
    return fail(exit_usage, e.what());
  } catch (const not_done_error& e) {
    return fail(exit_invariant, std::string("not done yet: ") + e.what());
  } catch (const invariant_error& e) {
    return fail(exit_invariant, std::string("invariant failed: ") + e.what());
  } catch (const resource_error& e) {
    return fail(exit_resource, e.what());
  } catch (const bip::bad_alloc&) {
    return fail(exit_resource, "a shared memory segment is full: an allocation did not fit (boost::interprocess::bad_alloc)");
  } catch (const bip::interprocess_exception& e) {
    return fail(exit_resource, std::string("interprocess error: ") + e.what());
  } catch (const std::exception& e) {
    return fail(exit_resource, std::string("unexpected error: ") + e.what());
  }
}

void check_object_name(std::string_view name, std::string_view what) {
  constexpr std::size_t longest = 255 - 4;  // NAME_MAX, less "sem." for a named mutex
  if (name.empty()) throw usage_error(std::string(what) + " of an object must not be empty");
  if (name.find('/') != std::string_view::npos)
    throw usage_error(std::string(what) + " '" + std::string(name) +
                      "' contains '/': a shared memory name is a single path component");
  if (name.size() > longest)
    throw usage_error(std::string(what) + " '" + std::string(name.substr(0, 20)) + "...' has " +
                      std::to_string(name.size()) + " characters, more than the " + std::to_string(longest) +
                      " this system allows");
}

unsigned long long parse_number(std::string_view text, std::string_view what, unsigned long long limit) {
  unsigned long long value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error == std::errc::invalid_argument || end != text.data() + text.size())
    throw usage_error("the " + std::string(what) + " '" + std::string(text) + "' is not a decimal number");
  if (error == std::errc::result_out_of_range || value > limit)
    throw usage_error("the " + std::string(what) + " " + std::string(text) + " is out of range (at most " +
                      std::to_string(limit) + ")");
  return value;
}

std::string address_text(const void* address) {
  char text[2 + 2 * sizeof(void*) + 1];
  std::snprintf(text, sizeof text, "%p", address);
  return text;
}

}  // namespace ipclab::harness
