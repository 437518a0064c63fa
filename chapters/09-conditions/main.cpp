// Chapter 09 - condition variables (Boost's comp_doc_anonymous_conditionA.cpp and B, rewritten).
#include <future>
#include <iostream>

#include <boost/interprocess/managed_shared_memory.hpp>
#include <boost/interprocess/sync/named_condition.hpp>
#include <boost/interprocess/sync/named_mutex.hpp>
#include <boost/interprocess/sync/scoped_lock.hpp>
#include <boost/interprocess/sync/sharable_lock.hpp>

#include "lesson.hpp"

using namespace boost::interprocess;
using namespace ipclab;
using harness::fact;

//! [parent]
void parent(const harness::role& me) {
  harness::segment_owner segment_owner(harness::unique_name("ch09"));  // each owner removes its name on every exit
  harness::owner<named_mutex> mutex_owner(harness::unique_name("ch09"));
  harness::owner<named_condition> condition_owner(harness::unique_name("ch09"));
  managed_shared_memory segment(create_only, segment_owner.c_str(), ch09::segment_size, nullptr, harness::owner_only());
  ch09::mailbox& box = *segment.construct<ch09::mailbox>(ch09::mailbox_name)();
  //! [todo 1: create the named mutex and the named condition of the roll call]
  // Named: they live outside the segment, found by their names alone (sem.NAME and NAME in /dev/shm)
  named_mutex roll_mutex(create_only, mutex_owner.c_str(), harness::owner_only());
  named_condition roll_call(create_only, condition_owner.c_str(), harness::owner_only());
  //! [todo end]
  me.step("created segment ", fact("segment", segment_owner.name()), " with a mailbox, and the roll call's objects");
  // The consumers run while this process produces: another thread waits for them (and narrates)
  std::future<std::vector<harness::spawn_result>> consumers = std::async(std::launch::async, [&] {
    return me.spawn_children(ch09::consumers_args(segment_owner.name(), mutex_owner.name(), condition_owner.name()));
  });
  scoped_lock<named_mutex> roll(roll_mutex);  // the roll call: wait until every consumer has said it is there
  const std::chrono::steady_clock::time_point called = std::chrono::steady_clock::now();
  const bool answered = roll_call.timed_wait(roll, ch09::deadline(), [&] { return box.arrived == ch09::consumers; });
  const bool all_came = ch09::in_time(answered, called);  // true only at the deadline: no notify came
  roll.unlock();
  //! [todo 2: post the start on the board, and wake every consumer]
  scoped_lock<interprocess_sharable_mutex> board(box.board);  // exclusive: it waits until no consumer reads
  box.announced = ch09::messages;
  box.posted.notify_all();  // every consumer waits for the start: notify_one would start only one
  //! [todo end]
  board.unlock();  // each woken consumer takes the board again, shared, before its wait returns
  scoped_lock<interprocess_mutex> lock(box.mutex);  // the ring's mutex: every timed_wait lets go of it while it sleeps
  const bool all_wait = all_came && box.consumer_idle.timed_wait(lock, ch09::deadline(),
                                                                 [&] { return box.idle == ch09::consumers; });
  unsigned long sent = 0;
  for (; all_wait && sent < ch09::messages; ++sent) {
    //! [todo 3: wait, with a deadline, for a free slot]
    // The predicate is checked first and after every wake-up: a notify is no promise of a free slot
    if (!box.consumer_idle.timed_wait(lock, ch09::deadline(), [&] { return box.count < ch09::slot_count; })) break;
    //! [todo end]
    box.put(sent);
    box.not_empty.notify_one();  // one message: one consumer is enough
  }
  // Closing, once every message is taken and every consumer waits again
  box.consumer_idle.timed_wait(lock, ch09::deadline(), [&] { return box.count == 0 && box.idle == ch09::consumers; });
  box.closed = true;
  box.not_empty.notify_all();  // every idle consumer must see it, not just one
  lock.unlock();
  ch09::expect_every_consumer_exited_0(consumers.get());
  harness::expect_equal("the number of messages taken", box.taken, ch09::messages, ": the roll call or a wait failed");
  me.step("sent ", fact("sent", sent), " messages via ", ch09::slot_count, " slots; taken: ", fact("taken", box.taken));
  lock.lock();  // nobody is left to notify: timed_wait returns false at its deadline, holding the mutex again
  const std::chrono::steady_clock::time_point asked = std::chrono::steady_clock::now();
  const bool notified = box.not_empty.timed_wait(lock, ch09::deadline_after(ch09::short_wait));
  harness::expect(!notified && lock.owns(), "a timed_wait nobody notified returned ", notified);
  me.step("a timed_wait nobody notified returned false after ", fact("waited_ms", ch09::ms_since(asked)), " ms");
}
//! [parent]

//! [child]
void child(const harness::role& me) {
  const ch09::consumer_task task = ch09::parse_child_args(me);  // checked before anything opens
  managed_shared_memory segment = harness::attempt("open segment '" + task.segment + "'", [&] {
    return managed_shared_memory(open_only, task.segment.c_str());
  });
  ch09::mailbox& box = ch09::expect_mailbox(segment.find<ch09::mailbox>(ch09::mailbox_name).first, segment, task);
  named_mutex roll_mutex = harness::attempt("open named mutex '" + task.mutex + "'", [&] {
    return named_mutex(open_only, task.mutex.c_str());
  });
  named_condition roll_call = harness::attempt("open named condition '" + task.condition + "'", [&] {
    return named_condition(open_only, task.condition.c_str());
  });
  me.step("opened segment ", task.segment, ", named mutex ", task.mutex, " and named condition ", task.condition);
  sharable_lock<interprocess_sharable_mutex> board(box.board);  // shared ownership: all consumers read the board
  scoped_lock<named_mutex> roll(roll_mutex);  // answer the roll call, and wake the producer on the named condition
  ++box.arrived;
  roll_call.notify_one();
  roll.unlock();
  std::chrono::steady_clock::time_point asked = std::chrono::steady_clock::now();
  // interprocess_condition_any waits with any lock, here the sharable_lock, which it unlocks while it waits
  const bool started = box.posted.timed_wait(board, ch09::deadline(), [&] { return box.announced > 0; });
  board.unlock();
  ch09::expect_in_time(started, asked);
  std::vector<unsigned long> taken;
  while (taken.size() < task.most) {
    scoped_lock<interprocess_mutex> lock(box.mutex);
    ++box.idle;
    //! [todo 4: tell the producer that one more consumer waits]
    box.consumer_idle.notify_one();  // after a take, a slot is free; the producer's predicate says what it waits for
    //! [todo end]
    asked = std::chrono::steady_clock::now();
    //! [todo 5: wait, with a deadline, for a message or the end]
    const bool ready = box.not_empty.timed_wait(lock, ch09::deadline(), [&] { return box.count > 0 || box.closed; });
    //! [todo end]
    --box.idle;
    ch09::expect_in_time(ready, asked);  // a message that waited out the deadline: nobody notified
    if (box.count == 0) break;           // closed, and every message taken
    ch09::append_in_order(taken, box.take());
  }
  me.step("took ", fact("taken", taken.size()), " of ", fact("announced", box.announced), " announced messages: ",
          fact("numbers", ch09::joined(taken)));
  std::cout << "took " << ch09::joined(taken) << std::endl;
}
//! [child]

int main(int argc, char** argv) { return harness::run_chapter(argc, argv, parent, child); }
