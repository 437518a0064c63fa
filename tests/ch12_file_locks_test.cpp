// Chapter 12, file locks and recursive mutexes: a file_lock on an ordinary
// file, held and probed by real processes (exclusive, sharable, advisory,
// released by the kernel when its holder dies), its per-process caveats, and
// interprocess_recursive_mutex / named_recursive_mutex: n locks, n unlocks,
// and what a dead holder leaves. Every file lives in a temporary folder of
// the test's own, removed after it; every lock attempt on a lock a dead or
// hung process may hold has a deadline.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <future>
#include <sstream>
#include <thread>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/interprocess/managed_shared_memory.hpp>
#include <boost/interprocess/sync/file_lock.hpp>
#include <boost/interprocess/sync/interprocess_mutex.hpp>
#include <boost/interprocess/sync/interprocess_upgradable_mutex.hpp>
#include <boost/interprocess/sync/named_mutex.hpp>
#include <boost/interprocess/sync/named_recursive_mutex.hpp>
#include <boost/interprocess/sync/scoped_lock.hpp>
#include <boost/interprocess/sync/sharable_lock.hpp>
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

std::string contents_of(const std::string& file) {
  std::ifstream in(file);
  std::stringstream all;
  all << in.rdbuf();
  return all.str();
}

// What a child process sees of `file`: whether its try_lock() and its
// try_lock_sharable() succeed (each released again), from a forked process,
// so that this process's own locks are not what it sees.
std::pair<bool, bool> what_another_process_gets(const std::string& file) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    try {
      file_lock other(file.c_str());
      const bool exclusive = other.try_lock();
      if (exclusive) other.unlock();
      const bool sharable = other.try_lock_sharable();
      ::_exit((exclusive ? 1 : 0) + (sharable ? 2 : 0));
    } catch (...) {
      ::_exit(4);
    }
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  const int code = WIFEXITED(status) ? WEXITSTATUS(status) : 4;
  EXPECT_LT(code, 4) << "the forked process could not open a file lock";
  return {(code & 1) != 0, (code & 2) != 0};
}

// What a lock transfer between a scoped and a sharable lock calls on its mutex.
template <class Lockable>
concept demotes_to_sharable = requires(Lockable& lock) { lock.unlock_and_lock_sharable(); };
template <class Lockable>
concept promotes_to_exclusive = requires(Lockable& lock) { lock.try_unlock_sharable_and_lock(); };

// The test plays the parent: it owns a fresh segment with the nesting, a
// fresh named mutex, and a temporary folder holding an empty file.
class FileLocks : public support::owned_segment_test<ch12::segment_size> {
 protected:
  ch12::nesting& nesting = *segment.construct<ch12::nesting>(ch12::nesting_name)();
  harness::owner<named_mutex> mutex_owner{harness::unique_name("ch12test")};
  named_mutex plain{create_only, mutex_owner.c_str(), harness::owner_only()};
  harness::temp_folder folder{"ch12test"};
  std::string file = ch12::create_empty_file(folder);

  harness::spawn_result probe() const { return run_child_role("12", {"probe", file}); }
  // One child role with a fault injected at one of its steps (IPCLAB_FAULT).
  harness::spawn_result child_with_fault(const std::vector<std::string>& args, const std::string& fault) const {
    std::vector<std::string> argv{"child"};
    argv.insert(argv.end(), args.begin(), args.end());
    return harness::spawn(support::chapter_program("12"), argv,
                          {.environment = {{"IPCLAB_FAULT", fault}, {harness::facts_variable, "1"}}});
  }
};

