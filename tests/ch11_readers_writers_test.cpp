// Chapter 11, readers and writers: reader processes that share one
// interprocess_upgradable_mutex while a writer waits to upgrade, the lock
// transfers Boost documents, the named sharable and upgradable mutexes, and
// what Boost.Interprocess 1.81 on Linux (glibc 2.36) does when a reader or a
// writer dies holding or waiting. No test here can hang: every wait on a lock
// that a dead process may hold has a deadline, and a call that can block for
// good runs in a forked process that the test kills.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <future>
#include <thread>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/interprocess/managed_shared_memory.hpp>
#include <boost/interprocess/sync/interprocess_sharable_mutex.hpp>
#include <boost/interprocess/sync/named_sharable_mutex.hpp>
#include <boost/interprocess/sync/named_upgradable_mutex.hpp>
#include <boost/interprocess/sync/scoped_lock.hpp>
#include <boost/interprocess/sync/sharable_lock.hpp>
#include <boost/interprocess/sync/upgradable_lock.hpp>
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
using upgradable_mutex = interprocess_upgradable_mutex;

namespace {

// True once `pid` sleeps in the kernel's futex wait: blocked in a lock or a
// condition, not polling (a poll sleeps in nanosleep).
bool blocked_in_a_futex(pid_t pid) {
  return eventually([&] {
    return harness::read_proc_file("/proc/" + std::to_string(pid) + "/wchan").find("futex") != std::string::npos;
  });
}

// Runs `call` in a forked process and says whether it returned within
// `deadline`; one that did not is killed. For calls that may block for good.
// `forked`, if given, gets its PID as soon as it runs (another thread may wait for it).
template <class Call>
bool returns_in_a_forked_process(Call call, std::chrono::milliseconds deadline, std::atomic<pid_t>* forked = nullptr) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    try {
      call();
    } catch (...) {
      ::_exit(2);
    }
    ::_exit(0);
  }
  if (forked) *forked = pid;
  const auto start = steady::now();
  int status = 0;
  while (since(start) < deadline)
    if (::waitpid(pid, &status, WNOHANG) == pid) return WIFEXITED(status) && WEXITSTATUS(status) == 0;
    else std::this_thread::sleep_for(5ms);
  ::kill(pid, SIGKILL);
  ::waitpid(pid, &status, 0);
  return false;
}

// A thread that holds a lock until told to let go.
class holder {
 public:
  template <class Take, class Give>
  holder(Take take, Give give)
      : thread_([this, take, give] {
          take();
          taken_ = true;
          while (!release_) std::this_thread::sleep_for(1ms);
          give();
        }) {
    while (!taken_) std::this_thread::sleep_for(1ms);
  }
  ~holder() { let_go(); }
  void let_go() {
    release_ = true;
    if (thread_.joinable()) thread_.join();
  }

 private:
  std::atomic<bool> taken_{false}, release_{false};
  std::thread thread_;
};

// The test plays the parent: it owns a fresh segment with a board and, for
// the tests that need them, an interprocess_sharable_mutex and a second
// upgradable mutex; and a fresh named sharable mutex. The chapter binary plays
// the readers, the writer and the dying holder.
class ReadersWriters : public support::owned_segment_test<ch11::segment_size> {
 protected:
  ch11::board& board = *segment.construct<ch11::board>(ch11::board_name)();
  interprocess_sharable_mutex& sharable = *segment.construct<interprocess_sharable_mutex>("sharable")();
  upgradable_mutex& upgradable = *segment.construct<upgradable_mutex>("upgradable")();
  harness::owner<named_sharable_mutex> mutex_owner{harness::unique_name("ch11test")};
  named_sharable_mutex named{create_only, mutex_owner.c_str(), harness::owner_only()};

  std::vector<std::string> args(const std::string& action, int readers) const {
    return {"child", action, owner.name(), std::to_string(readers)};
  }
  // `readers` reader processes and, unless `with_writer` is false, one writer, all at once.
  std::vector<harness::spawn_result> readers_and_writer(int readers, bool with_writer = true) const {
    std::vector<harness::spawn_request> requests(readers, {support::chapter_program("11"), args("read", readers)});
    if (with_writer) requests.push_back({support::chapter_program("11"), args("write", readers)});
    return harness::spawn_many(requests, {.timeout = 20s, .environment = {{harness::facts_variable, "1"}}});
  }
  // One child role with a fault injected at one of its steps (IPCLAB_FAULT).
  harness::spawn_result child_with_fault(const std::vector<std::string>& child_args, const std::string& fault,
                                         std::chrono::milliseconds timeout = 20s) const {
    return harness::spawn(
        support::chapter_program("11"), child_args,
        {.timeout = timeout, .environment = {{"IPCLAB_FAULT", fault}, {harness::facts_variable, "1"}}});
  }
};

std::vector<std::string> sorted(std::vector<std::string> values) {
  std::sort(values.begin(), values.end());
  return values;
}

// The lesson end to end: three readers and a writer, then a reader that dies
// holding the named sharable mutex; nothing is left in /dev/shm.
TEST(Chapter11Program, ParentRoleExitsZeroWithThreeReadersAtOnceAndADeadReaderPinned) {
  IPCLAB_CHECKS_THE_CHAPTER();
  const auto run = support::run_parent_role("11");
  ASSERT_TRUE(support::ran_both_roles_and_left_nothing(run));
  EXPECT_EQ(run.out, "read version 1\nread version 1\nread version 1\nwrite version 1\n");
  const auto facts = support::facts_of(run);
  EXPECT_EQ(facts.values("parent", "most_readers"), std::vector<std::string>{"3"});
  EXPECT_EQ(facts.values("parent", "version"), std::vector<std::string>{"1"});
  EXPECT_EQ(facts.values("parent", "waited_ms"), std::vector<std::string>{"300"});
  EXPECT_EQ(sorted(facts.values("child", "inside")), (std::vector<std::string>{"1", "2", "3"}));
  EXPECT_EQ(facts.values("child", "readers_beside"), std::vector<std::string>{"3"});
  EXPECT_EQ(facts.values("child", "at_door"), std::vector<std::string>{"3"});
  EXPECT_EQ(facts.values("child", "version"), (std::vector<std::string>{"1", "1", "1"}));
  // Five children: three readers and the writer reached step 4, the holder died at its step 1.
  std::vector<int> steps;
  for (const auto& [pid, step] : facts.last_steps("child")) steps.push_back(step);
  std::sort(steps.begin(), steps.end());
  EXPECT_EQ(steps, (std::vector<int>{1, 4, 4, 4, 4})) << run.err;
}

