// Chapter 06, raw shared memory and a mapped region: sizes, contents, modes,
// offsets and removal, across a real child process.
#include <algorithm>
#include <cerrno>
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

// The error code of the interprocess_exception `run` throws, and its native
// error (errno) through `native`; no_error when it throws none.
template <class Run>
error_code_t error_of(Run run, int* native = nullptr) {
  try {
    run();
  } catch (const interprocess_exception& e) {
    if (native) *native = e.get_native_error();
    return e.get_error_code();
  }
  return no_error;
}

// Documented: create_only on a name that exists throws already_exists_error,
// and leaves the existing object as it was.
TEST_F(MappedRegion, CreateOnlyOnAnExistingNameThrowsAlreadyExistsAndKeepsTheObject) {
  IPCLAB_CLAIMS("SHM-01");
  const auto region = sized_and_filled(ch06::object_size, ch06::fill_byte);
  int native = 0;
  EXPECT_EQ(error_of([&] { shared_memory_object again(create_only, owner.c_str(), read_write); }, &native),
            already_exists_error);
  EXPECT_EQ(native, EEXIST);
  EXPECT_EQ(size_of(shm), ch06::object_size);
  EXPECT_TRUE(every_byte_is(region, ch06::fill_byte));
}

// Documented: open_or_create opens an existing object with its size and bytes
// as they were, and creates a missing one (size 0).
TEST_F(MappedRegion, OpenOrCreateOpensAnExistingObjectAsItIsAndCreatesAMissingOne) {
  IPCLAB_CLAIMS("SHM-03");
  const auto region = sized_and_filled(4096, 7);
  const shared_memory_object opened(open_or_create, owner.c_str(), read_write);
  EXPECT_EQ(size_of(opened), 4096);
  EXPECT_EQ(static_cast<const unsigned char*>(mapped_region(opened, read_only).get_address())[4095], 7);
  harness::segment_owner missing(harness::unique_name("ch06test"));
  ASSERT_FALSE(std::filesystem::exists("/dev/shm/" + missing.name()));
  const shared_memory_object created(open_or_create, missing.c_str(), read_write);
  EXPECT_TRUE(std::filesystem::exists("/dev/shm/" + missing.name()));
  EXPECT_EQ(size_of(created), 0);
}

// Documented: truncate() on an object opened read_only throws; on Linux with
// Boost 1.81 (posix_fallocate first) the code is system_error, errno EBADF.
// Boost 1.74 calls ftruncate() alone, which says EINVAL. The size is kept.
TEST_F(MappedRegion, TruncateOnAReadOnlyObjectThrowsAndKeepsTheSize) {
  IPCLAB_CLAIMS("SHM-05");
  shm.truncate(ch06::object_size);
  shared_memory_object reader(open_only, owner.c_str(), read_only);
  int native = 0;
  const auto code = error_of([&] { reader.truncate(100); }, &native);
  if (support::expectation("SHM-05") == support::expected::holds) {
    EXPECT_EQ(code, system_error);
    EXPECT_EQ(native, EBADF);
  } else {
    EXPECT_EQ(code, invalid_argument);
    EXPECT_EQ(native, EINVAL);
  }
  EXPECT_EQ(size_of(shm), ch06::object_size);
}

// Documented: a shared_memory_object takes only read_only and read_write;
// copy_on_write and read_private throw mode_error, and create nothing.
TEST_F(MappedRegion, AnObjectTakesOnlyReadOnlyOrReadWriteOtherModesThrowModeError) {
  IPCLAB_CLAIMS("SHM-06");
  harness::segment_owner other(harness::unique_name("ch06test"));
  for (const boost::interprocess::mode_t mode : {copy_on_write, read_private}) {
    SCOPED_TRACE(static_cast<int>(mode));
    EXPECT_EQ(error_of([&] { shared_memory_object bad(create_only, other.c_str(), mode); }), mode_error);
    EXPECT_EQ(error_of([&] { shared_memory_object bad(open_or_create, other.c_str(), mode); }), mode_error);
    EXPECT_EQ(error_of([&] { shared_memory_object bad(open_only, owner.c_str(), mode); }), mode_error);
    EXPECT_FALSE(std::filesystem::exists("/dev/shm/" + other.name()));
  }
  EXPECT_EQ(error_of([&] { shared_memory_object fine(open_only, owner.c_str(), read_only); }), no_error);
}

