// Chapter 19 - smart pointers across processes (Boost's doc_shared_ptr.cpp, doc_unique_ptr.cpp,
// doc_intrusive.cpp and doc_scoped_ptr.cpp, rewritten).
#include "lesson.hpp"  // <boost/interprocess/smart_ptr/*.hpp> and managed_shared_memory

using namespace boost::interprocess;
using namespace ipclab;
using namespace ipclab::ch19;  // widget, ledger, counted and the smart pointer types
using harness::expect, harness::expect_equal, harness::expect_back_to, harness::fact;

//! [parent]
void parent(const harness::role& me) {
  harness::segment_owner owner(harness::unique_name("ch19"));  // removes it on every exit
  managed_shared_memory segment(create_only, owner.c_str(), segment_size, nullptr,
                                harness::owner_only());
  ledger& book = *segment.construct<ledger>(ledger_name)();
  const std::size_t free_start = segment.get_free_memory();  // all below gives memory back
  me.step("created segment ", fact("segment", owner.name()), "; ", free_start, " bytes free");
  //! [todo 1: a managed shared_ptr of a new widget 1, kept in the segment as 'first']
  widget* made = segment.construct<widget>(anonymous_instance)(1, &book);
  shared_widget& first =  // a named shared_ptr; its count block is in the segment too
      *segment.construct<shared_widget>(first_name)(make_managed_shared_ptr(made, segment));
  //! [todo end]
  weak_widget watcher(first);  // counted in the weak count, not in use_count
  expect_equal("use_count", first.use_count(), 1, "before the child");
  expect_equal("what the taker saw", me.run_child({"take", owner.name()}), take_line(2));
  expect_equal("use_count", first.use_count(), 2, "after the child took an owner");
  me.step("a child took a second owner: ", fact("use_count", first.use_count()), " owners");
  //! [todo 2: destroy the parent's owner 'first': the child's owner keeps widget 1 alive]
  segment.destroy<shared_widget>(first_name);
  //! [todo end]
  expect_equal("the widgets destroyed", book.destroyed, 0u, "while the child's owner lives");
  expect_equal("the watcher's use_count", watcher.use_count(), 1);
  const harness::spawn_result dropper = me.spawn_child({"drop", owner.name()});
  harness::expect_all_succeeded({dropper});
  expect_equal("what the dropper saw", dropper.out, drop_line(1, 1));
  expect_signed(book, 1, 1, dropper.pid, "after the child dropped the last owner");
  me.step("the last owner dropped; widget 1 died in pid ", fact("destroyer", book.destroyed_by));
  expect(watcher.expired() && !watcher.lock(), "the watcher did not expire with the owners");
  expect_equal("the expired watcher's use_count", watcher.use_count(), 0);
  const std::size_t held = segment.get_free_memory();  // the count block waits for weak owners
  //! [todo 3: let go of the weak pointer: the count block goes with the last weak owner]
  watcher.reset();
  //! [todo end]
  expect_back_to("free memory", segment.get_free_memory(), free_start, "after the watcher's reset");
  me.step("the watcher's reset freed the count block: ", fact("block", free_start - held), " B");
  //! [todo 4: own a new widget 2 with a managed unique_ptr]
  unique_widget sole =
      make_managed_unique_ptr(segment.construct<widget>(anonymous_instance)(2, &book), segment);
  //! [todo end]
  unique_widget moved = std::move(sole);  // moves ownership; the source is left empty
  expect(!sole && moved && moved->value == 2, "the move did not hand widget 2 over");
  offset_ptr<widget> loose = moved.release();  // gives it up without destroying it
  expect_equal("the widgets destroyed", book.destroyed, 1u, "after release()");
  moved.reset(loose);
  moved.reset();  // the deleter: segment_manager::destroy_ptr
  expect_signed(book, 2, 2, ::getpid(), "after the unique_ptr's reset");
  expect_back_to("free memory", segment.get_free_memory(), free_start, "after unique_ptr");
  me.step("unique_ptr: moved, released, reset; ", fact("unique", book.last_value), " destroyed");
  {
    //! [todo 5: two intrusive_ptr owners of a new counted object 3]
    counted_ptr one(segment.construct<counted>(anonymous_instance)(3, &book,
                                                                   segment.get_segment_manager()));
    counted_ptr two = one;  // intrusive_ptr_add_ref, found by ADL: the count is in the object
    //! [todo end]
    expect_equal("the count in the object", two->refs.load(), 2u);
    one.reset();
    expect_equal("the count in the object", two->refs.load(), 1u, "after one reset");
    expect_equal("the objects destroyed", book.destroyed, 2u, "while an intrusive owner lives");
  }  // two's destructor: intrusive_ptr_release, the count reaches 0, the object frees itself
  expect_signed(book, 3, 3, ::getpid(), "after the last intrusive_ptr");
  me.step("intrusive_ptr: ", fact("intrusive", book.last_value), " destroyed itself at count 0");
  {
    scoped_widget scoped(segment.construct<widget>(anonymous_instance)(4, &book),
                         segment.get_deleter<widget>());
  }  // the deleter destroys widget 4 at the end of the scope
  expect_signed(book, 4, 4, ::getpid(), "at the end of the scoped_ptr's scope");
  widget* kept = nullptr;
  {
    scoped_widget scoped(segment.construct<widget>(anonymous_instance)(5, &book),
                         segment.get_deleter<widget>());
    kept = scoped.release().get();  // release(): the end of the scope destroys nothing
  }
  expect_equal("the widgets destroyed", book.destroyed, 4u, "after a released scoped_ptr");
  segment.destroy_ptr(kept);
  expect_back_to("free memory", segment.get_free_memory(), free_start, "after the scoped_ptrs");
  me.step("scoped_ptr: 4 died with its scope, 5 was released; ", fact("destroyed", book.destroyed));
}
//! [parent]

//! [child]
void child(const harness::role& me) {
  const child_task task = parse_child_args(me);  // checked before anything opens
  const std::string& name = task.segment;
  managed_shared_memory segment = harness::attempt("open segment '" + name + "'", [&] {
    return managed_shared_memory(open_only, name.c_str());
  });
  const ledger& book =
      expect_found(segment.find<ledger>(ledger_name).first, segment, name, ledger_name);
  if (task.action == "take") {
    const shared_widget& first =  // the parent's owner, found by name
        expect_found(segment.find<shared_widget>(first_name).first, segment, name, first_name);
    expect_absent(segment.find<shared_widget>(second_name).first, name);  // one take per drop
    //! [todo 6: copy 'first' into a new named shared_ptr 'second': one more owner]
    shared_widget& second = *segment.construct<shared_widget>(second_name)(first);
    //! [todo end]
    me.step("took an owner: use_count ", fact("use_count", second.use_count()));
    std::cout << take_line(second.use_count()) << std::flush;
    return;
  }
  const shared_widget& second =  // the owner this child's take left, found by name
      expect_found(segment.find<shared_widget>(second_name).first, segment, name, second_name);
  const long owners = second.use_count();  // with this child's own, still alive
  segment.destroy<shared_widget>(second_name);  // if it was the last owner, the widget dies here
  me.step("dropped 1 of ", fact("owners", owners), " owners; ", fact("destroyed", book.destroyed),
          " destroyed, the last here: ", fact("by_me", book.destroyed_by == ::getpid()));
  std::cout << drop_line(owners, book.destroyed) << std::flush;
}
//! [child]

int main(int argc, char** argv) { return harness::run_chapter(argc, argv, parent, child); }