// The lesson's children against this process's board: three reader processes
// are inside at once, the writer holds its upgradable lock beside all three,
// writes with none inside while all three wait at the door, and each reader
// then reads version 1. Every child exits 0 and leaves the mutex free.
TEST_F(ReadersWriters, ThreeReaderProcessesAreInsideAtOnceAndTheWriterWritesAlone) {
  IPCLAB_CHECKS_THE_CHAPTER();
  const auto children = readers_and_writer(3);
  std::vector<std::string> inside, versions;
  for (const auto& child : children) {
    ASSERT_TRUE(child.succeeded()) << child.describe() << "\n" << child.err;
    const auto facts = support::facts_of(child);
    for (const auto& value : facts.values("child", "inside")) inside.push_back(value);
    for (const auto& value : facts.values("child", "version")) versions.push_back(value);
  }
  EXPECT_EQ(sorted(inside), (std::vector<std::string>{"1", "2", "3"}));
  EXPECT_EQ(versions, (std::vector<std::string>{"1", "1", "1"}));
  EXPECT_EQ(support::fact(children.back(), "child", "readers_beside"), "3");
  EXPECT_EQ(support::fact(children.back(), "child", "at_door"), "3");
  EXPECT_EQ(board.most_readers_inside.load(), 3);
  EXPECT_EQ(board.readers_inside.load(), 0);
  EXPECT_EQ(board.version, 1);
  EXPECT_STREQ(board.text, std::string(ch11::news).c_str());
  EXPECT_TRUE(board.mutex.try_lock()) << "a child left the board's mutex held";
  board.mutex.unlock();
}

// The smallest pair: one reader process and the writer take turns the same way.
TEST_F(ReadersWriters, OneReaderAndOneWriterTakeTurnsToo) {
  IPCLAB_CHECKS_THE_CHAPTER();
  const auto children = readers_and_writer(1);
  for (const auto& child : children) ASSERT_TRUE(child.succeeded()) << child.describe() << "\n" << child.err;
  EXPECT_EQ(children[0].out, "read version 1\n");
  EXPECT_EQ(children[1].out, "write version 1\n");
  EXPECT_EQ(board.most_readers_inside.load(), 1);
  EXPECT_EQ(board.version, 1);
}

// Documented lock transfers, with reader processes: this process plays the
// writer. Its upgradable lock shares the mutex with three reader processes;
// the upgrade to a scoped_lock returns only once all three have left; the
// demotions to upgradable and to sharable return at once, while the three
// readers wait at the door, and let them in.
TEST_F(ReadersWriters, TheUpgradeWaitsForThreeReaderProcessesToLeaveAndTheDemotionsDoNotWait) {
  IPCLAB_CLAIMS("SYN-27");
  std::future<std::vector<harness::spawn_result>> readers =
      std::async(std::launch::async, [this] { return readers_and_writer(3, false); });
  ASSERT_TRUE(eventually([&] { return board.most_readers_inside == 3; })) << "the three readers never were inside";
  upgradable_lock<upgradable_mutex> upgrade(board.mutex, in(5000ms));
  ASSERT_TRUE(upgrade.owns());
  EXPECT_EQ(board.readers_inside.load(), 3) << "the upgradable lock is shared with the readers";
  board.writer_waiting = true;
  // The timed upgrade: the readers leave now (a dead one would otherwise hang the test)
  auto deadline_exclusive = in(5000ms);  // a variable: Boost 1.74 takes it by non-const reference
  scoped_lock<upgradable_mutex> exclusive(std::move(upgrade), deadline_exclusive);
  ASSERT_TRUE(exclusive.owns());
  EXPECT_EQ(exclusive.mutex(), &board.mutex);
  EXPECT_EQ(upgrade.mutex(), nullptr);
  EXPECT_EQ(board.readers_inside.load(), 0) << "the upgrade returned while readers were inside";
  board.writer_inside = true;
  ASSERT_TRUE(eventually([&] { return board.readers_at_door == 3; }));
  board.version = 1;
  std::strcpy(board.text, std::string(ch11::news).c_str());
  board.writer_inside = false;
  const auto demoting = steady::now();
  upgradable_lock<upgradable_mutex> demoted(std::move(exclusive));
  sharable_lock<upgradable_mutex> reading(std::move(demoted));
  EXPECT_LT(since(demoting), 100ms) << "a demotion waited";
  EXPECT_TRUE(reading.owns());
  EXPECT_FALSE(demoted.owns());
  EXPECT_FALSE(exclusive.owns());
  for (const auto& reader : readers.get()) {
    EXPECT_TRUE(reader.succeeded()) << reader.describe() << "\n" << reader.err;
    EXPECT_EQ(reader.out, "read version 1\n") << "the reader came back before the demotion let it in";
  }
}

// Documented (interprocess_sharable_mutex): while one thread holds sharable
// ownership another gets it too, but not exclusive ownership; while one holds
// exclusive ownership, nobody gets sharable ownership.
TEST_F(ReadersWriters, SharableMutexLetsReadersShareAndKeepsAWriterOut) {
  IPCLAB_CLAIMS("SYN-19");
  {
    holder reader([&] { sharable.lock_sharable(); }, [&] { sharable.unlock_sharable(); });
    EXPECT_TRUE(sharable.try_lock_sharable());
    EXPECT_FALSE(sharable.try_lock());
    sharable.unlock_sharable();
    EXPECT_FALSE(sharable.try_lock()) << "the other reader is still inside";
  }
  holder writer([&] { sharable.lock(); }, [&] { sharable.unlock(); });
  EXPECT_FALSE(sharable.try_lock_sharable());
  const auto start = steady::now();
  EXPECT_FALSE(sharable.timed_lock_sharable(in(200ms)));
  EXPECT_GE(since(start), 200ms);
  writer.let_go();
  EXPECT_TRUE(sharable.try_lock_sharable());
  sharable.unlock_sharable();
  EXPECT_TRUE(sharable.try_lock());
  sharable.unlock();
}

