#pragma once
/// \file
/// Chapter 10, semaphores: what the program and its tests share.

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstddef>
#include <future>
#include <iostream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <boost/date_time/posix_time/posix_time_types.hpp>
#include <boost/interprocess/sync/interprocess_semaphore.hpp>

#include "harness/chapter.hpp"
#include "harness/names.hpp"
#include "harness/segment_owner.hpp"

namespace ipclab::ch10 {

inline constexpr std::size_t segment_size = 64 * 1024;
inline constexpr const char* ring_name = "ring";
/// How many messages the ring holds at once.
inline constexpr unsigned capacity = 4;
/// How many messages the producer sends: 1, 2, ... messages.
inline constexpr unsigned messages = 10;
static_assert(messages >= capacity + 2, "the producer must find the ring full while the consumer pauses");
/// The initial count of the named semaphore: how many processes it lets through.
inline constexpr unsigned slots = 2;
/// How many children try to take a slot of the named semaphore at once.
inline constexpr unsigned takers = 3;
/// How long a process waits for its peer (a post, or the peer reaching a
/// point) before it gives up: far longer than a clean run needs, and short
/// enough that a run whose peer died fails soon.
inline std::chrono::milliseconds patience() { return harness::patience(std::chrono::milliseconds{2000}); }

//! [ring]
/// The bounded buffer of Boost's doc_anonymous_semaphore_shared_data.hpp: a
/// ring of `capacity` messages in the segment, and three semaphores. `nempty`
/// counts the free slots (the producer waits on it, the consumer posts it),
/// `nstored` the messages in the ring (the other way round), and `mutex`,
/// a semaphore counting 1, lets one process at a time touch the indices.
struct ring {
  boost::interprocess::interprocess_semaphore nempty{capacity};
  boost::interprocess::interprocess_semaphore nstored{0};
  boost::interprocess::interprocess_semaphore mutex{1};
  unsigned items[capacity] = {};  ///< guarded by mutex
  unsigned put = 0;               ///< guarded: how many messages went in
  unsigned taken = 0;             ///< guarded: how many came out
  // Bookkeeping outside the semaphores, so that every run shows both waits:
  std::atomic<unsigned> empty_waits{0};  ///< the consumer found the ring empty and waited
  std::atomic<unsigned> full_waits{0};   ///< the producer found the ring full and waited
};
//! [ring]
static_assert(std::atomic<unsigned>::is_always_lock_free, "the bookkeeping must not hide a process-local lock");

/// What a child is asked to do: `consume SEGMENT` (take every message from
/// the ring), `take NAME` (try once for a slot of the named semaphore) or
/// `hold NAME` (take a slot and die by SIGKILL).
struct child_task {
  std::string action, name;
};

/// The child's arguments, checked before it opens anything.
inline child_task parse_child_args(const harness::role& me) {
  const std::string action = me.args().empty() ? "" : me.args()[0];
  if (action == "consume") {
    const auto [verb, segment] = me.expect_args("consume", "SEGMENT");
    return {action, segment};
  }
  if (action == "take" || action == "hold") {
    const auto [verb, name] = me.expect_args(action, "NAME");
    return {action, name};
  }
  throw harness::usage_error("the child role takes an action, 'consume', 'take' or 'hold', not '" + action + "'");
}

/// Child: the ring find<ring> found, or a resource_error if it found none.
template <class Segment>
ring& expect_ring(ring* found, const Segment& segment, const std::string& segment_name) {
  if (!found) throw harness::missing_object(segment, segment_name, ring_name);
  return *found;
}

/// How many times in a row `semaphore.try_wait()` succeeds: the count it had,
/// which the calls take down to 0.
template <class Semaphore>
unsigned count_try_waits(Semaphore& semaphore) {
  unsigned taken = 0;
  while (semaphore.try_wait()) ++taken;
  return taken;
}

/// A deadline `wait` from now, for timed_wait: Boost hands it to
/// sem_timedwait, which counts on the wall clock, so it is UTC time.
inline boost::posix_time::ptime deadline_after(std::chrono::milliseconds wait) {
  return boost::posix_time::microsec_clock::universal_time() + boost::posix_time::milliseconds(wait.count());
}

/// A resource_error unless `got` (a timed wait's result) is true: no peer
/// posted `what` within `patience` (it died or hung; the parent names it).
inline void expect_in_time(bool got, std::string_view what) {
  if (!got) throw harness::resource_error(harness::text("waited ", patience().count(), " ms for ", what, " in vain"));
}

/// Polls `ready()` every millisecond until it holds (true) or `patience`
/// passes (false).
template <class Ready>
bool wait_until(Ready ready) {
  return harness::poll_until(patience(), ready);
}

/// What the consumer prints: every message in the order it came out.
inline std::string received_line(const std::vector<unsigned>& received) {
  std::string line = "received";
  for (const unsigned message : received) line += harness::text(" ", message);
  return line + "\n";
}

/// The line received_line() prints when messages 1 to `count` came in order.
inline std::string in_order_line(unsigned count) {
  std::vector<unsigned> all;
  for (unsigned message = 1; message <= count; ++message) all.push_back(message);
  return received_line(all);
}

/// What a taker prints.
inline std::string taker_line(bool took) { return took ? "took a slot\n" : "found no slot\n"; }

/// Parent: the arguments of the `takers` children, each `take NAME`.
inline std::vector<std::vector<std::string>> takers_args(const std::string& semaphore) {
  return std::vector(takers, std::vector<std::string>{"take", semaphore});
}

/// Parent: how many of the takers printed that they took a slot.
inline unsigned count_took(const std::vector<harness::spawn_result>& takers) {
  unsigned took = 0;
  for (const harness::spawn_result& taker : takers) took += taker.out == taker_line(true) ? 1 : 0;
  return took;
}

}  // namespace ipclab::ch10
