// Chapter 13 - message queues (Boost's doc_message_queueA.cpp and doc_message_queueB.cpp, rewritten).
// Producer processes send orders through one message_queue to the parent: they wait while it is full, orders come
// out by priority, as raw bytes; the queue outlives the objects that opened it; a receiver dies while it waits.
#include <boost/interprocess/ipc/message_queue.hpp>

#include "lesson.hpp"  // and the standard headers: <csignal>, <future>, <iostream>, <thread>, <vector>

using namespace boost::interprocess;
using namespace ipclab;
using harness::fact;

std::vector<ch13::order> receive_up_to(message_queue& queue, std::size_t count);

//! [parent]
void parent(const harness::role& me) {
  harness::owner<message_queue> queue_owner(harness::unique_name("ch13"));  // removes the queue on every exit
  //! [todo 1: create the queue, for ch13::capacity orders]
  message_queue queue(create_only, queue_owner.c_str(), ch13::capacity, sizeof(ch13::order), harness::owner_only());
  //! [todo end]
  me.step("created queue ", fact("segment", queue_owner.name()), " of ", fact("max_msg", queue.get_max_msg()),
          " messages of ", fact("max_msg_size", queue.get_max_msg_size()), " bytes at most");
  // The producers send all at once, more orders than the queue holds: they wait in send until this process receives
  const auto producers = ch13::producers_args(queue_owner.name());
  auto sending = std::async(std::launch::async, [&] { return me.spawn_children(producers); });
  const auto is_full = [&] { return queue.get_num_msg() == queue.get_max_msg(); };
  const bool full = ch13::wait_until([&] { return is_full() || ch13::ended(sending); }) && is_full();
  const ch13::order extra;
  const bool refused = full && !queue.try_send(&extra, sizeof extra, 0);  // full: false at once, nothing sent
  const auto received = full ? receive_up_to(queue, ch13::producers * ch13::per_producer) : std::vector<ch13::order>();
  harness::expect_all_succeeded(sending.get());  // first: a dead producer explains a short count
  harness::expect(full && refused, "the queue was never full, or try_send() took an order while it was");
  harness::expect_equal("the number of orders received", received.size(), ch13::producers * ch13::per_producer);
  harness::expect(ch13::in_sending_order(received), "a producer's orders came out of the order it sent them");
  me.step("received ", fact("received", received.size()), " orders from ", ch13::producers,
          " producers, each in its sending order; the queue was full and try_send() refused");
  me.run_child({"burst", queue_owner.name()});  // sends four orders and exits: its message_queue object is gone
  const auto waiting = queue.get_num_msg();  // the orders wait in the queue, not in a process
  const std::vector<ch13::order> burst = receive_up_to(queue, ch13::burst.size());
  harness::expect_equal("the orders waiting", waiting, ch13::burst.size(), "after the burst child exited");
  harness::expect_equal("the burst's order", ch13::listed(ch13::sequences(burst)), ch13::listed(ch13::burst_received),
                        ": not highest priority first, first in first out within one");
  me.step(fact("waiting", waiting), " orders outlived the burst child; they came out as ",
          fact("order", ch13::listed(ch13::sequences(burst))));
  // Killed while it waited in receive
  harness::expect_killed_by(me.spawn_child({"die", queue_owner.name()}), SIGKILL, "the dying receiver");
  harness::expect_equal("the orders waiting", queue.get_num_msg(), 0u, "after the receiver died");
  const ch13::order last{0, 5, 7};
  harness::expect(queue.try_send(&last, sizeof last, last.priority), "try_send() refused an order to an empty queue");
  const auto taken = me.run_child({"take", queue_owner.name(), harness::text(ch13::patience().count())});
  harness::expect_equal("what the next receiver got", taken, ch13::taken_line(last, last.priority, sizeof last));
  me.step("a receiver died waiting in receive; the next one still got order ", fact("taken", last.sequence),
          ", but the dead one's wait stays in the queue");
}

// Receives up to `count` orders, each waiting at most ch13::patience; fewer if no order comes in time
std::vector<ch13::order> receive_up_to(message_queue& queue, std::size_t count) {
  std::vector<ch13::order> received;
  ch13::order order;
  message_queue::size_type size = 0;
  unsigned priority = 0;
  while (received.size() < count) {
    const auto deadline = ch13::deadline_after(ch13::patience());
    //! [todo 2: receive the order of highest priority, waiting until the deadline for one]
    const bool got = queue.timed_receive(&order, sizeof order, size, priority, deadline);
    //! [todo end]
    if (!got) break;
    harness::expect_equal("an order's size", size, sizeof order);
    harness::expect_equal("an order's priority", priority, order.priority, ": not the one it was sent with");
    received.push_back(order);
  }
  return received;
}
//! [parent]

//! [child]
void child(const harness::role& me) {
  const ch13::child_task task = ch13::parse_child_args(me);  // checked before anything opens
  //! [todo 3: open the queue by its name]
  message_queue queue = harness::attempt("open queue '" + task.queue + "'",
                                         [&] { return message_queue(open_only, task.queue.c_str()); });
  //! [todo end]
  ch13::expect_order_queue(queue, task.queue);
  me.step("opened queue ", task.queue, " to ", task.action);
  if (task.action == "produce") {
    for (std::uint32_t sequence = 1; sequence <= ch13::per_producer; ++sequence) {
      const ch13::order order{std::uint32_t(task.number), sequence, std::uint32_t(task.number)};
      //! [todo 4: send the order at its priority, waiting at most ch13::patience while the queue is full]
      const bool sent = queue.timed_send(&order, sizeof order, order.priority, ch13::deadline_after(ch13::patience()));
      //! [todo end]
      ch13::expect_in_time(sent, "a free place in the queue");
    }
    return me.step("sent ", fact("sent", ch13::per_producer), " orders at priority ", task.number);
  }
  if (task.action == "burst") {
    for (const auto& [sequence, priority] : ch13::burst) {
      const ch13::order order{0, sequence, priority};
      harness::expect(queue.try_send(&order, sizeof order, priority), "the queue was full before the burst ended");
    }
    return me.step("sent ", fact("sent", ch13::burst.size()), " orders at priorities 0, 5, 1, 5");
  }
  ch13::order order;
  message_queue::size_type size = 0;
  unsigned priority = 0;
  if (task.action == "die") {
    std::thread([] { std::this_thread::sleep_for(ch13::death_after), ::raise(SIGKILL); }).detach();  // a crash
    queue.timed_receive(&order, sizeof order, size, priority, ch13::deadline_after(10 * ch13::death_after));
    throw harness::invariant_error("the dying receiver received an order instead of dying in receive");
  }
  const std::chrono::milliseconds wait(task.number);
  const auto start = std::chrono::steady_clock::now();
  const bool got = queue.timed_receive(&order, sizeof order, size, priority, ch13::deadline_after(wait));
  ch13::expect_in_time(got, "an order", wait);
  const auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
  me.step("received order ", fact("sequence", order.sequence), " after ", fact("waited_ms", waited.count()), " ms");
  std::cout << ch13::taken_line(order, priority, size) << std::flush;
}
//! [child]

int main(int argc, char** argv) { return harness::run_chapter(argc, argv, parent, child); }