// The lesson end to end: the nesting child, two probes, a dead holder; the
// folder of the file is gone afterwards, and nothing is left in /dev/shm.
TEST(Chapter12Program, ParentRoleExitsZeroAndRemovesItsFolder) {
  IPCLAB_CHECKS_THE_CHAPTER();
  const auto run = support::run_parent_role("12");
  ASSERT_TRUE(support::ran_both_roles_and_left_nothing(run));
  EXPECT_EQ(run.out, ch12::probe_line(false, false) + ch12::probe_line(false, true));
  const auto facts = support::facts_of(run);
  EXPECT_EQ(facts.values("parent", "depth"), std::vector<std::string>{"3"});
  EXPECT_EQ(facts.values("parent", "bytes"), std::vector<std::string>{std::to_string(ch12::ignored_line.size())});
  EXPECT_EQ(facts.values("child", "exclusive"), (std::vector<std::string>{"false", "false"}));
  EXPECT_EQ(facts.values("child", "sharable"), (std::vector<std::string>{"false", "true"}));
  const fs::path file = support::fact(run, "parent", "file");
  EXPECT_TRUE(file.is_absolute());
  EXPECT_TRUE(file.parent_path().filename().string().starts_with("ipclab-ch12-")) << file;
  EXPECT_FALSE(fs::exists(file.parent_path())) << "the run's folder was left behind";
  std::vector<int> steps;
  for (const auto& [pid, step] : facts.last_steps("child")) steps.push_back(step);
  std::sort(steps.begin(), steps.end());
  EXPECT_EQ(steps, (std::vector<int>{2, 3, 3, 3})) << "the holder died at its step 2; the others ran 3";
}

// The folder of the file goes however the run ends: on a failure (a child
// killed at its step 1 makes the parent fail) and on a signal (the harness's
// signal cleanup removes the file, then the folder).
TEST(Chapter12Program, ItsFolderIsRemovedWhenTheRunFailsAndWhenASignalStopsIt) {
  IPCLAB_CHECKS_THE_CHAPTER();
  for (const auto& [fault, ending] : {std::pair{"child:kill@1", "exited 1"}, std::pair{"parent:term@1", "killed by SIGTERM"},
                                      std::pair{"parent:int@3", "killed by SIGINT"}}) {
    SCOPED_TRACE(fault);
    const auto run = harness::spawn(support::chapter_program("12"), {},
                                    {.environment = {{"IPCLAB_FAULT", fault}, {harness::facts_variable, "1"}}});
    EXPECT_EQ(run.describe(), ending) << run.err;
    const fs::path folder = fs::path(support::fact(run, "parent", "file")).parent_path();
    EXPECT_FALSE(fs::exists(folder)) << folder << " was left behind";
    EXPECT_TRUE(harness::entries_created_by(run.pid).empty()) << "a name was left in /dev/shm";
  }
}

// Documented (file_lock between processes): while one process holds the
// file exclusively, another's try_lock() and try_lock_sharable() are false.
TEST_F(FileLocks, WhileThisProcessHoldsTheFileExclusivelyAProbeGetsNeitherLock) {
  IPCLAB_CLAIMS("SYN-31");
  file_lock lock(file.c_str());
  scoped_lock<file_lock> exclusive(lock);
  const auto child = probe();
  ASSERT_TRUE(child.succeeded()) << child.describe() << "\n" << child.err;
  EXPECT_EQ(child.out, ch12::probe_line(false, false));
  EXPECT_EQ(support::fact(child, "child", "exclusive"), "false");
  EXPECT_EQ(support::fact(child, "child", "sharable"), "false");
}

// Documented: while one process holds it sharable, another's
// try_lock_sharable() is true and its try_lock() false.
TEST_F(FileLocks, WhileThisProcessSharesTheFileAProbeSharesItButCannotLockIt) {
  IPCLAB_CLAIMS("SYN-31");
  file_lock lock(file.c_str());
  sharable_lock<file_lock> shared(lock);
  const auto child = probe();
  ASSERT_TRUE(child.succeeded()) << child.describe() << "\n" << child.err;
  EXPECT_EQ(child.out, ch12::probe_line(false, true));
  EXPECT_EQ(what_another_process_gets(file), std::make_pair(false, true)) << "after the probe, as before";
}

