// Chapter 06, raw shared memory and a mapped region: sizes, contents, modes,
// offsets and removal, across a real child process.
#include <algorithm>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "harness/chapter.hpp"
#include "harness/names.hpp"
#include "harness/segment_owner.hpp"
#include "harness/sweep.hpp"
#include "lesson.hpp"
#include "support.hpp"

using namespace boost::interprocess;
using namespace ipclab;
using support::as_number;
using support::run_child_role;

namespace {

const std::string checked_line = "size 1000, every byte is 1\n";

// Independent of the lesson's own leading(), which is under test.
bool every_byte_is(const mapped_region& region, unsigned char byte) {
  const auto* bytes = static_cast<const unsigned char*>(region.get_address());
  return std::all_of(bytes, bytes + region.get_size(), [byte](unsigned char b) { return b == byte; });
}

// The object's size as the kernel reports it: get_size() fails only on a bad handle.
offset_t size_of(const shared_memory_object& shm) {
  offset_t size = -1;
  EXPECT_TRUE(shm.get_size(size)) << "get_size() failed";
  return size;
}

// The step at which process `pid` reported the fact `key` (each step's facts
// follow its "step" fact), or 0 when it did not.
int step_reporting(const harness::facts& facts, pid_t pid, std::string_view key) {
  int step = 0;
  for (const auto& fact : facts.all()) {
    if (fact.pid != pid) continue;
    if (fact.key == "step") step = std::stoi(fact.value);
    if (fact.key == key) return step;
  }
  return 0;
}

// The writer child reached the step at which it reported where it writes, and
// none after it: it was stopped at the write itself.
::testing::AssertionResult stopped_at_the_write(const harness::spawn_result& run, pid_t writer) {
  const auto facts = support::facts_of(run);
  const auto steps = facts.last_steps("child");
  const auto last = steps.find(writer);
  if (last == steps.end()) return ::testing::AssertionFailure() << "child " << writer << " reached no step";
  const int write_step = step_reporting(facts, writer, "write_at");
  if (write_step == 0) return ::testing::AssertionFailure() << "child " << writer << " reported no write_at";
  if (last->second != write_step)
    return ::testing::AssertionFailure() << "child " << writer << " reached step " << last->second
                                         << " after its write at step " << write_step;
  return ::testing::AssertionSuccess();
}

// The test plays the parent: it owns a fresh object; the chapter binary is the child.
class MappedRegion : public ::testing::Test {
 protected:
  harness::segment_owner owner{harness::unique_name("ch06test")};
  shared_memory_object shm{create_only, owner.c_str(), read_write, harness::owner_only()};

