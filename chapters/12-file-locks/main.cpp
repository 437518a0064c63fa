// Chapter 12 - file locks, and recursive mutexes (Boost's doc_file_lock.cpp, rewritten).
// A child locks a recursive mutex at every level of a nested call; then processes lock an ordinary
// file with a file_lock: exclusively, shared, advisory only, and released by the kernel at death.
#include <boost/interprocess/managed_shared_memory.hpp>
#include <boost/interprocess/sync/file_lock.hpp>
#include <boost/interprocess/sync/named_mutex.hpp>
#include <boost/interprocess/sync/scoped_lock.hpp>
#include <boost/interprocess/sync/sharable_lock.hpp>

#include "lesson.hpp"  // and the standard headers: <csignal>, <fstream>, <iostream>

using namespace boost::interprocess;
using namespace ipclab;
using harness::fact;

//! [parent]
void parent(const harness::role& me) {
  harness::segment_owner segment_owner(harness::unique_name("ch12"));  // removes the segment on every exit
  harness::owner<named_mutex> mutex_owner(harness::unique_name("ch12"));  // and the named mutex
  harness::temp_folder folder("ch12");  // and the folder of the file, on every exit
  //! [todo 1: create the segment and construct the nesting, its recursive mutex, in it]
  managed_shared_memory segment(create_only, segment_owner.c_str(), ch12::segment_size, nullptr, harness::owner_only());
  ch12::nesting& nesting = *segment.construct<ch12::nesting>(ch12::nesting_name)();
  //! [todo end]
  named_mutex plain(create_only, mutex_owner.c_str(), harness::owner_only());  // a mutex that is not recursive
  const std::string file = ch12::create_empty_file(folder);  // file_lock locks a file that exists
  me.step("created segment ", fact("segment", segment_owner.name()), ", named mutex ",
          fact("mutex", mutex_owner.name()), " and file ", fact("file", file));
  me.run_child({"nest", segment_owner.name(), mutex_owner.name(), harness::text(ch12::depth)});
  harness::expect_equal("the deepest level that held the recursive mutex", nesting.deepest, ch12::depth);
  harness::expect(nesting.mutex.try_lock(), "the child left the recursive mutex locked: fewer unlocks than locks");
  nesting.mutex.unlock();
  me.step("the child locked the recursive mutex ", fact("depth", nesting.deepest), " times and unlocked it as often");
  //! [todo 2: open a file_lock on the file]
  // A file_lock opens the file and locks through that descriptor: one file_lock per file per process
  file_lock lock(file.c_str());
  //! [todo end]
  {
    //! [todo 3: lock the file exclusively, with a deadline]
    // timed_lock (here through scoped_lock) retries try_lock until the deadline
    scoped_lock<file_lock> exclusive(lock, ch12::deadline_after(ch12::patience()));
    //! [todo end]
    ch12::expect_in_time(exclusive.owns(), "the file lock");
    harness::expect_equal("what the probe found", me.run_child({"probe", file}), ch12::probe_line(false, false));
    harness::expect_equal("the file's size", ch12::file_size(file), ch12::ignored_line.size(), "after the probe");
    me.step("held exclusively: the probe got neither lock, yet wrote ", fact("bytes", ch12::file_size(file)),
            " bytes to the file");
  }
  {
    // The scoped lock is gone; file locks do not convert, so this is a fresh sharable lock
    sharable_lock<file_lock> shared(lock, ch12::deadline_after(ch12::patience()));
    ch12::expect_in_time(shared.owns(), "a sharable file lock");
    harness::expect_equal("what the probe found", me.run_child({"probe", file}), ch12::probe_line(false, true));
    me.step("held sharable: the probe shared it, but could not lock it exclusively");
  }
  // A child locks the file and dies by SIGKILL: the kernel drops the locks of a process that dies
  harness::expect_killed_by(me.spawn_child({"hold", file}), SIGKILL, "the holding child");
  harness::expect(lock.try_lock(), "the file lock of a dead process was not released");
  lock.unlock();
  me.step("the dead holder's lock went with it: try_lock() took the file at once");
}
//! [parent]

//! [nest]
void nest(const harness::role& me, ch12::nesting& nesting, named_mutex& plain, unsigned long level,
          unsigned long depth) {
  //! [todo 4: lock the recursive mutex, with a deadline, at every level]
  // The process that holds a recursive mutex may lock it again; each lock needs its own unlock
  scoped_lock<interprocess_recursive_mutex> lock(nesting.mutex, ch12::deadline_after(ch12::patience()));
  //! [todo end]
  ch12::expect_in_time(lock.owns(), "the recursive mutex");
  nesting.deepest = level;
  if (level < depth) return nest(me, nesting, plain, level + 1, depth);  // each level unlocks as it returns
  me.step("holding the recursive mutex ", fact("depth", level), " times");
  // A named_mutex is not recursive: while this process holds it, its own try_lock() is false
  scoped_lock<named_mutex> once(plain, ch12::deadline_after(ch12::patience()));
  ch12::expect_in_time(once.owns(), "the named mutex");
  harness::expect(!plain.try_lock(), "the named mutex let its owner lock it twice");
  me.step("the named mutex refused its own owner a second lock");
}
//! [nest]

//! [child]
void child(const harness::role& me) {
  const ch12::child_task task = ch12::parse_child_args(me);  // checked before anything opens
  if (task.action == "nest") {
    managed_shared_memory segment = harness::attempt(
        "open segment '" + task.segment + "'", [&] { return managed_shared_memory(open_only, task.segment.c_str()); });
    ch12::nesting* nesting = segment.find<ch12::nesting>(ch12::nesting_name).first;
    ch12::expect_nesting(nesting, segment, task.segment);
    named_mutex plain = harness::attempt("open named mutex '" + task.mutex + "'",
                                         [&] { return named_mutex(open_only, task.mutex.c_str()); });
    me.step("opened segment ", task.segment, " and named mutex ", task.mutex);
    return nest(me, *nesting, plain, 1, task.depth);
  }
  file_lock lock = harness::attempt("open a file lock on '" + task.file + "'",
                                    [&] { return file_lock(task.file.c_str()); });
  me.step("opened a file lock on ", task.file);
  if (task.action == "hold") {
    ch12::expect_in_time(lock.timed_lock(ch12::deadline_after(ch12::patience())), "the file lock");
    me.step("holding the file lock; dying by SIGKILL");
    ::raise(SIGKILL);  // no destructor runs; the kernel releases the lock
  }
  //! [todo 5: try the lock exclusively, then sharable: neither waits]
  const bool exclusive = lock.try_lock();
  if (exclusive) lock.unlock();
  const bool sharable = lock.try_lock_sharable();
  //! [todo end]
  if (sharable) lock.unlock_sharable();
  me.step("try_lock ", fact("exclusive", exclusive), ", try_lock_sharable ", fact("sharable", sharable));
  // The lock is advisory: a process that does not ask for it writes all the same
  // (in|out opens the file only if it exists: never recreate it in a folder being removed)
  std::fstream(task.file, std::ios::in | std::ios::out | std::ios::ate) << ch12::ignored_line;
  me.step("wrote to the file without the lock");
  std::cout << ch12::probe_line(exclusive, sharable) << std::flush;
}
//! [child]

int main(int argc, char** argv) { return harness::run_chapter(argc, argv, parent, child); }