// Documented: one upgradable owner at a time, while readers still get in.
TEST_F(ReadersWriters, OnlyOneUpgradableOwnerAtATimeWhileReadersStillGetIn) {
  IPCLAB_CLAIMS("SYN-20");
  holder first([&] { upgradable.lock_upgradable(); }, [&] { upgradable.unlock_upgradable(); });
  EXPECT_FALSE(upgradable.try_lock_upgradable());
  EXPECT_TRUE(upgradable.try_lock_sharable());
  EXPECT_FALSE(upgradable.try_lock());
  upgradable.unlock_sharable();
  first.let_go();
  EXPECT_TRUE(upgradable.try_lock_upgradable());
  upgradable.unlock_upgradable();
}

// Documented: try_unlock_upgradable_and_lock() is false, and the upgradable
// ownership stays, while another thread reads; true once none does.
TEST_F(ReadersWriters, TryUpgradeFailsWhileAnotherReaderIsInsideAndSucceedsOnceItLeaves) {
  IPCLAB_CLAIMS("SYN-21");
  holder reader([&] { upgradable.lock_sharable(); }, [&] { upgradable.unlock_sharable(); });
  upgradable.lock_upgradable();
  EXPECT_FALSE(upgradable.try_unlock_upgradable_and_lock());
  EXPECT_FALSE(upgradable.try_lock_upgradable()) << "the upgradable ownership was lost";
  reader.let_go();
  EXPECT_TRUE(upgradable.try_unlock_upgradable_and_lock());
  EXPECT_FALSE(upgradable.try_lock_sharable()) << "exclusive ownership lets no reader in";
  upgradable.unlock();
}

// Boost 1.81 (the documentation says otherwise): try_unlock_sharable_and_lock_upgradable()
// succeeds beside other readers; it fails only beside an upgradable (or exclusive) owner.
TEST_F(ReadersWriters, TrySharableToUpgradableSucceedsBesideOtherReadersButNotBesideAnUpgradableOwner) {
  IPCLAB_CLAIMS("SYN-22");
  {
    holder reader([&] { upgradable.lock_sharable(); }, [&] { upgradable.unlock_sharable(); });
    upgradable.lock_sharable();
    EXPECT_TRUE(upgradable.try_unlock_sharable_and_lock_upgradable()) << "as the 1.81 code, not the manual, says";
    EXPECT_FALSE(upgradable.try_lock_upgradable()) << "this thread holds upgradable ownership now";
    upgradable.unlock_upgradable();
  }
  holder owner([&] { upgradable.lock_upgradable(); }, [&] { upgradable.unlock_upgradable(); });
  upgradable.lock_sharable();
  EXPECT_FALSE(upgradable.try_unlock_sharable_and_lock_upgradable());
  EXPECT_FALSE(upgradable.try_lock()) << "the failed try kept this thread's sharable ownership";
  upgradable.unlock_sharable();
}

// Documented: the demotions never block and always succeed, and other threads
// then take sharable ownership; a reader that waited for the writer gets in.
TEST_F(ReadersWriters, DemotionsNeverWaitAndLetAWaitingReaderIn) {
  IPCLAB_CLAIMS("SYN-23");
  const auto demote_with_a_waiting_reader = [&](auto demote, const char* name) {
    SCOPED_TRACE(name);
    upgradable.lock();
    std::future<bool> reader =
        std::async(std::launch::async, [&] { return upgradable.timed_lock_sharable(in(2000ms)); });
    std::this_thread::sleep_for(100ms);  // the reader waits for the writer now
    const auto start = steady::now();
    demote();
    EXPECT_LT(since(start), 100ms);
    EXPECT_TRUE(reader.get()) << "the waiting reader did not get in";
    upgradable.unlock_sharable();
    EXPECT_TRUE(upgradable.try_lock_sharable());
    upgradable.unlock_sharable();
  };
  demote_with_a_waiting_reader([&] { upgradable.unlock_and_lock_sharable(); }, "unlock_and_lock_sharable");
  upgradable.unlock_sharable();
  demote_with_a_waiting_reader([&] { upgradable.unlock_and_lock_upgradable(); }, "unlock_and_lock_upgradable");
  const auto start = steady::now();
  upgradable.unlock_upgradable_and_lock_sharable();
  EXPECT_LT(since(start), 100ms);
  EXPECT_TRUE(upgradable.try_lock_sharable());
  upgradable.unlock_sharable();
  upgradable.unlock_sharable();
  EXPECT_TRUE(upgradable.try_lock());
  upgradable.unlock();
}

// Boost 1.81 (interprocess_upgradable_mutex.hpp): a writer that waits for
// readers to leave marks the mutex first, so a new reader waits behind it and
// a flow of readers cannot starve the writer. No claim of the catalogue says
// so; the chapter's page does.
TEST_F(ReadersWriters, AWaitingWriterKeepsNewReadersOut) {
  IPCLAB_CHECKS_THE_CHAPTER();
  holder reader([&] { upgradable.lock_sharable(); }, [&] { upgradable.unlock_sharable(); });
  std::future<bool> writer = std::async(std::launch::async, [&] { return upgradable.timed_lock(in(3000ms)); });
  ASSERT_TRUE(eventually([&] { return !upgradable.try_lock_sharable() || (upgradable.unlock_sharable(), false); }))
      << "new readers still got in while the writer waited";
  EXPECT_EQ(writer.wait_for(0ms), std::future_status::timeout) << "the writer got in beside the reader";
  reader.let_go();
  EXPECT_TRUE(writer.get());
  EXPECT_FALSE(upgradable.try_lock_sharable());
  upgradable.unlock();
  EXPECT_TRUE(upgradable.try_lock_sharable());
  upgradable.unlock_sharable();
}

