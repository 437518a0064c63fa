#pragma once
/// \file
/// Chapter 12, file locks and recursive mutexes: what the program and its tests share.

#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <string_view>
#include <system_error>

#include <boost/date_time/posix_time/posix_time_types.hpp>
#include <boost/interprocess/sync/interprocess_recursive_mutex.hpp>

#include "harness/chapter.hpp"
#include "harness/names.hpp"
#include "harness/segment_owner.hpp"
#include "harness/temp_folder.hpp"

namespace ipclab::ch12 {

inline constexpr std::size_t segment_size = 64 * 1024;
inline constexpr const char* nesting_name = "nesting";
/// How deep the nesting child's calls go: it locks the recursive mutex this many times.
inline constexpr unsigned long depth = 3;
/// The deepest a child accepts on its command line.
inline constexpr unsigned long most_depth = 64;
/// How long a process waits for a lock before it gives up.
inline std::chrono::milliseconds patience() { return harness::patience(std::chrono::milliseconds{5000}); }
/// The file the processes lock, in the run's temporary folder.
inline constexpr const char* file_name = "shared.txt";
/// What a probe writes to the file without asking for the lock.
inline constexpr std::string_view ignored_line = "written without the lock\n";

//! [nesting]
/// What the nesting child finds in the segment: a recursive mutex, which the
/// process that holds it may lock again (each lock needs its own unlock), and
/// how deep its calls went while they held it.
struct nesting {
  boost::interprocess::interprocess_recursive_mutex mutex;
  unsigned long deepest = 0;  ///< guarded: the deepest level that held the mutex
};
//! [nesting]

/// Creates the empty file `file_name` in `folder`, owner read-write only
/// (file_lock opens an existing file and creates none), and returns its path.
inline std::string create_empty_file(harness::temp_folder& folder) {
  const std::filesystem::path file = folder.file(file_name);
  if (!std::ofstream(file))
    throw harness::resource_error(harness::text("cannot create the file '", file.string(), "'"));
  std::filesystem::permissions(file, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  return file.string();
}

/// The size of `file` in bytes.
inline std::uintmax_t file_size(const std::string& file) { return std::filesystem::file_size(file); }

/// What a child is asked to do: `probe FILE` (try both kinds of file lock and
/// write to the file regardless), `hold FILE` (lock it and die), or `nest
/// SEGMENT MUTEX DEPTH` (lock the recursive mutex DEPTH times).
struct child_task {
  std::string action, file, segment, mutex;
  unsigned long depth = 0;  ///< nest: 1 to most_depth
};

/// The child's arguments, checked before it opens anything.
inline child_task parse_child_args(const harness::role& me) {
  const std::string action = me.args().empty() ? "" : me.args()[0];
  if (action == "probe" || action == "hold") {
    const auto [verb, file] = me.expect_args(action, "FILE");
    harness::check_file_path(file);
    return {action, file, "", "", 0};
  }
  if (action == "nest") {
    const auto [verb, segment, mutex, levels] = me.expect_args("nest", "SEGMENT", "MUTEX", "DEPTH");
    const auto deep = harness::parse_number(levels, "depth", most_depth);
    if (deep == 0) throw harness::usage_error("the depth must be at least 1, not 0");
    return {action, "", segment, mutex, deep};
  }
  throw harness::usage_error("the child role takes an action, 'probe', 'hold' or 'nest', not '" + action + "'");
}

/// Child: a resource_error unless find<nesting> found the nesting.
template <class Segment>
void expect_nesting(const nesting* found, const Segment& segment, const std::string& segment_name) {
  if (!found) throw harness::missing_object(segment, segment_name, nesting_name);
}

/// What a probe prints: what its two tries returned.
inline std::string probe_line(bool exclusive, bool sharable) {
  return harness::text("try_lock ", exclusive, ", try_lock_sharable ", sharable, "\n");
}

/// A deadline `wait` from now, for the timed locks: wall-clock (UTC) time.
inline boost::posix_time::ptime deadline_after(std::chrono::milliseconds wait) {
  return boost::posix_time::microsec_clock::universal_time() + boost::posix_time::milliseconds(wait.count());
}

/// A resource_error unless `got` (a timed lock's result) is true: another
/// process held `what` for all of `patience`.
inline void expect_in_time(bool got, std::string_view what) {
  if (!got) throw harness::resource_error(harness::text("waited ", patience().count(), " ms for ", what, " in vain"));
}

}  // namespace ipclab::ch12
