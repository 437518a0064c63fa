// Chapter 11 - readers and writers (Boost's doc_upgradable_mutex_shared_data.hpp, rewritten).
// Three reader processes share an interprocess_upgradable_mutex while a writer waits to upgrade,
// then writes alone; a reader that dies holding a named_sharable_mutex keeps writers out for good.
#include <boost/interprocess/managed_shared_memory.hpp>
#include <boost/interprocess/sync/named_sharable_mutex.hpp>
#include <boost/interprocess/sync/scoped_lock.hpp>
#include <boost/interprocess/sync/sharable_lock.hpp>
#include <boost/interprocess/sync/upgradable_lock.hpp>

#include "lesson.hpp"  // and the standard headers: <csignal>, <cstring>, <iostream>

using namespace boost::interprocess;
using namespace ipclab;
using harness::fact;

//! [parent]
void parent(const harness::role& me) {
  harness::segment_owner segment_owner(harness::unique_name("ch11"));  // removes the segment on every exit
  harness::owner<named_sharable_mutex> mutex_owner(harness::unique_name("ch11"));  // and the named mutex
  //! [todo 1: create the segment and construct the board in it]
  managed_shared_memory segment(create_only, segment_owner.c_str(), ch11::segment_size, nullptr, harness::owner_only());
  ch11::board& board = *segment.construct<ch11::board>(ch11::board_name)();
  //! [todo end]
  //! [todo 2: create the named sharable mutex]
  // Outside any segment, under a name of its own: on Linux a shared memory object, /dev/shm/NAME
  named_sharable_mutex mutex(create_only, mutex_owner.c_str(), harness::owner_only());
  //! [todo end]
  me.step("created segment ", fact("segment", segment_owner.name()), " with a board, and named sharable mutex ",
          fact("mutex", mutex_owner.name()));
  harness::expect_all_succeeded(me.spawn_children(ch11::readers_and_writer(segment_owner.name())));  // all at once
  harness::expect_equal("the most readers inside at once", board.most_readers_inside.load(), ch11::readers);
  harness::expect_equal("the board's text", std::string(board.text), ch11::news, "after the writer");
  me.step(fact("most_readers", board.most_readers_inside.load()), " readers were inside at once, then the writer ",
          "wrote version ", fact("version", board.version));
  // A reader takes a sharable lock on the named mutex and dies by SIGKILL holding it
  harness::expect_killed_by(me.spawn_child({"hold", mutex_owner.name()}), SIGKILL, "the holding child");
  //! [todo 3: try to lock the named mutex as a writer, with a deadline: it must fail]
  // Never lock() what a dead process may hold: timed_lock gives up at its deadline
  harness::expect(!mutex.timed_lock(ch11::deadline_after(ch11::parent_patience)), "a writer got in by a dead reader");
  //! [todo end]
  harness::expect(mutex.try_lock_sharable(), "a reader could not share the named mutex with the dead one");
  mutex.unlock_sharable();
  me.step("timed_lock gave up after ", fact("waited_ms", ch11::parent_patience.count()), " ms; readers still get in");
}
//! [parent]

//! [reader]
void read(const harness::role& me, ch11::board& board, int readers) {
  //! [todo 4: take a sharable lock on the board's mutex, with a deadline]
  // Any number of processes hold a sharable lock at once; it waits only while a writer owns the mutex
  sharable_lock<interprocess_upgradable_mutex> lock(board.mutex, ch11::deadline_after(ch11::patience()));
  //! [todo end]
  ch11::expect_in_time(lock.owns(), "a sharable lock on the board");
  const int inside = ch11::count_in(board);  // ++readers_inside, and the most at once
  harness::expect(!board.writer_inside, "a reader got in while the writer was writing");
  me.step("inside as reader ", fact("inside", inside), " of ", readers, ", reading '", board.text, "'");
  // Stay until every reader has been in and the writer waits: it cannot get in meanwhile
  ch11::wait_until("all readers inside at once and the writer waiting",
                   [&] { return board.most_readers_inside == readers && board.writer_waiting; });
  --board.readers_inside;
  lock.unlock();
  me.step("left the board to the writer");
  ch11::wait_until("the writer to write", [&] { return board.writer_inside.load(); });
  ++board.readers_at_door;
  // The writer owns the mutex now: this sharable lock waits until it lets go
  ch11::expect_in_time(lock.timed_lock(ch11::deadline_after(ch11::patience())), "the writer to let go");
  harness::expect(!board.writer_inside, "a reader got in while the writer was writing");
  me.step("came back and read version ", fact("version", board.version), ": '", board.text, "'");
}
//! [reader]

