#pragma once
/// \file
/// What a process removes when a signal stops it. An owner (segment_owner.hpp,
/// temp_folder.hpp) puts what it will remove on a list; when SIGINT, SIGTERM,
/// SIGHUP or SIGPIPE arrives, the handler removes everything on the list
/// (names and files first, then folders) and the process then dies of that
/// signal, so that its exit status still tells why. SIGKILL cannot be caught:
/// the sweep is the answer to it.

#include <string_view>

namespace ipclab::harness {

/// How many names the list holds at once; a name beyond them is not removed
/// by a signal (the sweep still removes it).
inline constexpr int removable_names = 64;

/// Puts `name` (a shared memory object, a managed segment or a POSIX named
/// semaphore: /dev/shm/NAME or /dev/shm/sem.NAME) on the list.
void remove_on_signal(std::string_view name);

/// Puts a file on the list (unlinked).
void remove_file_on_signal(std::string_view path);

/// Puts a folder on the list: removed (rmdir) after every file, so it must
/// hold only files on the list.
void remove_folder_on_signal(std::string_view path);

/// Takes a name, file or folder off the list again (its owner has removed it).
void forget_on_signal(std::string_view name_or_path);

/// Installs the handler for SIGINT, SIGTERM, SIGHUP and SIGPIPE: remove what
/// the list names, then die of the signal. run_chapter() installs it.
void install_signal_cleanup();

}  // namespace ipclab::harness
