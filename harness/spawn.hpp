#pragma once
/// \file
/// Start a program as a real child process, with a timeout, and say how it ended.

#include <chrono>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>
#include <sys/types.h>

namespace ipclab::harness {

/// How a spawned child ended.
enum class ending {
  exited,           ///< returned from main or called exit(): see spawn_result::exit_code
  killed,           ///< ended by a signal it did not catch: see spawn_result::signal
  timed_out,        ///< still running at the deadline: the harness killed it
  failed_to_start,  ///< never ran: missing executable, no permission, ...
};

/// What spawn() observed.
struct spawn_result {
  ending how = ending::failed_to_start;  ///< how the child ended
  pid_t pid = 0;       ///< the child's process id (0 if it never started)
  int exit_code = -1;  ///< when how == exited
  int signal = 0;      ///< when how == killed, and the one that stopped it when how == timed_out
  std::string out;     ///< everything the child wrote to stdout (when captured)
  std::string err;     ///< everything the child wrote to stderr (when captured)
  std::string start_error;  ///< when how == failed_to_start: why
  std::chrono::milliseconds timeout{};  ///< the deadline it was given
  std::chrono::milliseconds elapsed{};  ///< from start to the end of its output
  int forwarded_signal = 0;  ///< a signal passed on to it (spawn_options::forward_signals), or 0

  /// True when the child exited with code 0.
  bool succeeded() const { return how == ending::exited && exit_code == 0; }
  /// "exited 0", "exited 3", "killed by SIGSEGV", "timed out after 5 s",
  /// "could not start: No such file or directory".
  std::string describe() const;
};

/// How to run the child.
struct spawn_options {
  /// After this long the child and everything it started are stopped: SIGTERM, then SIGKILL.
  std::chrono::milliseconds timeout = std::chrono::seconds(20);
  /// Capture stdout and stderr into the result (true) or let the child write
  /// to ours (false, for a live narrated run).
  bool capture = true;
  /// Variables added to (or replacing in) the inherited environment.
  std::vector<std::pair<std::string, std::string>> environment;
  /// Descriptors the child keeps, under the same numbers (one end of a pipe or
  /// a socketpair, say). Every other descriptor is closed in the child. They
  /// must not be close-on-exec.
  std::vector<int> keep_open;
  /// Pass SIGINT, SIGTERM and SIGHUP that reach this process while the
  /// children run on to each child's process group, and go on waiting. A
  /// child runs in a group of its own, so a Ctrl-C at the terminal reaches
  /// only this process: forwarded, it lets the child clean up before it dies.
  /// The caller decides what to do next (spawn_result::forwarded_signal).
  bool forward_signals = false;
};

/// Runs `program` with `args` (no shell: each argument reaches the child as
/// is, spaces and quotes included) and waits for it, at most `options.timeout`.
///
/// The child gets stdin from /dev/null and its own process group; at the
/// timeout the whole group gets SIGTERM (a chapter program then removes what
/// it created), and a second later SIGKILL, so a grandchild cannot outlive the
/// deadline either. The child is also killed if the spawning process dies.
/// Never throws for anything the child does; a program that cannot be started
/// is reported as ending::failed_to_start.
spawn_result spawn(const std::filesystem::path& program, const std::vector<std::string>& args,
                   const spawn_options& options = {});

/// A program and its arguments, for spawn_many().
struct spawn_request {
  std::filesystem::path program;  ///< the executable
  std::vector<std::string> args;  ///< its arguments, argv[1] onwards
  /// Variables for this child alone, on top of spawn_options::environment
  /// (a variable in both takes this value).
  std::vector<std::pair<std::string, std::string>> environment = {};
};

/// Runs all `requests` at once (each as spawn() would, each with its own
/// deadline) and waits for every one. Results come in the order of `requests`.
std::vector<spawn_result> spawn_many(const std::vector<spawn_request>& requests,
                                     const spawn_options& options = {});

/// The signal's name, "SIGSEGV" for 11.
std::string signal_name(int signal);

/// The running program's own executable, from /proc/self/exe (argv[0] may be
/// relative, a symlink, or anything the caller chose).
std::filesystem::path self_executable();

}  // namespace ipclab::harness
