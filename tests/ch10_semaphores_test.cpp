// Chapter 10, semaphores: interprocess_semaphore counted exactly (try_wait,
// wait, timed_wait, post) across real processes, the bounded buffer of
// Boost's doc_anonymous_semaphore_shared_data.hpp between this process and
// the lesson's consumer, named_semaphore between processes that share only a
// name, and what a process that dies holding a slot, or while it waits,
// leaves behind. Every wait on a count that a dead or hung process may hold
// has a deadline: timed_wait's, or for the wait() calls under test a post of
// the test's own after 5 s, which fails the test.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <future>
#include <sstream>
#include <thread>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/interprocess/managed_shared_memory.hpp>
#include <boost/interprocess/sync/interprocess_semaphore.hpp>
#include <boost/interprocess/sync/named_semaphore.hpp>
#include <gtest/gtest.h>

#include "harness/chapter.hpp"
#include "harness/names.hpp"
#include "harness/segment_owner.hpp"
#include "harness/sweep.hpp"
#include "lesson.hpp"
#include "support.hpp"

using namespace boost::interprocess;
using namespace ipclab;
using namespace std::chrono_literals;
using support::run_child_role;
using support::steady;
using support::since;
using support::in;
using support::eventually;
using support::process_naming;
namespace fs = std::filesystem;

namespace {

// How many times try_wait() succeeds in a row (at most `most`): the count
// the semaphore had, which it no longer has.
template <class Semaphore>
unsigned drain(Semaphore& semaphore, unsigned most = 100) {
  unsigned taken = 0;
  while (taken < most && semaphore.try_wait()) ++taken;
  return taken;
}

// Calls wait() on `semaphore` and says whether a post of someone else
// released it: after 5 s a post of this test's own does, so that a post that
// never comes fails the test instead of hanging it.
template <class Semaphore>
bool wait_released_by_another(Semaphore& semaphore) {
  std::promise<void> done;
  std::atomic<bool> rescued{false};
  std::thread rescuer([&, finished = done.get_future()] {
    if (finished.wait_for(5s) == std::future_status::timeout) {
      rescued = true;
      semaphore.post();
    }
  });
  semaphore.wait();
  done.set_value();
  rescuer.join();
  return !rescued;
}

// Whether process `pid` is asleep in the kernel (state S in /proc/PID/stat): blocked in a wait.
bool sleeping(pid_t pid) {
  const auto stat = harness::read_proc_file("/proc/" + std::to_string(pid) + "/stat");
  const auto after_name = stat.rfind(')');
  return after_name != std::string::npos && stat.size() > after_name + 2 && stat[after_name + 2] == 'S';
}

// A forked process that runs `work` and exits 0 (a child of this test that
// shares its mappings: the segment, a named semaphore's handle).
template <class Work>
pid_t fork_running(Work work) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    try {
      work();
    } catch (...) {
      ::_exit(4);
    }
    ::_exit(0);
  }
  return pid;
}

// How a forked process ended: "exited 0", "killed by SIGKILL".
std::string ending_of(pid_t pid) {
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (WIFSIGNALED(status)) return "killed by " + harness::signal_name(WTERMSIG(status));
  return "exited " + std::to_string(WEXITSTATUS(status));
}

// Kills a forked process once it is blocked (asleep), and says how it ended.
std::string killed_while_blocked(pid_t pid) {
  EXPECT_TRUE(eventually([&] { return sleeping(pid); })) << "it never blocked";
  std::this_thread::sleep_for(50ms);  // asleep, and still so: in the wait
  ::kill(pid, SIGKILL);
  return ending_of(pid);
}

std::vector<std::string> sorted(std::vector<std::string> values) {
  std::sort(values.begin(), values.end());
  return values;
}

// The test plays the parent: it owns a fresh segment with the ring and a
// name for a named semaphore.
class Semaphores : public support::owned_segment_test<ch10::segment_size> {
 protected:
  ch10::ring& ring = *segment.construct<ch10::ring>(ch10::ring_name)();
  harness::owner<named_semaphore> semaphore_owner{harness::unique_name("ch10test")};

