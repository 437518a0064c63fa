// Chapter 07 - mutexes (Boost's doc_anonymous_mutexA.cpp and doc_named_mutex.cpp, rewritten).
//
// Four children at once count under an interprocess_mutex in the segment and
// allocate under a named_mutex: not one increment or byte goes missing. Then a
// child dies holding each: on Linux, Boost 1.81's interprocess_mutex (a robust
// pthread mutex) throws lock_exception at every later lock, while the named_mutex
// (a POSIX semaphore) stays locked until its name is removed.
#include <csignal>
#include <cstring>
#include <iostream>

#include <boost/interprocess/managed_shared_memory.hpp>
#include <boost/interprocess/sync/named_mutex.hpp>
#include <boost/interprocess/sync/scoped_lock.hpp>

#include "lesson.hpp"

using namespace boost::interprocess;
using namespace ipclab;
using harness::fact;

//! [parent]
void parent(const harness::role& me) {
  harness::segment_owner segment_owner(harness::unique_name("ch07"));  // removes the segment on every exit
  harness::owner<named_mutex> mutex_owner(harness::unique_name("ch07"));  // named_mutex::remove on every exit
  //! [todo 1: create the managed segment]
  managed_shared_memory segment(create_only, segment_owner.c_str(), ch07::segment_size, nullptr, harness::owner_only());
  //! [todo end]
  // The counter, its interprocess_mutex inside, is an object of the segment: all processes lock that one
  ch07::shared_counter& counter = *segment.construct<ch07::shared_counter>(ch07::counter_name)();
  //! [todo 2: create the named mutex]
  // A named_mutex lives outside any segment, under a name of its own (on Linux, /dev/shm/sem.NAME)
  named_mutex mutex(create_only, mutex_owner.c_str(), harness::owner_only());
  //! [todo end]
  me.step("created segment ", fact("segment", segment_owner.name()), " with a counter, and named mutex ",
          fact("mutex", mutex_owner.name()));
  // Four children at once count ch07::parent_iterations rounds each, then all have exited
  const managed_shared_memory::size_type free_before = segment.get_free_memory();
  const std::vector<std::string> count{"count", segment_owner.name(), mutex_owner.name(),
                                       harness::text(ch07::parent_iterations)};
  for (const harness::spawn_result& child : me.spawn_children(std::vector(ch07::counting_children, count)))
    harness::expect(child.succeeded(), "a counting child did not exit 0 (", harness::role::describe_child(child), ")");
  const long rounds = ch07::counting_children * static_cast<long>(ch07::parent_iterations);
  harness::expect_equal("the counter", counter.value, rounds, ": increments were lost");
  harness::expect_equal("the number of blocks used", counter.blocks, rounds, ": rounds were lost");
  harness::expect_back_to("free memory", segment.get_free_memory(), free_before, "after every block was freed");
  harness::expect(segment.check_sanity(), "the segment's check_sanity() failed after the stress");
  me.step("the counter is ", fact("counter", counter.value), ", free memory is back to ", free_before);
  harness::expect_killed_by(me.spawn_child({"hold", segment_owner.name(), mutex_owner.name(), "process-mutex"}),
                            SIGKILL, "the holding child");  // it locks the counter's mutex and dies holding it
  try {
    //! [todo 3: lock the counter's mutex with a deadline]
    // Never lock() a mutex whose holder may be dead: timed_lock gives up at its deadline
    const bool locked = counter.mutex.timed_lock(ch07::deadline_after(ch07::patience));
    //! [todo end]
    harness::expect(false, "timed_lock returned ", locked, " instead of throwing: the holder's death went unseen");
  } catch (const lock_exception& e) {
    // Boost 1.81 on Linux: pthread says EOWNERDEAD, and Boost leaves the mutex unusable for good
    harness::expect_equal("lock_exception's error code", e.get_error_code(), not_recoverable);
    me.step("lock_exception, error code ", fact("lock_error", e.get_error_code()), " (not_recoverable): holder died");
  }

  harness::expect_killed_by(me.spawn_child({"hold", segment_owner.name(), mutex_owner.name(), "named-mutex"}),
                            SIGKILL, "the holding child");  // a semaphore has no owner: nobody is told
  harness::expect(!mutex.try_lock(), "try_lock took the named mutex its holder died with");
  harness::expect(!mutex.timed_lock(ch07::deadline_after(ch07::patience)), "timed_lock took the dead holder's mutex");
  me.step("the named mutex stays locked: try_lock() is false, timed_lock() gave up after ", ch07::patience.count(),
          " ms");
  //! [todo 4: remove the named mutex and create it anew]
  // The remedy, once no live process uses it: remove the name, and create a new mutex by it
  named_mutex::remove(mutex_owner.c_str());
  named_mutex fresh(create_only, mutex_owner.c_str(), harness::owner_only());
  //! [todo end]
  harness::expect(fresh.try_lock(), "a freshly created named mutex was already locked");
  fresh.unlock();
  me.step("removed ", mutex_owner.name(), " and created it anew: the fresh named mutex locks");
}
//! [parent]

//! [child]
void child(const harness::role& me) {
  const ch07::child_task task = ch07::parse_child_args(me);  // count or hold, checked before anything opens
  managed_shared_memory segment = harness::attempt("open segment '" + task.segment + "'", [&] {
    return managed_shared_memory(open_only, task.segment.c_str());
  });
  ch07::shared_counter* counter = segment.find<ch07::shared_counter>(ch07::counter_name).first;
  ch07::expect_counter(counter, segment, task.segment);
  named_mutex mutex = harness::attempt("open named mutex '" + task.mutex + "'", [&] {
    return named_mutex(open_only, task.mutex.c_str());
  });
  me.step("opened segment ", task.segment, " and named mutex ", task.mutex, " to ", task.action);
  if (task.action == "hold") {
    task.holds_named_mutex ? mutex.lock() : counter->mutex.lock();
    me.step("holding the ", task.holds_named_mutex ? "named mutex" : "counter's mutex", "; dying by SIGKILL");
    ::raise(SIGKILL);  // no destructor, no handler runs: nothing unlocks
  }
  const auto mark = static_cast<unsigned char>(::getpid());
  for (unsigned long round = 0; round < task.iterations; ++round) {
    {
      //! [todo 5: lock the counter's mutex around the increment]
      // A scoped_lock unlocks when the block ends, however it ends
      scoped_lock<interprocess_mutex> lock(counter->mutex);
      //! [todo end]
      ++counter->value;  // a read and a write: without the lock, another process can slip in between
    }
    scoped_lock<named_mutex> lock(mutex);  // one process at a time allocates, fills, checks and frees a block
    void* block = segment.allocate(ch07::block_size(round), std::nothrow);
    if (!block) throw harness::resource_error(harness::text("no free block of ", ch07::block_size(round), " bytes"));
    std::memset(block, mark, ch07::block_size(round));
    const std::size_t intact = ch07::first_byte_not(block, ch07::block_size(round), mark);
    segment.deallocate(block);  // before the check, so that a failed check leaks nothing
    harness::expect_equal("the number of intact bytes of the block", intact, ch07::block_size(round));
    ++counter->blocks;
  }
  me.step("counted ", task.iterations, " rounds and used as many blocks");
  std::cout << "counted " << task.iterations << std::endl;
}
//! [child]

int main(int argc, char** argv) { return harness::run_chapter(argc, argv, parent, child); }
