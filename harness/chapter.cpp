#include "harness/chapter.hpp"

#include <boost/interprocess/exceptions.hpp>

#include <charconv>
#include <cstdio>
#include <iostream>
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
  return args_;
}

void role::narrate(const std::string& text) const {
  std::cerr << '[' << name_ << ' ' << ::getpid() << "] " << text << std::endl;
}

spawn_result role::spawn_child(const std::vector<std::string>& args) const {
  std::vector<std::string> argv{"child"};
  argv.insert(argv.end(), args.begin(), args.end());
  std::string shown = program_ + " child";
  for (const auto& arg : args) shown += " " + arg;
  narrate("spawning the child role: " + shown);
  auto child = spawn(self_executable(), argv);
  std::cerr << child.err << std::flush;
  std::cout << child.out << std::flush;
  narrate("child " + child.describe());
  return child;
}

std::string role::run_child(const std::vector<std::string>& args) const {
  const auto child = spawn_child(args);
  expect(child.succeeded(), "the child role ended (" + child.describe() + ") instead of exiting 0");
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
  } catch (const bip::interprocess_exception& e) {
    return fail(exit_resource, std::string("interprocess error: ") + e.what());
  } catch (const std::exception& e) {
    return fail(exit_resource, std::string("unexpected error: ") + e.what());
  }
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