  // The lesson's consumer against this test's ring, started now and run in
  // the background; get() its result.
  std::future<harness::spawn_result> consumer() const {
    return std::async(std::launch::async, [this] { return run_child_role("10", {"consume", owner.name()}); });
  }
  // Puts `message` into the ring as the lesson's producer does, but with
  // wait(): it returns once a free slot was had, and says whether it had to
  // wait for one (the ring was full).
  bool put_waiting(unsigned message) {
    const bool full = !ring.nempty.try_wait();
    if (full) {
      ++ring.full_waits;
      EXPECT_TRUE(wait_released_by_another(ring.nempty)) << "no free slot came for message " << message;
    }
    EXPECT_TRUE(wait_released_by_another(ring.mutex)) << "the ring's mutex was never let go";
    ring.items[ring.put++ % ch10::capacity] = message;
    ring.mutex.post();
    ring.nstored.post();
    return full;
  }
  // Every count of the ring as the lesson leaves it: no message, every slot
  // free, the mutex free. Takes the counts (the ring is used up afterwards).
  void expect_ring_drained() {
    EXPECT_EQ(drain(ring.nstored), 0u) << "a message was left in the ring";
    EXPECT_EQ(drain(ring.nempty), ch10::capacity) << "free slots";
    EXPECT_EQ(drain(ring.mutex), 1u) << "the ring's mutex";
  }
};

using InterprocessSemaphore = Semaphores;
using BoundedBuffer = Semaphores;
using NamedSemaphore = Semaphores;
using DeadHolders = Semaphores;
using DeadWaiters = Semaphores;

// The lesson end to end: every message through the ring in order, both
// waits taken, exactly `slots` of the takers through, the dead holder's slot
// not given back, and nothing left in /dev/shm (the semaphore's sem.NAME too).
TEST(Chapter10Program, ParentRoleExitsZeroDeliversEveryMessageInOrderAndLeavesNothing) {
  IPCLAB_CHECKS_THE_CHAPTER();
  const auto run = support::run_parent_role("10");
  ASSERT_TRUE(support::ran_both_roles_and_left_nothing(run));
  EXPECT_TRUE(run.out.starts_with(ch10::in_order_line(ch10::messages))) << run.out;
  const auto lines_saying = [&](const std::string& line) {
    std::size_t count = 0;
    for (auto at = run.out.find(line); at != std::string::npos; at = run.out.find(line, at + 1)) ++count;
    return count;
  };
  EXPECT_EQ(lines_saying(ch10::taker_line(true)), ch10::slots) << run.out;
  EXPECT_EQ(lines_saying(ch10::taker_line(false)), ch10::takers - ch10::slots) << run.out;
  const auto facts = support::facts_of(run);
  EXPECT_EQ(facts.values("parent", "sent"), std::vector<std::string>{"10"});
  EXPECT_EQ(facts.values("child", "received"), std::vector<std::string>{"10"});
  EXPECT_GE(std::stoi(support::fact(run, "parent", "full_waits")), 1) << "the producer never found the ring full";
  EXPECT_GE(std::stoi(support::fact(run, "parent", "empty_waits")), 1) << "the consumer never found it empty";
  EXPECT_EQ(support::fact(run, "parent", "empty_waits"), support::fact(run, "child", "empty_waits"));
  EXPECT_EQ(sorted(facts.values("child", "took")), (std::vector<std::string>{"false", "true", "true"}));
  EXPECT_EQ(facts.values("parent", "took"), std::vector<std::string>{"2"});
  EXPECT_EQ(facts.values("parent", "left"), std::vector<std::string>{"1"});
  const auto semaphore = support::fact(run, "parent", "semaphore");
  EXPECT_FALSE(fs::exists("/dev/shm/sem." + semaphore)) << "the named semaphore was left behind";
  std::vector<int> steps;
  for (const auto& [pid, step] : facts.last_steps("child")) steps.push_back(step);
  std::sort(steps.begin(), steps.end());
  EXPECT_EQ(steps, (std::vector<int>{2, 2, 2, 2, 3})) << "three takers and the holder ran 2 steps, the consumer 3";
}

