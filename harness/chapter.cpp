#include "harness/chapter.hpp"

#include "harness/facts.hpp"
#include "harness/narration.hpp"
#include "harness/signals.hpp"

#include <boost/interprocess/exceptions.hpp>

#include <algorithm>
#include <charconv>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <sstream>
#include <streambuf>
#include <sys/stat.h>
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
    if (action == "int") ::raise(SIGINT);
    if (action == "term") ::raise(SIGTERM);
    if (action == "hup") ::raise(SIGHUP);
    if (action == "hang")
      for (;;) ::pause();
  }
}

// What a child wrote on stderr, as this process passes it on: facts only
// when ours were asked for, narration presented when this process presents.
std::string relayed_narration(std::string_view err) {
  std::string out;
  std::istringstream lines{std::string(err)};
  for (std::string line; std::getline(lines, line);) {
    if (line.starts_with("@fact "))
      out += facts_wanted() ? line + '\n' : "";
    else if (line.starts_with("[") && presents_narration())
      out += present(line);
    else
      out += line + '\n';
  }
  return out;
}

// True when stdout and stderr are one file (a terminal, or `2>&1`): then a
// child's output, shown in place in the narration, is not printed again.
bool stdout_is_stderr() {
  struct stat out {}, err {};
  return ::fstat(STDOUT_FILENO, &out) == 0 && ::fstat(STDERR_FILENO, &err) == 0 && out.st_dev == err.st_dev &&
         out.st_ino == err.st_ino;
}

// A child's std::cout, when a parent relays it: each line goes to stdout as
// usual, and a copy, "[child PID stdout] LINE", to stderr, between the
// narrated steps where it was printed.
class stdout_in_narration : public std::streambuf {
 public:
  explicit stdout_in_narration(std::streambuf* stdout_buffer) : stdout_(stdout_buffer) {}

 protected:
  int overflow(int c) override {
    if (c == traits_type::eof()) return traits_type::not_eof(c);
    if (stdout_->sputc(static_cast<char>(c)) == traits_type::eof()) return traits_type::eof();
    if (c != '\n') {
      line_ += static_cast<char>(c);
      return c;
    }
    stdout_->pubsync();
    std::cerr << "[child " << ::getpid() << " stdout] " << line_ << std::endl;
    line_.clear();
    return c;
  }
  int sync() override { return stdout_->pubsync(); }

 private:
  std::streambuf* stdout_;
  std::string line_;
};

}  // namespace

void role::narrate(const std::string& line, const std::vector<std::pair<std::string, std::string>>& facts) const {
  ++step_;
  const auto narrated = text('[', name_, ' ', ::getpid(), " step ", step_, "] ", line);
  std::string out = presents_narration() ? present(narrated) : narrated + '\n';
  if (facts_wanted()) {
    out += format_fact(name_, ::getpid(), "step", std::to_string(step_));
    for (const auto& [key, value] : facts) out += format_fact(name_, ::getpid(), key, value);
  }
  std::cerr << out << std::flush;
  inject_fault(name_, step_);
}

std::string where_it_stopped(const spawn_result& run, std::string_view role_name, pid_t pid) {
  const auto steps = facts(run.err).last_steps(role_name);
  const auto last = steps.find(pid);
  if (last == steps.end()) return " before its first step";
  // That step's narrated line: "[child 4243 step 2] opened segment ..."
  const auto prefix = text('[', role_name, ' ', pid, " step ", last->second, "] ");
  const auto at = run.err.find(prefix);
  const auto line = at == std::string::npos
                        ? std::string()
                        : run.err.substr(at + prefix.size(), run.err.find('\n', at) - at - prefix.size());
  return text(" at step ", last->second, ": ", line);
}

std::string role::describe_child(const spawn_result& child) {
  if (child.how != ending::killed && child.how != ending::timed_out) return child.describe();
  return child.describe() + where_it_stopped(child, "child", child.pid);
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
  // And children leave their narration to this process to present.
  auto children = spawn_many(requests, {.timeout = timeout,
                                        .environment = {{facts_variable, "1"}, {relayed_variable, "1"}}});
  for (const auto& child : children) {
    std::cerr << relayed_narration(child.err) << std::flush;
    if (!stdout_is_stderr()) std::cout << child.out << std::flush;  // else the narration showed it
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

void expect_all_succeeded(const std::vector<spawn_result>& children) {
  std::string failed;
  int count = 0;
  for (const spawn_result& child : children)
    if (!child.succeeded()) failed += text(count++ ? "; " : "", "child ", child.pid, " ", role::describe_child(child));
  expect(count == 0, count, " of ", children.size(), " children did not exit 0: ", failed);
}

void expect_killed_by(const spawn_result& child, int signal, std::string_view who) {
  expect(child.how == ending::killed && child.signal == signal, who, " should die by ", signal_name(signal),
         ", but it ", role::describe_child(child));
}

int run_chapter(int argc, char** argv, const std::function<void(const role&)>& parent,
                const std::function<void(const role&)>& child) {
  const std::string program = std::filesystem::path(argc > 0 ? argv[0] : "chapter").filename();
  install_signal_cleanup();  // SIGINT, SIGTERM, SIGHUP, SIGPIPE: remove what the owners hold, then die
  auto fail = [&](int code, const std::string& sentence) {
    std::cerr << program << ": error: " << sentence << std::endl;
    return code;
  };
  try {
    std::vector<std::string> args(argv + std::min(argc, 2), argv + argc);
    if (argc >= 2 && (std::string_view(argv[1]) == "--help" || std::string_view(argv[1]) == "-h")) {
      std::cout << "usage: " << program << "                run the lesson: the parent role, which starts the child\n"
                << "       " << program << " child ARGS...  the child role, as the parent starts it\n"
                << "       " << program << " --help         this text\n\n"
                << "Narration goes to stderr, what the program produces to stdout. Exit codes: 0 every\n"
                   "invariant held, 1 one did not, 2 bad usage or input, 3 an interprocess resource error.\n"
                   "Environment: IPCLAB_FAULT=child:kill@2 (or hang, int, term, hup; parent:...) injects a\n"
                   "fault after a step, IPCLAB_CHILD_TIMEOUT_MS bounds the child (20000 by default),\n"
                   "IPCLAB_PATIENCE_MS bounds a wait for a peer (each chapter has its own default),\n"
                   "IPCLAB_FACTS=1 reports facts for tests, NO_COLOR turns the colours off.\n";
      return exit_ok;
    }
    if (argc < 2) {
      parent(role(program, "parent", {}));
    } else if (std::string_view(argv[1]) == "child") {
      stdout_in_narration tee(std::cout.rdbuf());
      struct restore {  // std::cout must not outlive its buffer: put stdout's back, however this ends
        std::streambuf* buffer;
        ~restore() { std::cout.rdbuf(buffer); }
      } restored{presents_narration() ? std::cout.rdbuf() : std::cout.rdbuf(&tee)};
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

std::chrono::milliseconds patience(std::chrono::milliseconds usual) {
  const char* wanted = std::getenv("IPCLAB_PATIENCE_MS");
  if (!wanted) return usual;
  return std::chrono::milliseconds(std::max(1ULL, parse_number(wanted, "patience IPCLAB_PATIENCE_MS", 3600000)));
}

void check_file_path(const std::string& file) {
  if (file.empty()) throw usage_error("the file's path must not be empty");
  if (!std::filesystem::path(file).is_absolute()) throw usage_error("the file's path '" + file + "' is not absolute");
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
