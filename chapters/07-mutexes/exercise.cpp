// Exercise 07 - mutexes.
//
// Fill in the five TODOs with Boost.Interprocess calls, so that four child
// processes count under the interprocess_mutex in the segment without losing
// an increment, and the parent detects, without hanging, a child that died
// holding each kind of mutex. Each harness::todo(...) line is a step to
// replace; the rest of the program is already written. Check your work with
// `./ipclab verify 07`; `./ipclab hint 07` gives a hint.
// chapters/07-mutexes/main.cpp is the reference solution: try without it first.
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

void parent(const harness::role& me) {
  harness::segment_owner segment_owner(harness::unique_name("ch07"));  // removes the segment on every exit
  // TODO 1: create a managed shared memory segment named segment_owner.c_str(),
  // of ch07::segment_size bytes, owner-only (nullptr as the address, then
  // harness::owner_only() as the permissions).
  auto segment = harness::todo<managed_shared_memory>("1: create the managed segment");
  auto& counter = ch07::construct_counter(segment);
  harness::owner<named_mutex> mutex_owner(harness::unique_name("ch07"));  // named_mutex::remove on every exit
  // TODO 2: create a named_mutex named mutex_owner.c_str(), owner-only.
  auto mutex = harness::todo<named_mutex>("2: create the named mutex");
  me.narrate("created segment " + segment_owner.name() + " with a counter, and named mutex " + mutex_owner.name());

  stress(me, segment, counter, segment_owner.name(), mutex_owner.name());
  dead_holder_of_the_counters_mutex(me, counter, segment_owner.name(), mutex_owner.name());
  dead_holder_of_the_named_mutex(me, mutex, segment_owner.name(), mutex_owner.name());
}

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

// A child locks the counter's interprocess_mutex and dies by SIGKILL holding it.
void dead_holder_of_the_counters_mutex(const harness::role& me, ch07::shared_counter& counter,
                                       const std::string& segment_name, const std::string& mutex_name) {
  const auto holder = me.spawn_child({"hold", segment_name, mutex_name, "process-mutex"});
  harness::expect(holder.how == harness::ending::killed && holder.signal == SIGKILL,
                  "the holding child should die by SIGKILL, but it " + holder.describe());
  for (int attempt = 1; attempt <= 2; ++attempt) {
    try {
      // Never lock() a mutex whose holder may be dead: wait until a deadline.
      // TODO 4: try to lock counter.mutex until ch07::deadline_after(ch07::patience):
      // true if it locked, false if the deadline passed first.
      const bool locked = harness::todo<bool>("4: lock the counter's mutex with a deadline");
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
  // TODO 5: remove the named mutex called mutex_name, then create a fresh one
  // by that name, owner-only, in place of the todo below.
  auto fresh = harness::todo<named_mutex>("5: remove the named mutex and create it anew");
  harness::expect(fresh.try_lock(), "a freshly created named mutex was already locked");
  fresh.unlock();
  me.narrate("removed " + mutex_name + " and created it anew: the fresh named mutex locks");
}

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
        // TODO 3: lock counter.mutex for the rest of this block: a scoped_lock
        // unlocks it when the block ends, however it ends.
        harness::todo("3: lock the counter's mutex around the increment");
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

int main(int argc, char** argv) { return harness::run_chapter(argc, argv, parent, child); }
