#pragma once
/// \file
/// Chapter 07, mutexes: the steps the program and its tests share.

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

#include <boost/date_time/posix_time/posix_time_types.hpp>
#include <boost/interprocess/managed_shared_memory.hpp>
#include <boost/interprocess/sync/interprocess_mutex.hpp>
#include <boost/interprocess/sync/named_mutex.hpp>
#include <boost/interprocess/sync/scoped_lock.hpp>

namespace ipclab::ch07 {

using boost::interprocess::interprocess_mutex;
using boost::interprocess::managed_shared_memory;
using boost::interprocess::named_mutex;

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
  interprocess_mutex mutex;  ///< guards `value`
  long value = 0;            ///< one increment per round of every counting child
  long blocks = 0;           ///< blocks allocated, checked and freed: guarded by the named mutex
};
//! [counter]

/// Parent: constructs the counter, named counter_name, in `segment`.
shared_counter& construct_counter(managed_shared_memory& segment);

/// Child: opens the segment; a missing segment is a resource_error naming it.
managed_shared_memory open_segment(const std::string& name);

/// Child: the counter in `segment` (called `segment_name` in messages); a
/// segment without one is a resource_error.
shared_counter& find_counter(managed_shared_memory& segment, const std::string& segment_name);

/// Child: opens the named mutex; a missing one is a resource_error naming it.
named_mutex open_named_mutex(const std::string& name);

/// The ITERATIONS argument: a decimal number, at least 1.
unsigned long parse_iterations(std::string_view text);

/// The two mutexes a child can die holding.
enum class mutex_kind { process_mutex, named_mutex };

/// The KIND argument: "process-mutex" or "named-mutex".
mutex_kind parse_mutex_kind(std::string_view text);

/// The size of the block of round `round`: from 16 to a little over 2000
/// bytes, different from round to round, so the allocator splits and merges.
std::size_t block_size(unsigned long round);

/// Child, under the named mutex: allocates a block of block_size(round) bytes,
/// fills it with `mark`, checks every byte, and deallocates it.
void use_a_block(managed_shared_memory& segment, unsigned long round, unsigned char mark);

/// A deadline `wait` from now for timed_lock(). Boost hands timed_lock's time
/// to pthread_mutex_timedlock / sem_timedwait, which count from 1970 on the
/// wall clock (CLOCK_REALTIME): the deadline must be wall-clock time.
boost::posix_time::ptime deadline_after(std::chrono::milliseconds wait);

}  // namespace ipclab::ch07
