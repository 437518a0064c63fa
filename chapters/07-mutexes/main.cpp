// Chapter 07 - mutexes.
//
// Processes that share a segment must take turns: an increment is a read and
// a write, and another process can slip in between. The parent constructs a
// counter guarded by an interprocess_mutex in a managed segment, and creates a
// named_mutex; four children at once increment the counter under the first and
// allocate, check and free blocks under the second, and not one increment or
// byte goes missing. Then a child dies holding each mutex, and the parent shows
// what Boost.Interprocess 1.81 on Linux makes of it: the interprocess_mutex (a
// robust pthread mutex) throws lock_exception at every later lock, while the
// named_mutex (a POSIX semaphore) stays locked until its name is removed.
#include <csignal>
#include <unistd.h>
#include <iostream>

#include "lesson.hpp"

#include "harness/chapter.hpp"
#include "harness/names.hpp"
#include "harness/segment_owner.hpp"

using namespace boost::interprocess;
using namespace ipclab;

// The parent's three steps, below it.
void stress(const harness::role& me, managed_shared_memory& segment, const ch07::shared_counter& counter,
            const std::string& segment_name, const std::string& mutex_name);
void dead_holder_of_the_counters_mutex(const harness::role& me, ch07::shared_counter& counter,
                                       const std::string& segment_name, const std::string& mutex_name);
void dead_holder_of_the_named_mutex(const harness::role& me, named_mutex& mutex, const std::string& segment_name,
                                    const std::string& mutex_name);

//! [parent]
void parent(const harness::role& me) {
  harness::segment_owner segment_owner(harness::unique_name("ch07"));  // removes the segment on every exit
  managed_shared_memory segment(create_only, segment_owner.c_str(), ch07::segment_size, nullptr,
                                harness::owner_only());
  auto& counter = ch07::construct_counter(segment);
  harness::owner<named_mutex> mutex_owner(harness::unique_name("ch07"));  // named_mutex::remove on every exit
  named_mutex mutex(create_only, mutex_owner.c_str(), harness::owner_only());
  me.narrate("created segment " + segment_owner.name() + " with a counter, and named mutex " + mutex_owner.name());

  stress(me, segment, counter, segment_owner.name(), mutex_owner.name());
  dead_holder_of_the_counters_mutex(me, counter, segment_owner.name(), mutex_owner.name());
  dead_holder_of_the_named_mutex(me, mutex, segment_owner.name(), mutex_owner.name());
}
//! [parent]

//! [stress]
// Four children at once, each counting ch07::parent_iterations rounds.
void stress(const harness::role& me, managed_shared_memory& segment, const ch07::shared_counter& counter,
            const std::string& segment_name, const std::string& mutex_name) {
  const auto free_before = segment.get_free_memory();
  const std::vector<std::string> count{"count", segment_name, mutex_name, std::to_string(ch07::parent_iterations)};
  for (const auto& child : me.spawn_children(std::vector(ch07::counting_children, count)))
    harness::expect(child.succeeded(),
                    "a counting child did not exit 0 (" + harness::role::describe_child(child) + ")");

  // Every child has exited: nobody else touches the counter now.
  const long expected = ch07::counting_children * static_cast<long>(ch07::parent_iterations);
  harness::expect(counter.value == expected, "the counter is " + std::to_string(counter.value) + ", not " +
                                                 std::to_string(expected) + ": increments were lost");
  harness::expect(counter.blocks == expected, "the children used " + std::to_string(counter.blocks) +
                                                  " blocks, not " + std::to_string(expected));
  harness::expect(segment.get_free_memory() == free_before,
                  "free memory is " + std::to_string(segment.get_free_memory()) + ", not back to " +
                      std::to_string(free_before) + " after every block was freed");
  harness::expect(segment.check_sanity(), "the segment's check_sanity() failed after the stress");
  me.narrate("the counter is " + std::to_string(counter.value) + " = " + std::to_string(ch07::counting_children) +
             " x " + std::to_string(ch07::parent_iterations) + ", free memory is back to " +
             std::to_string(free_before) + ", check_sanity() holds");
}
//! [stress]

