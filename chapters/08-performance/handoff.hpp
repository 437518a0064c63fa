#pragma once
// Chapter 08 - handing over between two processes without a byte stream: a
// lock that goes back and forth, and a 64-byte message that makes a round
// trip through one slot of a segment, woken three ways (a condition, a
// semaphore, an atomic flag polled by a spinning process).
//
// The slots below are mailboxes for a ping-pong, not streams: a side writes
// again only after the other has answered, so a slot never holds two
// messages. write() checks that contract rather than waiting for room.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <thread>

#include <boost/interprocess/sync/interprocess_condition.hpp>
#include <boost/interprocess/sync/interprocess_mutex.hpp>
#include <boost/interprocess/sync/interprocess_semaphore.hpp>
#include <boost/interprocess/sync/interprocess_sharable_mutex.hpp>
#include <boost/interprocess/sync/scoped_lock.hpp>

#include "ring.hpp"  // peer_gone

namespace ipclab::ch08 {

// A std::atomic in shared memory is only shared if it is lock-free: otherwise
// the library guards it with a lock that lives in each process, not in the segment.
static_assert(std::atomic<bool>::is_always_lock_free && std::atomic<int>::is_always_lock_free &&
              std::atomic<std::int64_t>::is_always_lock_free);

inline constexpr std::size_t slot_size = 64;

// A timed wait wakes this often to see whether the other process is gone.
inline constexpr auto give_up_check = std::chrono::milliseconds(50);

inline auto give_up_deadline() { return std::chrono::system_clock::now() + give_up_check; }

//! [spin]
// Polls `ready()` without a system call for a short while, a few microseconds:
// about what sleeping and being woken would cost, so that spinning never costs
// much more than sleeping would have. The other process, running on the other
// core, usually answers well within it. Then it yields the core between
// polls: when both processes share one core (a busy machine), the process
// waited for can only answer once this one lets it run. `gone()` is looked at
// once the spinning is over.
template <class Ready, class Gone>
void spin_until(Ready ready, Gone gone) {
  constexpr auto spin_for = std::chrono::microseconds(3);
  const auto until = std::chrono::steady_clock::now() + spin_for;
  for (int i = 1;; ++i) {
    if (ready()) return;
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();  // tells the core this is a wait loop: the sibling hyperthread gets the pipeline
#endif
    if (i % 16 == 0 && std::chrono::steady_clock::now() >= until) break;  // the clock read costs more than a poll
  }
  while (!ready()) {
    if (gone()) throw peer_gone("the other process ended while this one waited for it");
    std::this_thread::yield();
  }
}
//! [spin]

// What every slot shares: the message, and the flags that end a wait.
struct slot_base {
  std::uint32_t size = 0;
  char bytes[slot_size];
  std::atomic<bool> abandoned{false};  // a process ended: whoever waits gives up

  void put(const char* from, std::size_t n) {
    if (n > slot_size) throw std::length_error("a slot holds 64 bytes at most");
    std::memcpy(bytes, from, n);
    size = static_cast<std::uint32_t>(n);
  }
  void take(char* to, std::size_t n) const {
    if (n != size) throw std::runtime_error("a slot's message has " + std::to_string(size) + " bytes, not " +
                                            std::to_string(n));
    std::memcpy(to, bytes, n);
  }
  [[noreturn]] static void gone() { throw peer_gone("the other process ended while this one waited for it"); }
};

//! [condition_slot]
// The slot is guarded by a mutex; the reader sleeps on a condition until the
// writer marks it full. Sleeping and waking go through the kernel (a futex).
struct condition_slot : slot_base {
  boost::interprocess::interprocess_mutex mutex;
  boost::interprocess::interprocess_condition filled;
  bool full = false;
  bool closed = false;  // the writer is done: read_exact() returns false

  using lock = boost::interprocess::scoped_lock<boost::interprocess::interprocess_mutex>;