//! [writer]
void write(const harness::role& me, ch11::board& board, int readers) {
  ch11::wait_until("all readers to be inside", [&] { return board.readers_inside == readers; });
  // An upgradable lock shares the mutex with readers; only one process at a time holds one
  upgradable_lock<interprocess_upgradable_mutex> upgradable(board.mutex, ch11::deadline_after(ch11::patience()));
  ch11::expect_in_time(upgradable.owns(), "an upgradable lock on the board");
  me.step("holding the upgradable lock beside ", fact("readers_beside", board.readers_inside.load()), " readers");
  board.writer_waiting = true;
  auto deadline = ch11::deadline_after(ch11::patience());  // a variable: Boost 1.74 takes it by non-const reference
  //! [todo 5: upgrade to exclusive ownership, with a deadline]
  // The upgrade waits until every reader has left, and no new reader gets in meanwhile
  scoped_lock<interprocess_upgradable_mutex> exclusive(std::move(upgradable), deadline);
  //! [todo end]
  ch11::expect_in_time(exclusive.owns(), "the readers to leave (the upgrade)");
  board.writer_inside = true;
  harness::expect_equal("the number of readers inside while the writer writes", board.readers_inside.load(), 0);
  ch11::wait_until("every reader to come back to the door", [&] { return board.readers_at_door == readers; });
  board.version = 1;
  std::memcpy(board.text, ch11::news.data(), ch11::news.size() + 1);
  board.writer_inside = false;
  me.step("wrote version 1 alone, ", fact("at_door", board.readers_at_door.load()), " readers waiting at the door");
  // Demotions never wait: exclusive to upgradable, then upgradable to sharable; the readers get in
  upgradable_lock<interprocess_upgradable_mutex> demoted(std::move(exclusive));
  sharable_lock<interprocess_upgradable_mutex> reading(std::move(demoted));
  me.step("demoted to a sharable lock beside the readers: ", fact("reads", board.text));
}
//! [writer]

//! [child]
void child(const harness::role& me) {
  const ch11::child_task task = ch11::parse_child_args(me);  // checked before anything opens
  if (task.action == "hold") {  // processes that share only a name: the mutex is opened by it
    named_sharable_mutex mutex = harness::attempt("open named sharable mutex '" + task.name + "'",
                                                  [&] { return named_sharable_mutex(open_only, task.name.c_str()); });
    ch11::expect_in_time(mutex.timed_lock_sharable(ch11::deadline_after(ch11::patience())), "a sharable lock");
    me.step("holding a sharable lock on ", task.name, "; dying by SIGKILL");
    ::raise(SIGKILL);  // no destructor runs: the reader count it added stays
  }
  managed_shared_memory segment = harness::attempt("open segment '" + task.name + "'",
                                                   [&] { return managed_shared_memory(open_only, task.name.c_str()); });
  ch11::board* board = segment.find<ch11::board>(ch11::board_name).first;
  ch11::expect_board(board, segment, task.name);
  me.step("opened segment ", task.name, " to ", task.action, " with ", task.readers, " readers");
  task.action == "read" ? read(me, *board, task.readers) : write(me, *board, task.readers);
  std::cout << task.action << " version " << board->version << std::endl;
}
//! [child]

int main(int argc, char** argv) { return harness::run_chapter(argc, argv, parent, child); }
