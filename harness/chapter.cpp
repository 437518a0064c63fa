#include "harness/chapter.hpp"

#include "harness/facts.hpp"

#include <boost/interprocess/exceptions.hpp>

#include <charconv>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <sstream>
#include <unistd.h>

namespace ipclab::harness {
namespace bip = boost::interprocess;

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

void role::check_args(const std::string_view* names, std::size_t count) const {
  if (args_.size() != count) {
    std::string usage = "usage: " + program_ + " " + name_;
    for (std::size_t i = 0; i < count; ++i) usage.append(" ").append(names[i]);
    throw usage_error(text("the ", name_, " role takes ", count, count == 1 ? " argument" : " arguments",
                           " but got ", args_.size(), " (", usage, ")"));
  }
  for (std::size_t i = 0; i < count; ++i)
    if (names[i] == "SEGMENT" || names[i] == "NAME" || names[i] == "MUTEX") check_object_name(args_[i], "the name");
}

namespace {

// Carries out IPCLAB_FAULT (see role::step) for `role` at `step`.
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

void role::narrate(const std::string& line, const std::vector<std::pair<std::string, std::string>>& facts) const {
  ++step_;
  std::string out = text('[', name_, ' ', ::getpid(), " step ", step_, "] ", line, '\n');
  if (facts_wanted()) {
    out += format_fact(name_, ::getpid(), "step", std::to_string(step_));
    for (const auto& [key, value] : facts) out += format_fact(name_, ::getpid(), key, value);
  }
  std::cerr << out << std::flush;
  inject_fault(name_, step_);
}

std::string role::describe_child(const spawn_result& child) {
  if (child.how != ending::killed && child.how != ending::timed_out) return child.describe();
  // The child's last step, from its facts, and that step's narrated line.
  const auto steps = facts(child.err).last_steps("child");
  const auto last = steps.find(child.pid);
  if (last == steps.end()) return child.describe() + " before its first step";
  const auto prefix = text("[child ", child.pid, " step ", last->second, "] ");
  const auto at = child.err.find(prefix);
  const auto line = at == std::string::npos ? std::string()
                                            : child.err.substr(at + prefix.size(),
                                                               child.err.find('\n', at) - at - prefix.size());
  return text(child.describe(), " at step ", last->second, ": ", line);
}

std::vector<spawn_result> role::spawn_children(const std::vector<std::vector<std::string>>& each_args) const {
  std::vector<spawn_request> requests;
  for (const auto& args : each_args) {
    std::vector<std::string> argv{"child"};
    argv.insert(argv.end(), args.begin(), args.end());
    std::string shown = program_ + " child";
    for (const auto& arg : args) shown += " " + arg;
    step("spawning the child role: ", shown);
    requests.push_back({self_executable(), std::move(argv)});
  }
  const char* timeout_ms = std::getenv("IPCLAB_CHILD_TIMEOUT_MS");
  const auto timeout = std::chrono::milliseconds(timeout_ms ? std::atol(timeout_ms) : 20000);
  // Children always report their facts: describe_child() reads the step a
  // child reached from them. They are relayed only when ours were asked for.
  auto children = spawn_many(requests, {.timeout = timeout, .environment = {{facts_variable, "1"}}});
  for (const auto& child : children) {
    std::cerr << (facts_wanted() ? child.err : without_facts(child.err)) << std::flush;
    std::cout << child.out << std::flush;
    step("child ", child.pid, " ", describe_child(child));
  }
  return children;
}

spawn_result role::spawn_child(const std::vector<std::string>& args) const {
  return spawn_children({args}).front();
}

std::string role::run_child(const std::vector<std::string>& args) const {
  const auto child = spawn_child(args);
  expect(child.succeeded(), "the child role did not exit 0 (", describe_child(child), ")");
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

}  // namespace ipclab::harness
