#pragma once
/// \file
/// What every chapter program shares: its two roles, its exit codes, its narration.

#include <chrono>
#include <filesystem>
#include <functional>
#include <array>
#include <type_traits>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "harness/interprocess_release.hpp"
#include "harness/spawn.hpp"
#include "harness/text.hpp"

namespace ipclab::harness {

/// Exit codes of every chapter program.
enum exit_code : int {
  exit_ok = 0,              ///< the lesson ran and every invariant held
  exit_invariant = 1,       ///< an invariant did not hold (or an exercise step is not done yet)
  exit_usage = 2,           ///< bad usage or bad input (arguments, handles, names)
  exit_resource = 3,        ///< an interprocess resource could not be had
};

/// Bad usage or input: exit 2. The message is one sentence naming the argument.
struct usage_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};
/// An invariant that did not hold: exit 1.
struct invariant_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};
/// A segment, object or other interprocess resource that could not be had: exit 3.
struct resource_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// The error for an object `segment` (called `segment_name`) does not hold
/// under `name`, naming those it does hold, so that a misspelt name shows:
/// "segment 'x' has no object named 'MyVectr' (it holds 'MyVector')".
template <class Segment>
resource_error missing_object(const Segment& segment, std::string_view segment_name, std::string_view name) {
  std::string held;
  for (auto object = segment.named_begin(); object != segment.named_end(); ++object)
    held += text(held.empty() ? "" : ", ", "'", std::string_view(object->name(), object->name_length()), "'");
  return resource_error(text("segment '", segment_name, "' has no object named '", name, "' (it holds ",
                             held.empty() ? "no named object" : held, ")"));
}

/// A step an exercise's learner has not written yet: exit 1, "not done yet".
struct not_done_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// Marks a step of an exercise starter that the learner replaces with the
/// Boost.Interprocess call it describes: `auto segment =
/// harness::todo<managed_shared_memory>("1: create the segment");`. It
/// compiles, and throws not_done_error when reached.
template <class T = void>
[[noreturn]] T todo(const std::string& step) {
  throw not_done_error("TODO " + step);
}

/// Throws invariant_error with the sentence `why...` (streamed as by text())
/// unless `holds`: `expect(segment.check_sanity(), "check_sanity() failed after the stress")`.
template <class... Why>
void expect(bool holds, const Why&... why) {
  if (!holds) throw invariant_error(text(why...));
}

/// Compares two values; integers of different types compare by value.
template <class Actual, class Expected>
bool same_value(const Actual& actual, const Expected& expected) {
  if constexpr (std::is_integral_v<Actual> && std::is_integral_v<Expected> && !std::is_same_v<Actual, bool>)
    return std::cmp_equal(actual, expected);
  else
    return actual == expected;
}

/// Throws invariant_error unless `actual` equals `expected`, saying
/// "WHAT is ACTUAL, not EXPECTED WHEN": `expect_equal("the counter",
/// counter.value, 40000, ": increments were lost")`.
template <class Actual, class Expected>
void expect_equal(std::string_view what, const Actual& actual, const Expected& expected, std::string_view when = "") {
  if (!same_value(actual, expected))
    throw invariant_error(text(what, " is ", actual, ", not ", expected, when.empty() || when[0] == ':' ? "" : " ", when));
}

/// Throws invariant_error unless `now` is back to `before`, saying "WHAT is
/// NOW, not back to BEFORE WHEN": `expect_back_to("free memory",
/// segment.get_free_memory(), free_before, "after the child's deallocate")`.
template <class Now, class Before>
void expect_back_to(std::string_view what, const Now& now, const Before& before, std::string_view when) {
  if (!same_value(now, before)) throw invariant_error(text(what, " is ", now, ", not back to ", before, " ", when));
}

/// How long a chapter's process waits for a peer before it takes the peer
/// for dead or hung: `usual`, or IPCLAB_PATIENCE_MS milliseconds when that is
/// set. The chaos tests set it: there a peer dies at every step on purpose,
/// and every survivor waits out its patience before it can say so. A value
/// that is not a number of milliseconds (1 to 3600000) is a usage_error.
std::chrono::milliseconds patience(std::chrono::milliseconds usual);

