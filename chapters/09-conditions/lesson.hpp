#pragma once
/// \file
/// Chapter 09, condition variables: what the program and its tests share.

#include <chrono>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include <boost/date_time/posix_time/posix_time_types.hpp>
#include <boost/interprocess/sync/interprocess_condition.hpp>
#include <boost/interprocess/sync/interprocess_condition_any.hpp>
#include <boost/interprocess/sync/interprocess_mutex.hpp>
#include <boost/interprocess/sync/interprocess_sharable_mutex.hpp>

#include "harness/chapter.hpp"
#include "harness/names.hpp"
#include "harness/segment_owner.hpp"

namespace ipclab::ch09 {

inline constexpr std::size_t segment_size = 64 * 1024;
inline constexpr const char* mailbox_name = "mailbox";
/// How many messages the ring holds at once: few, so that the producer waits.
inline constexpr unsigned slot_count = 4;
/// How many consumers the parent starts, and how many messages it sends them.
inline constexpr int consumers = 3;
inline constexpr unsigned long messages = 12;
/// The most messages a consumer of the parent takes: so many that it stops
/// only when the ring is closed.
inline constexpr unsigned long until_closed = 1'000'000;
/// How long any process waits for another before it calls it gone: the
/// producer for a free slot or the roll call, a consumer for the start or a
/// message. Long enough for a loaded machine to start a process.
inline std::chrono::milliseconds patience() { return harness::patience(std::chrono::milliseconds{2000}); }
/// The parent's last wait, for a notify that nobody is left to send.
inline constexpr std::chrono::milliseconds short_wait{300};

/// One slot of the ring: a message's number and its text, "message 7".
struct message {
  unsigned long number = 0;
  char text[24] = {};
};

/// The text of message `number`.
inline std::string text_of(unsigned long number) { return harness::text("message ", number); }

//! [mailbox]
/// What the processes share, constructed by name in the segment: a ring of
/// messages with its mutex and two conditions, the board on which the
/// producer posts the start, and the roll call's count.
struct mailbox {
  // The ring, guarded by `mutex`.
  boost::interprocess::interprocess_mutex mutex;
  boost::interprocess::interprocess_condition not_empty;  ///< consumers wait on it for a message, or the end
  /// The producer waits on it (for a free slot, or for idle consumers); a
  /// consumer notifies it each time it comes to wait, after a take or at first.
  boost::interprocess::interprocess_condition consumer_idle;
  message slots[slot_count];
  unsigned head = 0;           ///< the slot of the oldest message
  unsigned count = 0;          ///< how many messages the ring holds
  bool closed = false;         ///< the producer sends no more
  int idle = 0;                ///< consumers waiting on not_empty right now
  unsigned long taken = 0;     ///< messages taken out, by all consumers

  // The start, guarded by `board`: many consumers read it at once.
  boost::interprocess::interprocess_sharable_mutex board;
  boost::interprocess::interprocess_condition_any posted;  ///< consumers wait on it, in shared mode
  unsigned long announced = 0;  ///< how many messages will come: 0 until the producer posts it

  // The roll call, guarded by the named mutex (which lives outside the segment).
  int arrived = 0;  ///< consumers that have come and wait for the start

