#pragma once
/// \file
/// What a process removes when a signal stops it. An owner (segment_owner.hpp)
/// puts the name it will remove on a list; when SIGINT, SIGTERM, SIGHUP or
/// SIGPIPE arrives, the handler removes every name on the list and the process
/// then dies of that signal, so that its exit status still tells why. SIGKILL
/// cannot be caught: the /dev/shm sweep is the answer to it.

#include <string_view>

namespace ipclab::harness {

/// How many names the list holds at once; a name beyond them is not removed
/// by a signal (the sweep still removes it).
inline constexpr int removable_names = 64;

/// Puts `name` (a shared memory object, a managed segment or a POSIX named
/// semaphore: /dev/shm/NAME or /dev/shm/sem.NAME) on the list.
void remove_on_signal(std::string_view name);

/// Takes `name` off the list again (its owner has removed it).
void forget_on_signal(std::string_view name);

/// Installs the handler for SIGINT, SIGTERM, SIGHUP and SIGPIPE: remove what
/// the list names, then die of the signal. run_chapter() installs it.
void install_signal_cleanup();

}  // namespace ipclab::harness