// Documented: try_wait() takes one while the count is above 0 and returns
// false at 0; post() adds one. Counted exactly from 0, 1 and 4.
TEST_F(InterprocessSemaphore, TryWaitSucceedsExactlyTheInitialCountTimesThenReturnsFalse) {
  IPCLAB_CLAIMS("SYN-12");
  for (const unsigned initial : {0u, 1u, 4u}) {
    SCOPED_TRACE("initial count " + std::to_string(initial));
    interprocess_semaphore& semaphore = *segment.construct<interprocess_semaphore>(anonymous_instance)(initial);
    for (unsigned i = 0; i < initial; ++i) EXPECT_TRUE(semaphore.try_wait()) << "try " << i + 1;
    EXPECT_FALSE(semaphore.try_wait());
    EXPECT_FALSE(semaphore.try_wait()) << "a false try_wait took nothing and gave nothing";
    for (int post = 0; post < 3; ++post) semaphore.post();
    EXPECT_EQ(drain(semaphore), 3u);
    segment.destroy_ptr(&semaphore);
  }
}

// Documented: post() wakes one waiter. Two threads of this process wait()
// at 0; one post from a forked child process releases exactly one of them,
// and leaves the count at 0; a second post releases the other.
TEST_F(InterprocessSemaphore, AWaitHereIsReleasedByExactlyOnePostFromAChildProcess) {
  IPCLAB_CLAIMS("SYN-12");
  interprocess_semaphore& semaphore = ring.nstored;
  std::atomic<int> released{0};
  auto waiter = [&] {
    semaphore.wait();
    ++released;
  };
  std::future<void> first = std::async(std::launch::async, waiter);
  std::future<void> second = std::async(std::launch::async, waiter);
  std::this_thread::sleep_for(100ms);  // both in wait() by now
  EXPECT_EQ(released, 0);
  EXPECT_EQ(ending_of(fork_running([&] { semaphore.post(); })), "exited 0");
  EXPECT_TRUE(eventually([&] { return released == 1; }));
  std::this_thread::sleep_for(100ms);
  EXPECT_EQ(released, 1) << "one post released two waiters";
  EXPECT_FALSE(semaphore.try_wait()) << "the post was not taken by the waiter";
  EXPECT_EQ(ending_of(fork_running([&] { semaphore.post(); })), "exited 0");
  first.get();
  second.get();
  EXPECT_EQ(released, 2);
  EXPECT_FALSE(semaphore.try_wait());
}

// Documented: at 0, timed_wait(t) returns false once t has passed (not
// before, and not long after), taking nothing; a post from another process
// before t makes it return true; above 0 it returns true at once.
TEST_F(InterprocessSemaphore, TimedWaitReturnsFalseAtItsDeadlineAndTrueWhenAChildPostsBefore) {
  IPCLAB_CLAIMS("SYN-13");
  interprocess_semaphore& semaphore = ring.nstored;
  auto start = steady::now();
  EXPECT_FALSE(semaphore.timed_wait(in(300ms)));
  EXPECT_GE(since(start), 300ms);
  EXPECT_LT(since(start), 1300ms);
  start = steady::now();
  EXPECT_FALSE(semaphore.timed_wait(in(-100ms))) << "a deadline already past, at 0";
  EXPECT_LT(since(start), 100ms);
  EXPECT_FALSE(semaphore.try_wait());
  start = steady::now();
  const pid_t poster = fork_running([&] {
    std::this_thread::sleep_for(100ms);
    semaphore.post();
  });
  EXPECT_TRUE(semaphore.timed_wait(in(3000ms)));
  EXPECT_GE(since(start), 100ms);
  EXPECT_LT(since(start), 3000ms);
  EXPECT_EQ(ending_of(poster), "exited 0");
  EXPECT_FALSE(semaphore.try_wait()) << "the post was taken by timed_wait";
  semaphore.post();
  start = steady::now();
  EXPECT_TRUE(semaphore.timed_wait(in(-100ms))) << "above 0 it takes one whatever the deadline";
  EXPECT_LT(since(start), 100ms);
  EXPECT_FALSE(semaphore.try_wait());
}