/// Polls `ready()` every millisecond until it holds (true) or `patience`
/// passes (false): how a process waits for a peer's bookkeeping in a segment.
template <class Ready>
bool poll_until(std::chrono::milliseconds patience, Ready ready) {
  const auto give_up = std::chrono::steady_clock::now() + patience;
  while (!ready()) {
    if (std::chrono::steady_clock::now() > give_up) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

/// Throws usage_error unless `file` names a file by an absolute path, as a
/// parent passes the path of a file in its temporary folder to a child.
void check_file_path(const std::string& file);

/// Runs `step`, turning a Boost.Interprocess exception into a resource_error
/// that says which step failed: "cannot open segment 'x': No such file or directory".
template <class Step>
auto attempt(const std::string& step, Step&& run) -> decltype(run());

/// The role a chapter program plays in this process, with what it needs.
class role {
 public:
  /// `program` is the file name for messages, `name` "parent" or "child",
  /// `args` what followed the role on the command line.
  role(std::string program, std::string name, std::vector<std::string> args);

  /// "parent" or "child".
  const std::string& name() const { return name_; }
  /// The arguments after the role, e.g. the child's segment name and handle.
  const std::vector<std::string>& args() const { return args_; }
  /// The arguments, checked to be exactly as many as `names` (e.g. "SEGMENT",
  /// "HANDLE"), and returned as an array: `const auto [name, handle] =
  /// me.expect_args("SEGMENT", "HANDLE");`. An argument called SEGMENT, NAME
  /// or MUTEX names a system-wide object and is checked with check_object_name().
  template <class... Names>
  std::array<std::string, sizeof...(Names)> expect_args(const Names&... names) const {
    const std::array<std::string_view, sizeof...(Names)> wanted{names...};
    check_args(wanted.data(), wanted.size());
    std::array<std::string, sizeof...(Names)> given;
    std::copy(args_.begin(), args_.end(), given.begin());
    return given;
  }

  /// Narrates one numbered step on stderr, its parts streamed as by text():
  /// `me.step("allocated a block at ", block, ", handle ", handle)` prints
  /// "[parent 4242 step 2] allocated a block at 0x7f..., handle 1024". Stdout
  /// stays for what the program produces (the child's message, for instance).
  ///
  /// A part wrapped in fact() is also reported as a fact (see facts.hpp), and
  /// so is the step's number, when the environment asks for facts.
  ///
  /// A step is where a fault can be injected: with IPCLAB_FAULT=child:kill@2
  /// in the environment, the child role kills itself with SIGKILL right after
  /// narrating its step 2; `hang@2` makes it hang there instead, and `int@2`,
  /// `term@2` and `hup@2` send it SIGINT, SIGTERM or SIGHUP there. Several
  /// faults are separated by commas; "parent:" selects the parent role. The
  /// chaos tests use it.
  template <class... Parts>
  void step(const Parts&... parts) const {
    std::vector<std::pair<std::string, std::string>> facts;
    (add_fact(facts, parts), ...);
    narrate(text(parts...), facts);
  }

  /// Spawns this same program as the child role with `args` (argv, no shell),
  /// relays the child's narration and output, and returns how it ended. The
  /// child gets 20 s, or IPCLAB_CHILD_TIMEOUT_MS milliseconds when set.
  spawn_result spawn_child(const std::vector<std::string>& args) const;

  /// How the child ended, with its last narrated step when it did not exit:
  /// "killed by SIGKILL at step 2: opened segment ...".
  static std::string describe_child(const spawn_result& child);

  /// Spawns one child role per entry of `each_args`, all at once, waits for
  /// all, relays their narration and output, and returns how each ended.
  std::vector<spawn_result> spawn_children(const std::vector<std::vector<std::string>>& each_args) const;

  /// spawn_child(), then throws invariant_error unless the child exited 0.
  /// Returns what the child printed on stdout.
  std::string run_child(const std::vector<std::string>& args) const;

 private:
  template <class T>
  static void add_fact(std::vector<std::pair<std::string, std::string>>&, const T&) {}
  template <class T>
  static void add_fact(std::vector<std::pair<std::string, std::string>>& facts, const fact_value<T>& fact) {
    facts.emplace_back(fact.key, text(fact.value));
  }
  void check_args(const std::string_view* names, std::size_t count) const;
  void narrate(const std::string& line, const std::vector<std::pair<std::string, std::string>>& facts) const;

  std::string program_;
  std::string name_;
  std::vector<std::string> args_;
  mutable int step_ = 0;
};

/// For a parent: throws invariant_error naming every child that did not exit
/// 0 (a killed or hung one with the step it reached), so that the first cause
/// shows beside the peers that gave up waiting for it.
void expect_all_succeeded(const std::vector<spawn_result>& children);

/// For a parent: throws invariant_error unless `child`, called `who` ("the
/// holding child"), died of `signal`, as the lesson means it to.
void expect_killed_by(const spawn_result& child, int signal, std::string_view who);

/// Where a run stopped, from the facts it reported: " at step 2: opened
/// segment ..." for the last step that process `pid`, playing `role_name`,
/// narrated, or " before its first step".
std::string where_it_stopped(const spawn_result& run, std::string_view role_name, pid_t pid);

/// A chapter program's main: `PROGRAM` runs the parent role, `PROGRAM child
/// ARGS...` the child role. Maps every failure to one sentence on stderr and
/// the exit codes above; never lets an exception escape.
int run_chapter(int argc, char** argv, const std::function<void(const role&)>& parent,
                const std::function<void(const role&)>& child);

/// Throws usage_error unless `name` can name a shared memory object or a
/// named mutex here: not empty, no '/' (POSIX names are one path component),
/// and short enough that even "sem." + name fits NAME_MAX (255).
void check_object_name(std::string_view name, std::string_view what);

/// Turns text into a handle or size: decimal digits only, no sign, no
/// trailing junk, within `limit`. `what` names the argument in the error.
unsigned long long parse_number(std::string_view text, std::string_view what,
                                unsigned long long limit);

/// Wraps the current Boost.Interprocess exception (rethrown inside) for attempt().
[[noreturn]] void rethrow_as_resource_error(const std::string& step);

template <class Step>
auto attempt(const std::string& step, Step&& run) -> decltype(run()) {
  try {
    return run();
  } catch (...) {
    rethrow_as_resource_error(step);
  }
}

}  // namespace ipclab::harness
