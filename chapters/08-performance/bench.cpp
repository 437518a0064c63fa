// Chapter 08 - performance: what shared memory buys.
//
// One Google Benchmark program, ipclab-bench. The two-process benchmarks run
// this same program a second time as the *peer* (`ipclab-bench peer ...`),
// spawned through harness::spawn on a thread of its own while this process
// measures. Three transports carry the same byte stream between the two
// processes: a ring in a Boost.Interprocess managed segment (ring.hpp), a
// pipe, and a Unix-domain socket, and so do two kinds of message queue:
// Boost.Interprocess's and the kernel's POSIX one (queues.hpp); memcpy within
// one process is the limit.
// A 64-byte round trip also goes through one slot of a segment, woken by a
// condition, a semaphore or a spinning reader (handoff.hpp); and a lock is
// handed back and forth between the two processes.
//
//   throughput/T/SIZE  this process sends SIZE-byte messages, the peer reads them
//   latency/T          a 64-byte message goes to the peer and comes back
//   handoff/L          this process and the peer take lock L in turns
//   durable/W/SIZE     SIZE bytes of a file rewritten and made durable: write +
//                      fsync, a managed_mapped_file's flush(), a region's
//                      synchronous flush (durable.hpp)
//   alloc/A            256 blocks of 64 B allocated, then freed, in one process,
//                      and container/OP_heap, container/OP_segment: container
//                      operations in the heap and in a segment (allocators.cpp)
//   spawn/true         /bin/true started and waited for
//   spawn/chapter      chapter 01's program started as a child on a segment of
//                      this process, and waited for: what a chapter test does
//
// `ipclab-bench --smoke` runs every benchmark at its smallest sizes only (the
// test suite's smoke test); every other option is Google Benchmark's. The
// program exits 1 when any benchmark failed (a peer that died, a message that
// arrived damaged), after all the others have run.
#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <mqueue.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <benchmark/benchmark.h>
#include <boost/interprocess/managed_shared_memory.hpp>
#include <boost/interprocess/sync/file_lock.hpp>
#include <boost/interprocess/sync/named_mutex.hpp>

#include "harness/catalog.hpp"
#include "harness/chapter.hpp"
#include "harness/names.hpp"
#include "harness/segment_owner.hpp"
#include "harness/signals.hpp"
#include "harness/spawn.hpp"
#include "harness/temp_folder.hpp"
#include "lesson.hpp"  // chapter 01's: segment_size, block_size, greeting
#include "durable.hpp"
#include "guarded.hpp"
#include "handoff.hpp"
#include "queues.hpp"
#include "ring.hpp"

namespace bip = boost::interprocess;
using namespace ipclab;
using ch08::failures;
using ch08::guarded;
using ch08::guarded_benchmark;
using ch08::peer_gone;

namespace {

constexpr auto peer_timeout = std::chrono::seconds(120);  // a peer still running then is killed
constexpr std::uint64_t ready_word = 0x6970636c6162ULL;   // the peer's first 8 bytes: "I am listening"
constexpr std::size_t latency_size = 64;

// ---- messages ---------------------------------------------------------------

// Every message carries its sequence number in its first and last 8 bytes, so
// a receiver sees a lost, repeated, torn or shifted message.
void stamp(std::vector<char>& message, std::uint64_t sequence) {
  std::memcpy(message.data(), &sequence, 8);
  std::memcpy(message.data() + message.size() - 8, &sequence, 8);
}
std::uint64_t stamp_of(const std::vector<char>& message) {
  std::uint64_t head, tail;
  std::memcpy(&head, message.data(), 8);
  std::memcpy(&tail, message.data() + message.size() - 8, 8);
  return head == tail ? head : 0;
}

// What the receiving peer answers after the sender closed: how many messages
// arrived, and how many of those had the wrong stamps.
struct ack {
  std::uint64_t messages = 0, bad = 0;
};

// ---- descriptors ------------------------------------------------------------

void write_all(int fd, const char* from, std::size_t n) {
  while (n > 0) {
    const auto done = ::write(fd, from, n);
    if (done < 0 && errno == EINTR) continue;
    if (done < 0) throw peer_gone(std::string("write failed: ") + std::strerror(errno));
    from += done;
    n -= static_cast<std::size_t>(done);
  }
}

// Exactly n bytes. False on end of file before the first; throws on end of file after it.
bool read_exact(int fd, char* to, std::size_t n) {
  for (std::size_t done = 0; done < n;) {
    const auto got = ::read(fd, to + done, n - done);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) throw peer_gone(std::string("read failed: ") + std::strerror(errno));
    if (got == 0) {
      if (done == 0) return false;
      throw peer_gone("the stream ended in the middle of a message");
    }
    done += static_cast<std::size_t>(got);
  }
  return true;
}

// Closes a descriptor once.
void close_fd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

// Waits until `fd` is readable, giving up when `peer_done` is set: until the
// peer has said it is ready, this process still holds the peer's ends too, so
// a dead peer would not show as an end of file.
void await_readable(int fd, const std::atomic<bool>& peer_done) {
  pollfd readable{fd, POLLIN, 0};
  for (;;) {
    const int ready = ::poll(&readable, 1, 50);
    if (ready > 0) return;
    if (ready < 0 && errno != EINTR) throw std::runtime_error(std::string("poll failed: ") + std::strerror(errno));
    if (peer_done) throw peer_gone("the peer ended before it was ready");
  }
}

