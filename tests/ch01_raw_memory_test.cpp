// Chapter 01, a pool of raw memory: the lesson across two real processes, and
// what Boost.Interprocess documents about allocate/deallocate and handles.
#include <cstring>

#include <gtest/gtest.h>

#include "harness/chapter.hpp"
#include "harness/names.hpp"
#include "harness/segment_owner.hpp"
#include "harness/sweep.hpp"
#include "lesson.hpp"
#include "support.hpp"

using namespace boost::interprocess;
using namespace ipclab;
using ch01::handle_t;
using support::as_number;
using support::run_child_role;

namespace {

// The test plays the parent: it owns a fresh segment; the chapter binary is the child.
class RawMemory : public support::owned_segment_test<ch01::segment_size> {
 protected:
  // The parent's setup: a block holding the greeting, its NUL included.
  void* write_greeting() {
    void* block = segment.allocate(ch01::block_size);
    std::memcpy(block, ch01::greeting, sizeof ch01::greeting);
    return block;
  }
  harness::spawn_result child_reads(handle_t handle) {
    return run_child_role("01", {owner.name(), std::to_string(handle)});
  }
};

TEST(Chapter01Program, ParentRoleExitsZeroAndRelaysTheChildsMessage) {
  IPCLAB_CHECKS_THE_CHAPTER();
  const auto run = support::run_parent_role("01");
  ASSERT_TRUE(support::ran_both_roles_and_left_nothing(run));
  EXPECT_EQ(run.out, ch01::greeting_line());
}

// Documented: get_free_memory() reports the bytes still available; an
// allocation of N bytes takes at least N of them, and the block holds N.
TEST_F(RawMemory, AllocateTakesAtLeastTheBlockSizeFromFreeMemory) {
  IPCLAB_CLAIMS("SEG-06", "SEG-11", "SEG-15");
  const auto before = segment.get_free_memory();
  void* block = segment.allocate(ch01::block_size);
  ASSERT_NE(block, nullptr);
  EXPECT_LE(segment.get_free_memory() + ch01::block_size, before);
  EXPECT_GE(segment.get_segment_manager()->size(block), ch01::block_size);
  EXPECT_TRUE(segment.belongs_to_segment(block));
}

// allocate() promises no zeroed memory: the child prints exactly the message,
// up to the NUL the writer copied, even from memory that held other bytes.
TEST_F(RawMemory, ChildPrintsExactlyTheMessageFromDirtyMemory) {
  IPCLAB_CHECKS_THE_CHAPTER();
  support::dirty_free_memory(segment);
  const auto handle = segment.get_handle_from_address(write_greeting());
  const auto child = child_reads(handle);
  ASSERT_TRUE(child.succeeded()) << child.describe() << "\n" << child.err;
  EXPECT_EQ(child.out, ch01::greeting_line());
}

// Documented: deallocate() returns the block; the free memory is then exactly
// what it was before allocate(), even when another process deallocates.
TEST_F(RawMemory, ChildsDeallocateReturnsTheFreeMemoryExactly) {
  IPCLAB_CLAIMS("SEG-06", "SEG-18", "SEG-19");
  const auto before = segment.get_free_memory();
  const auto handle = segment.get_handle_from_address(write_greeting());
  ASSERT_LT(segment.get_free_memory(), before);
  const auto child = child_reads(handle);
  ASSERT_TRUE(child.succeeded()) << child.describe() << "\n" << child.err;
  EXPECT_EQ(segment.get_free_memory(), before);
  EXPECT_TRUE(segment.all_memory_deallocated());
  EXPECT_TRUE(segment.check_sanity());
}

// Documented: a handle is the offset of an address from the segment's base,
// valid in any process although each maps the segment at its own address.
TEST_F(RawMemory, HandleIsTheOffsetFromTheBaseInEachProcess) {
  IPCLAB_CLAIMS("SEG-16", "SEG-17");
  void* block = write_greeting();
  const handle_t handle = segment.get_handle_from_address(block);
  EXPECT_EQ(as_number(block) - as_number(segment.get_address()), static_cast<std::uintptr_t>(handle));
  EXPECT_EQ(segment.get_address_from_handle(handle), block);

  const auto child = child_reads(handle);
  ASSERT_TRUE(child.succeeded()) << child.describe() << "\n" << child.err;
  const auto child_base = support::fact(child, "child", "base");
  const auto child_block = support::fact(child, "child", "block");
  ASSERT_FALSE(child_base.empty() || child_block.empty());
  EXPECT_EQ(as_number(child_block) - as_number(child_base), static_cast<std::uintptr_t>(handle));
  // Address-space layout randomisation gives every process its own mmap base,
  // so the two mappings differ; the next test forces it within one process.
  support::expect_different_bases(as_number(child_base), as_number(segment.get_address()));
  EXPECT_EQ(child.out, ch01::greeting_line());
}

// Two mappings of one segment in one process are bound to sit at different
// addresses: the handle still names the same bytes in both.
TEST_F(RawMemory, HandleNamesTheSameBytesInASecondMapping) {
  IPCLAB_CLAIMS("SEG-17");
  managed_shared_memory second(open_only, owner.c_str());
  ASSERT_NE(second.get_address(), segment.get_address());
  void* block = write_greeting();
  const handle_t handle = segment.get_handle_from_address(block);
  const char* seen = static_cast<const char*>(second.get_address_from_handle(handle));
  EXPECT_NE(static_cast<const void*>(seen), block);
  EXPECT_STREQ(seen, ch01::greeting);
}

// Fresh shared memory reads as zeros (ftruncate extends a file with zero bytes).
TEST_F(RawMemory, FreshSegmentMemoryReadsAsZeros) {
  IPCLAB_CHECKS_THE_CHAPTER();
  const auto* block = static_cast<const unsigned char*>(segment.allocate(ch01::block_size));
  for (std::size_t i = 0; i < ch01::block_size; ++i) ASSERT_EQ(block[i], 0) << "byte " << i;
}

// Bad input to the child role: one clear sentence, a defined exit code, no
// crash, the parent's segment untouched, nothing left in /dev/shm.
// "SEGMENT" is replaced by the test's segment name.
using BadInput = support::bad_input;

class RawMemoryBadInput : public RawMemory, public ::testing::WithParamInterface<BadInput> {};

TEST_P(RawMemoryBadInput, ChildRejectsItWithOneSentenceAndTheRightExitCode) {
  IPCLAB_CHECKS_THE_CHAPTER();
  const auto handle = segment.get_handle_from_address(write_greeting());
  const auto free_before = segment.get_free_memory();
  const auto args = support::substitute(support::substitute(GetParam().args, "SEGMENT", owner.name()), "HANDLE",
                                        std::to_string(handle));
  const auto child = run_child_role("01", args);
  EXPECT_TRUE(support::rejected_cleanly(child, GetParam().exit_code, GetParam().sentence));
  EXPECT_EQ(segment.get_free_memory(), free_before);
  EXPECT_TRUE(segment.check_sanity());
}

INSTANTIATE_TEST_SUITE_P(
    Chapter01, RawMemoryBadInput,
    ::testing::Values(
        BadInput{"NoArguments", {}, harness::exit_usage, "takes 2 arguments but got 0"},
        BadInput{"NoHandle", {"SEGMENT"}, harness::exit_usage, "takes 2 arguments but got 1"},
        BadInput{"ExtraArgument", {"SEGMENT", "HANDLE", "more"}, harness::exit_usage,
                 "takes 2 arguments but got 3"},
        BadInput{"HandleNotANumber", {"SEGMENT", "abc"}, harness::exit_usage,
                 "the handle 'abc' is not a decimal number"},
        BadInput{"HandleWithTrailingJunk", {"SEGMENT", "16x"}, harness::exit_usage,
                 "the handle '16x' is not a decimal number"},
        BadInput{"NegativeHandle", {"SEGMENT", "-16"}, harness::exit_usage,
                 "the handle '-16' is not a decimal number"},
        BadInput{"HandleOutsideTheSegment", {"SEGMENT", "65536"}, harness::exit_usage,
                 "the handle 65536 is out of range (at most 64512)"},
        BadInput{"HandleBeyondUnsignedLong", {"SEGMENT", "99999999999999999999999"}, harness::exit_usage,
                 "is out of range"},
        BadInput{"MisalignedHandle", {"SEGMENT", "1001"}, harness::exit_usage,
                 "the handle 1001 is not aligned"},
        BadInput{"SegmentNameWithASlash", {"ipclab/ch01", "16"}, harness::exit_usage,
                 "the name 'ipclab/ch01' contains '/': a shared memory name is a single path component"},
        BadInput{"SegmentNameTooLong", {std::string(300, 'x'), "16"}, harness::exit_usage,
                 "has 300 characters, more than the 251 this system allows"},
        BadInput{"EmptySegmentName", {"", "16"}, harness::exit_usage, "the name of an object must not be empty"},
        BadInput{"SegmentDoesNotExist", {"ipclab-ch01-0-0-missing", "16"}, harness::exit_resource,
                 "cannot open segment 'ipclab-ch01-0-0-missing': No such file or directory"}),
    [](const auto& info) { return info.param.label; });

}  // namespace