// Documented: a default scoped_lock owns nothing and has no mutex; lock()
// while owning or without a mutex, and unlock() while not owning, throw
// lock_exception(lock_error).
TEST_F(ReadersWriters, DefaultScopedLockHasNoMutexAndMisuseThrowsLockError) {
  IPCLAB_CLAIMS("SYN-24");
  scoped_lock<upgradable_mutex> empty;
  EXPECT_FALSE(empty.owns());
  EXPECT_EQ(empty.mutex(), nullptr);
  const auto throws_lock_error = [](auto call) {
    try {
      call();
    } catch (const lock_exception& e) {
      return e.get_error_code() == lock_error && std::string(e.what()) == "boost::interprocess::lock_exception";
    }
    return false;
  };
  EXPECT_TRUE(throws_lock_error([&] { empty.lock(); })) << "lock() without a mutex";
  EXPECT_TRUE(throws_lock_error([&] { empty.unlock(); })) << "unlock() without a mutex";
  scoped_lock<upgradable_mutex> owning(upgradable);
  EXPECT_TRUE(throws_lock_error([&] { owning.lock(); })) << "lock() while owning";
  owning.unlock();
  EXPECT_TRUE(throws_lock_error([&] { owning.unlock(); })) << "unlock() while not owning";
  EXPECT_TRUE(upgradable.try_lock()) << "the failed calls left the mutex locked";
  upgradable.unlock();
}

// Documented: try_to_lock owns what try_lock() returned, defer_lock leaves the
// mutex unlocked, accept_ownership owns without locking, a time point owns
// what timed_lock() returned.
TEST_F(ReadersWriters, ScopedLockTagsDecideWhetherItLocks) {
  IPCLAB_CLAIMS("SYN-25");
  {
    scoped_lock<upgradable_mutex> deferred(upgradable, defer_lock);
    EXPECT_FALSE(deferred.owns());
    EXPECT_EQ(deferred.mutex(), &upgradable);
    EXPECT_TRUE(upgradable.try_lock_sharable()) << "defer_lock locked the mutex";
    upgradable.unlock_sharable();
  }
  {
    scoped_lock<upgradable_mutex> tried(upgradable, try_to_lock);
    EXPECT_TRUE(tried.owns());
    scoped_lock<upgradable_mutex> second(upgradable, try_to_lock);
    EXPECT_FALSE(second.owns());
    EXPECT_EQ(second.mutex(), &upgradable);
    const auto start = steady::now();
    scoped_lock<upgradable_mutex> timed(upgradable, in(200ms));
    EXPECT_FALSE(timed.owns());
    EXPECT_GE(since(start), 200ms);
  }
  upgradable.lock();
  {
    scoped_lock<upgradable_mutex> adopted(upgradable, accept_ownership);
    EXPECT_TRUE(adopted.owns());
  }
  scoped_lock<upgradable_mutex> timed(upgradable, in(200ms));
  EXPECT_TRUE(timed.owns()) << "accept_ownership's destructor did not unlock";
}

// Documented: release() hands back the mutex, still locked, and leaves the
// lock empty; a move leaves the source without a mutex.
TEST_F(ReadersWriters, ReleaseKeepsTheMutexLockedAndAMoveEmptiesTheSource) {
  IPCLAB_CLAIMS("SYN-26");
  upgradable_mutex* released = nullptr;
  {
    scoped_lock<upgradable_mutex> lock(upgradable);
    released = lock.release();
    EXPECT_EQ(released, &upgradable);
    EXPECT_EQ(lock.mutex(), nullptr);
    EXPECT_FALSE(lock.owns());
  }
  EXPECT_FALSE(upgradable.try_lock_sharable()) << "the released mutex was unlocked";
  released->unlock();
  scoped_lock<upgradable_mutex> source(upgradable);
  scoped_lock<upgradable_mutex> target(std::move(source));
  EXPECT_EQ(source.mutex(), nullptr);
  EXPECT_FALSE(source.owns());
  EXPECT_EQ(target.mutex(), &upgradable);
  EXPECT_TRUE(target.owns());
}