// ---- the three transports, as this (measuring) process sees them -----------
//
// Each carries a byte stream to the peer and one back: send(), receive(),
// finish() (no more to send: the peer sees the end), abort() (stop the peer
// whatever it is doing). peer_args() and peer_fds() say how the peer reaches
// it; await_ready() waits for the peer's ready word; peer_ended() runs on the
// watching thread when the peer process has ended.

template <class Link>
void expect_ready(Link& link) {
  std::uint64_t word = 0;
  if (!link.receive(reinterpret_cast<char*>(&word), sizeof word) || word != ready_word)
    throw peer_gone("the peer did not say it was ready");
}

// How the peer's command line names a channel in a segment.
template <class Channel>
constexpr std::string_view channel_name() {
  if constexpr (std::is_same_v<Channel, ch08::ring>) return "ring";
  if constexpr (std::is_same_v<Channel, ch08::condition_slot>) return "condition";
  if constexpr (std::is_same_v<Channel, ch08::semaphore_slot>) return "semaphore";
  if constexpr (std::is_same_v<Channel, ch08::spin_slot>) return "spin";
}

// Two channels in a managed segment, one each way: the ring (a byte stream),
// or one of the 64-byte slots of handoff.hpp (a ping-pong).
//! [ring_link]
template <class Channel>
class segment_link {
 public:
  segment_link()
      : owner_(harness::unique_name("bench")),
        segment_(bip::create_only, owner_.c_str(), 2 * sizeof(Channel) + (64 << 10), nullptr,
                 harness::owner_only()),
        to_peer_(segment_.construct<Channel>("to_peer")()),
        from_peer_(segment_.construct<Channel>("from_peer")()) {}
//! [ring_link]

  std::vector<std::string> peer_args() const { return {std::string(channel_name<Channel>()), owner_.name()}; }
  std::vector<int> peer_fds() const { return {}; }
  void await_ready(const std::atomic<bool>&) { expect_ready(*this); }
  void send(const char* from, std::size_t n) { to_peer_->write(from, n); }
  bool receive(char* to, std::size_t n) { return from_peer_->read_exact(to, n); }
  void finish() { to_peer_->close(); }
  void abort() { peer_ended(); }
  void peer_ended() {
    to_peer_->abandon();
    from_peer_->abandon();
  }

 private:
  harness::segment_owner owner_;  // removes the segment however the benchmark ends
  bip::managed_shared_memory segment_;
  Channel* to_peer_;
  Channel* from_peer_;
};
using ring_link = segment_link<ch08::ring>;

// A pipe each way: pipe(2), the peer's ends inherited through harness::spawn.
class pipe_link {
 public:
  pipe_link() {
    if (::pipe(to_peer_) != 0 || ::pipe(from_peer_) != 0)
      throw std::runtime_error(std::string("pipe failed: ") + std::strerror(errno));
  }
  ~pipe_link() { abort(); }
  pipe_link(const pipe_link&) = delete;
  pipe_link& operator=(const pipe_link&) = delete;

  std::vector<std::string> peer_args() const {
    return {"pipe", harness::text(to_peer_[0]), harness::text(from_peer_[1])};
  }
  std::vector<int> peer_fds() const { return {to_peer_[0], from_peer_[1]}; }
  void await_ready(const std::atomic<bool>& peer_done) {
    await_readable(from_peer_[0], peer_done);
    expect_ready(*this);
    close_fd(to_peer_[0]);  // from now on only the peer holds its ends: its death is an end of file
    close_fd(from_peer_[1]);
  }
  void send(const char* from, std::size_t n) { write_all(to_peer_[1], from, n); }
  bool receive(char* to, std::size_t n) { return read_exact(from_peer_[0], to, n); }
  void finish() { close_fd(to_peer_[1]); }
  void abort() {
    for (int* fd : {&to_peer_[0], &to_peer_[1], &from_peer_[0], &from_peer_[1]}) close_fd(*fd);
  }
  void peer_ended() {}

 private:
  int to_peer_[2] = {-1, -1};
  int from_peer_[2] = {-1, -1};
};

// A Unix-domain stream socket pair: one socket each, both directions on it.
class socket_link {
 public:
  socket_link() {
    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, fds_) != 0)
      throw std::runtime_error(std::string("socketpair failed: ") + std::strerror(errno));
  }
  ~socket_link() { abort(); }
  socket_link(const socket_link&) = delete;
  socket_link& operator=(const socket_link&) = delete;

  std::vector<std::string> peer_args() const { return {"socket", harness::text(fds_[1])}; }
  std::vector<int> peer_fds() const { return {fds_[1]}; }
  void await_ready(const std::atomic<bool>& peer_done) {
    await_readable(fds_[0], peer_done);
    expect_ready(*this);
    close_fd(fds_[1]);
  }
  void send(const char* from, std::size_t n) { write_all(fds_[0], from, n); }
  bool receive(char* to, std::size_t n) { return read_exact(fds_[0], to, n); }
  void finish() { ::shutdown(fds_[0], SHUT_WR); }
  void abort() {
    close_fd(fds_[0]);
    close_fd(fds_[1]);
  }
  void peer_ended() {}

 private:
  int fds_[2] = {-1, -1};
};

