#pragma once
/// \file
/// Chapter 11, readers and writers: what the program and its tests share.

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstddef>
#include <cstring>
#include <iostream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <boost/date_time/posix_time/posix_time_types.hpp>
#include <boost/interprocess/sync/interprocess_upgradable_mutex.hpp>

#include "harness/chapter.hpp"
#include "harness/names.hpp"
#include "harness/segment_owner.hpp"

namespace ipclab::ch11 {

inline constexpr std::size_t segment_size = 64 * 1024;
inline constexpr const char* board_name = "board";
/// How many reader processes the parent starts beside its one writer.
inline constexpr int readers = 3;
/// The most readers a child accepts on its command line.
inline constexpr unsigned long most_readers = 8;
/// How long a child waits for its peers (a lock, or the others reaching a
/// point) before it gives up: far longer than a clean run needs.
inline std::chrono::milliseconds patience() { return harness::patience(std::chrono::milliseconds{2000}); }
/// How long the parent tries the lock a dead reader holds before it gives up.
inline constexpr std::chrono::milliseconds parent_patience{300};
/// What the writer writes, as version 1.
inline constexpr std::string_view news = "version 1, written with no reader inside";

//! [board]
/// What the processes share, constructed by name in the segment. The mutex
/// guards `version` and `text`: readers read them under a sharable lock, the
/// writer changes them under exclusive ownership. The atomics beside it are
/// bookkeeping the processes update *without* the mutex, to see who is inside
/// when (lock-free atomics work across processes that map the same memory).
struct board {
  boost::interprocess::interprocess_upgradable_mutex mutex;  ///< sharable, upgradable or exclusive
  long version = 0;                        ///< guarded: 0, then the writer's 1
  char text[64] = "version 0, nothing written yet";  ///< guarded
  std::atomic<int> readers_inside{0};      ///< readers holding a sharable lock right now
  std::atomic<int> most_readers_inside{0}; ///< the most readers inside at one moment
  std::atomic<bool> writer_waiting{false}; ///< the writer has asked for exclusive ownership
  std::atomic<bool> writer_inside{false};  ///< the writer holds exclusive ownership
  std::atomic<int> readers_at_door{0};     ///< readers that came back while the writer writes
};
//! [board]
static_assert(std::atomic<int>::is_always_lock_free && std::atomic<bool>::is_always_lock_free,
              "the bookkeeping must not hide a process-local lock");

/// What a child is asked to do: `read SEGMENT READERS` or `write SEGMENT
/// READERS` (the lesson: READERS readers and one writer run at once), or
/// `hold MUTEX` (take a sharable lock on the named sharable mutex and die).
struct child_task {
  std::string action, name;
  int readers = 0;  ///< read, write: how many readers run at once (1 to most_readers)
};

/// The child's arguments, checked before it opens anything.
inline child_task parse_child_args(const harness::role& me) {
  const std::string action = me.args().empty() ? "" : me.args()[0];
  if (action == "read" || action == "write") {
    const auto [verb, segment, count] = me.expect_args(action, "SEGMENT", "READERS");
    const auto number = harness::parse_number(count, "number of readers", most_readers);
    if (number == 0) throw harness::usage_error("the number of readers must be at least 1, not 0");
    return {action, segment, static_cast<int>(number)};
  }
  if (action == "hold") {
    const auto [verb, mutex] = me.expect_args("hold", "MUTEX");
    return {action, mutex, 0};
  }
  throw harness::usage_error("the child role takes an action, 'read', 'write' or 'hold', not '" + action + "'");
}

/// Child: a resource_error unless find<board> found the board.
template <class Segment>
void expect_board(const board* found, const Segment& segment, const std::string& segment_name) {
  if (!found) throw harness::missing_object(segment, segment_name, board_name);
}

/// A deadline `wait` from now, for the timed locks. Boost hands it to
/// pthread_cond_timedwait and pthread_mutex_timedlock, which count from 1970
/// on the wall clock: the deadline must be wall-clock (UTC) time.
inline boost::posix_time::ptime deadline_after(std::chrono::milliseconds wait) {
  return boost::posix_time::microsec_clock::universal_time() + boost::posix_time::milliseconds(wait.count());
}

/// A child's failure to get a lock, or to see its peers arrive, within
/// `patience`: a resource that could not be had (exit 3), not a broken
/// invariant. A peer that died or hung is the usual cause, and the parent
/// names that peer; its own "invariant failed" is the run's one verdict.
inline harness::resource_error not_in_time(std::string_view what) {
  return harness::resource_error(harness::text("waited ", patience().count(), " ms for ", what, " in vain"));
}

/// Child: a resource_error unless `got` (a timed lock's result) is true.
inline void expect_in_time(bool got, std::string_view what) {
  if (!got) throw not_in_time(what);
}

/// Waits, polling the board's bookkeeping, until `ready()` holds; a
/// resource_error when `patience` passes first (a peer died or hung).
template <class Ready>
void wait_until(std::string_view what, Ready ready) {
  if (!harness::poll_until(patience(), ready)) throw not_in_time(what);
}

/// Raises `most` to `value` if `value` is larger (another process may raise it at once).
inline void raise_to(std::atomic<int>& most, int value) {
  int seen = most.load();
  while (value > seen && !most.compare_exchange_weak(seen, value)) {
  }
}

/// Reader: counts itself in (readers_inside) and keeps most_readers_inside
/// up to date; returns how many readers are inside with it.
inline int count_in(board& shared) {
  const int inside = ++shared.readers_inside;
  raise_to(shared.most_readers_inside, inside);
  return inside;
}

/// Parent: the children's arguments, `readers` readers and one writer.
inline std::vector<std::vector<std::string>> readers_and_writer(const std::string& segment) {
  std::vector<std::vector<std::string>> roles(readers, {"read", segment, harness::text(readers)});
  roles.push_back({"write", segment, harness::text(readers)});
  return roles;
}

}  // namespace ipclab::ch11