  /// Writes message `number` into the free slot after the last one.
  void put(unsigned long number) {
    message& slot = slots[(head + count) % slot_count];
    slot.number = number;
    std::snprintf(slot.text, sizeof slot.text, "%s", text_of(number).c_str());
    ++count;
  }
  /// Takes the oldest message out of the ring.
  message take() {
    const message oldest = slots[head];
    head = (head + 1) % slot_count;
    --count;
    ++taken;
    return oldest;
  }
};
//! [mailbox]

/// What a consumer is asked to do: `consume SEGMENT MUTEX CONDITION MAX`,
/// take at most MAX messages, or fewer if the ring closes first.
struct consumer_task {
  std::string segment, mutex, condition;
  unsigned long most = 0;
};

/// The child's arguments, checked before it opens anything.
inline consumer_task parse_child_args(const harness::role& me) {
  const std::string action = me.args().empty() ? "" : me.args()[0];
  if (action != "consume")
    throw harness::usage_error("the child role takes the action 'consume', not '" + action + "'");
  const auto [consume, segment, mutex, condition, most] =
      me.expect_args("consume", "SEGMENT", "MUTEX", "CONDITION", "MAX");
  harness::check_object_name(condition, "the name");
  const auto limit = harness::parse_number(most, "number of messages", until_closed);
  if (limit == 0) throw harness::usage_error("the number of messages must be at least 1, not 0");
  return {segment, mutex, condition, limit};
}

/// Child: the mailbox find<mailbox> found, or a resource_error naming what the segment holds.
template <class Segment>
mailbox& expect_mailbox(mailbox* box, const Segment& segment, const consumer_task& task) {
  if (!box) throw harness::missing_object(segment, task.segment, mailbox_name);
  return *box;
}

/// The arguments of the consumers the parent starts: each takes what comes until the ring closes.
inline std::vector<std::vector<std::string>> consumers_args(const std::string& segment, const std::string& mutex,
                                                            const std::string& condition) {
  const std::vector<std::string> consume{"consume", segment, mutex, condition, harness::text(until_closed)};
  return std::vector(consumers, consume);
}

/// Parent: an invariant_error naming the first consumer that did not exit 0.
inline void expect_every_consumer_exited_0(const std::vector<harness::spawn_result>& consumers) {
  for (const harness::spawn_result& consumer : consumers)
    harness::expect(consumer.succeeded(), "a consumer did not exit 0 (", harness::role::describe_child(consumer), ")");
}

/// Child: appends `next` to `taken`, an invariant_error unless it comes after
/// every message taken before and carries its own text: in order, each once.
inline void append_in_order(std::vector<unsigned long>& taken, const message& next) {
  harness::expect(taken.empty() || next.number > taken.back(), "message ", next.number, " came after message ",
                  taken.empty() ? 0 : taken.back(), ": out of order");
  harness::expect(std::strncmp(next.text, text_of(next.number).c_str(), sizeof next.text) == 0, "message ",
                  next.number, " reads '", next.text, "'");
  taken.push_back(next.number);
}

/// The numbers, separated by spaces: "0 3 4 7", or "none".
inline std::string joined(const std::vector<unsigned long>& numbers) {
  std::string out;
  for (const unsigned long number : numbers) out += harness::text(out.empty() ? "" : " ", number);
  return out.empty() ? "none" : out;
}

/// A deadline `wait` from now for timed_wait(). Boost hands it to
/// pthread_cond_timedwait, which counts from 1970 on the wall clock: the
/// deadline must be wall-clock time (UTC), as for timed_lock in chapter 07.
inline boost::posix_time::ptime deadline_after(std::chrono::milliseconds wait) {
  return boost::posix_time::microsec_clock::universal_time() + boost::posix_time::milliseconds(wait.count());
}

/// The deadline of every wait on a peer: `patience` from now.
inline boost::posix_time::ptime deadline() { return deadline_after(patience()); }

/// Whole milliseconds since `start`.
inline long long ms_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
}

/// True when a wait with a predicate, begun at `asked`, returned `ready` and
/// before its deadline. timed_wait returns the predicate's value at the
/// deadline: true then means that the change came, but no notify did.
inline bool in_time(bool ready, std::chrono::steady_clock::time_point asked) {
  return ready && ms_since(asked) < patience().count();
}

/// Consumer: an invariant_error unless its wait was in_time().
inline void expect_in_time(bool ready, std::chrono::steady_clock::time_point asked) {
  harness::expect(in_time(ready, asked), "no notify within ", patience().count(),
                  " ms: is the producer alive, and does it notify?");
}

}  // namespace ipclab::ch09