// With nobody holding the file, a probe gets both locks (each in turn).
TEST_F(FileLocks, WithNobodyHoldingTheFileAProbeGetsBothLocks) {
  IPCLAB_CHECKS_THE_CHAPTER();
  const auto child = probe();
  ASSERT_TRUE(child.succeeded()) << child.describe() << "\n" << child.err;
  EXPECT_EQ(child.out, ch12::probe_line(true, true));
  file_lock lock(file.c_str());
  EXPECT_TRUE(lock.try_lock()) << "the probe left the file locked";
  lock.unlock();
}

// Documented: the OS releases the lock of a process that dies. While the
// lesson's holder lives (hung at its step 2, holding the file), this process's
// try_lock is false and timed_lock (try_lock retried) gives up at its
// deadline; killed by SIGKILL, it loses the lock at once.
TEST_F(FileLocks, AChildsLockKeepsTimedLockWaitingUntilItsDeadlineAndItsDeathFreesItAtOnce) {
  IPCLAB_CLAIMS("SYN-31");
  std::future<harness::spawn_result> holder =
      std::async(std::launch::async, [this] { return child_with_fault({"hold", file}, "child:hang@2"); });
  file_lock lock(file.c_str());
  ASSERT_TRUE(eventually([&] { return !lock.try_lock() || (lock.unlock(), false); })) << "the child never held it";
  EXPECT_FALSE(lock.try_lock_sharable());
  auto start = steady::now();
  EXPECT_FALSE(lock.timed_lock(in(300ms)));
  EXPECT_GE(since(start), 300ms);
  EXPECT_LT(since(start), 1300ms);
  start = steady::now();
  EXPECT_FALSE(lock.timed_lock_sharable(in(300ms)));
  EXPECT_GE(since(start), 300ms);
  const pid_t pid = process_naming(file);
  ASSERT_NE(pid, 0);
  ::kill(pid, SIGKILL);
  EXPECT_EQ(holder.get().describe(), "killed by SIGKILL");
  EXPECT_TRUE(lock.try_lock()) << "the dead holder's lock was not released";
  lock.unlock();
}

// The lesson's holder locks the file and dies by SIGKILL; the next try_lock
// here succeeds at once, as does another process's.
TEST_F(FileLocks, AHolderKilledBySigkillLeavesTheFileFree) {
  IPCLAB_CLAIMS("SYN-31");
  const auto child = run_child_role("12", {"hold", file});
  ASSERT_EQ(child.describe(), "killed by SIGKILL") << child.err;
  EXPECT_EQ(support::facts_of(child).last_steps("child")[child.pid], 2) << "it died holding the lock";
  file_lock lock(file.c_str());
  EXPECT_TRUE(lock.try_lock());
  lock.unlock();
  EXPECT_EQ(what_another_process_gets(file), std::make_pair(true, true));
}

// Documented: on POSIX a file lock is advisory. While this process holds the
// file exclusively, the probe, which does not ask, writes to it all the same.
// Exclusive and sharable file locks do not convert into each other.
TEST_F(FileLocks, TheLockIsAdvisoryAProbeWritesToTheFileThisProcessHoldsExclusively) {
  IPCLAB_CLAIMS("SYN-32");
  file_lock lock(file.c_str());
  scoped_lock<file_lock> exclusive(lock);
  ASSERT_EQ(fs::file_size(file), 0u);
  const auto child = probe();
  ASSERT_TRUE(child.succeeded()) << child.describe() << "\n" << child.err;
  EXPECT_EQ(fs::file_size(file), ch12::ignored_line.size());
  EXPECT_EQ(what_another_process_gets(file), std::make_pair(false, false)) << "the lock is still held";
  // Reading the file here opens and closes a descriptor of it: that drops this
  // process's lock (see ClosingAnyDescriptorOfTheFileDropsThisProcesssLock), so last.
  EXPECT_EQ(contents_of(file), std::string(ch12::ignored_line));
  // And the two kinds do not convert: sharable_lock<file_lock>(std::move(a
  // scoped_lock<file_lock>)) would call file_lock::unlock_and_lock_sharable(),
  // which file_lock lacks, so it does not compile (its constructor template is
  // still declared: std::is_constructible cannot tell).
  EXPECT_FALSE(demotes_to_sharable<file_lock>);
  EXPECT_FALSE(promotes_to_exclusive<file_lock>);
  EXPECT_TRUE(demotes_to_sharable<interprocess_upgradable_mutex>) << "the check itself works";
}

