#pragma once
// Chapter 08 - a byte stream through shared memory: a ring buffer in a managed
// segment, guarded by an interprocess_mutex and two interprocess_conditions.
//
// One process writes, the other reads (single producer, single consumer). The
// mutex guards the counters, not the bytes: a side reserves a span under the
// lock, copies outside it (the other side never touches that span), and
// commits under the lock again. So the two copies, in and out of the ring,
// run at the same time on two cores.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <stdexcept>

#include <boost/interprocess/sync/interprocess_condition.hpp>
#include <boost/interprocess/sync/interprocess_mutex.hpp>
#include <boost/interprocess/sync/scoped_lock.hpp>

namespace ipclab::ch08 {

/// The other process ended (or gave up) while this one waited for it.
struct peer_gone : std::runtime_error {
  using std::runtime_error::runtime_error;
};

//! [ring]
struct ring {
  static constexpr std::size_t capacity = 1 << 20;  // 1 MiB of bytes in flight at most
  static constexpr std::size_t chunk = 64 << 10;    // copied per lock: the reader starts on a message early

  boost::interprocess::interprocess_mutex mutex;      // guards the counters and flags below
  boost::interprocess::interprocess_condition not_empty, not_full;
  std::uint64_t written = 0, read = 0;  // bytes ever written and read: written - read are in the ring
  bool reader_waiting = false, writer_waiting = false;  // notify only a side that sleeps
  bool closed = false;                                 // the writer is done: read() returns false at the end
  std::atomic<bool> abandoned{false};  // a process ended: whoever waits gives up (set even without the lock)
  char bytes[capacity];
//! [ring]

  using lock = boost::interprocess::scoped_lock<boost::interprocess::interprocess_mutex>;

  //! [write]
  // Copies n bytes into the ring, waiting for room as the reader empties it.
  void write(const char* from, std::size_t n) {
    while (n > 0) {
      std::size_t at, span;
      {
        lock held(mutex);
        while (written - read == capacity) wait(held, not_full, writer_waiting);
        at = written % capacity;
        span = std::min({n, chunk, capacity - (written - read), capacity - at});
      }
      std::memcpy(bytes + at, from, span);  // outside the lock: the reader is elsewhere in the ring
      bool wake;
      {
        lock held(mutex);
        written += span;
        wake = reader_waiting;
      }
      if (wake) not_empty.notify_one();  // after unlocking: the reader wakes to a free mutex
      from += span;
      n -= span;
    }
  }
  //! [write]

  // Copies exactly n bytes out of the ring. False when the writer closed the
  // ring before the first byte; a close in the middle of n bytes throws.
  bool read_exact(char* to, std::size_t n) {
    for (std::size_t done = 0; done < n;) {
      std::size_t at, span;
      {
        lock held(mutex);
        while (written == read && !closed) wait(held, not_empty, reader_waiting);
        if (written == read) {  // closed, and nothing left
          if (done == 0) return false;
          throw std::runtime_error("the ring was closed in the middle of a message");
        }
        at = read % capacity;
        span = std::min({n - done, chunk, static_cast<std::size_t>(written - read), capacity - at});
      }
      std::memcpy(to + done, bytes + at, span);
      bool wake;
      {
        lock held(mutex);
        read += span;
        wake = writer_waiting;
      }
      if (wake) not_full.notify_one();
      done += span;
    }
    return true;
  }

  // The writer has no more to send.
  void close() {
    lock held(mutex);
    closed = true;
    not_empty.notify_all();
  }

  // Wakes and fails every wait, in both processes: called when the other
  // process ended. Works even when the dead process held the mutex (a robust
  // mutex then refuses the lock; the waiters are woken without it).
  void abandon() noexcept {
    abandoned = true;
    try {
      lock held(mutex);
    } catch (...) {
    }
    not_empty.notify_all();
    not_full.notify_all();
  }

 private:
  // One wait on `condition`, marked in `waiting` so that the other side
  // notifies. Wakes at least once a second to look at `abandoned`. It gives
  // up only before sleeping: a caller woken by the abandon re-checks its
  // condition first, because the other process may have written its last
  // bytes (its answer) just before it ended.
  void wait(lock& held, boost::interprocess::interprocess_condition& condition, bool& waiting) {
    if (abandoned) throw peer_gone("the other process ended while this one waited for it");
    waiting = true;
    condition.timed_wait(held, std::chrono::system_clock::now() + std::chrono::seconds(1));
    waiting = false;
  }
};

}  // namespace ipclab::ch08