// Linux (Boost 1.81 and 1.74 alike): a signal handler that returns, installed
// with SA_RESTART, restarts a thread's wait() (sem_wait), which goes on
// waiting for its post; but sem_timedwait is never restarted (signal(7)), and
// Boost throws its EINTR as interprocess_exception(system_error) long before
// the deadline. Neither takes from the count.
TEST_F(InterprocessSemaphore, AHandledSignalRestartsWaitButMakesTimedWaitThrowEintr) {
  IPCLAB_CHECKS_THE_CHAPTER();
  struct sigaction handled {}, before {};
  handled.sa_handler = [](int) {};
  handled.sa_flags = SA_RESTART;
  ASSERT_EQ(::sigaction(SIGUSR1, &handled, &before), 0);
  interprocess_semaphore& semaphore = ring.nstored;
  // Runs `call` in a thread, sends that thread SIGUSR1 once it is blocked,
  // posts after another 200 ms, and says what the call did.
  const auto signalled_while_blocked = [&](auto call) {
    std::string what = "still blocked 200 ms after the signal";
    std::promise<pid_t> thread_id;
    std::atomic<bool> done{false};
    std::thread thread([&] {
      thread_id.set_value(::gettid());
      try {
        what = call();
      } catch (const interprocess_exception& e) {
        what = "threw error " + std::to_string(e.get_error_code()) + ", native " + std::to_string(e.get_native_error());
      }
      done = true;
    });
    const pid_t id = thread_id.get_future().get();
    EXPECT_TRUE(eventually([&] { return sleeping(id); }));
    std::this_thread::sleep_for(50ms);
    ::pthread_kill(thread.native_handle(), SIGUSR1);
    const auto start = steady::now();
    while (!done && since(start) < 200ms) std::this_thread::sleep_for(1ms);
    const std::string seen = done ? what : "still blocked 200 ms after the signal";
    semaphore.post();
    thread.join();
    return seen;
  };
  EXPECT_EQ(signalled_while_blocked([&] {
              semaphore.wait();
              return std::string("returned");
            }),
            "still blocked 200 ms after the signal");
  EXPECT_FALSE(semaphore.try_wait()) << "the post released the restarted wait()";
  EXPECT_EQ(signalled_while_blocked([&] { return std::string(semaphore.timed_wait(in(3000ms)) ? "true" : "false"); }),
            "threw error " + std::to_string(system_error) + ", native " + std::to_string(EINTR));
  EXPECT_EQ(drain(semaphore), 1u) << "the interrupted timed_wait took nothing: the post is still there";
  ::sigaction(SIGUSR1, &before, nullptr);
}

// The bounded buffer with this process as the producer, using wait(): the
// lesson's consumer finds the ring empty and blocks until the first post; it
// then takes no more until this process has found the ring full and blocked
// in wait(), which the consumer's post releases. Every message arrives once,
// in order, and the ring's counts are back where they started.
TEST_F(BoundedBuffer, TheConsumerChildReceivesEveryMessageOnceAndInOrderThroughBothWaits) {
  IPCLAB_CLAIMS("SYN-12");
  auto child = consumer();
  ASSERT_TRUE(eventually([&] { return ring.empty_waits == 1u; })) << "the consumer never found the ring empty";
  unsigned full = 0;
  for (unsigned message = 1; message <= ch10::messages; ++message) full += put_waiting(message) ? 1 : 0;
  const auto result = child.get();
  ASSERT_TRUE(result.succeeded()) << result.describe() << "\n" << result.err;
  EXPECT_EQ(result.out, ch10::in_order_line(ch10::messages));
  EXPECT_GE(full, 1u) << "this process never found the ring full";
  EXPECT_EQ(support::fact(result, "child", "empty_waits"), std::to_string(ring.empty_waits.load()));
  EXPECT_EQ(ring.put, ch10::messages);
  EXPECT_EQ(ring.taken, ch10::messages);
  expect_ring_drained();
}