// Documented caveat (one file_lock per file per process; not for threads):
// fcntl locks belong to the process, so a second file_lock of the same file
// in this process, or one in another thread of it, gets the lock that the
// first holds; only another process is kept out.
TEST_F(FileLocks, ASecondFileLockOrAThreadOfTheSameProcessIsNotKeptOut) {
  IPCLAB_CHECKS_THE_CHAPTER();
  file_lock first(file.c_str());
  file_lock second(file.c_str());
  ASSERT_TRUE(first.try_lock());
  EXPECT_TRUE(second.try_lock()) << "a second file_lock of this process was kept out";
  std::promise<bool> thread_got_it;
  std::promise<void> done;
  std::thread thread([&] {
    file_lock own(file.c_str());
    thread_got_it.set_value(own.try_lock());
    done.get_future().wait();  // keep its descriptor open (see the next test) until told
  });
  EXPECT_TRUE(thread_got_it.get_future().get()) << "another thread of this process was kept out";
  EXPECT_EQ(what_another_process_gets(file), std::make_pair(false, false)) << "another process is kept out";
  done.set_value();
  thread.join();
}

// The same caveat, its other half: the process's lock goes when *any*
// descriptor of the file that it opened is closed, a second file_lock's or
// an fstream's, although the file_lock that locked it never unlocked.
TEST_F(FileLocks, ClosingAnyDescriptorOfTheFileDropsThisProcesssLock) {
  IPCLAB_CHECKS_THE_CHAPTER();
  file_lock lock(file.c_str());
  ASSERT_TRUE(lock.try_lock());
  ASSERT_EQ(what_another_process_gets(file), std::make_pair(false, false));
  { file_lock second(file.c_str()); }
  EXPECT_EQ(what_another_process_gets(file), std::make_pair(true, true)) << "a second file_lock's close kept it";
  ASSERT_TRUE(lock.try_lock());
  ASSERT_EQ(what_another_process_gets(file), std::make_pair(false, false));
  std::ofstream(file, std::ios::app) << "x";
  EXPECT_EQ(what_another_process_gets(file), std::make_pair(true, true)) << "an fstream's close kept it";
}

// Documented: file_lock needs an existing file: on a missing one (or an
// empty path) it throws not_found_error, and it creates nothing. On a folder
// it throws is_directory_error.
TEST_F(FileLocks, AFileLockOnAMissingFileThrowsNotFoundAndCreatesNothing) {
  IPCLAB_CLAIMS("SYN-30");
  const auto error_of = [](const std::string& path) {
    try {
      file_lock lock(path.c_str());
    } catch (const interprocess_exception& e) {
      return e.get_error_code();
    }
    return no_error;
  };
  const auto missing = (folder.path() / "missing.txt").string();
  EXPECT_EQ(error_of(missing), not_found_error);
  EXPECT_FALSE(fs::exists(missing)) << "file_lock created the file";
  EXPECT_EQ(error_of(""), not_found_error);
  EXPECT_EQ(error_of(folder.path().string()), is_directory_error);
  EXPECT_EQ(error_of(file), no_error);
}

