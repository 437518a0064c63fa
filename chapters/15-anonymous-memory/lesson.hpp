#pragma once
/// \file
/// Chapter 15, memory without a name: what the program and its tests share.

#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <string_view>
#include <thread>

#include <boost/interprocess/interprocess_fwd.hpp>
#include <boost/interprocess/offset_ptr.hpp>

#include "harness/chapter.hpp"
#include "harness/names.hpp"
#include "harness/temp_folder.hpp"

namespace ipclab::ch15 {

/// The anonymous shared memory the parent maps and shares with a forked child.
inline constexpr std::size_t region_size = 4096;
/// What the parent writes there before the fork, and the forked child after it.
inline constexpr unsigned from_parent = 1515;
inline constexpr unsigned from_child = 4242;
/// The process-local heap the chain is built in first, and how much it grows by.
inline constexpr std::size_t heap_size = 8 * 1024;
/// The external buffer the chain is built in next, saved to a file and loaded by a child.
inline constexpr std::size_t buffer_size = 16 * 1024;
/// How many links the chain has: numbers 1 to links.
inline constexpr unsigned links = 5;
inline constexpr const char* chain_name = "chain";
/// The file, in the run's temporary folder, that holds the buffer's bytes.
inline constexpr const char* image_name = "buffer.image";
/// How long the parent waits for its forked child before it kills it.
inline std::chrono::milliseconds patience() { return harness::patience(std::chrono::milliseconds{2000}); }

//! [exchange]
/// What the parent and its forked child share in the anonymous region: the
/// memory starts as zeros, each side writes its own field.
struct exchange {
  unsigned parent_wrote = 0;
  unsigned child_wrote = 0;
  pid_t child = 0;  ///< the forked child's process id, as it saw it
};
//! [exchange]

//! [chain]
/// One link of a chain: its number and the next link. The link is an
/// offset_ptr, the distance from itself to the next link, so the chain holds
/// wherever the bytes of its memory are copied or mapped.
struct link {
  link(unsigned n, boost::interprocess::offset_ptr<link> after) : number(n), next(after) {}
  unsigned number;
  boost::interprocess::offset_ptr<link> next;
};

/// The named object: the first link, and where the memory began in the
/// process that built it (a plain address, valid only there: shown, never followed).
struct chain {
  boost::interprocess::offset_ptr<link> first;
  const void* built_at = nullptr;
};
//! [chain]

/// The numbers of the chain's links, in order: "1 2 3 4 5". Stops after
/// `links` + 1 links, so that a chain broken into a loop cannot hang.
inline std::string walk(const chain& chain) {
  std::string numbers;
  unsigned seen = 0;
  for (const link* at = chain.first.get(); at && seen <= links; at = at->next.get(), ++seen)
    numbers += harness::text(numbers.empty() ? "" : " ", at->number);
  return numbers;
}

/// What walk() returns for a whole chain of `links` links.
inline std::string whole_chain() {
  std::string numbers;
  for (unsigned number = 1; number <= links; ++number) numbers += harness::text(number == 1 ? "" : " ", number);
  return numbers;
}

/// What the loading child prints: the chain it walked.
inline std::string chain_line(std::string_view numbers) { return harness::text("chain ", numbers, "\n"); }

/// What the looking child prints: how many shared anonymous mappings it has.
inline std::string look_line(unsigned shared_anonymous) {
  return harness::text(shared_anonymous, " shared anonymous mappings here\n");
}

/// A region's mode by its name: "read_only", "read_write", ...
inline std::string mode_name(boost::interprocess::mode_t mode) {
  switch (mode) {
    case boost::interprocess::read_only: return "read_only";
    case boost::interprocess::read_write: return "read_write";
    case boost::interprocess::copy_on_write: return "copy_on_write";
    case boost::interprocess::read_private: return "read_private";
    default: return harness::text("mode ", static_cast<int>(mode));
  }
}

/// Memory for a managed_external_buffer, aligned as it asks (to
/// alignof(std::max_align_t)) and zeroed.
class aligned_memory {
 public:
  explicit aligned_memory(std::size_t size)
      : words_(std::make_unique<std::max_align_t[]>((size + sizeof(std::max_align_t) - 1) / sizeof(std::max_align_t))),
        size_(size) {}
  void* data() const { return words_.get(); }
  std::size_t size() const { return size_; }

 private:
  std::unique_ptr<std::max_align_t[]> words_;
  std::size_t size_;
};

/// Writes the bytes of `memory` to `file` (a resource_error when it cannot).
inline void write_image(const std::string& file, const aligned_memory& memory) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out.write(static_cast<const char*>(memory.data()), static_cast<std::streamsize>(memory.size()));
  if (!out.flush()) throw harness::resource_error(harness::text("cannot write the buffer to '", file, "'"));
}

/// Reads `file`, an image of a buffer_size buffer, into new memory of this
/// process's own. A usage_error for a path that is not absolute or a file of
/// another size, a resource_error when it cannot be read.
inline aligned_memory read_image(const std::string& file) {
  if (file.empty()) throw harness::usage_error("the image's path must not be empty");
  if (!std::filesystem::path(file).is_absolute())
    throw harness::usage_error("the image's path '" + file + "' is not absolute");
  std::error_code error;
  const auto size = std::filesystem::file_size(file, error);
  if (error) throw harness::resource_error(harness::text("cannot read the image '", file, "': ", error.message()));
  if (size != buffer_size)
    throw harness::usage_error(
        harness::text("the image '", file, "' holds ", size, " bytes, not the ", buffer_size, " of a buffer"));
  aligned_memory memory(buffer_size);
  std::ifstream in(file, std::ios::binary);
  if (!in.read(static_cast<char*>(memory.data()), static_cast<std::streamsize>(buffer_size)))
    throw harness::resource_error(harness::text("cannot read the image '", file, "'"));
  return memory;
}