// Boost.Interprocess message_queues, one each way (queues.hpp), removed
// however the benchmark ends.
class message_queue_link {
 public:
  message_queue_link()
      : to_owner_(harness::unique_name("bench")),
        from_owner_(harness::unique_name("bench")),
        to_peer_(bip::create_only, to_owner_.c_str(), ch08::queue_depth, ch08::queue_message_size,
                 harness::owner_only()),
        from_peer_(bip::create_only, from_owner_.c_str(), ch08::queue_depth, ch08::queue_message_size,
                   harness::owner_only()),
        stream_({to_peer_}, {from_peer_}) {}

  std::vector<std::string> peer_args() const { return {"message_queue", to_owner_.name(), from_owner_.name()}; }
  std::vector<int> peer_fds() const { return {}; }
  void await_ready(const std::atomic<bool>&) { expect_ready(*this); }
  void send(const char* from, std::size_t n) { stream_.send(from, n); }
  bool receive(char* to, std::size_t n) { return stream_.receive(to, n); }
  void finish() { stream_.finish(); }
  void abort() { stream_.abort(); }
  void peer_ended() { stream_.peer_ended(); }

 private:
  harness::owner<bip::message_queue> to_owner_, from_owner_;
  bip::message_queue to_peer_, from_peer_;
  ch08::queue_stream<ch08::boost_queue> stream_;
};

// A POSIX message queue whose name is gone as soon as it exists: only its
// descriptor, which the peer inherits, reaches it, so nothing can be left
// behind (the sweep does not see the kernel's message queues).
class unnamed_posix_queue {
 public:
  unnamed_posix_queue() {
    const std::string name = "/" + harness::unique_name("bench");
    mq_attr attributes{};
    attributes.mq_maxmsg = ch08::queue_depth;
    attributes.mq_msgsize = ch08::queue_message_size;
    queue_ = ::mq_open(name.c_str(), O_CREAT | O_EXCL | O_RDWR, 0600, &attributes);
    if (queue_ == static_cast<mqd_t>(-1))
      throw std::runtime_error(std::string("mq_open failed: ") + std::strerror(errno));
    ::mq_unlink(name.c_str());
  }
  ~unnamed_posix_queue() { ::mq_close(queue_); }
  unnamed_posix_queue(const unnamed_posix_queue&) = delete;
  unnamed_posix_queue& operator=(const unnamed_posix_queue&) = delete;
  mqd_t descriptor() const { return queue_; }

 private:
  mqd_t queue_;
};

// POSIX message queues, one each way: the peer inherits both descriptors.
class posix_queue_link {
 public:
  posix_queue_link() : stream_({to_peer_.descriptor()}, {from_peer_.descriptor()}) {}

  std::vector<std::string> peer_args() const {
    return {"posix_mq", harness::text(to_peer_.descriptor()), harness::text(from_peer_.descriptor())};
  }
  std::vector<int> peer_fds() const { return {to_peer_.descriptor(), from_peer_.descriptor()}; }
  void await_ready(const std::atomic<bool>&) { expect_ready(*this); }
  void send(const char* from, std::size_t n) { stream_.send(from, n); }
  bool receive(char* to, std::size_t n) { return stream_.receive(to, n); }
  void finish() { stream_.finish(); }
  void abort() { stream_.abort(); }
  void peer_ended() { stream_.peer_ended(); }

 private:
  unnamed_posix_queue to_peer_, from_peer_;
  ch08::queue_stream<ch08::posix_queue> stream_;
};

// ---- the peer process, from the measuring side ------------------------------

//! [peer]
// Runs `ipclab-bench peer ROLE... TRANSPORT...` through harness::spawn on a
// thread of its own: spawn() blocks until the peer ends, and this thread has
// to measure meanwhile.
template <class Link>
class peer {
 public:
  peer(Link& link, std::vector<std::string> role) : link_(link) {
    std::vector<std::string> args{"peer"};
    args.insert(args.end(), role.begin(), role.end());
    for (auto& arg : link.peer_args()) args.push_back(std::move(arg));
    harness::spawn_options options;
    options.timeout = peer_timeout;
    options.keep_open = link.peer_fds();  // the peer's ends of a pipe or socket pair
    watcher_ = std::thread([this, args, options] {
      result_ = harness::spawn(harness::self_executable(), args, options);
      done_ = true;
      link_.peer_ended();  // wakes this process if it waits for the peer
    });
    try {
      link_.await_ready(done_);
    } catch (...) {
      stop();
      throw;
    }
  }
  // Runs `exchange` (this side's part), then waits for the peer to end. Throws
  // if either fails, saying how the peer ended.
  template <class Exchange>
  void run(Exchange&& exchange) {
    try {
      exchange();
    } catch (const std::exception& e) {
      stop();
      throw peer_gone(std::string(e.what()) + " (the peer " + ending() + ")");
    }
    watcher_.join();
    if (!result_.succeeded()) throw peer_gone("the peer " + ending());
  }
  ~peer() { stop(); }
//! [peer]
  peer(const peer&) = delete;
  peer& operator=(const peer&) = delete;