// Documented (the manual leaves it undefined; Linux's answer): the owner of a
// non-recursive interprocess_mutex gets false from its own try_lock() (EBUSY).
TEST_F(FileLocks, ANonRecursiveMutexRefusesItsOwnOwnersTryLock) {
  IPCLAB_CLAIMS("SYN-03");
  interprocess_mutex& mutex = *segment.construct<interprocess_mutex>("plain")();
  mutex.lock();
  EXPECT_FALSE(mutex.try_lock());
  mutex.unlock();
  EXPECT_TRUE(mutex.try_lock()) << "one unlock freed it";
  mutex.unlock();
}

// Documented: the owner locks an interprocess_recursive_mutex N times (lock,
// try_lock, timed_lock); another thread's try_lock fails until it has
// unlocked N times.
TEST_F(FileLocks, ARecursiveMutexTakesNLocksFromItsOwnerAndNeedsNUnlocks) {
  IPCLAB_CLAIMS("SYN-04");
  nesting.mutex.lock();
  EXPECT_TRUE(nesting.mutex.try_lock());
  EXPECT_TRUE(nesting.mutex.timed_lock(in(100ms)));
  const auto another_thread_gets_it = [&] {
    return std::async(std::launch::async, [&] {
             const bool got = nesting.mutex.try_lock();
             if (got) nesting.mutex.unlock();
             return got;
           }).get();
  };
  EXPECT_FALSE(another_thread_gets_it());
  nesting.mutex.unlock();
  EXPECT_FALSE(another_thread_gets_it()) << "after 1 of 3 unlocks";
  nesting.mutex.unlock();
  EXPECT_FALSE(another_thread_gets_it()) << "after 2 of 3 unlocks";
  nesting.mutex.unlock();
  EXPECT_TRUE(another_thread_gets_it()) << "after 3 of 3 unlocks";
}

// The lesson's nesting child against this test's segment, at the lesson's
// depth and at 1 and 10: it reaches the depth, and leaves both mutexes free.
TEST_F(FileLocks, TheNestingChildLocksTheRecursiveMutexAtEveryLevelAndLeavesItFree) {
  IPCLAB_CHECKS_THE_CHAPTER();
  for (const unsigned long depth : {ch12::depth, 1ul, 10ul}) {
    SCOPED_TRACE("depth " + std::to_string(depth));
    const auto child = run_child_role("12", {"nest", owner.name(), mutex_owner.name(), std::to_string(depth)});
    ASSERT_TRUE(child.succeeded()) << child.describe() << "\n" << child.err;
    EXPECT_EQ(support::fact(child, "child", "depth"), std::to_string(depth));
    EXPECT_EQ(nesting.deepest, depth);
    EXPECT_TRUE(nesting.mutex.try_lock()) << "fewer unlocks than locks";
    nesting.mutex.unlock();
    EXPECT_TRUE(plain.try_lock()) << "the named mutex was left locked";
    plain.unlock();
  }
}

// While the nesting child holds the recursive mutex (hung at its step 2,
// holding it 3 times), another process is kept out: try_lock is false and
// timed_lock false at its deadline.
TEST_F(FileLocks, WhileTheNestingChildHoldsTheRecursiveMutexThisProcessIsKeptOut) {
  IPCLAB_CLAIMS("SYN-04");
  std::future<harness::spawn_result> child = std::async(std::launch::async, [this] {
    return child_with_fault({"nest", owner.name(), mutex_owner.name(), "3"}, "child:hang@2");
  });
  ASSERT_TRUE(eventually([&] { return nesting.deepest == 3; }));
  EXPECT_FALSE(nesting.mutex.try_lock());
  const auto start = steady::now();
  EXPECT_FALSE(nesting.mutex.timed_lock(in(300ms)));
  EXPECT_GE(since(start), 300ms);
  const pid_t pid = process_naming(owner.name());
  ASSERT_NE(pid, 0);
  ::kill(pid, SIGKILL);
  EXPECT_EQ(child.get().describe(), "killed by SIGKILL");
}

