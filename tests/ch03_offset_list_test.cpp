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
using support::first_match;
using support::run_child_role;

using support::as_number;

namespace {

const std::string values_line = "0 1 2 3 4 5 6 7 8 9\n";


// The nodes from the named head, walked in this process (at most 20, so a
// broken list cannot hang the test either).
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

// The whole lesson, two processes: exit 0, the child's values exactly, and the
// segment removed by its owner.
TEST(Chapter03Program, ParentRoleExitsZeroPrintsZeroToNineAndLeavesNothing) {
  const auto run = support::run_parent_role("03");
  ASSERT_TRUE(support::ran_both_roles_and_left_nothing(run));
  EXPECT_EQ(run.out, values_line);
  EXPECT_EQ(run.out, ch03::expected_output());
  EXPECT_NE(run.err.find("head via offset_ptr: 0x"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("free memory is back"), std::string::npos) << run.err;
}

// Documented: allocate() takes at least the bytes asked for from the free
// memory; construct<T>(name) makes a named object find<T> returns with length 1.
// The list holds 0..9 in order, every node inside the segment, the last link null.
TEST_F(OffsetList, BuildListLinksTenNodesHoldingZeroToNineInOrder) {
  const auto free_before = segment.get_free_memory();
  const list_node* first = ch03::build_list(segment);
  EXPECT_LE(segment.get_free_memory() + ch03::node_count * sizeof(list_node), free_before);
  EXPECT_EQ(segment.get_num_named_objects(), 2u);

  const auto [head, length] = segment.find<offset_ptr<list_node>>(ch03::head_name);
  ASSERT_NE(head, nullptr);
  EXPECT_EQ(length, 1u);
  EXPECT_EQ(head->get(), first);
  EXPECT_EQ(*segment.find<list_node*>(ch03::raw_head_name).first, first);

  const auto nodes = nodes_of(segment);
  ASSERT_EQ(nodes.size(), 10u);
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    EXPECT_EQ(nodes[i]->value, static_cast<int>(i));
    EXPECT_TRUE(segment.belongs_to_segment(nodes[i])) << "node " << i;
  }
  EXPECT_FALSE(nodes.back()->next);
  EXPECT_EQ(nodes.back()->next.get(), nullptr);
}

// Documented: offset_ptr stores the distance from its own address to the
// pointee, so get() is this + offset in whatever mapping it is read. The
// 1.81 header (offset_ptr_to_offset) stores null as offset 1, which is why
// an offset_ptr cannot point to the byte right after itself.
TEST_F(OffsetList, OffsetPtrStoresTheDistanceFromItselfAndNullAsOne) {
  ch03::build_list(segment);
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
  ch03::build_list(segment);
  const auto child = child_run();
  ASSERT_TRUE(child.succeeded()) << child.describe() << "\n" << child.err;
  EXPECT_EQ(child.out, values_line);
  EXPECT_NE(child.err.find("walked 10 nodes from 0x"), std::string::npos) << child.err;
}

// Documented: deallocate() returns each node's block and destroy(name) a named
// object's; after the child the free memory is exactly what it was before the
// list was built, no name is left, and the heap is whole.
TEST_F(OffsetList, ChildFreesEveryNodeAndBothHeadsReturningTheFreeMemoryExactly) {
  const auto free_before = segment.get_free_memory();
  ch03::build_list(segment);
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
// node from ours.
TEST_F(OffsetList, ChildMapsTheSegmentElsewhereAndTheOffsetPtrLeadsToTheSameOffset) {
  const list_node* first = ch03::build_list(segment);
  const auto first_offset = as_number(first) - as_number(segment.get_address());
  const auto child = child_run();
  ASSERT_TRUE(child.succeeded()) << child.describe() << "\n" << child.err;

  const auto child_base = first_match(child.err, "mapped at (0x[0-9a-f]+)");
  const auto child_head = first_match(child.err, "head via offset_ptr: (0x[0-9a-f]+); belongs_to_segment: yes");
  ASSERT_FALSE(child_base.empty() || child_head.empty()) << "no addresses in the narration:\n" << child.err;
  support::expect_different_bases(as_number(child_base), as_number(segment.get_address()));
  EXPECT_EQ(as_number(child_head) - as_number(child_base), first_offset);
  EXPECT_EQ(first_match(child.err, "walked 10 nodes from (0x[0-9a-f]+)"), child_head);
}

// A raw pointer stored in the segment is wrong in the other process: the child
// reads (never follows) the value the parent stored, which is the first node's
// address in *our* mapping, and belongs_to_segment() says it is not in the
// child's mapping; the offset_ptr's target is.
TEST_F(OffsetList, RawPointerIsOutsideTheChildsMappingWhileTheOffsetPtrIsInside) {
  if (!support::mmap_bases_are_randomised())
    GTEST_SKIP() << "without address randomisation both processes map the segment at one address, where a raw "
                    "pointer happens to work; RawPointerIsWrongInASecondMappingWhileTheOffsetPtrFollows forces it";
  const list_node* first = ch03::build_list(segment);
  const auto child = child_run();
  ASSERT_TRUE(child.succeeded()) << child.describe() << "\n" << child.err;

  const auto child_base = first_match(child.err, "mapped at (0x[0-9a-f]+)");
  const auto raw = first_match(child.err, "head via raw pointer: (0x[0-9a-f]+); belongs_to_segment: no ");
  ASSERT_FALSE(child_base.empty()) << child.err;
  ASSERT_FALSE(raw.empty()) << "the child did not report the raw pointer outside its mapping:\n" << child.err;
  EXPECT_EQ(as_number(raw), as_number(first)) << "the raw pointer holds the parent's address, unchanged";
  const bool in_child_mapping = as_number(raw) >= as_number(child_base) &&
                                as_number(raw) < as_number(child_base) + ch03::segment_size;
  EXPECT_FALSE(in_child_mapping);
  EXPECT_NE(first_match(child.err, "head via offset_ptr: (0x[0-9a-f]+); belongs_to_segment: yes"), "")
      << child.err;
  EXPECT_EQ(child.out, values_line);
}

// The same, forced: a second mapping of the segment in this process is bound
// to sit at another address while the first is mapped. Read through it, the
// raw pointer still holds the first mapping's address (not in the second),
// while the offset_ptr leads to the node in the second mapping and the whole
// list walks there.
TEST_F(OffsetList, RawPointerIsWrongInASecondMappingWhileTheOffsetPtrFollows) {
  const list_node* first = ch03::build_list(segment);
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
  EXPECT_EQ(ch03::values_line(ch03::walk(second, *head)) + "\n", values_line);
  for (const auto* node : ch03::walk(second, *head)) EXPECT_TRUE(second.belongs_to_segment(node));
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
  ch03::build_list(segment);
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
                 harness::exit_resource, "segment 'SEGMENT' holds no object 'list head'"},
        BadInput{"MissingRawHead", {"SEGMENT"},
                 [](managed_shared_memory& s) { s.destroy<list_node*>(ch03::raw_head_name); },
                 harness::exit_resource, "segment 'SEGMENT' holds no object 'raw list head'"},
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
