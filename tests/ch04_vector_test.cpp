// Chapter 04, a vector in shared memory: the lesson across two real processes,
// and what Boost.Interprocess documents about containers with its allocator,
// construct/find/destroy of named objects, and the memory they take.
#include <algorithm>
#include <numeric>
#include <vector>

#include <gtest/gtest.h>

#include "harness/chapter.hpp"
#include "harness/names.hpp"
#include "harness/segment_owner.hpp"
#include "harness/sweep.hpp"
#include "lesson.hpp"
#include "support.hpp"

using namespace boost::interprocess;
using namespace ipclab;
using ch04::MyVector;
using support::as_number;
using support::run_child_role;

namespace {

// Same size as MyVector, another element type: find<> cannot tell them apart.
using LongVector = boost::interprocess::vector<long, allocator<long, managed_shared_memory::segment_manager>>;

std::vector<int> values(const MyVector& vector) { return {vector.begin(), vector.end()}; }

std::vector<int> ascending(int count) {
  std::vector<int> result(count);
  std::iota(result.begin(), result.end(), 0);
  return result;
}

std::vector<int> descending(int count) {
  auto result = ascending(count);
  std::reverse(result.begin(), result.end());
  return result;
}

// What the child prints: the sorted vector on one line, built here by hand.
std::string descending_line() {
  std::string line;
  for (int i = 99; i >= 0; --i) line += std::to_string(i) + (i ? " " : "\n");
  return line;
}

// The test plays the parent: it owns a fresh segment; the chapter binary is the child.
class VectorInSegment : public support::owned_segment_test<ch04::segment_size> {
 protected:
  // The parent's setup: a vector named `name` holding 0 .. count - 1, built
  // with the segment's allocator as the lesson's parent builds it.
  MyVector& build_vector(const char* name = ch04::vector_name, int count = ch04::element_count) {
    const ch04::ShmemAllocator allocator(segment.get_segment_manager());
    MyVector& vector = *segment.construct<MyVector>(name)(allocator);
    for (int i = 0; i < count; ++i) vector.push_back(i);
    return vector;
  }
  harness::spawn_result child_sorts(const std::string& name = ch04::vector_name) {
    return run_child_role("04", {owner.name(), name});
  }
};

// The whole lesson as `ipclab run 04` runs it: a container built by one process
// and changed in place by another is seen changed by the first, and destroying
// it returns the segment's free memory; the owner removes the segment (nothing
// left in /dev/shm).
TEST(Chapter04Program, ParentRoleExitsZeroPrintsTheVectorSortedDescendingAndLeavesNothing) {
  IPCLAB_CHECKS_THE_CHAPTER();
  const auto run = support::run_parent_role("04");
  ASSERT_TRUE(support::ran_both_roles_and_left_nothing(run));
  EXPECT_EQ(run.out, descending_line());
  EXPECT_EQ(support::fact(run, "parent", "free_after"), support::fact(run, "parent", "free_before"));
}

// Documented: a container given allocator<T, segment_manager> allocates its
// elements from that segment manager; construct<T>(name) places the object
// itself in the segment, and find<T>(name) returns it with a count of 1.
// push_back keeps capacity() >= size(), the buffer growing as needed (in place
// or moved) with the elements kept, each buffer taken from the segment.
TEST_F(VectorInSegment, AllocatorPutsTheVectorAndItsGrownBufferInTheSegment) {
  IPCLAB_CLAIMS("ALC-03", "ALC-06", "OBJ-08", "SEG-15");
  const auto free_before = segment.get_free_memory();
  const ch04::ShmemAllocator allocator(segment.get_segment_manager());
  MyVector* constructed = segment.construct<MyVector>(ch04::vector_name)(allocator);
  ASSERT_NE(constructed, nullptr);
  MyVector& vector = *constructed;
  std::size_t growths = 0;
  for (int i = 0; i < 100; ++i) {
    const auto capacity = vector.capacity();
    vector.push_back(i);
    growths += vector.capacity() != capacity;
    // Boost may grow the buffer in place (expanding its block) or move it: either way, in the segment.
    ASSERT_TRUE(segment.belongs_to_segment(vector.data())) << "after push_back(" << i << ")";
  }

  EXPECT_GT(growths, 1u) << "the buffer hardly grew: the test shows nothing about growing";
  EXPECT_EQ(values(vector), ascending(100));
  EXPECT_GE(vector.capacity(), vector.size());
  const auto found = segment.find<MyVector>(ch04::vector_name);
  EXPECT_EQ(found.first, constructed);
  EXPECT_EQ(found.second, 1u);
  EXPECT_EQ(segment.get_num_named_objects(), 1u);
  EXPECT_EQ(vector.get_allocator().get_segment_manager(), segment.get_segment_manager());

  EXPECT_TRUE(segment.belongs_to_segment(&vector));
  EXPECT_TRUE(segment.belongs_to_segment(vector.data()));
  EXPECT_TRUE(segment.belongs_to_segment(vector.data() + vector.size() - 1));
  // The buffer is one block of the segment holding capacity() ints, and the
  // free memory paid for it and for the vector object.
  EXPECT_GE(segment.get_segment_manager()->size(vector.data()), vector.capacity() * sizeof(int));
  EXPECT_GE(free_before - segment.get_free_memory(), sizeof(MyVector) + vector.capacity() * sizeof(int));
}

// Documented: a container in the segment is usable from any process that maps
// it. The child sorts in place (std::sort moves elements, allocates nothing):
// the parent then reads exactly 99..0 through its own mapping, in the same
// buffer, and the child left the vector in place (it must not destroy it).
TEST_F(VectorInSegment, ChildSortsTheVectorDescendingInPlaceAndLeavesIt) {
  IPCLAB_CLAIMS("ALC-08");
  MyVector& vector = build_vector();
  const int* buffer = vector.data();
  const auto capacity = vector.capacity();
  const auto free_before_child = segment.get_free_memory();

  const auto child = child_sorts();
  ASSERT_TRUE(child.succeeded()) << child.describe() << "\n" << child.err;
  EXPECT_EQ(child.out, descending_line());
  EXPECT_EQ(vector.size(), 100u);
  EXPECT_EQ(values(vector), descending(100));
  EXPECT_EQ(vector.data(), buffer);
  EXPECT_EQ(vector.capacity(), capacity);
  EXPECT_EQ(segment.get_free_memory(), free_before_child);
  const auto found = segment.find<MyVector>(ch04::vector_name);
  EXPECT_EQ(found.first, &vector);
  EXPECT_EQ(found.second, 1u);
  EXPECT_TRUE(segment.check_sanity());
}

// Documented: the segment may be mapped at a different address in every
// process; offset_ptr (the vector's pointer to its buffer) stores an offset,
// so the child reaches the same object and buffer, at the same offsets from
// its own base, as the parent does from its base.
TEST_F(VectorInSegment, ChildReachesTheSameVectorAtItsOwnMappingAddress) {
  IPCLAB_CLAIMS("ALC-08", "OPT-08");
  MyVector& vector = build_vector();
  const auto child = child_sorts();
  ASSERT_TRUE(child.succeeded()) << child.describe() << "\n" << child.err;

  const auto child_base = support::fact(child, "child", "base");
  const auto child_vector = support::fact(child, "child", "vector");
  const auto child_buffer = support::fact(child, "child", "buffer");
  ASSERT_FALSE(child_base.empty() || child_vector.empty() || child_buffer.empty());
  EXPECT_EQ(support::fact(child, "child", "size"), "100");
  const auto base = as_number(segment.get_address());
  EXPECT_EQ(as_number(child_vector) - as_number(child_base), as_number(&vector) - base);
  EXPECT_EQ(as_number(child_buffer) - as_number(child_base), as_number(vector.data()) - base);
  // Address-space layout randomisation gives the child its own mmap base.
  support::expect_different_bases(as_number(child_base), base);
}

// Documented: destroy<T>(name) calls the destructor and frees the object and
// its name, and returns true; the vector's destructor deallocates its buffer
// through the allocator. So free memory is exactly what it was before the
// vector was constructed: no byte of the grown buffer leaks. Afterwards find
// returns a null pointer and a second destroy returns false.
TEST_F(VectorInSegment, DestroyReturnsEveryByteTheGrownBufferTook) {
  IPCLAB_CLAIMS("ALC-07", "OBJ-08", "OBJ-09", "SEG-18", "SEG-19", "SEG-23");
  const auto free_before = segment.get_free_memory();
  const auto named_before = segment.get_num_named_objects();
  MyVector& vector = build_vector();
  const auto buffer_bytes = vector.capacity() * sizeof(int);
  ASSERT_GE(free_before - segment.get_free_memory(), buffer_bytes);
  const auto child = child_sorts();
  ASSERT_TRUE(child.succeeded()) << child.describe() << "\n" << child.err;

  const bool destroyed = segment.destroy<MyVector>(ch04::vector_name);
  EXPECT_TRUE(support::destroyed_without_a_trace<MyVector>(segment, ch04::vector_name, destroyed, free_before,
                                                           named_before));
}

// Boost 1.81 code, which the docs do not spell out: find<T>(name) looks up the
// name only. The block header keeps the object's bytes, name length, alignment
// and kind, no type, and the count find<T> returns is bytes / sizeof(T). So a
// vector<long> (the same size as vector<int>) is "found" as a vector<int> with
// count 1, and an int array is "found" with count (bytes / sizeof(MyVector)).
// This is why the child asks find<char> for the bytes and checks the contents.
TEST_F(VectorInSegment, FindChecksTheNameNotTheType) {
  IPCLAB_CHECKS_THE_CHAPTER();
  static_assert(sizeof(LongVector) == sizeof(MyVector));
  const LongVector::allocator_type long_allocator(segment.get_segment_manager());
  LongVector* longs = segment.construct<LongVector>("LongVector")(long_allocator);
  const auto as_vector = segment.find<MyVector>("LongVector");
  EXPECT_EQ(static_cast<void*>(as_vector.first), static_cast<void*>(longs));
  EXPECT_EQ(as_vector.second, 1u);

  constexpr std::size_t ints = 3 * sizeof(MyVector) / sizeof(int);
  int* array = segment.construct<int>("IntArray")[ints](7);
  const auto array_as_vectors = segment.find<MyVector>("IntArray");
  EXPECT_EQ(static_cast<void*>(array_as_vectors.first), static_cast<void*>(array));
  EXPECT_EQ(array_as_vectors.second, 3u);
  const auto array_as_bytes = segment.find<char>("IntArray");
  EXPECT_EQ(static_cast<void*>(array_as_bytes.first), static_cast<void*>(array));
  EXPECT_EQ(array_as_bytes.second, ints * sizeof(int));
}

// Boost 1.81 code: when an object's bytes are not a multiple of sizeof(T),
// find<T> hits BOOST_ASSERT((m_value_bytes % table.size) == 0) in a debug
// build; with NDEBUG it returns the object's address and the truncated count,
// which is 0 for an object smaller than T: a non-null pointer with count 0,
// although the docs describe a null pointer as the only sign of failure.
TEST_F(VectorInSegment, FindOfAnObjectOfAnotherSizeTruncatesTheCount) {
  IPCLAB_CHECKS_THE_CHAPTER();
#if defined(NDEBUG) || defined(BOOST_DISABLE_ASSERTS)
  int* one = segment.construct<int>("OneInt")(1);
  const auto one_as_vector = segment.find<MyVector>("OneInt");
  EXPECT_EQ(static_cast<void*>(one_as_vector.first), static_cast<void*>(one));
  EXPECT_EQ(one_as_vector.second, 0u);

  int* array = segment.construct<int>("HundredInts")[100](0);
  const auto array_as_vectors = segment.find<MyVector>("HundredInts");
  EXPECT_EQ(static_cast<void*>(array_as_vectors.first), static_cast<void*>(array));
  EXPECT_EQ(array_as_vectors.second, 100 * sizeof(int) / sizeof(MyVector));
#else
  GTEST_SKIP() << "with assertions on, find<T> on such an object aborts in BOOST_ASSERT";
#endif
}

// Bad input to the child role: one clear sentence, a defined exit code, no
// crash, nothing sorted, the parent's segment untouched, nothing left in /dev/shm.
// "SEGMENT" is replaced by the test's segment name, in the arguments and the sentence.
using BadInput = support::bad_input;

class VectorBadInput : public VectorInSegment, public ::testing::WithParamInterface<BadInput> {};

TEST_P(VectorBadInput, ChildRejectsItWithOneSentenceAndTheRightExitCode) {
  IPCLAB_CHECKS_THE_CHAPTER();
  MyVector& vector = build_vector();
  MyVector& short_vector = build_vector("ShortVector", 50);
  build_vector("EmptyVector", 0);
  segment.construct<MyVector>("TwoVectors")[2](segment.get_segment_manager());
  segment.construct<int>("IntArray")[100](0);
  segment.construct<int>("OneInt")(1);
  LongVector* longs = segment.construct<LongVector>("LongVector")(segment.get_segment_manager());
  for (long i = 0; i < 100; ++i) longs->push_back(i);
  const auto free_before = segment.get_free_memory();

  const auto args = support::substitute(GetParam().args, "SEGMENT", owner.name());
  const auto sentence = support::substitute(GetParam().sentence, "SEGMENT", owner.name());

  const auto child = run_child_role("04", args);
  EXPECT_TRUE(support::rejected_cleanly(child, GetParam().exit_code, sentence));
  EXPECT_EQ(segment.get_free_memory(), free_before);
  EXPECT_TRUE(segment.check_sanity());
  EXPECT_EQ(values(vector), ascending(100)) << "the rejected child changed the lesson's vector";
  EXPECT_EQ(values(short_vector), ascending(50)) << "the rejected child sorted the short vector";
  const auto as_ints = ascending(100);
  EXPECT_EQ(std::vector<long>(longs->begin(), longs->end()), std::vector<long>(as_ints.begin(), as_ints.end()))
      << "the rejected child changed the vector of longs";
}

INSTANTIATE_TEST_SUITE_P(
    Chapter04, VectorBadInput,
    ::testing::Values(
        BadInput{"NoArguments", {}, harness::exit_usage, "takes 2 arguments but got 0"},
        BadInput{"NoVectorName", {"SEGMENT"}, harness::exit_usage, "takes 2 arguments but got 1"},
        BadInput{"ExtraArgument", {"SEGMENT", "MyVector", "more"}, harness::exit_usage,
                 "takes 2 arguments but got 3"},
        BadInput{"SegmentDoesNotExist", {"ipclab-ch04-0-0-missing", "MyVector"}, harness::exit_resource,
                 "cannot open segment 'ipclab-ch04-0-0-missing': No such file or directory"},
        // Documented: find returns a null pointer when no object has the name.
        BadInput{"NoObjectByThatName", {"SEGMENT", "NoSuchVector"}, harness::exit_resource,
                 "segment 'SEGMENT' has no object named 'NoSuchVector' (it holds '"},
        BadInput{"VectorOfFiftyInts", {"SEGMENT", "ShortVector"}, harness::exit_usage,
                 "the vector 'ShortVector' holds 50 ints, not 100"},
        BadInput{"EmptyVector", {"SEGMENT", "EmptyVector"}, harness::exit_usage,
                 "the vector 'EmptyVector' holds 0 ints, not 100"},
        // find<T>'s count is bytes / sizeof(T): an array of two vectors is twice the bytes.
        BadInput{"ArrayOfTwoVectors", {"SEGMENT", "TwoVectors"}, harness::exit_usage,
                 "the object 'TwoVectors' is not one vector of ints: it takes " +
                     std::to_string(2 * sizeof(MyVector)) + " bytes, a vector takes " +
                     std::to_string(sizeof(MyVector))},
        BadInput{"IntArrayUnderTheName", {"SEGMENT", "IntArray"}, harness::exit_usage,
                 "the object 'IntArray' is not one vector of ints: it takes 400 bytes"},
        BadInput{"SingleIntUnderTheName", {"SEGMENT", "OneInt"}, harness::exit_usage,
                 "the object 'OneInt' is not one vector of ints: it takes 4 bytes"},
        // Same size as vector<int>, so only its contents give it away (read as
        // ints, the longs 0..99 are 0 0 1 0 2 0 ...).
        BadInput{"VectorOfLongsUnderTheName", {"SEGMENT", "LongVector"}, harness::exit_usage,
                 "the vector 'LongVector' does not hold each of 0..99 exactly once"}),
    [](const auto& info) { return info.param.label; });

}  // namespace
