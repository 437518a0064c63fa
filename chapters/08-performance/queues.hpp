#pragma once
// Message queues as a byte stream, for the benchmarks: Boost.Interprocess's
// message_queue (a queue in a shared memory segment, a mutex and two
// conditions) and the kernel's POSIX message queue (mq_send / mq_receive),
// behind one face, so that the same throughput and round-trip loops measure
// both beside the pipe.
//
// A stream's bytes travel in messages of at most `queue_message_size` bytes;
// an empty message ends the stream. Both queues hold `queue_depth` messages:
// Linux's default ceilings for POSIX queues (fs.mqueue.msg_max = 10,
// msgsize_max = 8192), so that the comparison needs no tuning of the system.
#include <mqueue.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <optional>
#include <string>

#include <boost/date_time/posix_time/posix_time_types.hpp>
#include <boost/interprocess/ipc/message_queue.hpp>

#include "handoff.hpp"  // peer_gone

namespace ipclab::ch08 {

inline constexpr std::size_t queue_depth = 10;
inline constexpr std::size_t queue_message_size = 8192;
/// How often a wait on a queue looks whether the peer has gone.
inline constexpr std::chrono::milliseconds queue_poll{20};

/// A Boost.Interprocess message_queue, opened or created by its owner.
struct boost_queue {
  boost::interprocess::message_queue& queue;

  bool send(const char* from, std::size_t n) {
    auto deadline = boost::posix_time::microsec_clock::universal_time() +
                    boost::posix_time::milliseconds(queue_poll.count());  // by reference in Boost 1.74
    return queue.timed_send(from, n, 0, deadline);
  }
  std::optional<std::size_t> receive(char* to) {
    auto deadline = boost::posix_time::microsec_clock::universal_time() +
                    boost::posix_time::milliseconds(queue_poll.count());
    std::size_t got = 0;
    unsigned int priority = 0;
    if (!queue.timed_receive(to, queue_message_size, got, priority, deadline)) return std::nullopt;
    return got;
  }
};

/// A POSIX message queue, by its descriptor.
struct posix_queue {
  mqd_t queue;

  static timespec deadline() {
    timespec at{};
    ::clock_gettime(CLOCK_REALTIME, &at);  // mq_timed* take CLOCK_REALTIME deadlines
    at.tv_nsec += std::chrono::nanoseconds(queue_poll).count();
    at.tv_sec += at.tv_nsec / 1000000000;
    at.tv_nsec %= 1000000000;
    return at;
  }
  bool send(const char* from, std::size_t n) {
    const timespec at = deadline();
    if (::mq_timedsend(queue, from, n, 0, &at) == 0) return true;
    if (errno == ETIMEDOUT || errno == EINTR) return false;
    throw peer_gone(std::string("mq_timedsend failed: ") + std::strerror(errno));
  }
  std::optional<std::size_t> receive(char* to) {
    const timespec at = deadline();
    const auto got = ::mq_timedreceive(queue, to, queue_message_size, nullptr, &at);
    if (got >= 0) return static_cast<std::size_t>(got);
    if (errno == ETIMEDOUT || errno == EINTR) return std::nullopt;
    throw peer_gone(std::string("mq_timedreceive failed: ") + std::strerror(errno));
  }
};

//! [stream]
/// A byte stream over two queues, one each way. Every wait gives up once
/// `gone` is set (the peer ended): a queue, unlike a pipe, does not tell a
/// reader that its writer died.
template <class Queue>
class queue_stream {
 public:
  queue_stream(Queue out, Queue in) : out_(out), in_(in) {}

  void send(const char* from, std::size_t n) {
    do {
      const auto part = std::min(n, queue_message_size);
      while (!out_.send(from, part))
        if (gone_) throw peer_gone("the peer ended while this process waited to send");
      from += part;
      n -= part;
    } while (n > 0);
  }
  // Exactly n bytes, in as many messages as send() cut them into. False on an
  // end of stream before the first; throws on one after it.
  bool receive(char* to, std::size_t n) {
    for (std::size_t done = 0; done < n;) {
      std::optional<std::size_t> got;
      while (!(got = in_.receive(buffer_)))
        if (gone_) throw peer_gone("the peer ended while this process waited for a message");
      if (*got == 0) {
        if (done == 0) return false;
        throw peer_gone("the stream ended in the middle of a message");
      }
      if (*got > n - done) throw peer_gone("a message longer than what was left of the one expected");
      std::memcpy(to + done, buffer_, *got);
      done += *got;
    }
    return true;
  }
  void finish() {
    while (!out_.send(buffer_, 0))
      if (gone_) return;
  }
  // The peer ended: no wait of this process may outlast it.
  void peer_ended() { gone_ = true; }
  // Leaving early: end the peer's stream, and drain what it sends so that
  // neither side waits on a full queue.
  void abort() {
    out_.send(buffer_, 0);
    while (in_.receive(buffer_)) {
    }
  }

 private:
  Queue out_, in_;
  std::atomic<bool> gone_{false};
  char buffer_[queue_message_size];
};
//! [stream]

}  // namespace ipclab::ch08
