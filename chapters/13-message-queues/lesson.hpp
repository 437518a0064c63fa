#pragma once
/// \file
/// Chapter 13, message queues: what the program and its tests share.

#include <array>
#include <chrono>
#include <csignal>
#include <cstddef>
#include <cstdint>
#include <future>
#include <iostream>
#include <string>
#include <string_view>
#include <thread>
#include <type_traits>
#include <vector>

#include <boost/date_time/posix_time/posix_time_types.hpp>

#include "harness/chapter.hpp"
#include "harness/names.hpp"
#include "harness/segment_owner.hpp"

namespace ipclab::ch13 {

/// How many messages the queue holds at once: fewer than the producers send.
inline constexpr unsigned capacity = 4;
/// How many producer children send at once, and how many orders each sends.
inline constexpr unsigned producers = 3;
inline constexpr unsigned per_producer = 3;
static_assert(producers * per_producer > capacity, "the producers must find the queue full");
/// The highest producer number a child accepts (its priority, too).
inline constexpr unsigned long most_producer = 99;
/// How long a process waits for its peer before it gives up: far longer than
/// a clean run needs, short enough that a run whose peer died fails soon.
inline std::chrono::milliseconds patience() { return harness::patience(std::chrono::milliseconds{2000}); }
/// The longest wait a receiving child accepts on its command line.
inline constexpr unsigned long most_wait_ms = 60000;
/// How long the dying receiver waits in receive before it is killed.
inline constexpr std::chrono::milliseconds death_after{200};

//! [order]
/// One message: three numbers and nothing else. A message_queue copies bytes
/// (memcpy in, memcpy out), so only a trivially copyable type survives the
/// trip; a std::string would arrive as a pointer into the sender's heap. No
/// padding either, so that equal orders are equal bytes.
struct order {
  std::uint32_t producer = 0;  ///< who sent it: 1 to most_producer, 0 for the burst
  std::uint32_t sequence = 0;  ///< its place in its sender's sending order, from 1
  std::uint32_t priority = 0;  ///< the priority it was sent with
};
//! [order]
static_assert(std::is_trivially_copyable_v<order> && std::has_unique_object_representations_v<order>);
static_assert(!std::is_trivially_copyable_v<std::string>, "a std::string cannot travel as bytes");

//! [burst]
/// What the burst child sends, in this order: (sequence, priority) pairs.
/// Received highest priority first, first in first out within a priority.
inline constexpr std::array<std::pair<std::uint32_t, std::uint32_t>, capacity> burst{
    {{1, 0}, {2, 5}, {3, 1}, {4, 5}}};
/// The sequences of the burst as they must come out.
inline const std::vector<std::uint32_t> burst_received{2, 4, 3, 1};
//! [burst]

/// What a child is asked to do: `produce QUEUE INDEX` (send per_producer
/// orders at priority INDEX, waiting while the queue is full), `burst QUEUE`
/// (send the burst), `die QUEUE` (wait in receive and be killed there) or
/// `take QUEUE MS` (receive one order, waiting at most MS milliseconds).
struct child_task {
  std::string action, queue;
  unsigned long number = 0;  ///< produce: the producer; take: the wait in ms
};

/// The child's arguments, checked before it opens anything.
inline child_task parse_child_args(const harness::role& me) {
  const std::string action = me.args().empty() ? "" : me.args()[0];
  if (action == "produce" || action == "take") {
    const bool produce = action == "produce";
    const auto [verb, queue, text] = me.expect_args(action, "QUEUE", produce ? "INDEX" : "MS");
    harness::check_object_name(queue, "the queue's name");
    const auto number = harness::parse_number(text, produce ? "producer" : "wait",
                                              produce ? most_producer : most_wait_ms);
    if (number == 0)
      throw harness::usage_error(harness::text("the ", produce ? "producer" : "wait", " must be at least 1, not 0"));
    return {action, queue, number};
  }
  if (action == "burst" || action == "die") {
    const auto [verb, queue] = me.expect_args(action, "QUEUE");
    harness::check_object_name(queue, "the queue's name");
    return {action, queue, 0};
  }
  throw harness::usage_error("the child role takes an action, 'produce', 'burst', 'die' or 'take', not '" + action +
                             "'");
}

/// Child: a resource_error unless the queue carries orders: its messages are
/// sizeof(order) bytes at most (a receive buffer must be as large as that).
template <class Queue>
void expect_order_queue(const Queue& queue, const std::string& name) {
  if (queue.get_max_msg_size() != sizeof(order))
    throw harness::resource_error(harness::text("queue '", name, "' carries messages of up to ",
                                                queue.get_max_msg_size(), " bytes, not orders of ", sizeof(order)));
}

/// A deadline `wait` from now for timed_send and timed_receive: wall-clock
/// (UTC) time, as the condition variable under them counts it.
inline boost::posix_time::ptime deadline_after(std::chrono::milliseconds wait) {
  return boost::posix_time::microsec_clock::universal_time() + boost::posix_time::milliseconds(wait.count());
}

/// A resource_error unless `got` (a timed call's result) is true.
inline void expect_in_time(bool got, std::string_view what, std::chrono::milliseconds waited = std::chrono::milliseconds(0)) {
  const auto wait = waited.count() ? waited : patience();
  if (!got) throw harness::resource_error(harness::text("waited ", wait.count(), " ms for ", what, " in vain"));
}

/// Polls `ready()` every millisecond until it holds (true) or `patience` passes (false).
template <class Ready>
bool wait_until(Ready ready) {
  return harness::poll_until(patience(), ready);
}

/// True when the work behind `future` has ended (the producers, say).
template <class T>
bool ended(const std::future<T>& future) {
  return future.wait_for(std::chrono::seconds(0)) == std::future_status::ready;
}

/// Parent: the arguments of the producers, `produce QUEUE 1` to `produce QUEUE producers`.
inline std::vector<std::vector<std::string>> producers_args(const std::string& queue) {
  std::vector<std::vector<std::string>> all;
  for (unsigned producer = 1; producer <= producers; ++producer)
    all.push_back({"produce", queue, harness::text(producer)});
  return all;
}

/// True when every producer's orders came in the order it sent them, 1, 2, ...
/// (each sends at one priority: first in, first out).
inline bool in_sending_order(const std::vector<order>& received) {
  std::vector<std::uint32_t> next(most_producer + 1, 1);
  for (const order& got : received)
    if (got.producer > most_producer || got.sequence != next[got.producer]++) return false;
  return true;
}

/// The sequences of `received`, in the order they came.
inline std::vector<std::uint32_t> sequences(const std::vector<order>& received) {
  std::vector<std::uint32_t> all;
  for (const order& got : received) all.push_back(got.sequence);
  return all;
}

/// "2 4 3 1": a list of sequences for a sentence or a fact.
inline std::string listed(const std::vector<std::uint32_t>& numbers) {
  std::string line;
  for (const std::uint32_t number : numbers) line += harness::text(line.empty() ? "" : " ", number);
  return line;
}

/// What a taking child prints about the order it received.
inline std::string taken_line(const order& got, unsigned priority, std::size_t size) {
  return harness::text("order ", got.sequence, " of producer ", got.producer, ", priority ", priority, ", ", size,
                       " bytes\n");
}

}  // namespace ipclab::ch13