// A full ring: nempty's try_wait succeeds exactly `capacity` times, then
// false, and timed_wait gives up at its deadline; a producer blocked in
// wait() is released when the lesson's consumer takes a message.
TEST_F(BoundedBuffer, AFullRingBlocksTheProducerUntilTheConsumerChildTakesAMessage) {
  IPCLAB_CLAIMS("SYN-12", "SYN-13");
  for (unsigned message = 1; message <= ch10::capacity; ++message) ASSERT_FALSE(put_waiting(message));
  EXPECT_FALSE(ring.nempty.try_wait()) << "a full ring had a free slot";
  const auto start = steady::now();
  EXPECT_FALSE(ring.nempty.timed_wait(in(200ms)));
  EXPECT_GE(since(start), 200ms);
  ++ring.full_waits;  // what lets the lesson's consumer go on past its first message
  auto child = consumer();
  ASSERT_TRUE(wait_released_by_another(ring.nempty)) << "the consumer's post of a free slot never came";
  EXPECT_GE(ring.taken, 1u);
  ring.nempty.post();  // the slot put_waiting takes again
  for (unsigned message = ch10::capacity + 1; message <= ch10::messages; ++message) put_waiting(message);
  const auto result = child.get();
  ASSERT_TRUE(result.succeeded()) << result.describe() << "\n" << result.err;
  EXPECT_EQ(result.out, ch10::in_order_line(ch10::messages));
  EXPECT_EQ(support::fact(result, "child", "empty_waits"), std::to_string(ring.empty_waits.load()));
  expect_ring_drained();
}

// The lesson's consumer checks what comes out: a message put twice is
// reported, with exit 1, in one sentence.
TEST_F(BoundedBuffer, TheConsumerChildReportsAMessageRepeated) {
  IPCLAB_CHECKS_THE_CHAPTER();
  ++ring.full_waits;
  put_waiting(1);
  put_waiting(1);
  const auto result = consumer().get();
  EXPECT_EQ(result.describe(), "exited 1") << result.err;
  const auto errors = support::error_lines(result.err);
  ASSERT_EQ(errors.size(), 1u) << result.err;
  EXPECT_NE(errors[0].find("message is 1, not 2: lost, repeated or out of order"), std::string::npos) << errors[0];
  EXPECT_EQ(result.out, "");
}

// Documented: processes that open a named semaphore by its name share one
// count. Created with K (0, 2, 3), it lets exactly K of three of the
// lesson's takers, started at once, through try_wait; then it is at 0 here.
TEST_F(NamedSemaphore, CreatedWithKSlotsLetsExactlyKOfTheChildrenThrough) {
  IPCLAB_CLAIMS("SYN-12", "SYN-14");
  for (const unsigned slots : {0u, ch10::slots, 3u}) {
    SCOPED_TRACE("created with " + std::to_string(slots));
    harness::owner<named_semaphore> name(harness::unique_name("ch10test"));
    named_semaphore semaphore(create_only, name.c_str(), slots, harness::owner_only());
    const std::vector<harness::spawn_request> takers(
        ch10::takers, harness::spawn_request{support::chapter_program("10"), {"child", "take", name.name()}});
    unsigned took = 0;
    for (const auto& taker : harness::spawn_many(takers, {.environment = {{harness::facts_variable, "1"}}})) {
      ASSERT_TRUE(taker.succeeded()) << taker.describe() << "\n" << taker.err;
      EXPECT_EQ(taker.out, ch10::taker_line(support::fact(taker, "child", "took") == "true"));
      took += support::fact(taker, "child", "took") == "true" ? 1 : 0;
    }
    EXPECT_EQ(took, slots);
    EXPECT_FALSE(semaphore.try_wait()) << "a slot was left";
  }
}

