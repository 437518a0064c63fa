// Chapter 19, smart pointers across processes: a managed shared_ptr kept in
// the segment and copied by a child, its object destroyed with the last owner
// in the child or here, weak_ptr (expired, lock, the weak count that keeps the
// count block), make_managed_weak_ptr, managed unique_ptr (moved, released,
// reset), intrusive_ptr over offset_ptr, scoped_ptr with the segment's
// deleter, and make_managed_shared_ptr when the segment is full.
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <boost/interprocess/managed_shared_memory.hpp>
#include <gtest/gtest.h>

#include "harness/chapter.hpp"
#include "harness/names.hpp"
#include "harness/segment_owner.hpp"
#include "lesson.hpp"
#include "support.hpp"

using namespace boost::interprocess;
using namespace ipclab;
using namespace ipclab::ch19;
using support::run_child_role;

namespace {

// The test plays the parent: it owns a fresh segment of the lesson's size
// with the lesson's ledger in it, and knows its free memory from then on.
class SmartPointers : public support::owned_segment_test<segment_size> {
 protected:
  ledger& book = *segment.construct<ledger>(ledger_name)();
  const std::size_t free_start = segment.get_free_memory();

  // A new anonymous widget of `value` in the segment, signing the ledger when it dies.
  widget* make(int value) { return segment.construct<widget>(anonymous_instance)(value, &book); }

  // The parent's owner of a new widget of `value`, kept in the segment as "first".
  shared_widget& keep_first(int value) {
    return *segment.construct<shared_widget>(first_name)(make_managed_shared_ptr(make(value), segment));
  }

