// Chapter 10 - semaphores (Boost's doc_anonymous_semaphore_shared_data.hpp and comp_doc_anonymous_semaphoreA/B.cpp,
// rewritten): a producer and a consumer count a ring's slots; processes that share a name take a named_semaphore's.
#include <boost/interprocess/managed_shared_memory.hpp>
#include <boost/interprocess/sync/interprocess_semaphore.hpp>
#include <boost/interprocess/sync/named_semaphore.hpp>

#include "lesson.hpp"  // and the standard headers: <csignal>, <future>, <iostream>, <vector>

using namespace boost::interprocess;
using namespace ipclab;
using harness::fact;

unsigned produce(ch10::ring& ring);

//! [parent]
void parent(const harness::role& me) {
  harness::segment_owner segment_owner(harness::unique_name("ch10"));  // removes the segment on every exit
  harness::owner<named_semaphore> semaphore_owner(harness::unique_name("ch10"));  // and the semaphore (sem.NAME)
  //! [todo 1: create the segment and construct the ring, with its three semaphores, in it]
  managed_shared_memory segment(create_only, segment_owner.c_str(), ch10::segment_size, nullptr, harness::owner_only());
  ch10::ring& ring = *segment.construct<ch10::ring>(ch10::ring_name)();
  //! [todo end]
  //! [todo 2: create the named semaphore, counting ch10::slots]
  named_semaphore slots(create_only, semaphore_owner.c_str(), ch10::slots, harness::owner_only());
  //! [todo end]
  me.step("created segment ", fact("segment", segment_owner.name()), ", semaphore ",
          fact("semaphore", semaphore_owner.name()));
  // The consumer runs while this thread produces (and narrates nothing until the consumer has ended)
  auto consumer = std::async(std::launch::async, [&] { return me.spawn_child({"consume", segment_owner.name()}); });
  const unsigned sent = produce(ring);
  harness::expect_all_succeeded({consumer.get()});  // first: a dead consumer explains a stuck producer
  harness::expect_equal("the number of messages sent", sent, ch10::messages);
  harness::expect_equal("the messages left in the ring", ch10::count_try_waits(ring.nstored), 0u, "after the consumer");
  harness::expect_equal("free slots", ch10::count_try_waits(ring.nempty), ch10::capacity, "after the consumer");
  me.step("sent ", fact("sent", sent), " messages and found the ring full ", fact("full_waits", ring.full_waits.load()),
          " times; the consumer found it empty ", fact("empty_waits", ring.empty_waits.load()), " times");
  const auto takers = me.spawn_children(ch10::takers_args(semaphore_owner.name()));  // all at once
  harness::expect_all_succeeded(takers);
  harness::expect_equal("the number of children that took a slot", ch10::count_took(takers), ch10::slots);
  harness::expect(!slots.try_wait(), "the named semaphore had a slot left after the takers");
  for (unsigned slot = 0; slot < ch10::slots; ++slot) slots.post();  // it has no owner: any process may post
  me.step(fact("took", ch10::count_took(takers)), " of ", ch10::takers, " children took a slot; posted them back");
  harness::expect_killed_by(me.spawn_child({"hold", semaphore_owner.name()}), SIGKILL, "the holder");  // took a slot
  const unsigned left = ch10::count_try_waits(slots);
  harness::expect_equal("the slots left", left, ch10::slots - 1, "after the holder died");
  me.step("the dead holder's slot was not given back: ", fact("left", left), " of ", ch10::slots, " slots left");
}
//! [parent]

//! [ring_ends]
// Puts messages 1 to ch10::messages into the ring; returns how many went in (fewer if the consumer stopped)
unsigned produce(ch10::ring& ring) {
  if (!ch10::wait_until([&] { return ring.empty_waits > 0; })) return 0;  // so that every run shows an empty ring
  for (unsigned message = 1; message <= ch10::messages; ++message) {
    if (!ring.nempty.try_wait()) {  // the ring is full: wait until the consumer posts a free slot
      ++ring.full_waits;
      if (!ring.nempty.timed_wait(ch10::deadline_after(ch10::patience()))) return message - 1;
    }
    if (!ring.mutex.timed_wait(ch10::deadline_after(ch10::patience()))) return message - 1;
    ring.items[ring.put++ % ch10::capacity] = message;
    //! [todo 3: let go of the ring's mutex, and post the message]
    ring.mutex.post();
    ring.nstored.post();  // one more message: it wakes the consumer if it waits
    //! [todo end]
  }
  return ch10::messages;
}

void consume(const harness::role& me, ch10::ring& ring) {
  std::vector<unsigned> received;
  while (received.size() < ch10::messages) {
    if (!ring.nstored.try_wait()) {  // the ring is empty: wait until the producer posts a message
      ++ring.empty_waits;
      //! [todo 4: wait for a message, with a deadline]
      ch10::expect_in_time(ring.nstored.timed_wait(ch10::deadline_after(ch10::patience())), "a message");
      //! [todo end]
    }
    ch10::expect_in_time(ring.mutex.timed_wait(ch10::deadline_after(ch10::patience())), "the ring's mutex");
    received.push_back(ring.items[ring.taken++ % ch10::capacity]);
    ring.mutex.post();
    ring.nempty.post();  // one more free slot: it wakes the producer if it waits
    harness::expect_equal("message", received.back(), received.size(), ": lost, repeated or out of order");
    if (received.size() > 1) continue;
    me.step("received message 1; so that the run shows a full ring, waiting for the producer to fill it");
    ch10::expect_in_time(ch10::wait_until([&] { return ring.full_waits > 0; }), "the producer to fill the ring");
  }
  me.step("received ", fact("received", received.size()), " messages in order; found the ring empty ",
          fact("empty_waits", ring.empty_waits.load()), " times");
  std::cout << ch10::received_line(received) << std::flush;
}
//! [ring_ends]

//! [child]
void child(const harness::role& me) {
  const ch10::child_task task = ch10::parse_child_args(me);  // checked before anything opens
  if (task.action == "consume") {
    managed_shared_memory segment = harness::attempt(
        "open segment '" + task.name + "'", [&] { return managed_shared_memory(open_only, task.name.c_str()); });
    ch10::ring& ring = ch10::expect_ring(segment.find<ch10::ring>(ch10::ring_name).first, segment, task.name);
    me.step("opened segment ", task.name, "; waiting for messages");
    return consume(me, ring);
  }
  // Processes that share only a name: the semaphore is opened by it
  named_semaphore slots = harness::attempt("open named semaphore '" + task.name + "'",
                                           [&] { return named_semaphore(open_only, task.name.c_str()); });
  me.step("opened named semaphore ", task.name);
  if (task.action == "hold") {
    ch10::expect_in_time(slots.timed_wait(ch10::deadline_after(ch10::patience())), "a slot");
    me.step("holding a slot of ", task.name, "; dying by SIGKILL");
    ::raise(SIGKILL);  // no destructor runs; nothing would post the slot back anyway
  }
  //! [todo 5: try once for a slot, without waiting]
  const bool took = slots.try_wait();
  //! [todo end]
  me.step("try_wait returned ", fact("took", took));
  std::cout << ch10::taker_line(took) << std::flush;
}
//! [child]

int main(int argc, char** argv) { return harness::run_chapter(argc, argv, parent, child); }