  void write(const char* from, std::size_t n) {
    {
      lock held(mutex);
      if (full) throw std::logic_error("a slot written twice without an answer");
      put(from, n);
      full = true;
    }
    filled.notify_one();  // after unlocking: the reader wakes to a free mutex
  }
  bool read_exact(char* to, std::size_t n) {
    lock held(mutex);
    while (!full && !closed) {
      if (abandoned) gone();
      filled.timed_wait(held, give_up_deadline());
    }
    if (!full) return false;
    take(to, n);
    full = false;
    return true;
  }
//! [condition_slot]
  void close() {
    {
      lock held(mutex);
      closed = true;
    }
    filled.notify_one();
  }
  void abandon() noexcept {
    abandoned = true;
    filled.notify_all();
  }
};

//! [semaphore_slot]
// One semaphore counts the messages in the slot: the writer posts it, the
// reader waits on it. No mutex: the ping-pong contract means the two never
// touch the bytes at once, and post/wait order the writes before the reads.
struct semaphore_slot : slot_base {
  boost::interprocess::interprocess_semaphore filled{0};
  bool closed = false;  // set before the last post: the reader sees it after its wait

  void write(const char* from, std::size_t n) {
    put(from, n);
    filled.post();
  }
  bool read_exact(char* to, std::size_t n) {
    while (!filled.timed_wait(give_up_deadline()))
      if (abandoned) gone();
    if (closed) return false;
    take(to, n);
    return true;
  }
//! [semaphore_slot]
  void close() {
    closed = true;
    filled.post();
  }
  void abandon() noexcept { abandoned = true; }
};

//! [spin_slot]
// An atomic flag says the slot is full. The writer stores the message, then
// the flag (release); the reader spins on the flag (acquire), then reads the
// message. No system call at all while the other process answers in time.
struct spin_slot : slot_base {
  std::atomic<bool> full{false};
  std::atomic<bool> closed{false};

  void write(const char* from, std::size_t n) {
    if (full.load(std::memory_order_relaxed)) throw std::logic_error("a slot written twice without an answer");
    put(from, n);
    full.store(true, std::memory_order_release);
  }
  bool read_exact(char* to, std::size_t n) {
    spin_until([&] { return full.load(std::memory_order_acquire) || closed.load(std::memory_order_acquire); },
               [&] { return abandoned.load(); });
    if (!full.load(std::memory_order_acquire)) return false;
    take(to, n);
    full.store(false, std::memory_order_release);
    return true;
  }
//! [spin_slot]
  void close() { closed.store(true, std::memory_order_release); }
  void abandon() noexcept { abandoned = true; }
};

//! [handoff_state]
// What the two processes share to take a lock in turns; the lock itself is
// the mutex or sharable mutex here, or a named mutex or file lock outside.
struct handoff_state {
  boost::interprocess::interprocess_mutex mutex;
  boost::interprocess::interprocess_sharable_mutex sharable;
  std::atomic<int> holder{1};          // who took the lock last: 0 the measuring process, 1 the peer
  std::atomic<bool> waiting[2] = {};   // about to call lock(): the holder lets go only then, so the lock is contended
  std::atomic<std::int64_t> released_at[2] = {};  // when each process last called unlock(), steady_clock ns
  std::atomic<bool> ready{false};      // the peer has opened the lock
  std::atomic<bool> stop{false};       // the measuring process is done: the peer leaves
  std::atomic<bool> peer_ended{false}; // the peer process ended: the measuring process gives up
};
//! [handoff_state]

// steady_clock is CLOCK_MONOTONIC, one clock for every process on the machine:
// a time taken in one process can be subtracted from a time taken in another.
inline std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// Gives the other process, which said it is about to lock, the time to fall
// asleep in lock(), so that the unlock that follows has to wake it: the
// handoff measured is that of a contended lock, not of two processes that
// happen to miss each other. Yielding, so that on a busy machine the other
// process gets this core if it needs it.
inline void settle() {
  const auto until = std::chrono::steady_clock::now() + std::chrono::microseconds(20);
  while (std::chrono::steady_clock::now() < until) std::this_thread::yield();
}

}  // namespace ipclab::ch08