//! [robust]
// A child locks the counter's interprocess_mutex and dies by SIGKILL holding it.
void dead_holder_of_the_counters_mutex(const harness::role& me, ch07::shared_counter& counter,
                                       const std::string& segment_name, const std::string& mutex_name) {
  const auto holder = me.spawn_child({"hold", segment_name, mutex_name, "process-mutex"});
  harness::expect(holder.how == harness::ending::killed && holder.signal == SIGKILL,
                  "the holding child should die by SIGKILL, but it " + holder.describe());
  for (int attempt = 1; attempt <= 2; ++attempt) {
    try {
      // Never lock() a mutex whose holder may be dead: wait until a deadline.
      const bool locked = counter.mutex.timed_lock(ch07::deadline_after(ch07::patience));
      if (locked) counter.mutex.unlock();
      throw harness::invariant_error(locked ? "the counter's mutex locked as if its holder had not died"
                                            : "timed_lock gave up at its deadline: the mutex is not robust");
    } catch (const lock_exception& e) {
      // Boost 1.81 on Linux: pthread reports EOWNERDEAD; Boost unlocks the
      // mutex without making it consistent, which leaves it unusable for good.
      harness::expect(e.get_error_code() == not_recoverable,
                      "lock_exception with error code " + std::to_string(e.get_error_code()) +
                          ", not not_recoverable");
      me.narrate("attempt " + std::to_string(attempt) +
                 " to lock the counter's mutex: lock_exception, not_recoverable (its holder died)");
    }
  }
}
//! [robust]

//! [named]
// A child locks the named_mutex and dies by SIGKILL holding it.
void dead_holder_of_the_named_mutex(const harness::role& me, named_mutex& mutex, const std::string& segment_name,
                                    const std::string& mutex_name) {
  const auto holder = me.spawn_child({"hold", segment_name, mutex_name, "named-mutex"});
  harness::expect(holder.how == harness::ending::killed && holder.signal == SIGKILL,
                  "the holding child should die by SIGKILL, but it " + holder.describe());
  // A POSIX semaphore has no owner: nothing tells anyone that its holder died.
  harness::expect(!mutex.try_lock(), "try_lock took the named mutex its holder died with");
  harness::expect(!mutex.timed_lock(ch07::deadline_after(ch07::patience)),
                  "timed_lock took the named mutex its holder died with");
  me.narrate("the named mutex stays locked: try_lock() is false, timed_lock() gave up after " +
             std::to_string(ch07::patience.count()) + " ms");

  // The remedy: remove the name and create the mutex anew. (Only when no live
  // process still uses it: one that holds the old mutex would not notice.)
  named_mutex::remove(mutex_name.c_str());
  named_mutex fresh(create_only, mutex_name.c_str(), harness::owner_only());
  harness::expect(fresh.try_lock(), "a freshly created named mutex was already locked");
  fresh.unlock();
  me.narrate("removed " + mutex_name + " and created it anew: the fresh named mutex locks");
}
//! [named]

//! [child]
void child(const harness::role& me) {
  const auto& args = me.args();
  const std::string action = args.empty() ? "" : args[0];
  if (action == "count") {  // child count SEGMENT MUTEX ITERATIONS: the lesson
    const auto& a = me.expect_args({"count", "SEGMENT", "MUTEX", "ITERATIONS"});
    const auto iterations = ch07::parse_iterations(a[3]);
    auto segment = ch07::open_segment(a[1]);
    auto& counter = ch07::find_counter(segment, a[1]);
    auto mutex = ch07::open_named_mutex(a[2]);
    me.narrate("opened segment " + a[1] + " and named mutex " + a[2] + "; counting " + a[3] + " rounds");
    const auto mark = static_cast<unsigned char>(::getpid());
    for (unsigned long round = 0; round < iterations; ++round) {
      {
        scoped_lock<interprocess_mutex> lock(counter.mutex);  // unlocks when the block ends, however it ends
        ++counter.value;  // a read and a write: without the lock, another process can slip in between
      }
      scoped_lock<named_mutex> lock(mutex);
      ch07::use_a_block(segment, round, mark);
      ++counter.blocks;
    }
    me.narrate("counted " + a[3] + " rounds and used as many blocks");
    std::cout << "counted " << iterations << std::endl;
  } else if (action == "hold") {  // child hold SEGMENT MUTEX KIND: dies holding the mutex
    const auto& a = me.expect_args({"hold", "SEGMENT", "MUTEX", "KIND"});
    const auto kind = ch07::parse_mutex_kind(a[3]);
    auto segment = ch07::open_segment(a[1]);
    auto& counter = ch07::find_counter(segment, a[1]);
    auto mutex = ch07::open_named_mutex(a[2]);
    me.narrate("opened segment " + a[1] + " and named mutex " + a[2]);
    if (kind == ch07::mutex_kind::process_mutex)
      counter.mutex.lock();
    else
      mutex.lock();
    // SIGKILL cannot be caught: no destructor, no handler runs, nothing unlocks.
    // (Unlike chapter 06's SIGSEGV, SIGKILL never writes a core file.)
    me.narrate("holding the " + a[3] + "; dying by SIGKILL without unlocking it");
    ::raise(SIGKILL);
  } else {
    throw harness::usage_error("the child role takes an action, 'count' or 'hold', not '" + action + "'");
  }
}
//! [child]

int main(int argc, char** argv) { return harness::run_chapter(argc, argv, parent, child); }