  // The lesson's child, `take` or `drop`, against this segment; fails the test unless it exits 0.
  harness::spawn_result child(const std::string& action) const {
    auto run = run_child_role("19", {action, owner.name()});
    EXPECT_TRUE(run.succeeded()) << run.describe() << "\n" << run.err;
    return run;
  }
};

// ---------------------------------------------------------------------------
// The lesson end to end.

TEST(Chapter19Program, ParentRoleExitsZeroAndItsChildrenReportEveryStage) {
  IPCLAB_CHECKS_THE_CHAPTER();
  const auto run = support::run_parent_role("19");
  ASSERT_TRUE(support::ran_both_roles_and_left_nothing(run));
  const auto facts = support::facts_of(run);
  EXPECT_EQ(facts.values("child", "use_count"), std::vector<std::string>{"2"}) << "seen by the taker";
  EXPECT_EQ(facts.values("parent", "use_count"), std::vector<std::string>{"2"}) << "seen by the parent";
  EXPECT_EQ(facts.values("child", "owners"), std::vector<std::string>{"1"});
  EXPECT_EQ(facts.values("child", "destroyed"), std::vector<std::string>{"1"});
  EXPECT_EQ(facts.values("child", "by_me"), std::vector<std::string>{"true"});
  // The dropper is the child that reported "owners"; the parent names it as the destroyer.
  pid_t dropper = 0;
  for (const auto& line : facts.all())
    if (line.role == "child" && line.key == "owners") dropper = line.pid;
  EXPECT_EQ(facts.values("parent", "destroyer"), std::vector<std::string>{std::to_string(dropper)});
  EXPECT_GT(std::stoul(support::fact(run, "parent", "block")), 0u) << "the count block took no memory";
  EXPECT_EQ(facts.values("parent", "unique"), std::vector<std::string>{"2"});
  EXPECT_EQ(facts.values("parent", "intrusive"), std::vector<std::string>{"3"});
  EXPECT_EQ(facts.values("parent", "destroyed"), std::vector<std::string>{"5"});
  EXPECT_EQ(run.out, take_line(2) + drop_line(1, 1));
  std::vector<int> steps;
  for (const auto& [pid, step] : facts.last_steps("child")) steps.push_back(step);
  EXPECT_EQ(steps, std::vector<int>(2, 1)) << "every child narrates one step";
  const auto parent_steps = facts.last_steps("parent");
  ASSERT_EQ(parent_steps.size(), 1u);
  EXPECT_EQ(parent_steps.begin()->second, 11) << "the parent narrates eleven steps";
}

// ---------------------------------------------------------------------------
// shared_ptr.

// Documented: managed_shared_ptr is shared_ptr with the segment's allocator
// and deleter and offset_ptr pointers; make_managed_shared_ptr owns the object
// with a use_count of 1 and a count block allocated in the segment; copies
// add owners and resets take them off.
TEST_F(SmartPointers, MakeManagedSharedPtrOwnsTheObjectWithACountBlockInTheSegment) {
  IPCLAB_CLAIMS("PTR-01");
  using manager = managed_shared_memory::segment_manager;
  static_assert(std::is_same_v<shared_widget, shared_ptr<widget, allocator<void, manager>, deleter<widget, manager>>>);
  static_assert(std::is_same_v<shared_widget::pointer, offset_ptr<widget>>);
  widget* made = make(7);
  const std::size_t free_made = segment.get_free_memory();
  shared_widget owner = make_managed_shared_ptr(made, segment);
  const std::size_t free_owned = segment.get_free_memory();
  EXPECT_LT(free_owned, free_made) << "the count block is not in the segment";
  EXPECT_EQ(owner.get(), made);
  EXPECT_EQ(owner.use_count(), 1);
  EXPECT_TRUE(owner.unique());
  {
    shared_widget copy = owner;
    shared_widget another(copy);
    EXPECT_EQ(owner.use_count(), 3);
    EXPECT_EQ(another.use_count(), 3);
    EXPECT_EQ(another.get(), made);
    copy.reset();
    EXPECT_EQ(copy.use_count(), 0);
    EXPECT_EQ(copy.get(), nullptr);
    EXPECT_EQ(owner.use_count(), 2);
    EXPECT_FALSE(owner.unique());
  }
  EXPECT_EQ(owner.use_count(), 1);
  EXPECT_EQ(segment.get_free_memory(), free_owned) << "a copy allocated or freed memory";
  EXPECT_EQ(book.destroyed, 0u);
  owner.reset();
  EXPECT_EQ(book.destroyed, 1u);
  EXPECT_EQ(book.last_value, 7);
  EXPECT_EQ(segment.get_free_memory(), free_start);
}

// Documented: a shared_ptr kept in the segment is copied by another process
// into the segment: one more owner, the same object, and use_count 2 in both
// processes; destroying the child's copy here takes 1 off.
TEST_F(SmartPointers, AChildCopyingTheStoredSharedPtrMakesTwoOwnersSeenByBothProcesses) {
  IPCLAB_CLAIMS("PTR-02");
  shared_widget& first = keep_first(11);
  ASSERT_EQ(first.use_count(), 1);
  const auto taker = child("take");
  EXPECT_EQ(support::fact(taker, "child", "use_count"), "2");
  EXPECT_EQ(taker.out, take_line(2));
  EXPECT_EQ(first.use_count(), 2) << "seen here";
  shared_widget* second = segment.find<shared_widget>(second_name).first;
  ASSERT_NE(second, nullptr);
  EXPECT_EQ(second->get(), first.get()) << "the child's owner owns another object";
  EXPECT_EQ(second->use_count(), 2);
  EXPECT_TRUE(segment.destroy<shared_widget>(second_name));
  EXPECT_EQ(first.use_count(), 1);
  EXPECT_EQ(book.destroyed, 0u);
}

// Documented: the object dies with its last owner; when that owner is the
// child's, it dies in the child (the ledger names the child), and the
// segment's free memory here is back exactly to its start.
TEST_F(SmartPointers, TheWidgetDiesInTheChildWhenTheChildDropsTheLastOwner) {
  IPCLAB_CLAIMS("PTR-03");
  keep_first(21);
  child("take");
  ASSERT_TRUE(segment.destroy<shared_widget>(first_name));
  EXPECT_EQ(book.destroyed, 0u) << "the child's owner did not keep the widget alive";
  const auto dropper = child("drop");
  EXPECT_EQ(dropper.out, drop_line(1, 1));
  EXPECT_EQ(support::fact(dropper, "child", "by_me"), "true");
  EXPECT_EQ(book.destroyed, 1u);
  EXPECT_EQ(book.destroyed_by, dropper.pid);
  EXPECT_EQ(book.last_value, 21);
  EXPECT_EQ(segment.get_free_memory(), free_start);
  EXPECT_EQ(segment.get_num_named_objects(), 1u) << "only the ledger is left";
}

// Documented: when the child drops an owner that is not the last, nothing
// dies there; the object dies here with the last owner, here.
TEST_F(SmartPointers, TheWidgetDiesHereWhenTheChildDropsAnOwnerThatIsNotTheLast) {
  IPCLAB_CLAIMS("PTR-03");
  shared_widget& first = keep_first(22);
  child("take");
  const auto dropper = child("drop");
  EXPECT_EQ(dropper.out, drop_line(2, 0));
  EXPECT_EQ(support::fact(dropper, "child", "by_me"), "false");
  EXPECT_EQ(book.destroyed, 0u);
  EXPECT_EQ(first.use_count(), 1);
  ASSERT_TRUE(segment.destroy<shared_widget>(first_name));
  EXPECT_EQ(book.destroyed, 1u);
  EXPECT_EQ(book.destroyed_by, ::getpid());
  EXPECT_EQ(book.last_value, 22);
  EXPECT_EQ(segment.get_free_memory(), free_start);
}

// ---------------------------------------------------------------------------
// weak_ptr.

// Documented: a weak_ptr adds no owner and reads the owners' use_count (here
// and after a child took one); lock() makes an owner while one lives; after
// the last owner (the child's) is gone: expired, lock() empty, use_count 0.
TEST_F(SmartPointers, AWeakPtrExpiresWithTheLastOwnerInTheChildAndThenLocksToNothing) {
  IPCLAB_CLAIMS("PTR-04");
  const weak_widget empty;
  EXPECT_EQ(empty.use_count(), 0);
  EXPECT_TRUE(empty.expired());
  shared_widget& first = keep_first(31);
  weak_widget watcher(first);
  EXPECT_EQ(first.use_count(), 1) << "the weak_ptr counted as an owner";
  EXPECT_EQ(watcher.use_count(), 1);
  EXPECT_FALSE(watcher.expired());
  {
    const shared_widget locked = watcher.lock();
    EXPECT_EQ(locked.get(), first.get());
    EXPECT_EQ(first.use_count(), 2);
  }
  child("take");
  EXPECT_EQ(watcher.use_count(), 2) << "the child's owner, seen through the weak_ptr";
  ASSERT_TRUE(segment.destroy<shared_widget>(first_name));
  EXPECT_FALSE(watcher.expired());
  child("drop");
  EXPECT_EQ(book.destroyed, 1u);
  EXPECT_TRUE(watcher.expired());
  EXPECT_EQ(watcher.use_count(), 0);
  const shared_widget locked = watcher.lock();
  EXPECT_EQ(locked.get(), nullptr);
  EXPECT_EQ(locked.use_count(), 0);
  EXPECT_FALSE(locked);
}

// Documented (weak count): the count block outlives the object while any
// weak_ptr lives; exactly the block's bytes stay taken until the last weak
// owner resets.
TEST_F(SmartPointers, TheCountBlockOutlivesTheObjectUntilTheLastWeakPtrLetsGo) {
  IPCLAB_CLAIMS("PTR-05");
  widget* made = make(41);
  const std::size_t free_made = segment.get_free_memory();
  shared_widget owner = make_managed_shared_ptr(made, segment);
  const std::size_t block = free_made - segment.get_free_memory();
  ASSERT_GT(block, 0u);
  weak_widget one(owner), two(one);
  owner.reset();
  EXPECT_EQ(book.destroyed, 1u);
  EXPECT_TRUE(one.expired() && two.expired());
  EXPECT_EQ(segment.get_free_memory(), free_start - block) << "the widget's memory or the block";
  one.reset();
  EXPECT_EQ(segment.get_free_memory(), free_start - block) << "freed with a weak owner left";
  two.reset();
  EXPECT_EQ(segment.get_free_memory(), free_start);
  EXPECT_EQ(book.destroyed, 1u) << "destroyed twice";
}

// 1.81 against its reference: make_managed_weak_ptr's body builds a weak_ptr
// from (pointer, allocator, deleter), which weak_ptr has no constructor for,
// so the function cannot be called; a weak_ptr comes from a shared_ptr.
TEST_F(SmartPointers, MakeManagedWeakPtrCannotBeCalledBecauseWeakPtrHasNoConstructorFromAPointer) {
  IPCLAB_CLAIMS("PTR-06");
  using allocator_type = managed_shared_memory::allocator<void>::type;
  using deleter_type = managed_shared_memory::deleter<widget>::type;
  static_assert(std::is_same_v<weak_widget, weak_ptr<widget, allocator_type, deleter_type>>);
  EXPECT_FALSE((std::is_constructible_v<weak_widget, widget*, allocator_type, deleter_type>));
  EXPECT_FALSE((std::is_constructible_v<weak_widget, offset_ptr<widget>, allocator_type, deleter_type>));
  EXPECT_FALSE((std::is_constructible_v<weak_widget, widget*>));
  EXPECT_TRUE((std::is_constructible_v<weak_widget, const shared_widget&>));
  EXPECT_TRUE((std::is_constructible_v<weak_widget, const weak_widget&>));
  EXPECT_TRUE(std::is_default_constructible_v<weak_widget>);
  const shared_widget owner = make_managed_shared_ptr(make(42), segment);
  const weak_widget watcher(owner);
  EXPECT_EQ(watcher.lock().get(), owner.get());
}

// ---------------------------------------------------------------------------
// unique_ptr, intrusive_ptr, scoped_ptr, deleter.

// Documented: managed_unique_ptr is boost::movelib::unique_ptr with the
// segment's deleter and no count block; moved, the source is empty;
// release() destroys nothing; reset() and the destructor destroy and free.
TEST_F(SmartPointers, AManagedUniquePtrIsMovedReleasedAndResetWithoutACountBlock) {
  IPCLAB_CLAIMS("PTR-07");
  static_assert(std::is_same_v<unique_widget, boost::movelib::unique_ptr<widget, widget_deleter>>);
  static_assert(std::is_same_v<unique_widget::pointer, offset_ptr<widget>>);
  widget* made = make(51);
  const std::size_t free_made = segment.get_free_memory();
  unique_widget sole = make_managed_unique_ptr(made, segment);
  EXPECT_EQ(segment.get_free_memory(), free_made) << "a unique_ptr allocated";
  EXPECT_EQ(sole.get(), made);
  unique_widget moved = std::move(sole);
  EXPECT_EQ(sole.get(), nullptr);
  EXPECT_EQ(moved.get(), made);
  const offset_ptr<widget> loose = moved.release();
  EXPECT_EQ(loose.get(), made);
  EXPECT_EQ(moved.get(), nullptr);
  EXPECT_EQ(book.destroyed, 0u) << "release() destroyed";
  moved.reset(loose);
  moved.reset();
  EXPECT_EQ(book.destroyed, 1u);
  EXPECT_EQ(book.last_value, 51);
  EXPECT_EQ(segment.get_free_memory(), free_start);
  { const unique_widget scoped = make_managed_unique_ptr(make(52), segment); }
  EXPECT_EQ(book.destroyed, 2u);
  EXPECT_EQ(book.last_value, 52);
  EXPECT_EQ(segment.get_free_memory(), free_start);
}

// Documented: intrusive_ptr over offset_ptr<void> holds an offset_ptr and
// counts in the object through intrusive_ptr_add_ref / intrusive_ptr_release
// (found by ADL): construction and copies add, moves do not, resets and
// destruction release, and the object destroys itself at 0.
TEST_F(SmartPointers, AnIntrusivePtrCountsInTheObjectAndTheObjectDestroysItselfAtZero) {
  IPCLAB_CLAIMS("PTR-08");
  static_assert(std::is_same_v<counted_ptr::pointer, offset_ptr<counted>>);
  counted* object = segment.construct<counted>(anonymous_instance)(61, &book, segment.get_segment_manager());
  EXPECT_EQ(object->refs.load(), 0u);
  {
    counted_ptr one(object);
    EXPECT_EQ(object->refs.load(), 1u);
    counted_ptr two = one;
    EXPECT_EQ(object->refs.load(), 2u);
    counted_ptr three(std::move(two));
    EXPECT_EQ(object->refs.load(), 2u) << "a move changed the count";
    EXPECT_EQ(two.get(), nullptr);
    EXPECT_EQ(three.get(), object);
    one.reset();
    EXPECT_EQ(object->refs.load(), 1u);
    EXPECT_EQ(one.get(), nullptr);
    EXPECT_EQ(book.destroyed, 0u);
    intrusive_ptr_add_ref(object);  // a reference counted by hand, for an intrusive_ptr to adopt
    {
      const counted_ptr adopted(object, false);
      EXPECT_EQ(object->refs.load(), 2u) << "add_ref = false added a reference";
    }
    EXPECT_EQ(object->refs.load(), 1u);
  }
  EXPECT_EQ(book.destroyed, 1u);
  EXPECT_EQ(book.last_value, 61);
  EXPECT_EQ(segment.get_free_memory(), free_start);
}

// Documented: scoped_ptr with the segment's deleter destroys at the end of
// its scope; release() leaves it null and destroys nothing; reset(p, d)
// destroys what it held and holds p.
TEST_F(SmartPointers, AScopedPtrDestroysThroughItsDeleterAtTheEndOfItsScopeUnlessReleased) {
  IPCLAB_CLAIMS("PTR-09");
  { const scoped_ptr<widget, widget_deleter> scoped(make(71), segment.get_deleter<widget>()); }
  EXPECT_EQ(book.destroyed, 1u);
  EXPECT_EQ(book.last_value, 71);
  EXPECT_EQ(segment.get_free_memory(), free_start);
  widget* kept = nullptr;
  {
    scoped_ptr<widget, widget_deleter> scoped(make(72), segment.get_deleter<widget>());
    kept = scoped.release().get();
    EXPECT_EQ(scoped.get(), nullptr);
  }
  EXPECT_EQ(book.destroyed, 1u) << "a released scoped_ptr destroyed its object";
  {
    scoped_ptr<widget, widget_deleter> scoped(kept, segment.get_deleter<widget>());
    scoped.reset(make(73), segment.get_deleter<widget>());
    EXPECT_EQ(book.destroyed, 2u);
    EXPECT_EQ(book.last_value, 72);
    EXPECT_EQ(scoped->value, 73);
  }
  EXPECT_EQ(book.destroyed, 3u);
  EXPECT_EQ(book.last_value, 73);
  EXPECT_EQ(segment.get_free_memory(), free_start);
}

// Documented: the segment's deleter calls destroy_ptr: named, unique and
// anonymous objects are destroyed, freed, and leave their index.
TEST_F(SmartPointers, TheSegmentsDeleterDestroysNamedUniqueAndAnonymousObjects) {
  IPCLAB_CLAIMS("PTR-10");
  static_assert(std::is_same_v<decltype(segment.get_deleter<widget>()), widget_deleter>);
  widget_deleter destroy = segment.get_deleter<widget>();
  destroy(segment.construct<widget>("named")(81, &book));
  EXPECT_EQ(segment.find<widget>("named").first, nullptr);
  EXPECT_EQ(segment.get_num_named_objects(), 1u) << "only the ledger";
  destroy(segment.construct<widget>(unique_instance)(82, &book));
  EXPECT_EQ(segment.find<widget>(unique_instance).first, nullptr);
  EXPECT_EQ(segment.get_num_unique_objects(), 0u);
  destroy(make(83));
  EXPECT_EQ(book.destroyed, 3u);
  EXPECT_EQ(book.last_value, 83);
  EXPECT_EQ(segment.get_free_memory(), free_start);
  EXPECT_TRUE(segment.check_sanity());
}

// Documented: when the count block cannot be allocated, the object is
// destroyed; make_managed_shared_ptr throws bad_alloc, its nothrow form
// returns an empty shared_ptr.
TEST_F(SmartPointers, WhenTheCountBlockCannotBeAllocatedTheObjectIsDestroyedAndNothingOwnsIt) {
  IPCLAB_CLAIMS("PTR-11");
  widget* doomed = make(91);
  widget* spared = make(92);
  std::vector<void*> fillers;
  auto fill = [&] {  // takes every byte the segment could still hand out
    for (std::size_t size = segment.get_free_memory(); size > 0; size /= 2)
      while (void* block = segment.allocate(size, std::nothrow)) fillers.push_back(block);
  };
  fill();
  std::string caught = "nothing";
  try {
    make_managed_shared_ptr(doomed, segment);
  } catch (const boost::interprocess::bad_alloc&) {
    caught = "bad_alloc";
  }
  EXPECT_EQ(caught, "bad_alloc");
  EXPECT_EQ(book.destroyed, 1u);
  EXPECT_EQ(book.last_value, 91);
  fill();  // the destroyed widget's memory would hold the next count block
  const shared_widget none = make_managed_shared_ptr(spared, segment, std::nothrow);
  EXPECT_EQ(none.get(), nullptr);
  EXPECT_EQ(none.use_count(), 0);
  EXPECT_EQ(book.destroyed, 2u);
  EXPECT_EQ(book.last_value, 92);
  for (void* block : fillers) segment.deallocate(block);
  EXPECT_EQ(segment.get_free_memory(), free_start);
}

// ---------------------------------------------------------------------------
// Bad input to the child role: one clear sentence, a defined exit code,
// nothing left in /dev/shm, and the test's segments unchanged. SEGMENT (the
// ledger and "first"), TAKEN (the ledger, "first" and "second"), EMPTY
// (nothing) and MISSING are replaced by the test's own names.
using BadInput = support::bad_input;

class SmartPointersBadInput : public SmartPointers, public ::testing::WithParamInterface<BadInput> {
 protected:
  shared_widget& first = keep_first(1);
  harness::segment_owner taken_owner{harness::unique_name("ch19test")};
  managed_shared_memory taken{create_only, taken_owner.c_str(), segment_size, nullptr, harness::owner_only()};
  harness::segment_owner empty_owner{harness::unique_name("ch19test")};
  managed_shared_memory empty{create_only, empty_owner.c_str(), segment_size, nullptr, harness::owner_only()};
  harness::segment_owner missing_owner{harness::unique_name("ch19test")};  // never created

