// The one translation unit that includes Boost.Process v2 and Asio: they are
// heavy, and nothing in spawn.hpp needs them.
#include "harness/spawn.hpp"

// Boost 1.81's Process v2 with BOOST_PROCESS_USE_STD_FS (std::filesystem, so
// that no Boost.Filesystem library is linked) forgets a few declarations in
// that configuration: boost/optional.hpp, and std traits it names unqualified.
#include <boost/optional.hpp>
#include <type_traits>
namespace boost::process::v2 {
using std::is_constructible;
using std::is_convertible;
using std::remove_pointer;
}  // namespace boost::process::v2

#include <boost/asio/io_context.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/readable_pipe.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/process/v2/environment.hpp>
// ...and, header-only, never includes the definition of process_environment's
// launcher hook. This is the only translation unit that includes it.
#include <boost/process/v2/impl/environment.ipp>
#include <boost/process/v2/process.hpp>
#include <boost/process/v2/stdio.hpp>

#include <algorithm>
#include <functional>
#include <csignal>
#include <fcntl.h>
#include <linux/close_range.h>
#include <memory>
#include <optional>
#include <cstring>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace ipclab::harness {
namespace asio = boost::asio;
namespace bp = boost::process::v2;

namespace {

// Runs in the child between fork and exec: a process group of its own (so a
// timeout can kill the child and its children at once), and death when the
// spawning process dies (so a crashed test leaves no orphan holding a segment).
//
// It also makes sure that the child inherits no descriptor but stdin, stdout,
// stderr and spawn_options::keep_open. Process v2 in Boost 1.81 means to close
// all the others, but its Linux close_all() (posix/detail/close_handles.ipp)
// compares each whitelisted descriptor with itself instead of the next one, so
// it closes only the descriptors above the highest whitelisted one: every
// descriptor of the parent below that (the launcher's own exec-error pipe is
// always whitelisted) leaked into the child, where, say, a kept pipe's other
// end would keep the pipe from ever reaching end of file. Here every other
// descriptor is marked close-on-exec before Boost's close_all() runs.
struct own_group_and_die_with_parent {
  std::vector<int> keep_open;  // spawn_options::keep_open, sorted in on_setup
  pid_t spawner = ::getpid();  // taken in the parent, before the fork

  // Before the fork, in the parent.
  bp::error_code on_setup(bp::posix::default_launcher& launcher, const bp::filesystem::path&,
                          const char* const*) {
    std::sort(keep_open.begin(), keep_open.end());
    launcher.fd_whitelist.insert(launcher.fd_whitelist.end(), keep_open.begin(), keep_open.end());
    return {};
  }
  bp::error_code on_exec_setup(bp::posix::default_launcher&, const bp::filesystem::path&,
                               const char* const*) {
    if (::setpgid(0, 0) != 0 || ::prctl(PR_SET_PDEATHSIG, SIGKILL) != 0)
      return bp::error_code(errno, bp::system_category());
    // The spawner may have died between fork and prctl: then no signal comes.
    if (::getppid() != spawner) return bp::error_code(ESRCH, bp::system_category());
    unsigned first = 3;  // after stdin, stdout, stderr
    for (const int fd : keep_open) {
      if (fd < 3) continue;
      if (static_cast<unsigned>(fd) > first && ::close_range(first, fd - 1, CLOSE_RANGE_CLOEXEC) != 0)
        return bp::error_code(errno, bp::system_category());
      if (::fcntl(fd, F_SETFD, 0) != 0) return bp::error_code(errno, bp::system_category());
      first = std::max(first, static_cast<unsigned>(fd) + 1);
    }
    if (::close_range(first, ~0U, CLOSE_RANGE_CLOEXEC) != 0) return bp::error_code(errno, bp::system_category());
    return {};
  }
};

std::vector<std::string> environment_with(
    const std::vector<std::pair<std::string, std::string>>& changes) {
  std::vector<std::string> result;
  for (char** entry = environ; *entry; ++entry) {
    const std::string_view line(*entry);
    const auto key = line.substr(0, line.find('='));
    bool replaced = false;
    for (const auto& change : changes) replaced = replaced || change.first == key;
    if (!replaced) result.emplace_back(line);
  }
  // A later change of one variable wins (a request's own over the options').
  for (auto change = changes.begin(); change != changes.end(); ++change) {
    const auto overridden = std::any_of(change + 1, changes.end(),
                                        [&](const auto& later) { return later.first == change->first; });
    if (!overridden) result.push_back(change->first + '=' + change->second);
  }
  return result;
}

// Reads a pipe to its end into `sink`, then calls `done`.
template <class Done>
void drain(asio::readable_pipe& pipe, std::string& sink, Done done) {
  asio::async_read(pipe, asio::dynamic_buffer(sink),
                   [done](const bp::error_code&, std::size_t) { done(); });
}

}  // namespace

std::string spawn_result::describe() const {
  switch (how) {
    case ending::exited: return "exited " + std::to_string(exit_code);
    case ending::killed: return "killed by " + signal_name(signal);
    case ending::timed_out: {
      const auto ms = timeout.count();
      return "timed out after " +
             (ms % 1000 == 0 ? std::to_string(ms / 1000) + " s" : std::to_string(ms) + " ms");
    }
    case ending::failed_to_start: return "could not start: " + start_error;
  }
  return "ended in an unknown way";
}