// On Linux a named_semaphore is a POSIX named semaphore, /dev/shm/sem.NAME,
// created through sem_open, so the umask applies (0600 under umask 077 even
// with Boost's default 0644). create_only on an existing name throws
// already_exists_error and open_only on a missing one not_found_error. Its
// count outlives every handle until remove(), which says true, then false.
TEST_F(NamedSemaphore, IsADevShmSemaphoreWhoseCountOutlivesItsHandlesUntilRemoved) {
  IPCLAB_CLAIMS("SYN-14", "SYN-15", "SYN-17");
  const std::string path = "/dev/shm/sem." + semaphore_owner.name();
  {
    const ::mode_t umask_before = ::umask(077);
    named_semaphore first(create_only, semaphore_owner.c_str(), 0);
    ::umask(umask_before);
    struct stat status {};
    ASSERT_EQ(::stat(path.c_str(), &status), 0) << path;
    EXPECT_EQ(status.st_mode & 0777, 0600u);
    try {
      named_semaphore again(create_only, semaphore_owner.c_str(), 5);
      ADD_FAILURE() << "create_only on an existing name did not throw";
    } catch (const interprocess_exception& e) {
      EXPECT_EQ(e.get_error_code(), already_exists_error);
    }
    named_semaphore second(open_only, semaphore_owner.c_str());
    first.post();
    second.post();
  }
  named_semaphore reopened(open_only, semaphore_owner.c_str());
  EXPECT_EQ(drain(reopened), 2u) << "the count of two posts, through handles all gone";
  EXPECT_TRUE(named_semaphore::remove(semaphore_owner.c_str()));
  EXPECT_FALSE(fs::exists(path));
  EXPECT_FALSE(named_semaphore::remove(semaphore_owner.c_str()));
  try {
    named_semaphore missing(open_only, semaphore_owner.c_str());
    ADD_FAILURE() << "open_only on a removed name did not throw";
  } catch (const interprocess_exception& e) {
    EXPECT_EQ(e.get_error_code(), not_found_error);
  }
}

// Documented: open_or_create on an existing name opens it, and its count
// argument is ignored.
TEST_F(NamedSemaphore, OpenOrCreateIgnoresTheCountWhenTheNameExists) {
  IPCLAB_CLAIMS("SYN-16");
  named_semaphore created(open_or_create, semaphore_owner.c_str(), 1, harness::owner_only());
  named_semaphore opened(open_or_create, semaphore_owner.c_str(), 5, harness::owner_only());
  EXPECT_EQ(drain(opened), 1u);
  EXPECT_FALSE(created.try_wait());
}

// Boost 1.81 on Linux: a semaphore does not know who took its count. The
// lesson's holder takes a slot of a named semaphore of 2 and dies by SIGKILL:
// afterwards try_wait succeeds exactly once, and timed_wait gives up at its
// deadline. Nothing gives the slot back but a post.
TEST_F(DeadHolders, AHolderKilledBySigkillNeverGivesItsSlotBack) {
  IPCLAB_CLAIMS("SYN-12");
  named_semaphore semaphore(create_only, semaphore_owner.c_str(), ch10::slots, harness::owner_only());
  const auto holder = run_child_role("10", {"hold", semaphore_owner.name()});
  ASSERT_EQ(holder.describe(), "killed by SIGKILL") << holder.err;
  EXPECT_EQ(support::facts_of(holder).last_steps("child")[holder.pid], 2) << "it died holding the slot";
  EXPECT_EQ(drain(semaphore), ch10::slots - 1);
  const auto start = steady::now();
  EXPECT_FALSE(semaphore.timed_wait(in(200ms))) << "the dead holder's slot came back";
  EXPECT_GE(since(start), 200ms);
  semaphore.post();
  EXPECT_EQ(drain(semaphore), 1u) << "a post, from anyone, is what gives a slot back";
}

// The same for the ring's `mutex` semaphore: a process that dies between its
// wait() and its post() leaves it at 0 for good, and every later timed_wait
// gives up at its deadline: the ring is stuck. (A robust interprocess_mutex
// would throw instead; a semaphore cannot tell.)
TEST_F(DeadHolders, AProcessKilledInsideTheRingsMutexLeavesItTakenForGood) {
  IPCLAB_CLAIMS("SYN-12", "SYN-13");
  const pid_t pid = fork_running([&] {
    ring.mutex.wait();
    ::raise(SIGKILL);
  });
  EXPECT_EQ(ending_of(pid), "killed by SIGKILL");
  EXPECT_FALSE(ring.mutex.try_wait());
  for (int attempt = 1; attempt <= 2; ++attempt) {
    const auto start = steady::now();
    EXPECT_FALSE(ring.mutex.timed_wait(in(200ms))) << "attempt " << attempt;
    EXPECT_GE(since(start), 200ms);
  }
}