// Documented: destroying the shared_memory_object removes nothing: its
// region stays mapped and writable, the name stays, and opening it again
// sees what was written through the region after the object was gone.
TEST_F(MappedRegion, ARegionOutlivesItsObjectAndTheObjectOutlivesItsHandle) {
  IPCLAB_CLAIMS("SHM-09");
  harness::segment_owner other(harness::unique_name("ch06test"));
  mapped_region region;
  {
    shared_memory_object handle(create_only, other.c_str(), read_write, harness::owner_only());
    handle.truncate(ch06::object_size);
    region = mapped_region(handle, read_write);
  }
  std::memset(region.get_address(), 9, region.get_size());
  EXPECT_EQ(region.get_size(), 1000u);
  EXPECT_TRUE(std::filesystem::exists("/dev/shm/" + other.name()));
  const shared_memory_object again(open_only, other.c_str(), read_only);
  EXPECT_EQ(size_of(again), ch06::object_size);
  EXPECT_TRUE(every_byte_is(mapped_region(again, read_only), 9));
}

// Documented: a region asked for at an address must be mapped exactly there,
// or the constructor throws busy_error (Linux: mmap takes the address as a
// hint): an address already in use, and one that is not a page multiple.
// Where it is free and page-aligned, with a page-multiple offset, the region
// is there.
TEST_F(MappedRegion, ARegionThatCannotBePlacedAtTheAskedAddressThrowsBusy) {
  IPCLAB_CLAIMS("SHM-14");
  const auto page = mapped_region::get_page_size();
  shm.truncate(static_cast<offset_t>(2 * page));
  mapped_region taken(shm, read_write);
  void* const busy = taken.get_address();
  EXPECT_EQ(error_of([&] { mapped_region there(shm, read_write, 0, page, busy); }), busy_error);
  EXPECT_EQ(error_of([&] { mapped_region there(shm, read_write, 0, page, static_cast<char*>(busy) + 1); }), busy_error);
  void* free_address = nullptr;
  {
    mapped_region probe(shm, read_write);  // an address that is free once probe is unmapped
    free_address = probe.get_address();
  }
  static_cast<unsigned char*>(taken.get_address())[page] = 5;
  {
    mapped_region placed(shm, read_write, 0, page, free_address);
    EXPECT_EQ(placed.get_address(), free_address);
    EXPECT_EQ(placed.get_size(), page);
  }
  // A page-multiple offset at that address: the second page, there.
  mapped_region second(shm, read_only, static_cast<offset_t>(page), page, free_address);
  EXPECT_EQ(second.get_address(), free_address);
  EXPECT_EQ(*static_cast<const unsigned char*>(second.get_address()), 5);
}

// Documented: an offset past the end of the object throws size_error; an
// offset at its end, with no size, too (nothing is left to map).
TEST_F(MappedRegion, AnOffsetPastTheEndOfTheObjectThrowsSizeError) {
  IPCLAB_CLAIMS("SHM-15");
  shm.truncate(10000);
  EXPECT_EQ(error_of([&] { mapped_region past(shm, read_write, 20000); }), size_error);
  EXPECT_EQ(error_of([&] { mapped_region past(shm, read_only, 10001); }), size_error);
  EXPECT_EQ(mapped_region(shm, read_write, 9000).get_size(), 1000u);
}

// Documented: mapping a new object (size 0) with size 0 throws; on Linux the
// code is invalid_argument and errno EINVAL (mmap of 0 bytes).
TEST_F(MappedRegion, MappingAnObjectOfSizeZeroThrowsInvalidArgument) {
  IPCLAB_CLAIMS("SHM-16");
  ASSERT_EQ(size_of(shm), 0);
  int native = 0;
  EXPECT_EQ(error_of([&] { mapped_region empty(shm, read_write); }, &native), invalid_argument);
  EXPECT_EQ(native, EINVAL);
  shm.truncate(1);
  EXPECT_EQ(mapped_region(shm, read_write).get_size(), 1u);
}

// Documented: a read_write region of an object opened read_only throws; on
// Linux security_error with errno EACCES. read_only and read_private work.
TEST_F(MappedRegion, AReadWriteRegionOfAReadOnlyObjectThrowsSecurityError) {
  IPCLAB_CLAIMS("SHM-17");
  shm.truncate(ch06::object_size);
  const shared_memory_object reader(open_only, owner.c_str(), read_only);
  int native = 0;
  EXPECT_EQ(error_of([&] { mapped_region writable(reader, read_write); }, &native), security_error);
  EXPECT_EQ(native, EACCES);
  EXPECT_EQ(mapped_region(reader, read_only).get_size(), 1000u);
  EXPECT_EQ(mapped_region(reader, read_private).get_mode(), read_private);
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