// Documented transfers, in one process: exclusive to sharable and to
// upgradable, and upgradable to sharable, never wait and always succeed;
// upgradable to exclusive (the plain, untimed one) waits until the last other
// reader leaves; sharable to exclusive exists only as a try, false beside
// another reader; sharable_lock and upgradable_lock unlock when destroyed.
TEST_F(ReadersWriters, LockTransfersBetweenScopedSharableAndUpgradableLocks) {
  IPCLAB_CLAIMS("SYN-27");
  {
    scoped_lock<upgradable_mutex> exclusive(upgradable);
    sharable_lock<upgradable_mutex> shared(std::move(exclusive));
    EXPECT_TRUE(shared.owns());
    EXPECT_TRUE(upgradable.try_lock_sharable()) << "others read beside it";
    upgradable.unlock_sharable();
    EXPECT_FALSE(upgradable.try_lock());
  }
  EXPECT_TRUE(upgradable.try_lock()) << "sharable_lock's destructor did not unlock_sharable()";
  upgradable.unlock();
  {
    scoped_lock<upgradable_mutex> exclusive(upgradable);
    upgradable_lock<upgradable_mutex> upgrade(std::move(exclusive));
    EXPECT_TRUE(upgrade.owns());
    EXPECT_FALSE(upgradable.try_lock_upgradable());
    EXPECT_TRUE(upgradable.try_lock_sharable());
    upgradable.unlock_sharable();
    sharable_lock<upgradable_mutex> shared(std::move(upgrade));
    EXPECT_TRUE(shared.owns());
    EXPECT_TRUE(upgradable.try_lock_upgradable()) << "the demotion kept upgradable ownership";
    upgradable.unlock_upgradable();
  }
  {
    upgradable_lock<upgradable_mutex> upgrade(upgradable);
  }
  EXPECT_TRUE(upgradable.try_lock()) << "upgradable_lock's destructor did not unlock_upgradable()";
  upgradable.unlock();
  // Upgradable to exclusive waits for a reader that leaves 300 ms later.
  holder reader([&] { upgradable.lock_sharable(); }, [&] { upgradable.unlock_sharable(); });
  std::thread leaves([&] {
    std::this_thread::sleep_for(300ms);
    reader.let_go();
  });
  upgradable_lock<upgradable_mutex> upgrade(upgradable);
  const auto start = steady::now();
  scoped_lock<upgradable_mutex> exclusive(std::move(upgrade));
  EXPECT_GE(since(start), 250ms) << "the upgrade did not wait for the reader";
  EXPECT_TRUE(exclusive.owns());
  leaves.join();
  exclusive.unlock();
  // Sharable to exclusive: only a try, false beside another reader, true alone.
  holder other([&] { upgradable.lock_sharable(); }, [&] { upgradable.unlock_sharable(); });
  sharable_lock<upgradable_mutex> shared(upgradable);
  scoped_lock<upgradable_mutex> tried(std::move(shared), try_to_lock);
  EXPECT_FALSE(tried.owns());
  EXPECT_TRUE(shared.owns()) << "the failed try gave up the sharable lock";
  other.let_go();
  scoped_lock<upgradable_mutex> alone(std::move(shared), try_to_lock);
  EXPECT_TRUE(alone.owns());
  EXPECT_EQ(shared.mutex(), nullptr);
}

// Documented: a transfer from a lock that does not own its mutex performs no
// operation: the target does not own, the source loses its mutex, and the
// target has it. (The plain transfers; the tries differ: next test.)
TEST_F(ReadersWriters, TransfersFromAnUnlockedLockMoveTheMutexButLockNothing) {
  IPCLAB_CLAIMS("SYN-28");
  scoped_lock<upgradable_mutex> exclusive(upgradable, defer_lock);
  sharable_lock<upgradable_mutex> shared(std::move(exclusive));
  EXPECT_FALSE(shared.owns());
  EXPECT_EQ(shared.mutex(), &upgradable);
  EXPECT_EQ(exclusive.mutex(), nullptr);
  scoped_lock<upgradable_mutex> exclusive2(upgradable, defer_lock);
  upgradable_lock<upgradable_mutex> upgrade(std::move(exclusive2));
  EXPECT_FALSE(upgrade.owns());
  EXPECT_EQ(upgrade.mutex(), &upgradable);
  EXPECT_EQ(exclusive2.mutex(), nullptr);
  sharable_lock<upgradable_mutex> shared2(std::move(upgrade));
  EXPECT_FALSE(shared2.owns());
  EXPECT_EQ(shared2.mutex(), &upgradable);
  EXPECT_EQ(upgrade.mutex(), nullptr);
  upgradable_lock<upgradable_mutex> upgrade2(upgradable, defer_lock);
  scoped_lock<upgradable_mutex> exclusive3(std::move(upgrade2));
  EXPECT_FALSE(exclusive3.owns());
  EXPECT_EQ(exclusive3.mutex(), &upgradable);
  EXPECT_EQ(upgrade2.mutex(), nullptr);
  EXPECT_TRUE(upgradable.try_lock()) << "a transfer from an unlocked lock locked the mutex";
  upgradable.unlock();
}

// Boost 1.81, scoped_lock.hpp and upgradable_lock.hpp: a *try* (or timed)
// transfer from a lock that owns nothing leaves both locks without a mutex:
// the source is released, the target never gets it. No claim of the
// catalogue covers it (SYN-28 speaks of the plain transfers); the chapter's
// page warns of it.
TEST_F(ReadersWriters, ATryTransferFromAnUnlockedLockLeavesBothLocksWithoutTheMutex) {
  IPCLAB_CHECKS_THE_CHAPTER();
  sharable_lock<upgradable_mutex> shared(upgradable, defer_lock);
  scoped_lock<upgradable_mutex> tried(std::move(shared), try_to_lock);
  EXPECT_FALSE(tried.owns());
  EXPECT_EQ(tried.mutex(), nullptr);
  EXPECT_EQ(shared.mutex(), nullptr);
  upgradable_lock<upgradable_mutex> upgrade(upgradable, defer_lock);
  auto deadline_timed = in(100ms);  // a variable: Boost 1.74 takes it by non-const reference
  scoped_lock<upgradable_mutex> timed(std::move(upgrade), deadline_timed);
  EXPECT_FALSE(timed.owns());
  EXPECT_EQ(timed.mutex(), nullptr);
  EXPECT_EQ(upgrade.mutex(), nullptr);
  sharable_lock<upgradable_mutex> shared2(upgradable, defer_lock);
  upgradable_lock<upgradable_mutex> tried2(std::move(shared2), try_to_lock);
  EXPECT_EQ(tried2.mutex(), nullptr);
  EXPECT_EQ(shared2.mutex(), nullptr);
}

// What the lock transfers call on their mutex.
template <class Mutex>
concept has_transfer_operations = requires(Mutex& mutex) {
  mutex.unlock_and_lock_sharable();
  mutex.unlock_and_lock_upgradable();
  mutex.unlock_upgradable_and_lock();
  mutex.try_unlock_sharable_and_lock();
};

// Boost 1.81: only the upgradable mutex (anonymous or named) has the
// operations lock transfers call; interprocess_sharable_mutex and
// named_sharable_mutex have none, so sharable_lock<interprocess_sharable_mutex>
// cannot be made from a scoped_lock (it does not compile). The page says so.
TEST(LockTransfers, OnlyTheUpgradableMutexesHaveTheOperationsTransfersCall) {
  IPCLAB_CHECKS_THE_CHAPTER();
  EXPECT_TRUE(has_transfer_operations<interprocess_upgradable_mutex>);
  EXPECT_TRUE(has_transfer_operations<named_upgradable_mutex>);
  EXPECT_FALSE(has_transfer_operations<interprocess_sharable_mutex>);
  EXPECT_FALSE(has_transfer_operations<named_sharable_mutex>);
}