/// The line of /proc/self/maps whose range holds `address`, or "" when
/// nothing in this process is mapped there.
inline std::string mapping_at(std::uintptr_t address) {
  std::ifstream maps("/proc/self/maps");
  for (std::string line; std::getline(maps, line);) {
    std::uintptr_t begin = 0, end = 0;
    if (std::sscanf(line.c_str(), "%lx-%lx", &begin, &end) == 2 && begin <= address && address < end) return line;
  }
  return "";
}

/// How many shared anonymous mappings this process has: Linux shows
/// mmap(MAP_SHARED | MAP_ANONYMOUS) as "/dev/zero (deleted)" with an "s" mode.
inline unsigned shared_anonymous_mappings() {
  std::ifstream maps("/proc/self/maps");
  unsigned count = 0;
  for (std::string line; std::getline(maps, line);) {
    char mode[5] = {};
    if (std::sscanf(line.c_str(), "%*lx-%*lx %4s", mode) == 1 && mode[3] == 's' &&
        line.ends_with("/dev/zero (deleted)"))
      ++count;
  }
  return count;
}

/// An address as the parent passes it: "0x" and hex digits.
inline std::uintptr_t parse_address(const std::string& text) {
  const auto digits = std::string_view(text).substr(text.starts_with("0x") ? 2 : text.size());
  if (digits.empty() || digits.size() > 16 || digits.find_first_not_of("0123456789abcdef") != std::string_view::npos)
    throw harness::usage_error("the address '" + text + "' is not 0x and hex digits");
  return std::stoull(std::string(digits), nullptr, 16);
}

/// What a child is asked to do: `look ADDRESS` (is the parent's anonymous
/// memory there?) or `load FILE` (load the buffer's image and walk its chain).
struct child_task {
  std::string action, file;
  std::uintptr_t address = 0;
};

/// The child's arguments, checked before it opens anything.
inline child_task parse_child_args(const harness::role& me) {
  const std::string action = me.args().empty() ? "" : me.args()[0];
  if (action == "look") {
    const auto [verb, address] = me.expect_args("look", "ADDRESS");
    return {action, "", parse_address(address)};
  }
  if (action == "load") {
    const auto [verb, file] = me.expect_args("load", "FILE");
    return {action, file, 0};
  }
  throw harness::usage_error("the child role takes an action, 'look' or 'load', not '" + action + "'");
}

/// Child: the chain find<chain> found, or a resource_error naming what the buffer holds.
template <class Managed>
const chain& expect_chain(const chain* found, const Managed& buffer, const std::string& file) {
  if (!found) throw harness::missing_object(buffer, file, chain_name);
  return *found;
}

/// The exit code a forked child ends with when `body` throws: the chapter's
/// codes, as run_chapter() gives them.
inline int exit_code_of_current_exception() {
  try {
    throw;
  } catch (const harness::usage_error&) {
    return harness::exit_usage;
  } catch (const harness::resource_error&) {
    return harness::exit_resource;
  } catch (...) {
    return harness::exit_invariant;
  }
}

//! [fork]
/// Forks a child that runs `body` and ends with the exit code it returns;
/// waits for it at most `wait` (`patience()`), then kills it. The child shares the
/// parent's mappings, anonymous shared memory too, but is a copy of it in
/// every other way: so it restores the default action of the signals whose
/// handler would remove the parent's files, asks the kernel to kill it when
/// the parent dies, and leaves by _exit(), which runs no destructor of the
/// parent's objects (the owners would remove what the parent still uses).
/// It narrates nothing: its exit status is its report.
template <class Body>
harness::spawn_result run_forked(Body body, std::chrono::milliseconds wait = patience()) {
  std::cout.flush();
  std::cerr.flush();  // or the child's copy of what is still buffered is written twice
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) throw harness::resource_error(harness::text("cannot fork: ", std::strerror(errno)));
  if (pid == 0) {
    for (const int signal : {SIGINT, SIGTERM, SIGHUP, SIGPIPE}) std::signal(signal, SIG_DFL);
    if (::prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || ::getppid() != parent) ::_exit(harness::exit_resource);
    int code = harness::exit_invariant;
    try {
      code = body();
    } catch (...) {
      code = exit_code_of_current_exception();
    }
    ::_exit(code);
  }
  harness::spawn_result forked{.pid = pid, .timeout = wait};
  const auto give_up = std::chrono::steady_clock::now() + wait;
  int status = 0;
  for (pid_t ended = 0; ended != pid;) {
    ended = ::waitpid(pid, &status, WNOHANG);
    if (ended < 0 && errno != EINTR)
      throw harness::resource_error(harness::text("cannot wait for the forked child: ", std::strerror(errno)));
    if (ended == pid) break;
    if (std::chrono::steady_clock::now() > give_up) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      forked.how = harness::ending::timed_out;
      forked.signal = SIGKILL;
      return forked;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  forked.how = WIFEXITED(status) ? harness::ending::exited : harness::ending::killed;
  forked.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  forked.signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
  return forked;
}
//! [fork]

/// Parent: an invariant_error unless the forked child exited 0.
inline void expect_forked_succeeded(const harness::spawn_result& forked) {
  harness::expect(forked.succeeded(), "the forked child ", forked.describe());
}

}  // namespace ipclab::ch15