  void SetUp() override {
    ledger* other = taken.construct<ledger>(ledger_name)();
    const shared_widget& kept = *taken.construct<shared_widget>(first_name)(
        make_managed_shared_ptr(taken.construct<widget>(anonymous_instance)(2, other), taken));
    taken.construct<shared_widget>(second_name)(kept);
  }
};

TEST_P(SmartPointersBadInput, ChildRejectsItWithOneSentenceAndTheRightExitCode) {
  IPCLAB_CHECKS_THE_CHAPTER();
  const std::size_t free_before = segment.get_free_memory(), taken_before = taken.get_free_memory();
  std::vector<std::string> args = GetParam().args;
  std::string sentence = GetParam().sentence;
  for (const auto& [placeholder, who] : {std::pair{"SEGMENT", &owner}, std::pair{"TAKEN", &taken_owner},
                                         std::pair{"EMPTY", &empty_owner}, std::pair{"MISSING", &missing_owner}}) {
    args = support::substitute(args, placeholder, who->name());
    sentence = support::substitute(sentence, placeholder, who->name());
  }
  const auto child = run_child_role("19", args);
  EXPECT_TRUE(support::rejected_cleanly(child, GetParam().exit_code, sentence));
  EXPECT_EQ(segment.get_free_memory(), free_before);
  EXPECT_EQ(taken.get_free_memory(), taken_before);
  EXPECT_EQ(first.use_count(), 1);
  EXPECT_EQ(taken.find<shared_widget>(first_name).first->use_count(), 2);
  EXPECT_EQ(segment.get_num_named_objects(), 2u);
  EXPECT_EQ(empty.get_num_named_objects(), 0u);
  EXPECT_EQ(book.destroyed, 0u);
}

INSTANTIATE_TEST_SUITE_P(
    Chapter19, SmartPointersBadInput,
    ::testing::Values(
        BadInput{"NoAction", {}, harness::exit_usage, "takes an action, 'take' or 'drop', not ''"},
        BadInput{"UnknownAction", {"keep", "SEGMENT"}, harness::exit_usage, "not 'keep'"},
        BadInput{"TakeWithoutSegment", {"take"}, harness::exit_usage, "takes 2 arguments but got 1"},
        BadInput{"DropWithAnExtraArgument", {"drop", "SEGMENT", "SEGMENT"}, harness::exit_usage,
                 "takes 2 arguments but got 3"},
        BadInput{"SegmentNameWithASlash", {"take", "a/b"}, harness::exit_usage, "contains '/'"},
        BadInput{"TakeFromAMissingSegment", {"take", "MISSING"}, harness::exit_resource,
                 "cannot open segment 'MISSING': No such file or directory"},
        BadInput{"DropFromAMissingSegment", {"drop", "MISSING"}, harness::exit_resource,
                 "cannot open segment 'MISSING': No such file or directory"},
        BadInput{"TakeFromASegmentWithoutALedger", {"take", "EMPTY"}, harness::exit_resource,
                 "segment 'EMPTY' has no object named 'ledger' (it holds no named object)"},
        BadInput{"DropWithoutASecondOwner", {"drop", "SEGMENT"}, harness::exit_resource,
                 "segment 'SEGMENT' has no object named 'second' (it holds 'first', 'ledger')"},
        BadInput{"TakeWhenTheSecondOwnerExists", {"take", "TAKEN"}, harness::exit_resource,
                 "segment 'TAKEN' already holds a second owner: drop it first"}),
    [](const auto& info) { return info.param.label; });

}  // namespace
