#pragma once
/// \file
/// Chapter 07, mutexes: what the program and its tests share.

#include <chrono>
#include <csignal>
#include <cstddef>
#include <string>
#include <string_view>

#include <boost/date_time/posix_time/posix_time_types.hpp>
#include <boost/interprocess/sync/interprocess_mutex.hpp>

#include "harness/chapter.hpp"
#include "harness/names.hpp"
#include "harness/segment_owner.hpp"

namespace ipclab::ch07 {

inline constexpr std::size_t segment_size = 64 * 1024;
inline constexpr const char* counter_name = "counter";
/// How many counting children the parent starts at once.
inline constexpr int counting_children = 4;
/// How many rounds each counting child of the parent role counts: a round
/// takes about a microsecond, so the four contend for some 10 ms each (longer
/// than it takes to start them) and the whole run stays well under a second.
inline constexpr unsigned long parent_iterations = 10000;
/// How long the parent waits for a lock before it calls the mutex stuck.
inline constexpr std::chrono::milliseconds patience{300};

//! [counter]
/// What the processes share, constructed by name in the segment: a count and
/// the mutex that guards it, side by side. An interprocess_mutex lives *in*
/// shared memory: every process that maps the segment locks the same one.
struct shared_counter {
  boost::interprocess::interprocess_mutex mutex;  ///< guards `value`
  long value = 0;   ///< one increment per round of every counting child
  long blocks = 0;  ///< blocks allocated, checked and freed: guarded by the named mutex
};
//! [counter]

/// What a child is asked to do: `count SEGMENT MUTEX ITERATIONS` (the lesson)
/// or `hold SEGMENT MUTEX KIND` (lock the `process-mutex` or the
/// `named-mutex` and die holding it).
struct child_task {
  std::string action, segment, mutex;
  unsigned long iterations = 0;  ///< count: at least 1
  bool holds_named_mutex = false;  ///< hold: the named mutex, not the counter's
};

/// The child's arguments, checked before it opens anything.
inline child_task parse_child_args(const harness::role& me) {
  const std::string action = me.args().empty() ? "" : me.args()[0];
  if (action == "count") {
    const auto [count, segment, mutex, iterations] = me.expect_args("count", "SEGMENT", "MUTEX", "ITERATIONS");
    const auto rounds = harness::parse_number(iterations, "number of iterations", 1'000'000'000);
    if (rounds == 0) throw harness::usage_error("the number of iterations must be at least 1, not 0");
    return {action, segment, mutex, rounds, false};
  }
  if (action == "hold") {
    const auto [hold, segment, mutex, kind] = me.expect_args("hold", "SEGMENT", "MUTEX", "KIND");
    if (kind != "process-mutex" && kind != "named-mutex")
      throw harness::usage_error("the mutex kind is 'process-mutex' or 'named-mutex', not '" + kind + "'");
    return {action, segment, mutex, 0, kind == "named-mutex"};
  }
  throw harness::usage_error("the child role takes an action, 'count' or 'hold', not '" + action + "'");
}

/// Child: a resource_error unless find<shared_counter> found the counter.
template <class Segment>
void expect_counter(const shared_counter* counter, const Segment& segment, const std::string& segment_name) {
  if (!counter) throw harness::missing_object(segment, segment_name, counter_name);
}

/// The size of the block of round `round`: from 16 to a little over 2000
/// bytes, different from round to round, so the allocator splits and merges.
inline std::size_t block_size(unsigned long round) { return 16 + (round * 97) % 2000; }

/// The index of the first of `size` bytes that is not `mark`, or `size`.
inline std::size_t first_byte_not(const void* block, std::size_t size, unsigned char mark) {
  const auto* bytes = static_cast<const unsigned char*>(block);
  std::size_t intact = 0;
  while (intact < size && bytes[intact] == mark) ++intact;
  return intact;
}

/// A deadline `wait` from now for timed_lock(). Boost hands timed_lock's time
/// to pthread_mutex_timedlock / sem_timedwait, which count from 1970 on the
/// wall clock (CLOCK_REALTIME): the deadline must be wall-clock time.
inline boost::posix_time::ptime deadline_after(std::chrono::milliseconds wait) {
  return boost::posix_time::microsec_clock::universal_time() + boost::posix_time::milliseconds(wait.count());
}

}  // namespace ipclab::ch07