 private:
  // "exited 0", "was killed by SIGKILL", "exited 1: what it said".
  std::string ending() const {
    auto err = result_.err;
    while (!err.empty() && err.back() == '\n') err.pop_back();
    return (result_.how == harness::ending::killed ? "was " : "") + result_.describe() + (err.empty() ? "" : ": " + err);
  }
  void stop() {
    if (watcher_.joinable()) {  // leaving early: stop the peer, then wait for it
      link_.abort();
      watcher_.join();
    }
  }

  Link& link_;
  std::atomic<bool> done_{false};
  harness::spawn_result result_;
  std::thread watcher_;
};

// ---- the benchmarks -----------------------------------------------------------

//! [memcpy]
void throughput_memcpy(benchmark::State& state) {
  const auto size = static_cast<std::size_t>(state.range(0));
  std::vector<char> from(size, 'x'), to(size);
  for (auto _ : state) {
    std::memcpy(to.data(), from.data(), size);
    benchmark::DoNotOptimize(to.data());
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(size));
}
//! [memcpy]

//! [throughput]
// This process sends one message per iteration; the peer reads each one whole
// and checks its stamps. The last iteration also waits for the peer's ack, so
// the time covers every byte read on the other side, not just handed over.
template <class Link>
void throughput(benchmark::State& state) {
  guarded(state, [&] {
    const auto size = static_cast<std::size_t>(state.range(0));
    std::vector<char> message(size, 'x');
    Link link;
    peer<Link> receiver(link, {"sink", harness::text(size)});
    std::uint64_t sent = 0;
    ack answer;
    receiver.run([&] {
      auto left = state.max_iterations;
      for (auto _ : state) {
        stamp(message, ++sent);
        link.send(message.data(), size);
        if (--left == 0) {
          link.finish();
          if (!link.receive(reinterpret_cast<char*>(&answer), sizeof answer))
            throw peer_gone("the peer closed without acknowledging");
        }
      }
    });
    harness::expect(answer.messages == sent && answer.bad == 0, "the peer received ", answer.messages,
                    " messages (", answer.bad, " damaged) of ", sent, " sent");
    state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(size));
  });
}
//! [throughput]

//! [latency]
// One round trip per iteration: 64 bytes to the peer, 64 back, stamped.
template <class Link>
void latency(benchmark::State& state) {
  guarded(state, [&] {
    std::vector<char> ping(latency_size, 'p'), pong(latency_size);
    Link link;
    peer<Link> echo(link, {"echo", harness::text(latency_size)});
    echo.run([&] {
      std::uint64_t sent = 0;
      for (auto _ : state) {
        stamp(ping, ++sent);
        link.send(ping.data(), ping.size());
        if (!link.receive(pong.data(), pong.size())) throw peer_gone("the peer closed instead of answering");
        if (stamp_of(pong) != ~sent) throw harness::invariant_error(harness::text("answer ", sent, " is damaged"));
      }
      link.finish();
    });
  });
}
//! [latency]

// ---- a lock handed from one process to the other ----------------------------------

struct lock_resources;

// A process's hold on the lock under test, opened from what the measuring
// process created. lock() returns false when `gone()` says to stop waiting:
// a named mutex or a sharable mutex whose holder died stays locked for good,
// so their waits are timed and look at `gone()` between tries.

// Robust on Linux: a holder's death makes lock() throw at once, so a plain
// lock() cannot hang on a dead peer.
struct segment_mutex {
  static constexpr std::string_view kind = "mutex";
  static std::string create(lock_resources&) { return "-"; }
  segment_mutex(ch08::handoff_state& state, const std::string&) : mutex(state.mutex) {}
  template <class Gone>
  bool lock(Gone) {
    try {
      mutex.lock();
    } catch (const bip::lock_exception&) {  // Boost marks the mutex not recoverable
      throw peer_gone("the interprocess_mutex's holder died holding it: every later lock throws lock_exception");
    }
    return true;
  }
  void unlock() { mutex.unlock(); }
  bip::interprocess_mutex& mutex;
};

struct named_mutex {
  static constexpr std::string_view kind = "named_mutex";
  static std::string create(lock_resources&);
  named_mutex(ch08::handoff_state&, const std::string& name)
      : mutex(harness::attempt("open named mutex '" + name + "'",
                               [&] { return std::make_unique<bip::named_mutex>(bip::open_only, name.c_str()); })) {}
  template <class Gone>
  bool lock(Gone gone) {
    while (!mutex->timed_lock(ch08::give_up_deadline()))
      if (gone()) return false;
    return true;
  }
  void unlock() { mutex->unlock(); }
  std::unique_ptr<bip::named_mutex> mutex;
};

// The exclusive side of a sharable mutex: what a writer among readers takes.
struct sharable_mutex {
  static constexpr std::string_view kind = "sharable_mutex";
  static std::string create(lock_resources&) { return "-"; }
  sharable_mutex(ch08::handoff_state& state, const std::string&) : mutex(state.sharable) {}
  template <class Gone>
  bool lock(Gone gone) {
    while (!mutex.timed_lock(ch08::give_up_deadline()))
      if (gone()) return false;
    return true;
  }
  void unlock() { mutex.unlock(); }
  bip::interprocess_sharable_mutex& mutex;
};