  mapped_region sized_and_filled(offset_t size, unsigned char byte) {
    shm.truncate(size);
    mapped_region region(shm, read_write);
    std::memset(region.get_address(), byte, region.get_size());
    return region;
  }
};

TEST(Chapter06Program, ParentRoleExitsZeroAfterTheCheckAndTheRefusedWrite) {
  IPCLAB_CHECKS_THE_CHAPTER();
  const auto run = support::run_parent_role("06");
  ASSERT_TRUE(support::ran_both_roles_and_left_nothing(run));
  EXPECT_EQ(run.out, checked_line);
  EXPECT_EQ(support::fact(run, "parent", "size"), "1000");
  EXPECT_EQ(support::fact(run, "parent", "writer_ended"), "killed by SIGSEGV");
  const auto writer = support::fact(run, "parent", "writer");
  ASSERT_FALSE(writer.empty());
  EXPECT_TRUE(stopped_at_the_write(run, std::stoi(writer))) << run.err;
}

// Documented: a new shared_memory_object has size 0; truncate() sets it, and
// every process that opens the object sees that size.
TEST_F(MappedRegion, NewObjectHasSizeZeroUntilTruncate) {
  IPCLAB_CLAIMS("SHM-04");
  offset_t size = -1;
  ASSERT_TRUE(shm.get_size(size));
  EXPECT_EQ(size, 0);
  shm.truncate(ch06::object_size);
  ASSERT_TRUE(shm.get_size(size));
  EXPECT_EQ(size, 1000);
  EXPECT_EQ(std::filesystem::file_size("/dev/shm/" + owner.name()), 1000u);
  const shared_memory_object opened(open_only, owner.c_str(), read_only);
  ASSERT_TRUE(opened.get_size(size));
  EXPECT_EQ(size, 1000);
}

// Documented: mapped_region(shm, mode) with no offset or size maps the whole
// object; the child, mapping read-only, sees all 1000 bytes the parent wrote.
TEST_F(MappedRegion, ChildSeesTheSizeAndEveryByteThroughItsReadOnlyMapping) {
  IPCLAB_CLAIMS("SHM-12", "SHM-18");
  shm.truncate(ch06::object_size);
  mapped_region region(shm, read_write);
  EXPECT_EQ(region.get_size(), 1000u);
  std::memset(region.get_address(), ch06::fill_byte, region.get_size());
  const auto child = run_child_role("06", {"check", owner.name()});
  ASSERT_TRUE(child.succeeded()) << child.describe() << "\n" << child.err;
  EXPECT_EQ(support::fact(child, "child", "size"), "1000");
  EXPECT_EQ(support::fact(child, "child", "ones"), "1000");
  EXPECT_EQ(child.out, checked_line);
}

// The child checks every byte, the last one included.
TEST_F(MappedRegion, ChildReportsTheFirstByteThatIsNotOne) {
  IPCLAB_CHECKS_THE_CHAPTER();
  auto region = sized_and_filled(ch06::object_size, ch06::fill_byte);
  static_cast<unsigned char*>(region.get_address())[999] = 0;
  const auto child = run_child_role("06", {"check", owner.name()});
  EXPECT_TRUE(support::rejected_cleanly(child, harness::exit_invariant,
                                        "invariant failed: byte 999 of " + owner.name() + " is not 1"));
  EXPECT_EQ(support::fact(child, "child", "size"), "1000");
  EXPECT_EQ(support::fact(child, "child", "ones"), "999");
}

// An object that exists with another size is not the lesson's: the child says so.
TEST_F(MappedRegion, ChildRejectsAnObjectOfAnotherSize) {
  IPCLAB_CHECKS_THE_CHAPTER();
  const auto region = sized_and_filled(100, ch06::fill_byte);
  const auto child = run_child_role("06", {"check", owner.name()});
  EXPECT_TRUE(support::rejected_cleanly(
      child, harness::exit_usage, "the object '" + owner.name() + "' holds 100 bytes, not the 1000 the parent role writes"));
  EXPECT_EQ(support::fact(child, "child", "size"), "100");
  EXPECT_TRUE(every_byte_is(region, ch06::fill_byte));
}

// Documented: a read_only mapping is mapped without write permission
// (PROT_READ): a write through it is stopped by the kernel with SIGSEGV.
TEST_F(MappedRegion, WriteThroughAReadOnlyMappingIsKilledBySigsegv) {
  IPCLAB_CLAIMS("SHM-19");
  const auto region = sized_and_filled(ch06::object_size, ch06::fill_byte);
  const auto child = run_child_role("06", {"write", owner.name()});
  EXPECT_EQ(child.how, harness::ending::killed) << child.describe() << "\n" << child.err;
  EXPECT_EQ(child.signal, SIGSEGV);
  EXPECT_EQ(child.describe(), "killed by SIGSEGV");
  EXPECT_TRUE(stopped_at_the_write(child, child.pid)) << child.err;
  EXPECT_TRUE(every_byte_is(region, ch06::fill_byte)) << "the write went through";
}

// Documented: get_mode() returns the mode the region was mapped with.
TEST_F(MappedRegion, RegionReportsTheModeItWasMappedWith) {
  IPCLAB_CHECKS_THE_CHAPTER();
  sized_and_filled(ch06::object_size, 0);
  const shared_memory_object read_only_view(open_only, owner.c_str(), read_only);
  EXPECT_EQ(mapped_region(read_only_view, read_only).get_mode(), read_only);
  EXPECT_EQ(mapped_region(shm, read_write).get_mode(), read_write);
}

// Documented: mapped_region(shm, mode, offset, size) maps `size` bytes starting
// at `offset`; get_address() points at the byte at `offset` even when the
// offset is not page-aligned (the address is as far into its page as the
// offset is into its page), and get_size() is `size`, not rounded to pages.
// The child dumps the window; the bytes must be exactly those of the pattern
// at that place.
struct Window {
  const char* label;
  std::size_t offset;
  std::size_t length;
};

// A failing case names itself by its label, not by its bytes.
void PrintTo(const Window& input, std::ostream* out) { *out << input.label; }

class MappedRegionWindow : public MappedRegion, public ::testing::WithParamInterface<Window> {};

TEST_P(MappedRegionWindow, ChildMappingWithAnOffsetSeesTheBytesAtThatOffset) {
  IPCLAB_CLAIMS("SHM-13");
  const std::size_t size = 3 * mapped_region::get_page_size() + 500;
  shm.truncate(static_cast<offset_t>(size));
  mapped_region region(shm, read_write);
  auto* bytes = static_cast<unsigned char*>(region.get_address());
  for (std::size_t i = 0; i < size; ++i) bytes[i] = static_cast<unsigned char>((i * 7 + i / 256) % 251);

  const auto [label, offset, length] = GetParam();
  const auto child = run_child_role("06", {"dump", owner.name(), std::to_string(offset), std::to_string(length)});
  ASSERT_TRUE(child.succeeded()) << child.describe() << "\n" << child.err;
  EXPECT_EQ(support::fact(child, "child", "length"), std::to_string(length));
  const auto page = mapped_region::get_page_size();
  EXPECT_EQ(as_number(support::fact(child, "child", "address")) % page, offset % page);
  std::string expected;
  for (std::size_t i = offset; i < offset + length; ++i) {
    char pair[4];
    std::snprintf(pair, sizeof pair, i == offset ? "%02x" : " %02x", bytes[i]);
    expected += pair;
  }
  EXPECT_EQ(child.out, expected + "\n");
}

INSTANTIATE_TEST_SUITE_P(Chapter06, MappedRegionWindow,
                         ::testing::Values(Window{"Unaligned", 100, 50}, Window{"PageAligned", 4096, 16},
                                           Window{"AcrossAPageBoundary", 8190, 10},
                                           Window{"LastBytes", 3 * 4096 + 490, 10}),
                         [](const auto& info) { return std::string(info.param.label); });

// Documented: shared_memory_object::remove() removes the name at once (true),
// a second remove finds nothing (false), and opening the name fails with
// not_found_error; an existing mapping stays valid until it is unmapped.
TEST_F(MappedRegion, RemoveLeavesNothingInDevShmButKeepsMappingsValid) {
  IPCLAB_CLAIMS("SHM-02", "SHM-07", "SHM-08");
  const auto region = sized_and_filled(ch06::object_size, ch06::fill_byte);
  const std::filesystem::path entry = "/dev/shm/" + owner.name();
  ASSERT_TRUE(std::filesystem::exists(entry));
  EXPECT_TRUE(shared_memory_object::remove(owner.c_str()));
  EXPECT_FALSE(std::filesystem::exists(entry));
  EXPECT_FALSE(shared_memory_object::remove(owner.c_str()));
  try {
    shared_memory_object gone(open_only, owner.c_str(), read_only);
    ADD_FAILURE() << "opened a removed object";
  } catch (const interprocess_exception& e) {
    EXPECT_EQ(e.get_error_code(), not_found_error);
  }
  EXPECT_TRUE(every_byte_is(region, ch06::fill_byte));
  const auto child = run_child_role("06", {"check", owner.name()});
  EXPECT_TRUE(support::rejected_cleanly(child, harness::exit_resource, "No such file or directory"));
}

// Bad input to the child role: one clear sentence, a defined exit code, no
// crash, the test's object untouched, nothing left in /dev/shm.
// "NAME" is replaced by the test's object name.
using BadInput = support::bad_input;

class MappedRegionBadInput : public MappedRegion, public ::testing::WithParamInterface<BadInput> {};

TEST_P(MappedRegionBadInput, ChildRejectsItWithOneSentenceAndTheRightExitCode) {
  IPCLAB_CHECKS_THE_CHAPTER();
  const auto region = sized_and_filled(ch06::object_size, ch06::fill_byte);
  const auto child = run_child_role("06", support::substitute(GetParam().args, "NAME", owner.name()));
  EXPECT_TRUE(support::rejected_cleanly(child, GetParam().exit_code, GetParam().sentence));
  EXPECT_EQ(size_of(shm), ch06::object_size);
  EXPECT_TRUE(every_byte_is(region, ch06::fill_byte));
}

INSTANTIATE_TEST_SUITE_P(
    Chapter06, MappedRegionBadInput,
    ::testing::Values(
        BadInput{"NoAction", {}, harness::exit_usage, "takes an action, 'check', 'dump' or 'write', not ''"},
        BadInput{"UnknownAction", {"erase", "NAME"}, harness::exit_usage, "not 'erase'"},
        BadInput{"CheckWithoutName", {"check"}, harness::exit_usage, "takes 2 arguments but got 1"},
        BadInput{"DumpWithoutLength", {"dump", "NAME", "0"}, harness::exit_usage, "takes 4 arguments but got 3"},
        BadInput{"ObjectDoesNotExist", {"check", "ipclab-ch06-0-0-missing"}, harness::exit_resource,
                 "cannot open shared memory object 'ipclab-ch06-0-0-missing': No such file or directory"},
        BadInput{"OffsetNotANumber", {"dump", "NAME", "ten", "10"}, harness::exit_usage,
                 "the offset 'ten' is not a decimal number"},
        BadInput{"NegativeLength", {"dump", "NAME", "0", "-5"}, harness::exit_usage,
                 "the length '-5' is not a decimal number"},
        BadInput{"ZeroLength", {"dump", "NAME", "10", "0"}, harness::exit_usage,
                 "the range of 0 bytes at offset 10 is not inside the 1000-byte object"},
        BadInput{"RangePastTheEnd", {"dump", "NAME", "990", "20"}, harness::exit_usage,
                 "the range of 20 bytes at offset 990 is not inside the 1000-byte object"},
        BadInput{"OffsetPastTheEnd", {"dump", "NAME", "1001", "1"}, harness::exit_usage,
                 "the offset 1001 is out of range (at most 1000)"}),
    [](const auto& info) { return info.param.label; });

}  // namespace