// Documented: a try or timed transfer that fails leaves the source as it was
// (owning, with its mutex) and the target as if default-constructed.
TEST_F(ReadersWriters, AFailedTryOrTimedTransferLeavesTheSourceOwningAndTheTargetEmpty) {
  IPCLAB_CLAIMS("SYN-29");
  holder reader([&] { upgradable.lock_sharable(); }, [&] { upgradable.unlock_sharable(); });
  upgradable_lock<upgradable_mutex> upgrade(upgradable);
  scoped_lock<upgradable_mutex> tried(std::move(upgrade), try_to_lock);
  EXPECT_FALSE(tried.owns());
  EXPECT_EQ(tried.mutex(), nullptr);
  EXPECT_TRUE(upgrade.owns());
  EXPECT_EQ(upgrade.mutex(), &upgradable);
  const auto start = steady::now();
  auto deadline_timed = in(200ms);  // a variable: Boost 1.74 takes it by non-const reference
  scoped_lock<upgradable_mutex> timed(std::move(upgrade), deadline_timed);
  EXPECT_GE(since(start), 200ms);
  EXPECT_FALSE(timed.owns());
  EXPECT_EQ(timed.mutex(), nullptr);
  EXPECT_TRUE(upgrade.owns());
  EXPECT_EQ(upgrade.mutex(), &upgradable);
  EXPECT_FALSE(upgradable.try_lock_upgradable()) << "the source lost its upgradable ownership";
  sharable_lock<upgradable_mutex> shared(upgradable);
  upgradable_lock<upgradable_mutex> promoted(std::move(shared), try_to_lock);
  EXPECT_FALSE(promoted.owns()) << "beside an upgradable owner";
  EXPECT_EQ(promoted.mutex(), nullptr);
  EXPECT_TRUE(shared.owns());
  EXPECT_EQ(shared.mutex(), &upgradable);
}

// What Boost 1.81 does on Linux when a reader process dies holding the board:
// nothing gives its sharable ownership back. A writer never gets in again
// (try_lock false, timed_lock false at its deadline, and an upgrade times out),
// while readers still do. The lesson's reader dies at its step 2, inside.
TEST_F(ReadersWriters, DeadReaderOfTheBoardKeepsEveryWriterOutButLetsReadersIn) {
  IPCLAB_CHECKS_THE_CHAPTER();
  const auto reader = child_with_fault(args("read", 1), "child:kill@2");
  ASSERT_EQ(reader.describe(), "killed by SIGKILL") << reader.err;
  EXPECT_EQ(support::facts_of(reader).last_steps("child")[reader.pid], 2);
  EXPECT_EQ(board.readers_inside.load(), 1) << "it died inside";
  EXPECT_FALSE(board.mutex.try_lock());
  auto start = steady::now();
  EXPECT_FALSE(board.mutex.timed_lock(in(300ms)));
  EXPECT_GE(since(start), 300ms);
  EXPECT_LT(since(start), 1300ms);
  EXPECT_TRUE(board.mutex.try_lock_sharable()) << "a reader could not share with the dead one";
  board.mutex.unlock_sharable();
  upgradable_lock<upgradable_mutex> upgrade(board.mutex, try_to_lock);
  ASSERT_TRUE(upgrade.owns()) << "upgradable ownership is still to be had";
  start = steady::now();
  auto deadline_exclusive = in(300ms);  // a variable: Boost 1.74 takes it by non-const reference
  scoped_lock<upgradable_mutex> exclusive(std::move(upgrade), deadline_exclusive);
  EXPECT_FALSE(exclusive.owns()) << "the upgrade got in beside the dead reader";
  EXPECT_GE(since(start), 300ms);
  EXPECT_TRUE(upgrade.owns());
}

// The same with a named sharable mutex, which processes share by name only:
// the lesson's holder opens it by name and dies holding a sharable lock.
// try_lock is false, timed_lock waits out its deadline, readers get in; a
// second handle opened by the name sees the same state; remove() takes the
// name away (true, then false), and a new mutex by that name is free.
TEST_F(ReadersWriters, DeadReaderOfANamedSharableMutexKeepsWritersOutUntilItIsRemovedAndRecreated) {
  IPCLAB_CLAIMS("SYN-14", "SYN-15", "SYN-18");
  const std::string entry = "/dev/shm/" + mutex_owner.name();
  ASSERT_TRUE(std::filesystem::exists(entry)) << "a named sharable mutex is /dev/shm/NAME";
  const auto holder_child = run_child_role("11", {"hold", mutex_owner.name()});
  ASSERT_EQ(holder_child.describe(), "killed by SIGKILL") << holder_child.err;
  EXPECT_FALSE(named.try_lock());
  const auto start = steady::now();
  EXPECT_FALSE(named.timed_lock(in(300ms)));
  EXPECT_GE(since(start), 300ms);
  EXPECT_TRUE(named.try_lock_sharable());
  named.unlock_sharable();
  named_sharable_mutex reopened(open_only, mutex_owner.c_str());
  EXPECT_FALSE(reopened.try_lock()) << "a second handle by the same name is the same mutex";
  EXPECT_TRUE(named_sharable_mutex::remove(mutex_owner.c_str()));
  EXPECT_FALSE(std::filesystem::exists(entry));
  EXPECT_FALSE(named_sharable_mutex::remove(mutex_owner.c_str()));
  named_sharable_mutex fresh(create_only, mutex_owner.c_str(), harness::owner_only());
  EXPECT_TRUE(fresh.try_lock());
  fresh.unlock();
  EXPECT_FALSE(named.try_lock()) << "the old handle still maps the old, dead reader's mutex";
}