// fcntl(F_SETLKW) on a file. The wait is not timed: Boost's timed_lock on a
// file lock polls try_lock, which would measure polling, and the kernel
// releases a dead holder's lock anyway.
struct file_lock {
  static constexpr std::string_view kind = "file_lock";
  static std::string create(lock_resources&);
  file_lock(ch08::handoff_state&, const std::string& path)
      : lock_(harness::attempt("open file lock '" + path + "'", [&] { return bip::file_lock(path.c_str()); })) {}
  template <class Gone>
  bool lock(Gone) {
    lock_.lock();
    return true;
  }
  void unlock() { lock_.unlock(); }
  bip::file_lock lock_;
};

// What the lock needs beside the segment, owned by the measuring process: the
// named mutex's name, the locked file's private folder.
struct lock_resources {
  std::optional<harness::owner<bip::named_mutex>> named;
  std::optional<harness::temp_folder> folder;
};

std::string named_mutex::create(lock_resources& resources) {
  resources.named.emplace(harness::unique_name("bench"));
  bip::named_mutex(bip::create_only, resources.named->c_str(), harness::owner_only());
  return resources.named->name();
}

std::string file_lock::create(lock_resources& resources) {
  resources.folder.emplace("bench");
  const auto path = resources.folder->file("lock");
  if (!std::ofstream(path)) throw harness::resource_error("cannot create " + path.string());
  return path.string();
}

// Unlocks on the way out of a scope, an exception included.
template <class Lock>
struct unlock_at_exit {
  Lock& lock;
  ~unlock_at_exit() {
    try {
      lock.unlock();
    } catch (...) {
    }
  }
};

//! [handoff]
// This process and the peer take the lock in turns. Each waits until the
// other holds the lock, says it is about to lock, and calls lock(); the
// holder lets go only once the other has had the time to fall asleep in
// lock(), so that every unlock has to wake a waiting process. An iteration's
// time is one handoff, from the peer's unlock() to the return of this
// process's lock(); the waits around it (the holder's pause above all) are
// not counted, hence manual timing.
template <class Lock>
class handoff_link {
 public:
  handoff_link()
      : owner_(harness::unique_name("bench")),
        segment_(bip::create_only, owner_.c_str(), 64 << 10, nullptr, harness::owner_only()),
        state_(*segment_.construct<ch08::handoff_state>("handoff")()),
        lock_name_(Lock::create(resources_)),
        lock_(state_, lock_name_) {}

  // Google Benchmark reports the mean handoff; on a busy machine a few turns
  // that waited for a CPU for milliseconds pull it far from the typical one,
  // so the median of the run goes beside it, as the counter median_ns.
  void take_turns(benchmark::State& bench) {
    turn();  // the first turn has no unlock before it to time
    std::vector<std::int64_t> handoffs;
    handoffs.reserve(static_cast<std::size_t>(bench.max_iterations));
    for (auto _ : bench) {
      handoffs.push_back(turn());
      bench.SetIterationTime(static_cast<double>(handoffs.back()) * 1e-9);
    }
    state_.stop = true;
    if (!handoffs.empty()) {
      const auto middle = handoffs.begin() + static_cast<std::ptrdiff_t>(handoffs.size() / 2);
      std::nth_element(handoffs.begin(), middle, handoffs.end());
      bench.counters["median_ns"] = static_cast<double>(*middle);
    }
  }

 private:
  // One turn with the lock; returns how long the handoff to this process took, in ns.
  std::int64_t turn() {
    const auto gone = [this] { return state_.peer_ended.load(); };
    ch08::spin_until([this] { return state_.holder.load() == 1; }, gone);
    state_.waiting[0] = true;
    if (!lock_.lock(gone)) throw peer_gone("the peer ended while it held the lock");
    const auto handoff = ch08::now_ns() - state_.released_at[1].load();
    unlock_at_exit<Lock> held{lock_};
    state_.waiting[0] = false;
    state_.holder = 0;
    ch08::spin_until([this] { return state_.waiting[1].load(); }, gone);
    ch08::settle();
    state_.released_at[0] = ch08::now_ns();
    return handoff;
  }  // unlocks
//! [handoff]

 public:

  std::vector<std::string> peer_args() const { return {std::string(Lock::kind), owner_.name(), lock_name_}; }
  std::vector<int> peer_fds() const { return {}; }
  void await_ready(const std::atomic<bool>& peer_done) {
    ch08::spin_until([this] { return state_.ready.load(); }, [&] { return peer_done.load(); });
  }
  void abort() { state_.stop = true; }
  void peer_ended() { state_.peer_ended = true; }

 private:
  harness::segment_owner owner_;  // removes the segment however the benchmark ends
  bip::managed_shared_memory segment_;
  ch08::handoff_state& state_;
  lock_resources resources_;
  std::string lock_name_;
  Lock lock_;
};

template <class Lock>
void handoff(benchmark::State& state) {
  guarded(state, [&] {
    handoff_link<Lock> link;
    peer<handoff_link<Lock>> other(link, {"handoff"});
    other.run([&] { link.take_turns(state); });
  });
}