// Boost 1.81 on Linux: interprocess_recursive_mutex is a robust pthread
// mutex, like interprocess_mutex (chapter 07). The nesting child dies holding
// it 3 times; every later lock attempt throws lock_exception(not_recoverable)
// at once, and keeps doing so.
TEST_F(FileLocks, DeadHolderOfTheRecursiveMutexMakesEveryLaterLockThrowNotRecoverable) {
  IPCLAB_CLAIMS("SYN-05", "SYN-06");
  const auto child = child_with_fault({"nest", owner.name(), mutex_owner.name(), "3"}, "child:kill@2");
  ASSERT_EQ(child.describe(), "killed by SIGKILL") << child.err;
  EXPECT_EQ(nesting.deepest, 3u) << "it died at its deepest level";
  const bool robust = support::expectation("SYN-05") == support::expected::holds;
  for (int attempt = 1; attempt <= 2; ++attempt) {
    SCOPED_TRACE("timed_lock attempt " + std::to_string(attempt));
    const auto start = steady::now();
    try {
      const bool locked = nesting.mutex.timed_lock(in(robust ? 1000ms : 300ms));
      if (locked) nesting.mutex.unlock();
      EXPECT_FALSE(robust) << "timed_lock returned " << locked << " instead of throwing";
      EXPECT_FALSE(locked);
    } catch (const lock_exception& e) {
      EXPECT_TRUE(robust);
      EXPECT_EQ(e.get_error_code(), not_recoverable);
      EXPECT_LT(since(start), 1000ms) << "the attempt waited for its deadline";
    }
  }
  try {
    EXPECT_FALSE(nesting.mutex.try_lock());
    EXPECT_FALSE(robust) << "try_lock did not throw";
  } catch (const lock_exception& e) {
    EXPECT_EQ(e.get_error_code(), not_recoverable);
  }
}

// Dead waiters, on Linux: a process killed while it waits leaves nothing
// behind. For the file lock there is nothing to leave (timed_lock retries a
// non-blocking fcntl); the recursive mutex's waiter sleeps in the kernel
// (a futex), and its death changes no state. Here the lesson's holder waits
// for the file and the nesting child for the mutex, both held by this
// process; each is killed while it waits, and the next taker gets in at once.
TEST_F(FileLocks, AChildKilledWhileWaitingForTheFileOrTheRecursiveMutexLeavesNothingBehind) {
  IPCLAB_CHECKS_THE_CHAPTER();
  const auto killed_while_waiting = [&](const std::vector<std::string>& args, const std::string& named) {
    std::future<harness::spawn_result> child =
        std::async(std::launch::async, [&, args] { return child_with_fault(args, ""); });
    pid_t pid = 0;
    EXPECT_TRUE(eventually([&] { return (pid = process_naming(named)) != 0; }));
    std::this_thread::sleep_for(300ms);  // long past its start: it waits now
    if (pid) ::kill(pid, SIGKILL);
    return child.get();
  };
  {
    file_lock lock(file.c_str());
    scoped_lock<file_lock> exclusive(lock);
    EXPECT_EQ(killed_while_waiting({"hold", file}, file).describe(), "killed by SIGKILL");
  }
  EXPECT_EQ(what_another_process_gets(file), std::make_pair(true, true));
  nesting.mutex.lock();
  const auto nest = killed_while_waiting({"nest", owner.name(), mutex_owner.name(), "3"}, owner.name());
  EXPECT_EQ(nest.describe(), "killed by SIGKILL");
  EXPECT_EQ(support::facts_of(nest).last_steps("child")[nest.pid], 1) << "it died waiting at its first level";
  nesting.mutex.unlock();
  EXPECT_TRUE(std::async(std::launch::async, [&] {
                const bool got = nesting.mutex.try_lock();
                if (got) nesting.mutex.unlock();
                return got;
              }).get());
  EXPECT_EQ(nesting.deepest, 0u);
}