// Dead waiters: a process killed while it waits in wait() takes nothing and
// leaves the count as it was, for an interprocess_semaphore and a
// named_semaphore alike: afterwards one post lets exactly one try_wait through.
TEST_F(DeadWaiters, AProcessKilledWhileInWaitLeavesTheCountUnchanged) {
  IPCLAB_CLAIMS("SYN-12");
  named_semaphore named(create_only, semaphore_owner.c_str(), 0, harness::owner_only());
  EXPECT_EQ(killed_while_blocked(fork_running([&] { ring.nstored.wait(); })), "killed by SIGKILL");
  EXPECT_EQ(killed_while_blocked(fork_running([&] { named.wait(); })), "killed by SIGKILL");
  EXPECT_FALSE(ring.nstored.try_wait());
  EXPECT_FALSE(named.try_wait());
  ring.nstored.post();
  named.post();
  EXPECT_EQ(drain(ring.nstored), 1u);
  EXPECT_EQ(drain(named), 1u);
}

// The lesson's consumer, killed while it waits (timed_wait) on the empty
// ring: the next message is there for whoever takes it next, exactly once,
// and the ring's mutex is free.
TEST_F(DeadWaiters, TheConsumerChildKilledWhileWaitingOnTheEmptyRingTakesNothing) {
  IPCLAB_CHECKS_THE_CHAPTER();
  auto child = consumer();
  ASSERT_TRUE(eventually([&] { return ring.empty_waits == 1u; }));
  const pid_t pid = process_naming(owner.name());
  ASSERT_NE(pid, 0);
  EXPECT_TRUE(eventually([&] { return sleeping(pid); }));
  std::this_thread::sleep_for(50ms);
  ::kill(pid, SIGKILL);
  const auto result = child.get();
  EXPECT_EQ(result.describe(), "killed by SIGKILL");
  EXPECT_EQ(support::facts_of(result).last_steps("child")[result.pid], 1) << "it died waiting for message 1";
  put_waiting(1);
  EXPECT_EQ(drain(ring.nstored), 1u);
  EXPECT_EQ(drain(ring.nempty), ch10::capacity - 1);
  EXPECT_EQ(drain(ring.mutex), 1u);
}

// IPCLAB_PATIENCE_MS, which the chaos tests set, bounds how long the consumer
// waits for a message nobody produces: it gives up then, with a resource
// error that names the wait, and leaves the ring as it found it. A value that
// is not a number of milliseconds is bad usage.
TEST_F(DeadWaiters, TheConsumerChildGivesUpAfterThePatienceItIsGiven) {
  IPCLAB_CHECKS_THE_CHAPTER();
  const auto consume = [&](const std::string& patience) {
    return harness::spawn(support::chapter_program("10"), {"child", "consume", owner.name()},
                          {.environment = {{"IPCLAB_PATIENCE_MS", patience}}});
  };
  const auto patient = consume("300");
  EXPECT_EQ(patient.describe(), "exited 3") << patient.err;
  EXPECT_NE(patient.err.find("waited 300 ms for a message in vain"), std::string::npos) << patient.err;
  EXPECT_GE(patient.elapsed, 300ms);
  EXPECT_LT(patient.elapsed, ch10::patience()) << "it waited its default patience instead";
  EXPECT_EQ(ring.empty_waits, 1u);
  EXPECT_EQ(drain(ring.nstored), 0u);
  EXPECT_EQ(drain(ring.mutex), 1u);
  const auto garbled = consume("soon");
  EXPECT_EQ(garbled.describe(), "exited 2") << garbled.err;
  EXPECT_NE(garbled.err.find("error: the patience IPCLAB_PATIENCE_MS 'soon' is not a decimal number"),
            std::string::npos)
      << garbled.err;
}