// ---- starting a process ---------------------------------------------------------

//! [spawn]
// One iteration starts a program and waits for it to end, through the same
// harness::spawn() every test uses. /bin/true does nothing: it is the floor,
// what fork, exec and wait cost on this machine.
void spawn_true(benchmark::State& state) {
  guarded(state, [&] {
    for (auto _ : state) {
      const auto run = harness::spawn("/bin/true", {});
      if (!run.succeeded()) throw harness::invariant_error("/bin/true " + run.describe());
    }
  });
}

// What a chapter test does for each child it runs: this process plays chapter
// 01's parent, writing the greeting in a block of its segment, and the real
// ipclab-ch01 is the child that prints it and frees the block. The segment is
// created once; its creation is not part of an iteration.
void spawn_chapter(benchmark::State& state) {
  guarded(state, [&] {
    const auto* chapter = harness::find_chapter("01");
    if (!chapter) throw std::runtime_error("chapter 01 is not in this build's catalog: no child to spawn");
    harness::segment_owner owner(harness::unique_name("bench"));
    bip::managed_shared_memory segment(bip::create_only, owner.c_str(), ch01::segment_size, nullptr,
                                       harness::owner_only());
    const auto free_before = segment.get_free_memory();
    const auto printed = ch01::greeting_line();
    for (auto _ : state) {
      void* block = segment.allocate(ch01::block_size);
      std::memcpy(block, ch01::greeting, sizeof ch01::greeting);
      const auto handle = segment.get_handle_from_address(block);
      const auto child = harness::spawn(chapter->program, {"child", owner.name(), harness::text(handle)});
      if (!child.succeeded())
        throw harness::invariant_error("the ipclab-ch01 child " + child.describe() + ": " + child.err);
      if (child.out != printed) throw harness::invariant_error("the ipclab-ch01 child printed '" + child.out + "'");
      if (segment.get_free_memory() != free_before)
        throw harness::invariant_error("the ipclab-ch01 child did not free the block");
    }
  });
}
//! [spawn]

//! [register]
void register_benchmarks(bool smoke) {
  // 64 B, 4 KiB, 256 KiB, 16 MiB; the smoke test takes the two smallest.
  const auto sizes = [smoke](benchmark::internal::Benchmark* b) {
    if (smoke)
      b->Arg(64)->Arg(256 << 10);
    else
      b->RangeMultiplier(64)->Range(64, 16 << 20);
    b->UseRealTime();  // the work is in two processes: wall-clock time, not this process's CPU time
  };
  sizes(benchmark::RegisterBenchmark("throughput/memcpy", throughput_memcpy));
  sizes(benchmark::RegisterBenchmark("throughput/ring", throughput<ring_link>));
  sizes(benchmark::RegisterBenchmark("throughput/pipe", throughput<pipe_link>));
  sizes(benchmark::RegisterBenchmark("throughput/socket", throughput<socket_link>));
  sizes(benchmark::RegisterBenchmark("throughput/message_queue", throughput<message_queue_link>));
  sizes(benchmark::RegisterBenchmark("throughput/posix_mq", throughput<posix_queue_link>));
  benchmark::RegisterBenchmark("latency/ring", latency<ring_link>)->UseRealTime();
  benchmark::RegisterBenchmark("latency/pipe", latency<pipe_link>)->UseRealTime();
  benchmark::RegisterBenchmark("latency/socket", latency<socket_link>)->UseRealTime();
  benchmark::RegisterBenchmark("latency/message_queue", latency<message_queue_link>)->UseRealTime();
  benchmark::RegisterBenchmark("latency/posix_mq", latency<posix_queue_link>)->UseRealTime();
  benchmark::RegisterBenchmark("latency/condition", latency<segment_link<ch08::condition_slot>>)->UseRealTime();
  benchmark::RegisterBenchmark("latency/semaphore", latency<segment_link<ch08::semaphore_slot>>)->UseRealTime();
  benchmark::RegisterBenchmark("latency/spin", latency<segment_link<ch08::spin_slot>>)->UseRealTime();
  // Manual time counts only the handoffs, a fraction of the wall time a turn
  // takes: Google Benchmark's default 0.5 s of it would take ten times that.
  const auto turns = [smoke](benchmark::internal::Benchmark* b) {
    b->UseManualTime();
    if (!smoke) b->MinTime(0.1);
  };
  turns(benchmark::RegisterBenchmark("handoff/mutex", handoff<segment_mutex>));
  turns(benchmark::RegisterBenchmark("handoff/named_mutex", handoff<named_mutex>));
  turns(benchmark::RegisterBenchmark("handoff/sharable_mutex", handoff<sharable_mutex>));
  turns(benchmark::RegisterBenchmark("handoff/file_lock", handoff<file_lock>));
  ch08::register_allocation_benchmarks();  // allocators.cpp
  // 4 KiB and 1 MiB written and made durable; the smoke test takes the smaller.
  const auto durable_sizes = [smoke](benchmark::internal::Benchmark* b) {
    b->Arg(4 << 10);
    if (!smoke) b->Arg(1 << 20);
    b->UseRealTime()->Unit(benchmark::kMicrosecond);
  };
  durable_sizes(benchmark::RegisterBenchmark("durable/write_fsync", guarded_benchmark<ch08::durable_write_fsync>));
  durable_sizes(
      benchmark::RegisterBenchmark("durable/mapped_file_flush", guarded_benchmark<ch08::durable_mapped_file_flush>));
  durable_sizes(
      benchmark::RegisterBenchmark("durable/region_flush_sync", guarded_benchmark<ch08::durable_region_flush_sync>));
  // A spawn takes a millisecond or so: microseconds read better than nanoseconds.
  benchmark::RegisterBenchmark("spawn/true", spawn_true)->UseRealTime()->Unit(benchmark::kMicrosecond);
  benchmark::RegisterBenchmark("spawn/chapter", spawn_chapter)->UseRealTime()->Unit(benchmark::kMicrosecond);
}
//! [register]

