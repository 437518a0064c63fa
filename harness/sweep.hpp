#pragma once
/// \file
/// Find and remove the `ipclab` entries in /dev/shm that nobody owns any more.

#include <filesystem>
#include <optional>
#include <string>
#include <vector>
#include <sys/types.h>

namespace ipclab::harness {

/// One `ipclab-*` or `sem.ipclab-*` entry of the shared memory directory.
struct shm_entry {
  std::string file_name;         ///< as in /dev/shm, e.g. "sem.ipclab-ch01-42-0-1a2b3c4d"
  std::optional<pid_t> creator;  ///< read from the name; empty if it does not parse
  bool creator_alive = false;    ///< that process still runs (and is older than the entry)
};

/// The ipclab entries of `directory`, sorted by name.
std::vector<shm_entry> list_ipclab_entries(const std::filesystem::path& directory = "/dev/shm");

/// The entries whose name says `pid` created them.
std::vector<shm_entry> entries_created_by(pid_t pid, const std::filesystem::path& directory = "/dev/shm");

/// True when `pid` names a running process that started no later than `since`
/// (a PID reused by a younger process does not count as the creator).
bool process_alive(pid_t pid, std::filesystem::file_time_type since);

/// The contents of a /proc file, or empty when it cannot be read. A process
/// may end while its /proc entry is read: that is an answer, not an error
/// (std::ifstream would throw from the middle of a read).
std::string read_proc_file(const std::filesystem::path& path);

/// Outcome of a sweep.
struct sweep_report {
  std::vector<shm_entry> removed;   ///< creator dead (or unknown): removed
  std::vector<shm_entry> in_use;    ///< creator still running: left alone
};

/// Removes every ipclab entry of `directory` whose creator is no longer
/// running; entries of live processes are left to them.
sweep_report sweep_stale_entries(const std::filesystem::path& directory = "/dev/shm");

/// Removes, with everything in them, the folders of `directory` (the
/// temporary folder by default) that a temp_folder made (`ipclab-TAG-PID-...`)
/// and whose creator is no longer running. A folder whose name carries no
/// PID is not one of them: it is left alone.
sweep_report sweep_stale_folders(const std::filesystem::path& directory = std::filesystem::temp_directory_path());

}  // namespace ipclab::harness
