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

enum slot_kind : int { shm_name, file_path, folder_path };

struct slot {
  std::atomic<int> state{slot_free};
  slot_kind kind = shm_name;
  char name[1024];          // as given, to find the slot again
  char segment_path[1040];  // /dev/shm/NAME (a segment, a shared memory object), or the file or folder
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
    if (entry.state.load() == slot_ready && entry.kind != folder_path) {
      ::unlink(entry.segment_path);  // of a name, one of the two exists; unique names
      if (entry.kind == shm_name) ::unlink(entry.semaphore_path);  // make the other nobody's
    }
  for (auto& entry : slots)
    if (entry.state.load() == slot_ready && entry.kind == folder_path) ::rmdir(entry.segment_path);
  // Die of the same signal: the default action, raised again.
  struct sigaction default_action {};
  default_action.sa_handler = SIG_DFL;
  ::sigaction(signal, &default_action, nullptr);
  errno = saved_errno;
  ::raise(signal);
}

// Claims a free slot for `key`, fills it, and publishes it.
void put_on_list(slot_kind kind, std::string_view key) {
  if (key.size() >= sizeof slot::name - 16) return;  // longer than any name or path the system takes
  for (auto& entry : slots) {
    int expected = slot_free;
    if (!entry.state.compare_exchange_strong(expected, slot_writing)) continue;
    entry.kind = kind;
    copy_joined(entry.name, sizeof entry.name, "", key);
    copy_joined(entry.segment_path, sizeof entry.segment_path, kind == shm_name ? "/dev/shm/" : "", key);
    copy_joined(entry.semaphore_path, sizeof entry.semaphore_path, "/dev/shm/sem.",
                key.substr(0, sizeof entry.semaphore_path - 16));
    entry.state.store(slot_ready);
    return;
  }
}

}  // namespace

void remove_on_signal(std::string_view name) { put_on_list(shm_name, name); }
void remove_file_on_signal(std::string_view path) { put_on_list(file_path, path); }
void remove_folder_on_signal(std::string_view path) { put_on_list(folder_path, path); }

void forget_on_signal(std::string_view name_or_path) {
  for (auto& entry : slots) {
    int expected = slot_ready;
    if (entry.state.load() == slot_ready && name_or_path == entry.name &&
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