// ---- the peer process ---------------------------------------------------------

bip::managed_shared_memory open_segment(const std::string& name) {
  harness::check_object_name(name, "the segment name");
  return harness::attempt("open segment '" + name + "'",
                          [&] { return bip::managed_shared_memory(bip::open_only, name.c_str()); });
}

// The peer's end of a ring or a slot: the same segment, opened by name.
template <class Channel>
class peer_channel {
 public:
  explicit peer_channel(const std::string& name)
      : segment_(open_segment(name)),
        in_(segment_.find<Channel>("to_peer").first),
        out_(segment_.find<Channel>("from_peer").first) {
    if (!in_ || !out_)
      throw harness::usage_error("segment '" + name + "' holds no " + std::string(channel_name<Channel>()));
  }
  bool receive(char* to, std::size_t n) { return in_->read_exact(to, n); }
  void send(const char* from, std::size_t n) { out_->write(from, n); }

 private:
  bip::managed_shared_memory segment_;
  Channel* in_;
  Channel* out_;
};

// Opens the message queue `name` into `queue` (a message_queue cannot be moved).
void open_queue(std::optional<bip::message_queue>& queue, const std::string& name) {
  harness::check_object_name(name, "the queue name");
  harness::attempt("open message queue '" + name + "'", [&] { queue.emplace(bip::open_only, name.c_str()); });
}

// The peer's end of a pipe pair or a socket: descriptors it inherited.
class peer_fds {
 public:
  peer_fds(int in, int out) : in_(in), out_(out) {}
  bool receive(char* to, std::size_t n) { return read_exact(in_, to, n); }
  void send(const char* from, std::size_t n) { write_all(out_, from, n); }

 private:
  int in_, out_;
};

// IPCLAB_BENCH_FAULT=die makes the peer kill itself after its first message:
// the tests check that every two-process benchmark then fails, and none hangs.
void maybe_die(std::uint64_t messages) {
  static const bool die = [] {
    const char* fault = std::getenv("IPCLAB_BENCH_FAULT");
    return fault && std::string_view(fault) == "die";
  }();
  if (die && messages == 1) ::raise(SIGKILL);
}

//! [sink]
// Throughput's receiving end: reads whole messages until the sender finishes,
// checks each one's stamps, then answers how many arrived and how many were damaged.
template <class Link>
void sink(Link& link, std::size_t size) {
  std::vector<char> message(size);
  ack answer;
  while (link.receive(message.data(), size)) {
    ++answer.messages;
    maybe_die(answer.messages);
    if (stamp_of(message) != answer.messages) ++answer.bad;
  }
  link.send(reinterpret_cast<const char*>(&answer), sizeof answer);
}
//! [sink]

// Latency's other end: answers each message with its stamp inverted.
template <class Link>
void echo(Link& link, std::size_t size) {
  std::vector<char> message(size);
  for (std::uint64_t received = 1; link.receive(message.data(), size); ++received) {
    maybe_die(received);
    harness::expect(stamp_of(message) == received, "message ", received, " is damaged");
    stamp(message, ~received);
    link.send(message.data(), size);
  }
}

template <class Link>
void serve(Link& link, const std::string& mode, std::size_t size) {
  link.send(reinterpret_cast<const char*>(&ready_word), sizeof ready_word);
  if (mode == "sink")
    sink(link, size);
  else
    echo(link, size);
}

template <class Channel>
void serve_channel(const std::string& segment, const std::string& mode, std::size_t size) {
  if (mode == "sink" && channel_name<Channel>() != "ring")
    throw harness::usage_error("a " + std::string(channel_name<Channel>()) + " slot carries round trips only (echo)");
  peer_channel<Channel> link(segment);
  serve(link, mode, size);
}

// The peer's turns with the lock, the mirror image of handoff_link::take_turns().
// It leaves when the measuring process says stop; should that process die, the
// harness's parent-death signal ends this one.
template <class Lock>
void take_turns(const std::string& segment_name, const std::string& lock_name) {
  auto segment = open_segment(segment_name);
  auto* state = segment.find<ch08::handoff_state>("handoff").first;
  if (!state) throw harness::usage_error("segment '" + segment_name + "' holds no handoff state");
  Lock lock(*state, lock_name);
  const auto stopping = [state] { return state->stop.load(); };
  const auto never = [] { return false; };
  state->ready = true;
  for (std::uint64_t taken = 1;; ++taken) {
    ch08::spin_until([&] { return state->holder.load() == 0 || stopping(); }, never);
    if (stopping()) return;
    state->waiting[1] = true;
    if (!lock.lock(stopping)) return;
    unlock_at_exit<Lock> held{lock};
    state->waiting[1] = false;
    state->holder = 1;
    maybe_die(taken);
    ch08::spin_until([&] { return state->waiting[0].load() || stopping(); }, never);
    ch08::settle();
    state->released_at[1] = ch08::now_ns();
  }  // unlocks
}