// A named_recursive_mutex is the same mutex in a shared memory object of its
// own (/dev/shm/NAME, 0644 by default whatever the umask): a second handle
// by the name is the same mutex, a process that dies holding it leaves
// lock_exception(not_recoverable) behind, and remove() takes the name away
// (true, then false).
TEST(NamedRecursiveMutex, IsADevShmEntryTheSameForEveryHandleAndItsDeadHolderLeavesItNotRecoverable) {
  IPCLAB_CLAIMS("SYN-14", "SYN-15", "SYN-18");
  harness::owner<named_recursive_mutex> owner(harness::unique_name("ch12test"));
  const ::mode_t umask_before = ::umask(077);
  named_recursive_mutex first(create_only, owner.c_str());
  ::umask(umask_before);
  struct stat status {};
  ASSERT_EQ(::stat(("/dev/shm/" + owner.name()).c_str(), &status), 0);
  EXPECT_EQ(status.st_mode & 0777, 0644u);
  try {
    named_recursive_mutex again(create_only, owner.c_str());
    ADD_FAILURE() << "create_only on an existing name did not throw";
  } catch (const interprocess_exception& e) {
    EXPECT_EQ(e.get_error_code(), already_exists_error);
  }
  named_recursive_mutex second(open_only, owner.c_str());
  first.lock();
  EXPECT_TRUE(first.try_lock()) << "recursive for its owner";
  EXPECT_TRUE(std::async(std::launch::async, [&] { return !second.try_lock(); }).get()) << "one mutex";
  first.unlock();
  first.unlock();
  const pid_t pid = ::fork();
  if (pid == 0) {
    second.lock();
    second.lock();
    ::raise(SIGKILL);
  }
  int status_of_child = 0;
  ::waitpid(pid, &status_of_child, 0);
  ASSERT_TRUE(WIFSIGNALED(status_of_child) && WTERMSIG(status_of_child) == SIGKILL);
  if (support::expectation("SYN-05") == support::expected::holds) {
    try {
      first.timed_lock(in(1000ms));
      ADD_FAILURE() << "the dead holder's named recursive mutex did not throw";
    } catch (const lock_exception& e) {
      EXPECT_EQ(e.get_error_code(), not_recoverable);
    }
  }
  EXPECT_TRUE(named_recursive_mutex::remove(owner.c_str()));
  EXPECT_FALSE(fs::exists("/dev/shm/" + owner.name()));
  EXPECT_FALSE(named_recursive_mutex::remove(owner.c_str()));
}

// Bad input to the child role: one clear sentence, a defined exit code, no
// crash, nothing left in /dev/shm, nothing written to or created in the
// folder, and every lock unharmed. FILE, FOLDER, MISSINGFILE, SEGMENT, MUTEX
// and EMPTY are replaced by the test's own.
using BadInput = support::bad_input;

class FileLocksBadInput : public FileLocks, public ::testing::WithParamInterface<BadInput> {
 protected:
  harness::segment_owner empty_owner{harness::unique_name("ch12test")};
  managed_shared_memory empty{create_only, empty_owner.c_str(), ch12::segment_size, nullptr, harness::owner_only()};
};

TEST_P(FileLocksBadInput, ChildRejectsItWithOneSentenceAndTheRightExitCode) {
  IPCLAB_CHECKS_THE_CHAPTER();
  const auto missing_file = (folder.path() / "missing.txt").string();
  auto args = support::substitute(GetParam().args, "FILE", file);
  args = support::substitute(args, "FOLDER", folder.path().string());
  args = support::substitute(args, "MISSINGFILE", missing_file);
  args = support::substitute(args, "SEGMENT", owner.name());
  args = support::substitute(args, "MUTEX", mutex_owner.name());
  args = support::substitute(args, "EMPTY", empty_owner.name());
  auto sentence = support::substitute(GetParam().sentence, "MISSINGFILE", missing_file);
  sentence = support::substitute(sentence, "FOLDER", folder.path().string());
  sentence = support::substitute(sentence, "EMPTY", empty_owner.name());
  const auto child = run_child_role("12", args);
  EXPECT_TRUE(support::rejected_cleanly(child, GetParam().exit_code, sentence));
  EXPECT_EQ(fs::file_size(file), 0u) << "the rejected child wrote to the file";
  EXPECT_EQ(std::distance(fs::directory_iterator(folder.path()), fs::directory_iterator()), 1)
      << "the rejected child created a file";
  EXPECT_EQ(what_another_process_gets(file), std::make_pair(true, true)) << "the file was left locked";
  EXPECT_EQ(nesting.deepest, 0u);
  EXPECT_TRUE(nesting.mutex.try_lock()) << "the recursive mutex was left locked";
  nesting.mutex.unlock();
  EXPECT_TRUE(plain.try_lock()) << "the named mutex was left locked";
  plain.unlock();
}