std::string signal_name(int signal) {
  const char* abbrev = ::sigabbrev_np(signal);
  return abbrev ? std::string("SIG") + abbrev : "signal " + std::to_string(signal);
}

std::filesystem::path self_executable() { return std::filesystem::read_symlink("/proc/self/exe"); }

namespace {

// How long a child has after SIGTERM at its deadline before SIGKILL.
constexpr auto kill_grace = std::chrono::milliseconds(1000);

// One child of a spawn_many() call: its process, pipes and deadline, all
// driven by the caller's io_context.
class running_child {
 public:
  running_child(asio::io_context& context, const spawn_request& request, const spawn_options& options)
      : out_(context), err_(context), deadline_(context, options.timeout) {
    result.timeout = options.timeout;
    try {
      auto changes = options.environment;
      changes.insert(changes.end(), request.environment.begin(), request.environment.end());
      const auto environment = environment_with(changes);
      if (options.capture)
        process_.emplace(context, request.program, request.args, bp::process_stdio{nullptr, out_, err_},
                         bp::process_environment(environment), own_group_and_die_with_parent{options.keep_open});
      else
        process_.emplace(context, request.program, request.args, bp::process_stdio{nullptr, {}, {}},
                         bp::process_environment(environment), own_group_and_die_with_parent{options.keep_open});
    } catch (const bp::system_error& e) {
      result.how = ending::failed_to_start;
      result.start_error = request.program.string() + ": " + e.code().message();
      return;
    }
    result.pid = process_->id();
    // The run is over when the child has exited and both pipes are closed: a
    // grandchild may still hold them. Until then the deadline may fire, and
    // then the child's whole process group is killed.
    pending_ = options.capture ? 3 : 1;
    // At the deadline SIGTERM, so that a chapter program removes what it
    // created; whatever still runs a grace period later, SIGKILL.
    deadline_.async_wait([this](const bp::error_code& cancelled) {
      if (cancelled) return;
      timed_out_ = true;
      ::kill(-result.pid, SIGTERM);
      deadline_.expires_after(kill_grace);
      deadline_.async_wait([this](const bp::error_code& cancelled) {
        if (!cancelled) ::kill(-result.pid, SIGKILL);
      });
    });
    process_->async_wait([this](const bp::error_code&, int) { one_done(); });
    if (options.capture) {
      drain(out_, result.out, [this] { one_done(); });
      drain(err_, result.err, [this] { one_done(); });
    }
  }

  // After the io_context has run: how the child ended.
  spawn_result finish(std::chrono::steady_clock::time_point started) {
    if (!process_) return result;
    const int status = process_->native_exit_code();
    result.elapsed =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
    if (timed_out_) {
      result.how = ending::timed_out;
      result.signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
    } else if (WIFSIGNALED(status)) {
      result.how = ending::killed;
      result.signal = WTERMSIG(status);
    } else {
      result.how = ending::exited;
      result.exit_code = WEXITSTATUS(status);
    }
    return result;
  }

  spawn_result result;

  /// Calls `ended` once the child has ended (at once if it never started).
  void on_end(std::function<void()> ended) {
    if (!process_ || pending_ == 0)
      ended();
    else
      ended_ = std::move(ended);
  }

 private:
  void one_done() {
    if (--pending_ > 0) return;
    deadline_.cancel();
    if (ended_) ended_();
  }

  asio::readable_pipe out_, err_;
  asio::steady_timer deadline_;
  std::optional<bp::process> process_;
  int pending_ = 0;
  bool timed_out_ = false;
  std::function<void()> ended_;
};

}  // namespace

std::vector<spawn_result> spawn_many(const std::vector<spawn_request>& requests, const spawn_options& options) {
  const auto started = std::chrono::steady_clock::now();
  asio::io_context context;
  std::vector<std::unique_ptr<running_child>> children;
  for (const auto& request : requests) children.push_back(std::make_unique<running_child>(context, request, options));
  // Signals to pass on: the set lives as long as the children run, then goes
  // (and with it, its handlers) once the last of them has ended.
  int forwarded = 0;
  std::optional<asio::signal_set> signals;
  std::size_t running = children.size();
  // Passes a signal on, then waits for the next; it lives until context.run() returns.
  std::function<void(const bp::error_code&, int)> pass_on = [&](const bp::error_code& cancelled, int signal) {
    if (cancelled) return;
    forwarded = signal;
    for (auto& child : children)
      if (child->result.pid > 0) ::kill(-child->result.pid, signal);
    signals->async_wait(pass_on);
  };
  if (options.forward_signals) {
    signals.emplace(context, SIGINT, SIGTERM, SIGHUP);
    signals->async_wait(pass_on);
    for (auto& child : children)
      child->on_end([&] {
        if (--running == 0) signals->cancel();
      });
  }
  context.run();
  std::vector<spawn_result> results;
  for (auto& child : children) {
    results.push_back(child->finish(started));
    results.back().forwarded_signal = forwarded;
  }
  return results;
}

spawn_result spawn(const std::filesystem::path& program, const std::vector<std::string>& args,
                   const spawn_options& options) {
  return spawn_many({{program, args}}, options).front();
}

}  // namespace ipclab::harness