// A writer that dies while it waits for readers to leave (here the lesson's
// writer, killed inside its upgrade) leaves the mutex marked as taken by a
// writer: Boost's rollback never runs. Every new reader is kept out for good,
// and so is every writer, although nobody holds the mutex.
TEST_F(ReadersWriters, AWriterKilledWhileWaitingForReadersClosesTheMutexToEveryone) {
  IPCLAB_CHECKS_THE_CHAPTER();
  board.mutex.lock_sharable();  // this process is the reader the writer waits for
  ++board.readers_inside;
  ch11::raise_to(board.most_readers_inside, 1);
  std::future<harness::spawn_result> writer =
      std::async(std::launch::async, [this] { return child_with_fault(args("write", 1), ""); });
  ASSERT_TRUE(eventually([&] { return board.writer_waiting.load(); })) << "the writer never asked to upgrade";
  const pid_t pid = process_naming(owner.name());
  ASSERT_NE(pid, 0);
  ASSERT_TRUE(blocked_in_a_futex(pid)) << "the writer is not waiting in its upgrade";
  ::kill(pid, SIGKILL);
  ASSERT_EQ(writer.get().describe(), "killed by SIGKILL");
  --board.readers_inside;
  board.mutex.unlock_sharable();  // nobody holds the mutex now
  EXPECT_FALSE(board.mutex.try_lock_sharable());
  EXPECT_FALSE(board.mutex.try_lock_upgradable());
  EXPECT_FALSE(board.mutex.try_lock());
  const auto start = steady::now();
  EXPECT_FALSE(board.mutex.timed_lock_sharable(in(300ms)));
  EXPECT_GE(since(start), 300ms);
}

// A reader that dies while it *waits* (here the lesson's reader, killed in its
// timed sharable lock while this process writes) poisons the mutex's condition
// variable (glibc 2.36's pthread_cond_t, process-shared): the writer's unlock
// that follows returns, but the next time a reader waits and the writer
// unlocks, both block for good: the unlock in pthread_cond_broadcast, the
// reader past its own deadline. No deadline helps: unlock() has none.
TEST_F(ReadersWriters, AReaderKilledWhileWaitingMakesALaterUnlockAndWaitBlockForGood) {
  IPCLAB_CHECKS_THE_CHAPTER();
  board.mutex.lock();  // this process is the writer
  std::future<harness::spawn_result> reader =
      std::async(std::launch::async, [this] { return child_with_fault(args("read", 1), ""); });
  pid_t pid = 0;
  ASSERT_TRUE(eventually([&] { return (pid = process_naming(owner.name())) != 0; }));
  ASSERT_TRUE(blocked_in_a_futex(pid)) << "the reader is not waiting for the writer";
  ::kill(pid, SIGKILL);
  ASSERT_EQ(reader.get().describe(), "killed by SIGKILL");
  EXPECT_TRUE(returns_in_a_forked_process([&] { board.mutex.unlock(); }, 2000ms)) << "the first unlock blocked";
  // The mutex works again, alone: this process writes once more.
  ASSERT_TRUE(board.mutex.try_lock());
  std::atomic<pid_t> waiter{0};
  std::thread waiting([&] {
    // A live reader with a 1 s deadline, given 2.5 s.
    EXPECT_FALSE(returns_in_a_forked_process([&] { board.mutex.timed_lock_sharable(in(1000ms)); }, 2500ms, &waiter))
        << "the waiting reader returned: the dead waiter did not poison the condition";
  });
  ASSERT_TRUE(eventually([&] { return waiter != 0; }));
  ASSERT_TRUE(blocked_in_a_futex(waiter));
  EXPECT_FALSE(returns_in_a_forked_process([&] { board.mutex.unlock(); }, 2000ms))
      << "the unlock returned: the dead waiter did not poison the condition";
  waiting.join();
}

// Documented (named_sharable_mutex, named_upgradable_mutex): create_only on a
// name that exists throws already_exists_error, open_only on a missing name
// throws not_found_error, and two handles opened by one name are one mutex.
TEST(NamedReadersWriters, CreateOnlyTwiceOrOpenOnlyMissingThrowsAndTwoHandlesShareOneMutex) {
  IPCLAB_CLAIMS("SYN-14");
  const auto error_of = [](auto construct) {
    try {
      construct();
    } catch (const interprocess_exception& e) {
      return e.get_error_code();
    }
    return no_error;
  };
  harness::owner<named_sharable_mutex> sharable_owner(harness::unique_name("ch11test"));
  harness::owner<named_upgradable_mutex> upgradable_owner(harness::unique_name("ch11test"));
  EXPECT_EQ(error_of([&] { named_sharable_mutex m(open_only, sharable_owner.c_str()); }), not_found_error);
  EXPECT_EQ(error_of([&] { named_upgradable_mutex m(open_only, upgradable_owner.c_str()); }), not_found_error);
  named_sharable_mutex first(create_only, sharable_owner.c_str(), harness::owner_only());
  named_upgradable_mutex up_first(create_only, upgradable_owner.c_str(), harness::owner_only());
  EXPECT_EQ(error_of([&] { named_sharable_mutex m(create_only, sharable_owner.c_str()); }), already_exists_error);
  EXPECT_EQ(error_of([&] { named_upgradable_mutex m(create_only, upgradable_owner.c_str()); }), already_exists_error);
  named_sharable_mutex second(open_only, sharable_owner.c_str());
  named_upgradable_mutex up_second(open_or_create, upgradable_owner.c_str());
  first.lock();
  EXPECT_FALSE(second.try_lock_sharable());
  first.unlock();
  up_first.lock_upgradable();
  EXPECT_FALSE(up_second.try_lock_upgradable());
  EXPECT_TRUE(up_second.try_lock_sharable());
  up_second.unlock_sharable();
  up_first.unlock_upgradable();
}