const std::string missing = "ipclab-ch12-0-0-missing";

INSTANTIATE_TEST_SUITE_P(
    Chapter12, FileLocksBadInput,
    ::testing::Values(
        BadInput{"NoAction", {}, harness::exit_usage, "takes an action, 'probe', 'hold' or 'nest', not ''"},
        BadInput{"UnknownAction", {"lock", "FILE"}, harness::exit_usage, "not 'lock'"},
        BadInput{"ProbeWithoutFile", {"probe"}, harness::exit_usage, "takes 2 arguments but got 1"},
        BadInput{"HoldWithAnExtraArgument", {"hold", "FILE", "FILE"}, harness::exit_usage,
                 "takes 2 arguments but got 3"},
        BadInput{"EmptyFilePath", {"probe", ""}, harness::exit_usage, "the file's path must not be empty"},
        BadInput{"RelativeFilePath", {"hold", "shared.txt"}, harness::exit_usage,
                 "the file's path 'shared.txt' is not absolute"},
        BadInput{"FileDoesNotExist", {"probe", "MISSINGFILE"}, harness::exit_resource,
                 "cannot open a file lock on 'MISSINGFILE': No such file or directory"},
        BadInput{"FileIsAFolder", {"hold", "FOLDER"}, harness::exit_resource,
                 "cannot open a file lock on 'FOLDER': Is a directory"},
        BadInput{"NestWithoutDepth", {"nest", "SEGMENT", "MUTEX"}, harness::exit_usage,
                 "takes 4 arguments but got 3"},
        BadInput{"DepthNotANumber", {"nest", "SEGMENT", "MUTEX", "deep"}, harness::exit_usage,
                 "the depth 'deep' is not a decimal number"},
        BadInput{"ZeroDepth", {"nest", "SEGMENT", "MUTEX", "0"}, harness::exit_usage,
                 "the depth must be at least 1, not 0"},
        BadInput{"DepthTooLarge", {"nest", "SEGMENT", "MUTEX", "65"}, harness::exit_usage,
                 "the depth 65 is out of range (at most 64)"},
        BadInput{"MutexNameWithASlash", {"nest", "SEGMENT", "a/b", "3"}, harness::exit_usage, "contains '/'"},
        BadInput{"BadDepthIsReportedBeforeAMissingSegment", {"nest", missing, "MUTEX", "x"}, harness::exit_usage,
                 "is not a decimal number"},
        BadInput{"SegmentDoesNotExist", {"nest", missing, "MUTEX", "3"}, harness::exit_resource,
                 "cannot open segment '" + missing + "': No such file or directory"},
        BadInput{"SegmentWithoutNesting", {"nest", "EMPTY", "MUTEX", "3"}, harness::exit_resource,
                 "segment 'EMPTY' has no object named 'nesting' (it holds no named object)"},
        BadInput{"NamedMutexDoesNotExist", {"nest", "SEGMENT", missing, "3"}, harness::exit_resource,
                 "cannot open named mutex '" + missing + "': No such file or directory"}),
    [](const auto& info) { return info.param.label; });

}  // namespace