// ipclab-bench peer sink|echo SIZE ring|condition|semaphore|spin SEGMENT | pipe IN OUT | socket FD
//                                  | message_queue IN OUT | posix_mq IN OUT
// ipclab-bench peer handoff mutex|named_mutex|sharable_mutex|file_lock SEGMENT NAME|PATH|-
int run_peer(const std::vector<std::string>& args) {
  const std::string program = "ipclab-bench";
  try {
    const auto usage = [] {
      return harness::usage_error(
          "usage: ipclab-bench peer sink|echo SIZE ring|condition|semaphore|spin SEGMENT | pipe IN OUT | socket FD "
          "| message_queue IN OUT | posix_mq IN OUT, "
          "or ipclab-bench peer handoff mutex|named_mutex|sharable_mutex|file_lock SEGMENT NAME|PATH|-");
    };
    if (args.size() == 4 && args[0] == "handoff") {
      if (args[1] == segment_mutex::kind)
        take_turns<segment_mutex>(args[2], args[3]);
      else if (args[1] == named_mutex::kind)
        take_turns<named_mutex>(args[2], args[3]);
      else if (args[1] == sharable_mutex::kind)
        take_turns<sharable_mutex>(args[2], args[3]);
      else if (args[1] == file_lock::kind)
        take_turns<file_lock>(args[2], args[3]);
      else
        throw usage();
      return harness::exit_ok;
    }
    if (args.size() < 4 || (args[0] != "sink" && args[0] != "echo")) throw usage();
    const auto size = harness::parse_number(args[1], "message size", std::size_t{1} << 30);
    if (size < 16) throw harness::usage_error("the message size " + args[1] + " is below 16 bytes");
    const auto fd = [](const std::string& text) {
      return static_cast<int>(harness::parse_number(text, "descriptor", 1 << 20));
    };
    if (args[2] == "ring" && args.size() == 4) {
      serve_channel<ch08::ring>(args[3], args[0], size);
    } else if (args[2] == "condition" && args.size() == 4) {
      serve_channel<ch08::condition_slot>(args[3], args[0], size);
    } else if (args[2] == "semaphore" && args.size() == 4) {
      serve_channel<ch08::semaphore_slot>(args[3], args[0], size);
    } else if (args[2] == "spin" && args.size() == 4) {
      serve_channel<ch08::spin_slot>(args[3], args[0], size);
    } else if (args[2] == "pipe" && args.size() == 5) {
      peer_fds link(fd(args[3]), fd(args[4]));
      serve(link, args[0], size);
    } else if (args[2] == "message_queue" && args.size() == 5) {
      std::optional<bip::message_queue> in, out;
      open_queue(in, args[3]);
      open_queue(out, args[4]);
      ch08::queue_stream<ch08::boost_queue> link({*out}, {*in});
      serve(link, args[0], size);
    } else if (args[2] == "posix_mq" && args.size() == 5) {
      ch08::queue_stream<ch08::posix_queue> link({fd(args[4])}, {fd(args[3])});
      serve(link, args[0], size);
    } else if (args[2] == "socket" && args.size() == 4) {
      peer_fds link(fd(args[3]), fd(args[3]));
      serve(link, args[0], size);
    } else {
      throw usage();
    }
    return harness::exit_ok;
  } catch (const harness::usage_error& e) {
    std::cerr << program << " peer: error: " << e.what() << '\n';
    return harness::exit_usage;
  } catch (const harness::invariant_error& e) {
    std::cerr << program << " peer: error: invariant failed: " << e.what() << '\n';
    return harness::exit_invariant;
  } catch (const std::exception& e) {
    std::cerr << program << " peer: error: " << e.what() << '\n';
    return harness::exit_resource;
  }
}

}  // namespace

int main(int argc, char** argv) {
  harness::install_signal_cleanup();  // a Ctrl-C still removes the segments, named mutexes and folders
  std::signal(SIGPIPE, SIG_IGN);      // a reader that is gone is an EPIPE error, not a silent death
  if (argc > 1 && std::string_view(argv[1]) == "peer") return run_peer({argv + 2, argv + argc});

  bool smoke = false;
  int kept = 1;
  for (int i = 1; i < argc; ++i) {
    if (std::string_view(argv[i]) == "--smoke")
      smoke = true;
    else
      argv[kept++] = argv[i];
  }
  argc = kept;
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return harness::exit_usage;
  register_benchmarks(smoke);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  if (failures > 0) {
    std::cerr << "ipclab-bench: error: " << failures << " benchmark(s) failed (ERROR OCCURRED above)\n";
    return harness::exit_invariant;
  }
  return harness::exit_ok;
}