// On Linux a named_sharable_mutex or named_upgradable_mutex is a shared
// memory object, /dev/shm/NAME, created with Boost's default 0644 whatever the
// umask (here 077); remove() returns true once, then false.
TEST(NamedReadersWriters, NamedSharableAndUpgradableMutexesAreDevShmEntriesOfMode0644WhateverTheUmask) {
  IPCLAB_CLAIMS("SYN-15", "SYN-18");
  harness::owner<named_sharable_mutex> sharable_owner(harness::unique_name("ch11test"));
  harness::owner<named_upgradable_mutex> upgradable_owner(harness::unique_name("ch11test"));
  const ::mode_t umask_before = ::umask(077);
  {
    named_sharable_mutex sharable(create_only, sharable_owner.c_str());
    named_upgradable_mutex upgradable(create_only, upgradable_owner.c_str());
  }
  ::umask(umask_before);
  for (const std::string& name : {sharable_owner.name(), upgradable_owner.name()}) {
    SCOPED_TRACE(name);
    struct stat status {};
    ASSERT_EQ(::stat(("/dev/shm/" + name).c_str(), &status), 0) << "the mutex outlives its handle";
    EXPECT_TRUE(S_ISREG(status.st_mode));
    EXPECT_EQ(status.st_mode & 0777, 0644u);
    EXPECT_FALSE(std::filesystem::exists("/dev/shm/sem." + name));
  }
  EXPECT_TRUE(named_sharable_mutex::remove(sharable_owner.c_str()));
  EXPECT_FALSE(named_sharable_mutex::remove(sharable_owner.c_str()));
  EXPECT_TRUE(named_upgradable_mutex::remove(upgradable_owner.c_str()));
  EXPECT_FALSE(named_upgradable_mutex::remove(upgradable_owner.c_str()));
  EXPECT_FALSE(std::filesystem::exists("/dev/shm/" + upgradable_owner.name()));
}

// Bad input to the child role: one clear sentence, a defined exit code, no
// crash, nothing left in /dev/shm, and the board and both mutexes unharmed (a
// rejected child must not have taken a lock or counted itself inside).
// SEGMENT, MUTEX and EMPTY are replaced by the test's names.
using BadInput = support::bad_input;

class ReadersWritersBadInput : public ReadersWriters, public ::testing::WithParamInterface<BadInput> {
 protected:
  harness::segment_owner empty_owner{harness::unique_name("ch11test")};
  managed_shared_memory empty{create_only, empty_owner.c_str(), ch11::segment_size, nullptr, harness::owner_only()};
};

TEST_P(ReadersWritersBadInput, ChildRejectsItWithOneSentenceAndTheRightExitCode) {
  IPCLAB_CHECKS_THE_CHAPTER();
  auto child_args = support::substitute(GetParam().args, "SEGMENT", owner.name());
  child_args = support::substitute(child_args, "MUTEX", mutex_owner.name());
  child_args = support::substitute(child_args, "EMPTY", empty_owner.name());
  const auto sentence = support::substitute(GetParam().sentence, "EMPTY", empty_owner.name());
  const auto child = run_child_role("11", child_args);
  EXPECT_TRUE(support::rejected_cleanly(child, GetParam().exit_code, sentence));
  EXPECT_EQ(board.readers_inside.load(), 0);
  EXPECT_EQ(board.most_readers_inside.load(), 0);
  EXPECT_FALSE(board.writer_waiting.load());
  EXPECT_EQ(board.version, 0);
  EXPECT_TRUE(board.mutex.try_lock()) << "the board's mutex was left held";
  board.mutex.unlock();
  EXPECT_TRUE(named.try_lock()) << "the named mutex was left held";
  named.unlock();
}

const std::string missing = "ipclab-ch11-0-0-missing";

INSTANTIATE_TEST_SUITE_P(
    Chapter11, ReadersWritersBadInput,
    ::testing::Values(
        BadInput{"NoAction", {}, harness::exit_usage, "takes an action, 'read', 'write' or 'hold', not ''"},
        BadInput{"UnknownAction", {"peek", "SEGMENT", "3"}, harness::exit_usage, "not 'peek'"},
        BadInput{"ReadWithoutReaders", {"read", "SEGMENT"}, harness::exit_usage, "takes 3 arguments but got 2"},
        BadInput{"WriteWithAnExtraArgument", {"write", "SEGMENT", "3", "4"}, harness::exit_usage,
                 "takes 3 arguments but got 4"},
        BadInput{"HoldWithoutMutex", {"hold"}, harness::exit_usage, "takes 2 arguments but got 1"},
        BadInput{"ReadersNotANumber", {"read", "SEGMENT", "three"}, harness::exit_usage,
                 "the number of readers 'three' is not a decimal number"},
        BadInput{"NegativeReaders", {"write", "SEGMENT", "-1"}, harness::exit_usage,
                 "the number of readers '-1' is not a decimal number"},
        BadInput{"ZeroReaders", {"read", "SEGMENT", "0"}, harness::exit_usage,
                 "the number of readers must be at least 1, not 0"},
        BadInput{"TooManyReaders", {"read", "SEGMENT", "9"}, harness::exit_usage,
                 "the number of readers 9 is out of range (at most 8)"},
        BadInput{"SegmentNameWithASlash", {"read", "a/b", "3"}, harness::exit_usage, "contains '/'"},
        BadInput{"EmptyMutexName", {"hold", ""}, harness::exit_usage, "must not be empty"},
        BadInput{"BadReadersAreReportedBeforeAMissingSegment", {"read", missing, "0"}, harness::exit_usage,
                 "must be at least 1"},
        BadInput{"SegmentDoesNotExist", {"read", missing, "3"}, harness::exit_resource,
                 "cannot open segment '" + missing + "': No such file or directory"},
        BadInput{"SegmentWithoutBoard", {"write", "EMPTY", "3"}, harness::exit_resource,
                 "segment 'EMPTY' has no object named 'board' (it holds no named object)"},
        BadInput{"NamedMutexDoesNotExist", {"hold", missing}, harness::exit_resource,
                 "cannot open named sharable mutex '" + missing + "': No such file or directory"}),
    [](const auto& info) { return info.param.label; });

}  // namespace