// Bad input to the child role: one clear sentence, a defined exit code, no
// crash, nothing left in /dev/shm, and the ring and the named semaphore
// untouched. SEGMENT, EMPTY and SEMAPHORE are replaced by the test's own.
using BadInput = support::bad_input;

class SemaphoresBadInput : public Semaphores, public ::testing::WithParamInterface<BadInput> {
 protected:
  harness::segment_owner empty_owner{harness::unique_name("ch10test")};
  managed_shared_memory empty{create_only, empty_owner.c_str(), ch10::segment_size, nullptr, harness::owner_only()};
  named_semaphore slots{create_only, semaphore_owner.c_str(), ch10::slots, harness::owner_only()};
};

TEST_P(SemaphoresBadInput, ChildRejectsItWithOneSentenceAndTheRightExitCode) {
  IPCLAB_CHECKS_THE_CHAPTER();
  auto args = support::substitute(GetParam().args, "SEGMENT", owner.name());
  args = support::substitute(args, "EMPTY", empty_owner.name());
  args = support::substitute(args, "SEMAPHORE", semaphore_owner.name());
  auto sentence = support::substitute(GetParam().sentence, "EMPTY", empty_owner.name());
  sentence = support::substitute(sentence, "SEGMENT", owner.name());
  const auto child = run_child_role("10", args);
  EXPECT_TRUE(support::rejected_cleanly(child, GetParam().exit_code, sentence));
  EXPECT_EQ(ring.empty_waits, 0u);
  EXPECT_EQ(ring.taken, 0u);
  expect_ring_drained();
  EXPECT_EQ(drain(slots), ch10::slots) << "the named semaphore's count changed";
}

const std::string missing = "ipclab-ch10-0-0-missing";

INSTANTIATE_TEST_SUITE_P(
    Chapter10, SemaphoresBadInput,
    ::testing::Values(
        BadInput{"NoAction", {}, harness::exit_usage, "takes an action, 'consume', 'take' or 'hold', not ''"},
        BadInput{"UnknownAction", {"produce", "SEGMENT"}, harness::exit_usage, "not 'produce'"},
        BadInput{"ConsumeWithoutSegment", {"consume"}, harness::exit_usage, "takes 2 arguments but got 1"},
        BadInput{"ConsumeWithAnExtraArgument", {"consume", "SEGMENT", "10"}, harness::exit_usage,
                 "takes 2 arguments but got 3"},
        BadInput{"TakeWithoutName", {"take"}, harness::exit_usage, "takes 2 arguments but got 1"},
        BadInput{"HoldWithAnExtraArgument", {"hold", "SEMAPHORE", "2"}, harness::exit_usage,
                 "takes 2 arguments but got 3"},
        BadInput{"EmptyName", {"take", ""}, harness::exit_usage, "the name of an object must not be empty"},
        BadInput{"SegmentNameWithASlash", {"consume", "a/b"}, harness::exit_usage, "contains '/'"},
        BadInput{"NameTooLong", {"hold", std::string(300, 'x')}, harness::exit_usage,
                 "has 300 characters, more than the 251 this system allows"},
        BadInput{"SegmentDoesNotExist", {"consume", missing}, harness::exit_resource,
                 "cannot open segment '" + missing + "': No such file or directory"},
        BadInput{"SegmentWithoutRing", {"consume", "EMPTY"}, harness::exit_resource,
                 "segment 'EMPTY' has no object named 'ring' (it holds no named object)"},
        BadInput{"NamedSemaphoreDoesNotExist", {"take", missing}, harness::exit_resource,
                 "cannot open named semaphore '" + missing + "': No such file or directory"},
        BadInput{"HoldOnAMissingSemaphore", {"hold", missing}, harness::exit_resource,
                 "cannot open named semaphore '" + missing + "': No such file or directory"},
        BadInput{"ASegmentsNameIsNoSemaphore", {"take", "SEGMENT"}, harness::exit_resource,
                 "cannot open named semaphore 'SEGMENT': No such file or directory"},
        BadInput{"ASemaphoresNameIsNoSegment", {"consume", "SEMAPHORE"}, harness::exit_resource,
                 "cannot open segment '"}),
    [](const auto& info) { return info.param.label; });

}  // namespace
