#include "harness/signals.hpp"

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <unistd.h>

namespace ipclab::harness {
namespace {

// A signal handler may only call async-signal-safe functions: no allocation,
// no locks, no Boost. So the list is a fixed table of ready-made paths, and
// the handler unlink()s them. A slot is claimed, written, then published.
enum slot_state : int { slot_free, slot_writing, slot_ready };

struct slot {
  std::atomic<int> state{slot_free};
  char name[256];           // as given, to find the slot again
  char segment_path[272];   // /dev/shm/NAME: shared memory objects and segments
  char semaphore_path[272]; // /dev/shm/sem.NAME: named_mutex, named_semaphore
};

slot slots[removable_names];

void copy_joined(char* to, std::size_t size, const char* prefix, std::string_view name) {
  const std::size_t prefix_length = std::strlen(prefix);
  const std::size_t name_length = std::min(name.size(), size - prefix_length - 1);
  std::memcpy(to, prefix, prefix_length);
  std::memcpy(to + prefix_length, name.data(), name_length);
  to[prefix_length + name_length] = '\0';
}

void remove_and_die(int signal) {
  const int saved_errno = errno;  // a handler leaves errno as it found it (one unlink below always fails)
  for (auto& entry : slots)
    if (entry.state.load() == slot_ready) {
      ::unlink(entry.segment_path);    // one of the two exists; unique names make
      ::unlink(entry.semaphore_path);  // the other one nobody's
    }
  // Die of the same signal: the default action, raised again.
  struct sigaction default_action {};
  default_action.sa_handler = SIG_DFL;
  ::sigaction(signal, &default_action, nullptr);
  errno = saved_errno;
  ::raise(signal);
}

}  // namespace

void remove_on_signal(std::string_view name) {
  if (name.size() >= sizeof slot::name) return;  // longer than any name the system takes
  for (auto& entry : slots) {
    int expected = slot_free;
    if (!entry.state.compare_exchange_strong(expected, slot_writing)) continue;
    copy_joined(entry.name, sizeof entry.name, "", name);
    copy_joined(entry.segment_path, sizeof entry.segment_path, "/dev/shm/", name);
    copy_joined(entry.semaphore_path, sizeof entry.semaphore_path, "/dev/shm/sem.", name);
    entry.state.store(slot_ready);
    return;
  }
}

void forget_on_signal(std::string_view name) {
  for (auto& entry : slots) {
    int expected = slot_ready;
    if (entry.state.load() == slot_ready && name == entry.name &&
        entry.state.compare_exchange_strong(expected, slot_writing)) {
      entry.state.store(slot_free);
      return;
    }
  }
}

void install_signal_cleanup() {
  struct sigaction action {};
  action.sa_handler = remove_and_die;
  sigemptyset(&action.sa_mask);
  for (const int signal : {SIGINT, SIGTERM, SIGHUP, SIGPIPE}) sigaddset(&action.sa_mask, signal);
  for (const int signal : {SIGINT, SIGTERM, SIGHUP, SIGPIPE}) ::sigaction(signal, &action, nullptr);
}

}  // namespace ipclab::harness
