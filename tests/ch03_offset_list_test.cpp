// Chapter 03, a linked list through offset_ptr: the lesson across two real
// processes, and what Boost.Interprocess documents about offset_ptr, raw
// pointers in shared memory, allocate/deallocate and named objects.
#include <cstdint>

#include <gtest/gtest.h>

#include "harness/chapter.hpp"
#include "harness/names.hpp"
#include "harness/segment_owner.hpp"
#include "harness/sweep.hpp"
#include "lesson.hpp"
#include "support.hpp"

using namespace boost::interprocess;
using namespace ipclab;
using ch03::list_node;
using support::as_number;
using support::run_child_role;

namespace {

const std::string values_line = "0 1 2 3 4 5 6 7 8 9\n";

// The parent's setup, for tests whose claim is about the child or about what
// an offset_ptr holds once assigned: the list as the parent builds it, ten
// nodes holding 0..9 linked with offset_ptr, its head named twice (as an
// offset_ptr and as a raw pointer). Returns the first node.
list_node* build_lesson_list(managed_shared_memory& segment) {
  offset_ptr<list_node> prev = nullptr, current, first;
  for (int i = 0; i < ch03::node_count; ++i, prev = current) {
    current = ::new (segment.allocate(sizeof(list_node))) list_node{nullptr, i};
    if (!prev)
      first = current;
    else
      prev->next = current;
  }
  segment.construct<offset_ptr<list_node>>(ch03::head_name)(first);
  segment.construct<list_node*>(ch03::raw_head_name)(first.get());
  return first.get();
}

// The nodes from the named head, walked through `segment`, a mapping of the
// test's segment (at most 20, so a broken list cannot hang the test either).
std::vector<list_node*> nodes_of(managed_shared_memory& segment) {
  std::vector<list_node*> nodes;
  auto* head = segment.find<offset_ptr<list_node>>(ch03::head_name).first;
  for (list_node* node = head ? head->get() : nullptr; node && nodes.size() < 20; node = node->next.get())
    nodes.push_back(node);
  return nodes;
}

// The test plays the parent: it owns a fresh segment; the chapter binary is the child.
class OffsetList : public support::owned_segment_test<ch03::segment_size> {
 protected:
  harness::spawn_result child_run() { return run_child_role("03", {owner.name()}); }
};

// The whole lesson, two processes: exit 0, the child's values exactly, the
// child's walk of 10 nodes from the head its offset_ptr led to inside its own
// mapping, the parent's free memory back exactly, and the segment removed by its owner.
TEST(Chapter03Program, ParentRoleExitsZeroPrintsZeroToNineAndLeavesNothing) {
  IPCLAB_CHECKS_THE_CHAPTER();
  const auto run = support::run_parent_role("03");
  ASSERT_TRUE(support::ran_both_roles_and_left_nothing(run));
  EXPECT_EQ(run.out, values_line);
  EXPECT_EQ(run.out, ch03::expected_output());
  const auto head = support::fact(run, "child", "head");
  ASSERT_FALSE(head.empty());
  EXPECT_EQ(support::fact(run, "child", "head_in_segment"), "true");
  EXPECT_EQ(support::fact(run, "child", "walked"), "10");
  EXPECT_EQ(support::fact(run, "child", "from"), head);
  const auto free_before = support::fact(run, "parent", "free_before");
  ASSERT_FALSE(free_before.empty());
  EXPECT_EQ(support::fact(run, "parent", "free_after"), free_before);
}

// Documented: allocate() takes at least the bytes asked for from the free
// memory and returns memory of the segment; offset_ptr::get() returns the
// address last assigned; construct<T>(name) makes a named object that find<T>
// returns with length 1, holding the constructor's argument. Following the
// links from the named head reaches exactly the nodes allocate() returned,
// in order (0..9), and the last link is null.
TEST_F(OffsetList, BuildListLinksTenNodesHoldingZeroToNineInOrder) {
  IPCLAB_CLAIMS("SEG-06", "SEG-11", "OBJ-01", "OBJ-08", "OPT-01");
  const auto free_before = segment.get_free_memory();
  std::vector<list_node*> allocated;
  offset_ptr<list_node> prev = nullptr, first;
  for (int i = 0; i < ch03::node_count; ++i) {
    void* block = segment.allocate(sizeof(list_node));
    ASSERT_TRUE(segment.belongs_to_segment(block)) << "node " << i;
    list_node* node = ::new (block) list_node{nullptr, i};
    if (prev) {
      prev->next = node;
      EXPECT_EQ(prev->next.get(), node) << "node " << i - 1;
    } else {
      first = node;
    }
    prev = node;
    allocated.push_back(node);
  }
  EXPECT_LE(segment.get_free_memory() + ch03::node_count * sizeof(list_node), free_before);
  EXPECT_EQ(first.get(), allocated.front());

  const offset_ptr<list_node>* built_head = segment.construct<offset_ptr<list_node>>(ch03::head_name)(first);
  list_node* const* built_raw_head = segment.construct<list_node*>(ch03::raw_head_name)(first.get());
  EXPECT_EQ(segment.get_num_named_objects(), 2u);
  const auto [head, length] = segment.find<offset_ptr<list_node>>(ch03::head_name);
  ASSERT_NE(head, nullptr);
  EXPECT_EQ(head, built_head);
  EXPECT_EQ(length, 1u);
  EXPECT_EQ(head->get(), allocated.front());
  const auto [raw_head, raw_length] = segment.find<list_node*>(ch03::raw_head_name);
  ASSERT_NE(raw_head, nullptr);
  EXPECT_EQ(raw_head, built_raw_head);
  EXPECT_EQ(raw_length, 1u);
  EXPECT_EQ(*raw_head, allocated.front());

  const auto nodes = nodes_of(segment);
  EXPECT_EQ(nodes, allocated);
  ASSERT_EQ(nodes.size(), 10u);
  for (std::size_t i = 0; i < nodes.size(); ++i) EXPECT_EQ(nodes[i]->value, static_cast<int>(i));
  EXPECT_FALSE(nodes.back()->next);
  EXPECT_EQ(nodes.back()->next.get(), nullptr);
}

// Documented: offset_ptr stores the distance from its own address to the
// pointee, so get() is this + offset in whatever mapping it is read. The
// 1.81 header (offset_ptr_to_offset) stores null as offset 1, which is why
// an offset_ptr cannot point to the byte right after itself.
TEST_F(OffsetList, OffsetPtrStoresTheDistanceFromItselfAndNullAsOne) {
  IPCLAB_CLAIMS("OPT-01", "OPT-03");
  auto* a = ::new (segment.allocate(sizeof(list_node))) list_node{nullptr, 0};
  auto* b = ::new (segment.allocate(sizeof(list_node))) list_node{nullptr, 1};
  EXPECT_EQ(a->next.get_offset(), 1) << "null";
  a->next = b;  // forwards
  EXPECT_EQ(static_cast<std::uintptr_t>(a->next.get_offset()), as_number(b) - as_number(&a->next));
  b->next = a;  // backwards: a negative distance, kept modulo 2^64 in the unsigned offset
  EXPECT_EQ(static_cast<std::uintptr_t>(b->next.get_offset()), as_number(a) - as_number(&b->next));
  EXPECT_LT(static_cast<std::intptr_t>(b->next.get_offset()), 0);
  EXPECT_EQ(b->next.get(), a);
  b->next = nullptr;
  EXPECT_EQ(b->next.get_offset(), 1) << "null again";
  const auto* named = segment.construct<offset_ptr<list_node>>("named")(a);
  ASSERT_NE(named, nullptr);
  EXPECT_EQ(static_cast<std::uintptr_t>(named->get_offset()), as_number(a) - as_number(named));

  // The same in the lesson's list: each link is the distance to the next node.
  segment.destroy<offset_ptr<list_node>>("named");
  build_lesson_list(segment);
  const auto* head = segment.find<offset_ptr<list_node>>(ch03::head_name).first;
  ASSERT_NE(head, nullptr);
  EXPECT_EQ(static_cast<std::uintptr_t>(head->get_offset()), as_number(head->get()) - as_number(head));
  const auto nodes = nodes_of(segment);
  ASSERT_EQ(nodes.size(), 10u);
  for (std::size_t i = 0; i + 1 < nodes.size(); ++i)
    EXPECT_EQ(static_cast<std::uintptr_t>(nodes[i]->next.get_offset()),
              as_number(nodes[i + 1]) - as_number(&nodes[i]->next))
        << "node " << i;
  EXPECT_EQ(nodes.back()->next.get_offset(), 1);
}

// Documented: a structure linked with offset_ptr stays valid in every process
// that maps the segment: the child walks the parent's list and sees 0..9 in order.
TEST_F(OffsetList, ChildWalksTheListAndPrintsZeroToNine) {
  IPCLAB_CHECKS_THE_CHAPTER();
  build_lesson_list(segment);
  const auto child = child_run();
  ASSERT_TRUE(child.succeeded()) << child.describe() << "\n" << child.err;
  EXPECT_EQ(child.out, values_line);
  EXPECT_EQ(support::fact(child, "child", "walked"), "10");
}

// Documented: deallocate() returns each node's block and destroy(name) a named
// object's; after the child the free memory is exactly what it was before the
// list was built, no name is left, and the heap is whole.
TEST_F(OffsetList, ChildFreesEveryNodeAndBothHeadsReturningTheFreeMemoryExactly) {
  IPCLAB_CLAIMS("SEG-06", "SEG-18", "SEG-19", "SEG-23", "OBJ-08", "OBJ-09");
  const auto free_before = segment.get_free_memory();
  build_lesson_list(segment);
  ASSERT_LT(segment.get_free_memory(), free_before);
  const auto child = child_run();
  ASSERT_TRUE(child.succeeded()) << child.describe() << "\n" << child.err;
  EXPECT_EQ(segment.get_free_memory(), free_before);
  EXPECT_EQ(segment.find<offset_ptr<list_node>>(ch03::head_name).first, nullptr);
  EXPECT_EQ(segment.find<list_node*>(ch03::raw_head_name).first, nullptr);
  EXPECT_EQ(segment.get_num_named_objects(), 0u);
  EXPECT_TRUE(segment.all_memory_deallocated());
  EXPECT_TRUE(segment.check_sanity());
}

// Documented: offset_ptr is what keeps a link valid in a process that maps the
// segment at another address. The child's mapping and the test's differ (ASLR
// gives every process its own mmap base; nothing portable forces another
// process to map elsewhere: with `setarch -R`, or under gdb, the parent role
// and its child map the segment at one address). The head the child reached
// through the offset_ptr sits at the same offset from its base as the first
// node from ours, and the child's walk starts there.
TEST_F(OffsetList, ChildMapsTheSegmentElsewhereAndTheOffsetPtrLeadsToTheSameOffset) {
  IPCLAB_CLAIMS("OPT-08");
  const list_node* first = build_lesson_list(segment);
  const auto first_offset = as_number(first) - as_number(segment.get_address());
  const auto child = child_run();
  ASSERT_TRUE(child.succeeded()) << child.describe() << "\n" << child.err;

  const auto child_base = support::fact(child, "child", "base");
  const auto child_head = support::fact(child, "child", "head");
  ASSERT_FALSE(child_base.empty() || child_head.empty());
  EXPECT_EQ(support::fact(child, "child", "head_in_segment"), "true");
  support::expect_different_bases(as_number(child_base), as_number(segment.get_address()));
  EXPECT_EQ(as_number(child_head) - as_number(child_base), first_offset);
  EXPECT_EQ(support::fact(child, "child", "from"), child_head);
}

// A raw pointer stored in the segment is wrong in the other process: the child
// reads (never follows) the value the parent stored, which is the first node's
// address in *our* mapping, and belongs_to_segment() says it is not in the
// child's mapping; the offset_ptr's target is.
TEST_F(OffsetList, RawPointerIsOutsideTheChildsMappingWhileTheOffsetPtrIsInside) {
  IPCLAB_CLAIMS("OPT-08", "OPT-09", "SEG-11");
  if (!support::mmap_bases_are_randomised())
    GTEST_SKIP() << "without address randomisation both processes map the segment at one address, where a raw "
                    "pointer happens to work; RawPointerIsWrongInASecondMappingWhileTheOffsetPtrFollows forces it";
  const list_node* first = build_lesson_list(segment);
  const auto child = child_run();
  ASSERT_TRUE(child.succeeded()) << child.describe() << "\n" << child.err;

  const auto child_base = support::fact(child, "child", "base");
  const auto raw = support::fact(child, "child", "raw_head");
  ASSERT_FALSE(child_base.empty() || raw.empty());
  EXPECT_EQ(support::fact(child, "child", "raw_in_segment"), "false")
      << "the child did not report the raw pointer outside its mapping";
  EXPECT_EQ(as_number(raw), as_number(first)) << "the raw pointer holds the parent's address, unchanged";
  const bool in_child_mapping = as_number(raw) >= as_number(child_base) &&
                                as_number(raw) < as_number(child_base) + ch03::segment_size;
  EXPECT_FALSE(in_child_mapping);
  EXPECT_EQ(support::fact(child, "child", "head_in_segment"), "true");
  EXPECT_EQ(child.out, values_line);
}

// The same, forced: a second mapping of the segment in this process is bound
// to sit at another address while the first is mapped. Read through it, the
// raw pointer still holds the first mapping's address (not in the second),
// while the offset_ptr leads to the node in the second mapping and the whole
// list walks there, every node at the same offset as in the first mapping.
TEST_F(OffsetList, RawPointerIsWrongInASecondMappingWhileTheOffsetPtrFollows) {
  IPCLAB_CLAIMS("OPT-08", "OPT-09", "SEG-11");
  const list_node* first = build_lesson_list(segment);
  managed_shared_memory second(open_only, owner.c_str());
  ASSERT_NE(second.get_address(), segment.get_address());

  list_node* raw = *second.find<list_node*>(ch03::raw_head_name).first;
  EXPECT_EQ(raw, first);
  EXPECT_FALSE(second.belongs_to_segment(raw));

  const auto* head = second.find<offset_ptr<list_node>>(ch03::head_name).first;
  ASSERT_NE(head, nullptr);
  EXPECT_TRUE(second.belongs_to_segment(head->get()));
  EXPECT_EQ(as_number(head->get()) - as_number(second.get_address()),
            as_number(first) - as_number(segment.get_address()));
  const auto in_first = nodes_of(segment);
  const auto in_second = nodes_of(second);
  ASSERT_EQ(in_first.size(), 10u);
  ASSERT_EQ(in_second.size(), in_first.size());
  EXPECT_EQ(ch03::values_line(in_second) + "\n", values_line);
  for (std::size_t i = 0; i < in_second.size(); ++i) {
    EXPECT_TRUE(second.belongs_to_segment(in_second[i])) << "node " << i;
    EXPECT_EQ(as_number(in_second[i]) - as_number(second.get_address()),
              as_number(in_first[i]) - as_number(segment.get_address()))
        << "node " << i;
  }
}

// Bad input to the child role, or a list that is not the one the lesson built:
// one clear sentence, a defined exit code, no crash, no hang (the walk is
// bounded), nothing printed, nothing freed, nothing left in /dev/shm.
struct BadInput {
  std::string label;
  std::vector<std::string> args;         // "SEGMENT" is replaced by the test's segment name
  void (*spoil)(managed_shared_memory&);  // breaks the lesson's list before the child runs
  int exit_code;
  std::string sentence;                  // what the error line must say ("SEGMENT" replaced too)
};

// A failing case names itself by its label, not by its bytes.
void PrintTo(const BadInput& input, std::ostream* out) { *out << input.label; }

void leave_as_built(managed_shared_memory&) {}
list_node* node_at(managed_shared_memory& segment, std::size_t index) { return nodes_of(segment).at(index); }
char* segment_end(managed_shared_memory& segment) {
  return static_cast<char*>(segment.get_address()) + segment.get_size();
}

class OffsetListBadInput : public OffsetList, public ::testing::WithParamInterface<BadInput> {};

TEST_P(OffsetListBadInput, ChildRejectsItWithOneSentenceAndTheRightExitCode) {
  IPCLAB_CHECKS_THE_CHAPTER();
  build_lesson_list(segment);
  GetParam().spoil(segment);
  const auto free_before = segment.get_free_memory();
  const auto named_before = segment.get_num_named_objects();
  const auto args = support::substitute(GetParam().args, "SEGMENT", owner.name());
  const auto sentence = support::substitute(GetParam().sentence, "SEGMENT", owner.name());

  const auto child = run_child_role("03", args);
  EXPECT_TRUE(support::rejected_cleanly(child, GetParam().exit_code, sentence));
  EXPECT_EQ(segment.get_free_memory(), free_before);
  EXPECT_EQ(segment.get_num_named_objects(), named_before);
  EXPECT_TRUE(segment.check_sanity());
}

INSTANTIATE_TEST_SUITE_P(
    Chapter03, OffsetListBadInput,
    ::testing::Values(
        BadInput{"NoArguments", {}, leave_as_built, harness::exit_usage, "takes 1 argument but got 0"},
        BadInput{"ExtraArgument", {"SEGMENT", "more"}, leave_as_built, harness::exit_usage,
                 "takes 1 argument but got 2"},
        BadInput{"SegmentDoesNotExist", {"ipclab-ch03-0-0-missing"}, leave_as_built, harness::exit_resource,
                 "cannot open segment 'ipclab-ch03-0-0-missing': No such file or directory"},
        // Documented: find returns a null address for a name that is not there.
        BadInput{"MissingHead", {"SEGMENT"},
                 [](managed_shared_memory& s) { s.destroy<offset_ptr<list_node>>(ch03::head_name); },
                 harness::exit_resource, "segment 'SEGMENT' has no object named 'list head' (it holds 'raw list head')"},
        BadInput{"MissingRawHead", {"SEGMENT"},
                 [](managed_shared_memory& s) { s.destroy<list_node*>(ch03::raw_head_name); },
                 harness::exit_resource, "segment 'SEGMENT' has no object named 'raw list head' (it holds 'list head')"},
        BadInput{"HeadBuiltAsAnInt", {"SEGMENT"},
                 [](managed_shared_memory& s) {
                   s.destroy<offset_ptr<list_node>>(ch03::head_name);
                   s.construct<int>(ch03::head_name)(0);
                 },
                 harness::exit_usage, "object 'list head' holds 4 bytes, not one offset_ptr<list_node> (8 bytes)"},
        BadInput{"EmptyList", {"SEGMENT"},
                 [](managed_shared_memory& s) { *s.find<offset_ptr<list_node>>(ch03::head_name).first = nullptr; },
                 harness::exit_usage, "the list has 0 nodes, expected 10"},
        BadInput{"NineNodes", {"SEGMENT"}, [](managed_shared_memory& s) { node_at(s, 8)->next = nullptr; },
                 harness::exit_usage, "the list has 9 nodes, expected 10"},
        BadInput{"ElevenNodes", {"SEGMENT"},
                 [](managed_shared_memory& s) {
                   node_at(s, 9)->next = ::new (s.allocate(sizeof(list_node))) list_node{nullptr, 10};
                 },
                 harness::exit_usage, "the list has more than 10 nodes"},
        BadInput{"CycleBackToTheFirstNode", {"SEGMENT"},
                 [](managed_shared_memory& s) { node_at(s, 9)->next = node_at(s, 0); },
                 harness::exit_usage, "node 9's next link leads back to node 0: the list has a cycle"},
        BadInput{"CycleOfOneNode", {"SEGMENT"},
                 [](managed_shared_memory& s) { node_at(s, 4)->next = node_at(s, 4); },
                 harness::exit_usage, "node 4's next link leads back to node 4: the list has a cycle"},
        // The offset is kept, so in the child the link lands just past its mapping too.
        BadInput{"LinkPastTheSegmentEnd", {"SEGMENT"},
                 [](managed_shared_memory& s) {
                   node_at(s, 4)->next = reinterpret_cast<list_node*>(segment_end(s) + 64);
                 },
                 harness::exit_usage, "node 4's next link leads outside the segment (to 0x"},
        BadInput{"HeadBeforeTheSegment", {"SEGMENT"},
                 [](managed_shared_memory& s) {
                   *s.find<offset_ptr<list_node>>(ch03::head_name).first =
                       reinterpret_cast<list_node*>(static_cast<char*>(s.get_address()) - 4096);
                 },
                 harness::exit_usage, "the head leads outside the segment (to 0x"},
        BadInput{"LinkToTheLastBytesOfTheSegment", {"SEGMENT"},
                 [](managed_shared_memory& s) {
                   node_at(s, 2)->next = reinterpret_cast<list_node*>(segment_end(s) - 8);
                 },
                 harness::exit_usage, "node 2's next link leads to 0x"},
        BadInput{"MisalignedLink", {"SEGMENT"},
                 [](managed_shared_memory& s) {
                   node_at(s, 6)->next = reinterpret_cast<list_node*>(reinterpret_cast<char*>(node_at(s, 7)) + 1);
                 },
                 harness::exit_usage, "where no aligned list_node fits in the segment"},
        BadInput{"WrongValue", {"SEGMENT"}, [](managed_shared_memory& s) { node_at(s, 3)->value = 42; },
                 harness::exit_invariant, "node 3 holds 42, not 3"}),
    [](const auto& info) { return info.param.label; });

}  // namespace
