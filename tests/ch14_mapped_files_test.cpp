// Chapter 14, mapped files: a managed_mapped_file that outlives the processes
// that made and read it (create_only, open_only, flush, grow, shrink_to_fit,
// open_read_only, open_copy_on_write), and file_mapping + mapped_region on an
// ordinary file (windows at any offset, flush, the four region modes, the page
// size, shrink_by, advise, empty regions, remove, a missing file). Every file
// lives in a temporary folder of the test's own, removed after it.
#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <unistd.h>

#include <boost/interprocess/file_mapping.hpp>
#include <boost/interprocess/managed_mapped_file.hpp>
#include <boost/interprocess/managed_shared_memory.hpp>
#include <boost/interprocess/mapped_region.hpp>
#include <gtest/gtest.h>

#include "harness/chapter.hpp"
#include "harness/names.hpp"
#include "harness/segment_owner.hpp"
#include "harness/sweep.hpp"
#include "lesson.hpp"
#include "support.hpp"

using namespace boost::interprocess;
using namespace ipclab;
using support::run_child_role;
namespace fs = std::filesystem;

namespace {

// The line of /proc/self/maps for the mapping that holds `address`: where it
// starts and ends, and its permissions ("rw-s": read-write and shared, "r--p":
// read-only and private, ...). What the kernel mapped, not what Boost says.
struct kernel_mapping {
  std::uintptr_t start = 0, end = 0;
  std::string permissions;
};

kernel_mapping kernel_mapping_of(const void* address) {
  const auto wanted = reinterpret_cast<std::uintptr_t>(address);
  std::ifstream maps("/proc/self/maps");
  for (std::string line; std::getline(maps, line);) {
    std::istringstream fields(line);
    std::string range, permissions;
    fields >> range >> permissions;
    const auto dash = range.find('-');
    const auto start = std::stoull(range.substr(0, dash), nullptr, 16);
    const auto end = std::stoull(range.substr(dash + 1), nullptr, 16);
    if (start <= wanted && wanted < end) return {start, end, permissions};
  }
  return {};
}

std::string error_text(error_code_t code) { return std::to_string(static_cast<int>(code)); }

// The error code a Boost call throws, or no_error when it does not throw.
template <class Call>
error_code_t error_of(Call call) {
  try {
    call();
  } catch (const interprocess_exception& e) {
    return e.get_error_code();
  }
  return no_error;
}

const std::string motto_line = ch14::found_line(ch14::answer, ch14::motto, 2);

// The test plays the parent: a temporary folder with the managed file's path
// (no file yet) and the plain file of zeros.
class MappedFiles : public ::testing::Test {
 protected:
  harness::temp_folder folder{"ch14test"};
  std::string store = folder.file(ch14::store_name).string();
  std::string pages = ch14::create_zero_file(folder, ch14::pages_name, ch14::pages_size);

  // The lesson's creating child fills `store`; it has exited when this returns.
  void create_store_by_child() {
    const auto child = run_child_role("14", {"create", store});
    ASSERT_TRUE(child.succeeded()) << child.describe() << "\n" << child.err;
  }
  harness::spawn_result read_by_child() const { return run_child_role("14", {"read", store}); }
  // Writes `text` at `offset` of the plain file with an ordinary ofstream.
  void write_plainly(std::size_t offset, std::string_view text) const {
    std::fstream file(pages, std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(static_cast<std::streamoff>(offset));
    file.write(text.data(), static_cast<std::streamsize>(text.size()));
  }
};

// The lesson end to end: create, grow, shrink, read back, a SIGSEGV, the
// private draft, the window and the peek; the folder is gone afterwards.
TEST(Chapter14Program, ParentRoleExitsZeroAndRemovesItsFolder) {
  IPCLAB_CHECKS_THE_CHAPTER();
  const auto run = support::run_parent_role("14");
  ASSERT_TRUE(support::ran_both_roles_and_left_nothing(run));
  EXPECT_EQ(run.out, motto_line + motto_line + ch14::window_with(ch14::shared_text) + "\n");
  const auto facts = support::facts_of(run);
  EXPECT_EQ(facts.values("parent", "created"), std::vector<std::string>{std::to_string(ch14::store_size)});
  EXPECT_EQ(facts.values("parent", "grown"), std::vector<std::string>{std::to_string(ch14::store_size + ch14::grow_by)});
  const auto shrunk = std::stoul(support::fact(run, "parent", "shrunk"));
  EXPECT_LT(shrunk, ch14::store_size);
  EXPECT_EQ(facts.values("child", "size"), std::vector<std::string>{std::to_string(ch14::store_size)});
  EXPECT_EQ(facts.values("child", "bytes"), std::vector<std::string>(3, std::to_string(shrunk)))
      << "the readers and the writer open the shrunk file";
  EXPECT_EQ(facts.values("child", "answer"), (std::vector<std::string>{"42", "42"}));
  EXPECT_EQ(facts.values("child", "named"), (std::vector<std::string>{"2", "2"}));
  EXPECT_EQ(support::fact(run, "parent", "page_size"), std::to_string(::sysconf(_SC_PAGESIZE)));
  EXPECT_EQ(support::fact(run, "parent", "private"), ch14::private_text);
  EXPECT_EQ(support::fact(run, "parent", "peeked"), ch14::shared_text);
  const fs::path file = support::fact(run, "parent", "segment");
  EXPECT_TRUE(file.is_absolute());
  EXPECT_TRUE(file.parent_path().filename().string().starts_with("ipclab-ch14-")) << file;
  EXPECT_FALSE(fs::exists(file.parent_path())) << "the run's folder was left behind";
  std::vector<int> steps;
  for (const auto& [pid, step] : facts.last_steps("child")) steps.push_back(step);
  std::sort(steps.begin(), steps.end());
  EXPECT_EQ(steps, (std::vector<int>{1, 1, 2, 2, 2})) << "the writer died at its step 1; the peek has one step";
}

// The folder goes however the run ends: a failure (the creating child killed
// at its step 1), and a signal to the parent before and after both files exist.
TEST(Chapter14Program, ItsFolderIsRemovedWhenTheRunFailsAndWhenASignalStopsIt) {
  IPCLAB_CHECKS_THE_CHAPTER();
  for (const auto& [fault, ending] : {std::pair{"child:kill@1", "exited 1"}, std::pair{"parent:term@1", "killed by SIGTERM"},
                                      std::pair{"parent:int@13", "killed by SIGINT"}}) {
    SCOPED_TRACE(fault);
    const auto run = harness::spawn(support::chapter_program("14"), {},
                                    {.environment = {{"IPCLAB_FAULT", fault}, {harness::facts_variable, "1"}}});
    EXPECT_EQ(run.describe(), ending) << run.err;
    const fs::path folder = fs::path(support::fact(run, "parent", "segment")).parent_path();
    EXPECT_FALSE(folder.empty());
    EXPECT_FALSE(fs::exists(folder)) << folder << " was left behind";
  }
}

// Documented: create_only makes a file of exactly the size asked, which is
// also the segment's get_size(); create_only on an existing file throws
// already_exists_error and leaves that file as it was. The lesson's creating
// child too.
TEST_F(MappedFiles, CreateOnlyMakesAFileOfExactlyTheSizeAskedAndRefusesAnExistingFile) {
  IPCLAB_CLAIMS("SHM-31");
  for (const std::size_t size : {std::size_t{65536}, std::size_t{8192}, std::size_t{10000}}) {
    SCOPED_TRACE(size);
    const auto path = folder.file("sized-" + std::to_string(size) + ".bin").string();
    {
      managed_mapped_file file(create_only, path.c_str(), size);
      EXPECT_EQ(file.get_size(), size);
      file.construct<int>("mark")(static_cast<int>(size));
    }
    EXPECT_EQ(fs::file_size(path), size);
    EXPECT_EQ(error_text(error_of([&] { managed_mapped_file again(create_only, path.c_str(), 4 * size); })),
              error_text(already_exists_error));
    EXPECT_EQ(fs::file_size(path), size) << "the refused create_only changed the file's size";
    managed_mapped_file file(open_only, path.c_str());
    ASSERT_NE(file.find<int>("mark").first, nullptr) << "the refused create_only wiped the file";
    EXPECT_EQ(*file.find<int>("mark").first, static_cast<int>(size));
  }
  create_store_by_child();
  EXPECT_EQ(fs::file_size(store), ch14::store_size);
}

// Documented: the objects outlive their processes. The lesson's creating
// child constructs and flushes, and exits; this process and a child started
// afterwards open the file and find them. And the other way round: what this
// process constructs and flushes, a child started after it closed the file
// finds.
TEST_F(MappedFiles, ObjectsACreatingChildLeftAreReadBackByAChildStartedAfterItExited) {
  IPCLAB_CLAIMS("SHM-32");
  create_store_by_child();
  {
    managed_mapped_file file(open_only, store.c_str());
    const auto answer = file.find<int>(ch14::answer_name);
    const auto motto = file.find<char>(ch14::motto_name);
    ASSERT_NE(answer.first, nullptr);
    ASSERT_NE(motto.first, nullptr);
    EXPECT_EQ(*answer.first, ch14::answer);
    EXPECT_EQ(motto.second, ch14::motto.size() + 1);
    EXPECT_EQ(std::string(motto.first), ch14::motto);
  }
  auto reader = read_by_child();
  ASSERT_TRUE(reader.succeeded()) << reader.describe() << "\n" << reader.err;
  EXPECT_EQ(reader.out, motto_line);
  {
    managed_mapped_file file(open_only, store.c_str());
    *file.find<int>(ch14::answer_name).first = 7;
    file.destroy<char>(ch14::motto_name);
    const char* fresh = "new";
    file.construct_it<char>(ch14::motto_name)[4](fresh);
    EXPECT_TRUE(file.flush());
  }
  reader = read_by_child();
  ASSERT_TRUE(reader.succeeded()) << reader.describe() << "\n" << reader.err;
  EXPECT_EQ(reader.out, ch14::found_line(7, "new", 2));
}

// Documented: the static grow(path, extra) adds exactly `extra` bytes to the
// file and to the segment's free memory; shrink_to_fit(path) cuts the file
// down to what its objects use; both return true, and the objects stay.
TEST_F(MappedFiles, GrowAddsExactlyTheExtraBytesAndShrinkToFitCutsTheFileKeepingTheObjects) {
  IPCLAB_CLAIMS("SHM-33");
  create_store_by_child();
  std::size_t free_before = 0;
  {
    managed_mapped_file file(open_only, store.c_str());
    free_before = file.get_free_memory();
  }
  const std::size_t used = ch14::store_size - free_before;
  EXPECT_TRUE(managed_mapped_file::grow(store.c_str(), ch14::grow_by));
  EXPECT_EQ(fs::file_size(store), ch14::store_size + ch14::grow_by);
  EXPECT_TRUE(managed_mapped_file::grow(store.c_str(), 4096));
  EXPECT_EQ(fs::file_size(store), ch14::store_size + ch14::grow_by + 4096);
  {
    managed_mapped_file file(open_only, store.c_str());
    EXPECT_EQ(file.get_size(), ch14::store_size + ch14::grow_by + 4096);
    EXPECT_EQ(file.get_free_memory(), free_before + ch14::grow_by + 4096);
    EXPECT_TRUE(file.check_sanity());
  }
  EXPECT_EQ(read_by_child().out, motto_line) << "after grow";
  EXPECT_TRUE(managed_mapped_file::shrink_to_fit(store.c_str()));
  const auto shrunk = fs::file_size(store);
  EXPECT_LT(shrunk, ch14::store_size);
  EXPECT_GE(shrunk, used) << "shrink_to_fit cut into the objects";
  {
    managed_mapped_file file(open_only, store.c_str());
    EXPECT_EQ(file.get_size(), shrunk);
    EXPECT_LT(file.get_free_memory(), free_before);
    EXPECT_TRUE(file.check_sanity());
  }
  EXPECT_EQ(read_by_child().out, motto_line) << "after shrink_to_fit";
  EXPECT_TRUE(managed_mapped_file::grow(store.c_str(), ch14::grow_by)) << "a shrunk file grows again";
  EXPECT_EQ(fs::file_size(store), shrunk + ch14::grow_by);
  EXPECT_EQ(read_by_child().out, motto_line) << "after shrinking and growing again";
}

// Documented: a file opened open_read_only shows the creator's objects;
// find() works there (it takes no lock, which would be a write), and so do
// the named-object iterators. The kernel maps it read-only and shared.
TEST_F(MappedFiles, OpenReadOnlyFindsTheCreatorsValuesAndIteratesItsNamedObjects) {
  IPCLAB_CLAIMS("SEG-08", "SHM-34");
  create_store_by_child();
  managed_mapped_file view(open_read_only, store.c_str());
  const auto answer = view.find<int>(ch14::answer_name);
  const auto motto = view.find<char>(ch14::motto_name);
  ASSERT_NE(answer.first, nullptr);
  ASSERT_NE(motto.first, nullptr);
  EXPECT_EQ(*answer.first, ch14::answer);
  EXPECT_EQ(std::string(motto.first, motto.second - 1), ch14::motto);
  EXPECT_EQ(view.find<int>("absent").first, nullptr);
  std::vector<std::string> names;
  for (auto object = view.named_begin(); object != view.named_end(); ++object)
    names.emplace_back(object->name(), object->name_length());
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{ch14::answer_name, ch14::motto_name}));
  EXPECT_EQ(kernel_mapping_of(answer.first).permissions, "r--s");
}

// Documented: a write through an open_read_only view is a page fault. The
// lesson's writing child constructs through one and dies by SIGSEGV at once
// (after its step 1), and the file is byte for byte what it was.
TEST_F(MappedFiles, ConstructThroughOpenReadOnlyKillsTheChildBySigsegvAndLeavesTheFileAlone) {
  IPCLAB_CLAIMS("SEG-09");
  create_store_by_child();
  const std::string before = ch14::contents_of(store);
  const auto writer = run_child_role("14", {"write", store});
  EXPECT_EQ(writer.describe(), "killed by SIGSEGV") << writer.err;
  EXPECT_EQ(support::facts_of(writer).last_steps("child")[writer.pid], 1) << "it died constructing";
  EXPECT_EQ(ch14::contents_of(store), before);
  EXPECT_EQ(read_by_child().out, motto_line);
}

// Documented: through open_copy_on_write, writes, construct and destroy
// change this process's private copy only (MAP_PRIVATE): another view in
// this process and a child reading meanwhile see the original, and the file
// is byte for byte unchanged afterwards.
TEST_F(MappedFiles, OpenCopyOnWriteKeepsWritesConstructAndDestroyPrivate) {
  IPCLAB_CLAIMS("SEG-10", "SHM-34");
  create_store_by_child();
  const std::string before = ch14::contents_of(store);
  {
    managed_mapped_file draft(open_copy_on_write, store.c_str());
    int* answer = draft.find<int>(ch14::answer_name).first;
    ASSERT_NE(answer, nullptr);
    EXPECT_EQ(kernel_mapping_of(answer).permissions, "rw-p");
    *answer = 99;
    EXPECT_TRUE(draft.destroy<char>(ch14::motto_name));
    draft.construct<int>("draft")(7);
    EXPECT_EQ(*draft.find<int>(ch14::answer_name).first, 99);
    EXPECT_EQ(draft.find<char>(ch14::motto_name).first, nullptr);
    EXPECT_EQ(draft.get_num_named_objects(), 2u);
    managed_mapped_file shared(open_only, store.c_str());
    EXPECT_EQ(*shared.find<int>(ch14::answer_name).first, ch14::answer);
    EXPECT_NE(shared.find<char>(ch14::motto_name).first, nullptr);
    EXPECT_EQ(shared.find<int>("draft").first, nullptr);
    EXPECT_EQ(read_by_child().out, motto_line) << "while the draft is open";
  }
  EXPECT_EQ(ch14::contents_of(store), before);
  EXPECT_EQ(read_by_child().out, motto_line) << "after the draft closed";
}

// The same two modes of a managed segment in shared memory, which the claims
// name first: open_read_only finds the creator's value through a read-only
// shared mapping; open_copy_on_write writes, constructs and destroys in a
// private one, and a fresh open_only still reads the original.
TEST(ManagedSharedMemoryModes, ReadOnlyFindsTheCreatorsValueAndCopyOnWriteStaysPrivate) {
  IPCLAB_CLAIMS("SEG-08", "SEG-10");
  harness::segment_owner owner(harness::unique_name("ch14test"));
  {
    managed_shared_memory segment(create_only, owner.c_str(), 8192, nullptr, harness::owner_only());
    segment.construct<int>("k")(5);
  }
  {
    managed_shared_memory reading(open_read_only, owner.c_str());
    int* const k = reading.find<int>("k").first;
    ASSERT_NE(k, nullptr);
    EXPECT_EQ(*k, 5);
    EXPECT_EQ(kernel_mapping_of(k).permissions, "r--s");
    EXPECT_EQ(std::distance(reading.named_begin(), reading.named_end()), 1);
  }
  {
    managed_shared_memory draft(open_copy_on_write, owner.c_str());
    int* const k = draft.find<int>("k").first;
    ASSERT_NE(k, nullptr);
    EXPECT_EQ(kernel_mapping_of(k).permissions, "rw-p");
    *k = 99;
    EXPECT_EQ(*draft.find<int>("k").first, 99);
    managed_shared_memory shared(open_only, owner.c_str());
    EXPECT_EQ(*shared.find<int>("k").first, 5) << "while the draft is open";
    draft.construct<int>("extra")(1);
    EXPECT_TRUE(draft.destroy<int>("k"));
    EXPECT_EQ(draft.find<int>("k").first, nullptr);
    EXPECT_EQ(shared.find<int>("extra").first, nullptr);
  }
  managed_shared_memory fresh(open_only, owner.c_str());
  ASSERT_NE(fresh.find<int>("k").first, nullptr);
  EXPECT_EQ(*fresh.find<int>("k").first, 5);
  EXPECT_EQ(fresh.find<int>("extra").first, nullptr);
}

// Documented: file_mapping opens an existing file: a missing one throws
// not_found_error (ENOENT) and is not created; modes other than read_only
// and read_write throw other_error.
TEST_F(MappedFiles, FileMappingOnAMissingPathThrowsNotFoundAndOnAPrivateModeOtherError) {
  IPCLAB_CLAIMS("SHM-28");
  const auto missing = (folder.path() / "missing.bin").string();
  try {
    file_mapping mapping(missing.c_str(), read_write);
    ADD_FAILURE() << "file_mapping on a missing file did not throw";
  } catch (const interprocess_exception& e) {
    EXPECT_EQ(error_text(e.get_error_code()), error_text(not_found_error));
    EXPECT_EQ(e.get_native_error(), ENOENT);
  }
  EXPECT_EQ(error_text(error_of([&] { file_mapping mapping(missing.c_str(), read_only); })),
            error_text(not_found_error));
  EXPECT_FALSE(fs::exists(missing)) << "file_mapping created the file";
  for (const boost::interprocess::mode_t mode : {copy_on_write, read_private}) {
    SCOPED_TRACE(mode);
    EXPECT_EQ(error_text(error_of([&] { file_mapping mapping(pages.c_str(), mode); })), error_text(other_error));
  }
  for (const boost::interprocess::mode_t mode : {read_only, read_write}) {
    file_mapping mapping(pages.c_str(), mode);
    EXPECT_EQ(mapping.get_mode(), mode);
    EXPECT_EQ(std::string(mapping.get_name()), pages);
  }
}

// Documented: a read_write window of a file writes to the file: after a
// synchronous flush, which returns true, an ifstream and another process read
// the bytes. The window starts at any offset: a page multiple maps there, any
// other offset maps from the page before and points into it.
TEST_F(MappedFiles, AReadWriteWindowAtAnyOffsetReachesTheFileAfterASynchronousFlush) {
  IPCLAB_CLAIMS("SHM-29");
  const std::size_t page = mapped_region::get_page_size();
  file_mapping mapping(pages.c_str(), read_write);
  mapped_region window(mapping, read_write, ch14::window_offset, ch14::window_size);
  EXPECT_EQ(window.get_size(), ch14::window_size);
  EXPECT_EQ(window.get_mode(), read_write);
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(window.get_address()) % page, ch14::window_offset % page);
  const auto kernel = kernel_mapping_of(window.get_address());
  EXPECT_EQ(kernel.permissions, "rw-s");
  EXPECT_EQ(kernel.start, reinterpret_cast<std::uintptr_t>(window.get_address()) - ch14::window_offset % page);
  std::memcpy(window.get_address(), ch14::shared_text.data(), ch14::shared_text.size());
  EXPECT_TRUE(window.flush(0, 0, false));
  EXPECT_EQ(ch14::shown_in_file(pages, ch14::window_offset, ch14::window_size), ch14::window_with(ch14::shared_text));
  const auto peek = run_child_role("14", ch14::peek_args(pages));
  ASSERT_TRUE(peek.succeeded()) << peek.describe() << "\n" << peek.err;
  EXPECT_EQ(peek.out, ch14::window_with(ch14::shared_text) + "\n");

  mapped_region aligned(mapping, read_write, page, page);  // the second page exactly
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(aligned.get_address()) % page, 0u);
  EXPECT_EQ(aligned.get_size(), page);
  EXPECT_EQ(ch14::shown(static_cast<char*>(aligned.get_address()) + ch14::window_offset - page,
                        ch14::shared_text.size()), ch14::shared_text) << "the same bytes through another window";
  mapped_region to_the_end(mapping, read_only, ch14::window_offset);  // no size: from the offset to the end
  EXPECT_EQ(to_the_end.get_size(), ch14::pages_size - ch14::window_offset);
  write_plainly(ch14::pages_size - 1, "Z");  // an ordinary write shows in the mapping
  EXPECT_EQ(static_cast<const char*>(to_the_end.get_address())[to_the_end.get_size() - 1], 'Z');
}

// Documented: flush(offset, size, async) returns true for a range inside the
// region, false when the offset is at or past its end or the range runs over
// it, and never throws. In 1.81 (and 1.74) the range must also start on a page
// of the mapping: flush() hands msync() the page start plus the offset, and
// msync() refuses an address that is not a page multiple (EINVAL), so a
// range from byte 10 is refused although it lies inside the region.
TEST_F(MappedFiles, FlushAcceptsRangesInsideTheRegionFromAPageAndRefusesThoseBeyondIt) {
  IPCLAB_CLAIMS("SHM-22");
  const std::size_t page = mapped_region::get_page_size();
  file_mapping mapping(pages.c_str(), read_write);
  mapped_region whole(mapping, read_write);
  const std::size_t size = whole.get_size();
  ASSERT_EQ(size, ch14::pages_size);
  EXPECT_TRUE(whole.flush());
  EXPECT_TRUE(whole.flush(0, size));
  EXPECT_TRUE(whole.flush(0, 1, false));
  EXPECT_TRUE(whole.flush(page, size - page));
  EXPECT_TRUE(whole.flush(2 * page, 0, false));
  EXPECT_FALSE(whole.flush(size));
  EXPECT_FALSE(whole.flush(size, 0, false));
  EXPECT_FALSE(whole.flush(0, size + 1));
  EXPECT_FALSE(whole.flush(page, size - page + 1));
  EXPECT_FALSE(whole.flush(100000));
  EXPECT_FALSE(whole.flush(0, 100000, false));
  EXPECT_FALSE(whole.flush(10, 10)) << "1.81 flushes a range from byte 10 after all";
  mapped_region window(mapping, read_write, ch14::window_offset, ch14::window_size);
  EXPECT_TRUE(window.flush(0, ch14::window_size, false)) << "a window that starts inside a page";
  EXPECT_FALSE(window.flush(ch14::window_size));
  EXPECT_FALSE(window.flush(1, 1)) << "1.81 flushes a range from byte 1 after all";
}

// Documented: copy_on_write is writable and private (MAP_PRIVATE): its
// writes reach neither the file, nor a shared window in this process, nor
// another process; read_private is private and read-only; get_mode() says
// which, and the kernel's mapping agrees.
TEST_F(MappedFiles, PrivateRegionsKeepTheirWritesFromTheFileAndFromAnotherProcess) {
  IPCLAB_CLAIMS("SHM-20");
  write_plainly(ch14::window_offset, ch14::shared_text);
  const std::string before = ch14::contents_of(pages);
  file_mapping mapping(pages.c_str(), read_write);
  mapped_region shared(mapping, read_write);
  mapped_region draft(mapping, copy_on_write);
  EXPECT_EQ(draft.get_mode(), copy_on_write);
  EXPECT_EQ(kernel_mapping_of(draft.get_address()).permissions, "rw-p");
  char* const drafted = static_cast<char*>(draft.get_address()) + ch14::window_offset;
  EXPECT_EQ(ch14::shown(drafted, ch14::shared_text.size()), ch14::shared_text) << "it starts as the file";
  std::memcpy(drafted, ch14::private_text.data(), ch14::private_text.size());
  EXPECT_EQ(ch14::shown(drafted, ch14::private_text.size()), ch14::private_text);
  EXPECT_TRUE(draft.flush(0, 0, false));
  EXPECT_EQ(ch14::shown(static_cast<char*>(shared.get_address()) + ch14::window_offset, ch14::window_size),
            ch14::window_with(ch14::shared_text));
  const auto peek = run_child_role("14", ch14::peek_args(pages));
  EXPECT_EQ(peek.out, ch14::window_with(ch14::shared_text) + "\n") << peek.err;
  EXPECT_EQ(ch14::contents_of(pages), before);

  const file_mapping reading(pages.c_str(), read_only);
  mapped_region view(reading, read_private);
  EXPECT_EQ(view.get_mode(), read_private);
  EXPECT_EQ(kernel_mapping_of(view.get_address()).permissions, "r--p");
  EXPECT_EQ(ch14::shown(static_cast<char*>(view.get_address()) + ch14::window_offset, ch14::window_size),
            ch14::window_with(ch14::shared_text));
  mapped_region read_only_view(reading, read_only);
  EXPECT_EQ(read_only_view.get_mode(), read_only);
  EXPECT_EQ(kernel_mapping_of(read_only_view.get_address()).permissions, "r--s");
}

// Documented: get_page_size() is the system's page size (4096 on x86-64).
TEST(MappedRegion, GetPageSizeIsTheSystemsPageSize) {
  IPCLAB_CLAIMS("SHM-21");
  EXPECT_EQ(mapped_region::get_page_size(), static_cast<std::size_t>(::sysconf(_SC_PAGESIZE)));
#if defined(__x86_64__)
  EXPECT_EQ(mapped_region::get_page_size(), 4096u);
#endif
}

// Documented: a default-constructed region, and a region moved from (by
// construction or assignment), has no address and no size, and its flush()
// returns false; the region moved to has the mapping.
TEST_F(MappedFiles, ADefaultOrMovedFromRegionHasNoAddressNoSizeAndDoesNotFlush) {
  IPCLAB_CLAIMS("SHM-23");
  mapped_region empty;
  EXPECT_EQ(empty.get_address(), nullptr);
  EXPECT_EQ(empty.get_size(), 0u);
  EXPECT_FALSE(empty.flush());
  file_mapping mapping(pages.c_str(), read_write);
  mapped_region first(mapping, read_write, ch14::window_offset, ch14::window_size);
  void* const address = first.get_address();
  mapped_region second(std::move(first));
  EXPECT_EQ(first.get_address(), nullptr);
  EXPECT_EQ(first.get_size(), 0u);
  EXPECT_FALSE(first.flush());
  EXPECT_EQ(second.get_address(), address);
  EXPECT_EQ(second.get_size(), ch14::window_size);
  EXPECT_TRUE(second.flush());
  mapped_region third;
  third = std::move(second);
  EXPECT_EQ(second.get_address(), nullptr);
  EXPECT_EQ(second.get_size(), 0u);
  EXPECT_FALSE(second.flush());
  EXPECT_EQ(third.get_address(), address);
  std::memcpy(third.get_address(), ch14::shared_text.data(), ch14::shared_text.size());
  EXPECT_TRUE(third.flush(0, 0, false));
  EXPECT_EQ(ch14::shown_in_file(pages, ch14::window_offset, ch14::window_size), ch14::window_with(ch14::shared_text));
}

// 1.81 (and 1.74): a shrink from the back that frees no whole page of a
// region ending inside a page hands munmap() a negative length, which it
// refuses (EINVAL): false, and yet the size has dropped. A region that ends
// on a page boundary returns true.
TEST_F(MappedFiles, ShrinkByFromTheBackWithinTheLastPageReturnsFalseYetShrinks) {
  IPCLAB_CLAIMS("SHM-24");
#if defined(__SANITIZE_THREAD__)
  GTEST_SKIP() << "ThreadSanitizer's munmap() aborts the process on the negative length Boost hands it";
#endif
  const std::size_t page = mapped_region::get_page_size();
  const std::size_t size = 10000;
  const auto ten = ch14::create_zero_file(folder, "ten.bin", size);
  file_mapping mapping(ten.c_str(), read_write);
  mapped_region partial(mapping, read_write);
  EXPECT_FALSE(partial.shrink_by(100)) << "1.81 shrinks 100 bytes from the back of a 10000-byte region after all";
  EXPECT_EQ(partial.get_size(), size - 100);
  mapped_region two_pages(mapping, read_write, 0, 2 * page);
  EXPECT_TRUE(two_pages.shrink_by(100));
  EXPECT_EQ(two_pages.get_size(), 2 * page - 100);
}

// Documented: shrink_by(bytes, from_back) refuses more bytes than the region
// has; otherwise the size drops by bytes (from the back, or from the front,
// moving the address), the pages no longer needed are unmapped, and shrinking
// by the whole size unmaps the region (a shrink within the last page: the
// test above).
TEST_F(MappedFiles, ShrinkByDropsBytesFromEitherEndAndTheWholeSizeUnmapsTheRegion) {
  IPCLAB_CLAIMS("SHM-24");
  const std::size_t page = mapped_region::get_page_size();
  const std::size_t size = 10000;
  const auto ten = ch14::create_zero_file(folder, "ten.bin", size);
  file_mapping mapping(ten.c_str(), read_write);
  mapped_region region(mapping, read_write);
  char* const start = static_cast<char*>(region.get_address());
  for (std::size_t i = 0; i < size; ++i) start[i] = static_cast<char>('a' + i % 26);
  ASSERT_EQ(region.get_size(), size);
  EXPECT_EQ(kernel_mapping_of(start).end - kernel_mapping_of(start).start, 3 * page);
  EXPECT_FALSE(region.shrink_by(size + 1));
  EXPECT_EQ(region.get_size(), size);
  EXPECT_TRUE(region.shrink_by(4096));  // from the back: 5904 bytes, two pages
  EXPECT_EQ(region.get_size(), size - 4096);
  EXPECT_EQ(region.get_address(), start);
  EXPECT_EQ(kernel_mapping_of(start).end - kernel_mapping_of(start).start, 2 * page);
  EXPECT_EQ(kernel_mapping_of(start + 2 * page).permissions, "") << "the third page is still mapped";
  EXPECT_TRUE(region.shrink_by(100, false));  // from the front: the address moves on
  EXPECT_EQ(region.get_size(), size - 4096 - 100);
  EXPECT_EQ(region.get_address(), start + 100);
  EXPECT_EQ(*static_cast<char*>(region.get_address()), 'a' + 100 % 26);
  EXPECT_TRUE(region.shrink_by(page, false));  // past the first page: it is unmapped
  EXPECT_EQ(region.get_address(), start + 100 + page);
  EXPECT_EQ(kernel_mapping_of(start).permissions, "") << "the first page is still mapped";
  EXPECT_EQ(*static_cast<char*>(region.get_address()), static_cast<char>('a' + (100 + page) % 26));
  const std::size_t left = region.get_size();
  EXPECT_TRUE(region.shrink_by(left));
  EXPECT_EQ(region.get_address(), nullptr);
  EXPECT_EQ(region.get_size(), left) << "1.81 resets the size after all: see the chapter's pitfalls";
  EXPECT_FALSE(region.flush()) << "a region without an address flushed";
  EXPECT_EQ(kernel_mapping_of(start + page + 100).permissions, "") << "nothing is left mapped";
  EXPECT_FALSE(region.shrink_by(1));
}

// Documented (Linux: posix_madvise): every advice returns true, and none
// changes what the region holds.
TEST_F(MappedFiles, AdviseReturnsTrueForEveryAdviceAndLeavesTheContents) {
  IPCLAB_CLAIMS("SHM-25");
  write_plainly(ch14::window_offset, ch14::shared_text);
  file_mapping mapping(pages.c_str(), read_write);
  mapped_region region(mapping, read_write, ch14::window_offset - 100, 3 * 1024);
  static_cast<char*>(region.get_address())[0] = 'A';
  const std::string before(static_cast<const char*>(region.get_address()), region.get_size());
  for (const auto advice : {mapped_region::advice_normal, mapped_region::advice_sequential,
                            mapped_region::advice_random, mapped_region::advice_willneed,
                            mapped_region::advice_dontneed}) {
    SCOPED_TRACE(advice);
    EXPECT_TRUE(region.advise(advice));
    EXPECT_EQ(std::string(static_cast<const char*>(region.get_address()), region.get_size()), before);
  }
  EXPECT_EQ(ch14::shown(static_cast<char*>(region.get_address()) + 100, ch14::shared_text.size()),
            ch14::shared_text);
}

// Documented: file_mapping::remove(path) removes the file, true, even while
// it is mapped, and the mapping goes on working; a second remove is false,
// and file_mapping then finds no file.
TEST_F(MappedFiles, RemoveDeletesAMappedFileOnceAndTheMappingLivesOn) {
  IPCLAB_CLAIMS("SHM-30");
  file_mapping mapping(pages.c_str(), read_write);
  mapped_region region(mapping, read_write);
  EXPECT_TRUE(file_mapping::remove(pages.c_str()));
  EXPECT_FALSE(fs::exists(pages));
  std::memcpy(region.get_address(), ch14::shared_text.data(), ch14::shared_text.size());
  EXPECT_EQ(ch14::shown(region.get_address(), ch14::shared_text.size()), ch14::shared_text);
  EXPECT_TRUE(region.flush(0, 0, false)) << "the mapping of a removed file still flushes";
  EXPECT_FALSE(file_mapping::remove(pages.c_str()));
  EXPECT_EQ(error_text(error_of([&] { file_mapping again(pages.c_str(), read_only); })), error_text(not_found_error));
  EXPECT_FALSE(file_mapping::remove((folder.path() / "never-was.bin").c_str()));
}

// Bad input to the child role: one clear sentence, a defined exit code,
// nothing printed, and both files as they were, nothing new in the folder.
// STORE, PAGES, FOLDER, MISSING, OTHER (a managed file with only the answer)
// are replaced by the test's own.
using BadInput = support::bad_input;

class MappedFilesBadInput : public MappedFiles, public ::testing::WithParamInterface<BadInput> {
 protected:
  std::string other = folder.file("other.bin").string();
};

TEST_P(MappedFilesBadInput, ChildRejectsItWithOneSentenceAndTheRightExitCode) {
  IPCLAB_CHECKS_THE_CHAPTER();
  create_store_by_child();
  {
    managed_mapped_file file(create_only, other.c_str(), 8192);
    file.construct<int>(ch14::answer_name)(1);
  }
  const auto missing = (folder.path() / "missing.bin").string();
  const auto replace = [&](auto text) {
    for (const auto& [placeholder, value] : {std::pair<std::string, std::string>{"STORE", store},
                                             {"PAGES", pages}, {"FOLDER", folder.path().string()},
                                             {"MISSING", missing}, {"OTHER", other}})
      text = support::substitute(text, placeholder, value);
    return text;
  };
  std::vector<std::string> args = GetParam().args;
  for (auto& arg : args) arg = replace(arg);
  const std::string store_before = ch14::contents_of(store), pages_before = ch14::contents_of(pages);
  const auto child = run_child_role("14", args);
  EXPECT_TRUE(support::rejected_cleanly(child, GetParam().exit_code, replace(GetParam().sentence)));
  EXPECT_EQ(ch14::contents_of(store), store_before) << "the rejected child changed the managed file";
  EXPECT_EQ(ch14::contents_of(pages), pages_before) << "the rejected child changed the plain file";
  EXPECT_FALSE(fs::exists(missing)) << "the rejected child created a file";
  EXPECT_EQ(std::distance(fs::directory_iterator(folder.path()), fs::directory_iterator()), 3);
}

INSTANTIATE_TEST_SUITE_P(
    Chapter14, MappedFilesBadInput,
    ::testing::Values(
        BadInput{"NoAction", {}, harness::exit_usage, "takes an action, 'create', 'read', 'write' or 'peek', not ''"},
        BadInput{"UnknownAction", {"grow", "STORE"}, harness::exit_usage, "not 'grow'"},
        BadInput{"CreateWithoutFile", {"create"}, harness::exit_usage, "takes 2 arguments but got 1"},
        BadInput{"ReadWithAnExtraArgument", {"read", "STORE", "STORE"}, harness::exit_usage,
                 "takes 2 arguments but got 3"},
        BadInput{"EmptyFilePath", {"create", ""}, harness::exit_usage, "the file's path must not be empty"},
        BadInput{"RelativeFilePath", {"write", "store.bin"}, harness::exit_usage,
                 "the file's path 'store.bin' is not absolute"},
        BadInput{"CreateOverAnExistingFile", {"create", "PAGES"}, harness::exit_resource,
                 "cannot create the managed file 'PAGES': File exists"},
        BadInput{"CreateInAMissingFolder", {"create", "MISSING/store.bin"}, harness::exit_resource,
                 "cannot create the managed file 'MISSING/store.bin': No such file or directory"},
        BadInput{"ReadAMissingFile", {"read", "MISSING"}, harness::exit_resource,
                 "cannot open the managed file 'MISSING' read-only: No such file or directory"},
        BadInput{"WriteAMissingFile", {"write", "MISSING"}, harness::exit_resource,
                 "cannot open the managed file 'MISSING' read-only: No such file or directory"},
        BadInput{"ReadAFolder", {"read", "FOLDER"}, harness::exit_resource,
                 "cannot open the managed file 'FOLDER' read-only: No such device"},
        BadInput{"ReadAFileWithoutTheMotto", {"read", "OTHER"}, harness::exit_resource,
                 "segment 'OTHER' has no object named 'motto' (it holds 'answer')"},
        BadInput{"PeekWithoutLength", {"peek", "PAGES", "5000"}, harness::exit_usage, "takes 4 arguments but got 3"},
        BadInput{"OffsetNotANumber", {"peek", "PAGES", "x", "32"}, harness::exit_usage,
                 "the offset 'x' is not a decimal number"},
        BadInput{"NegativeOffset", {"peek", "PAGES", "-1", "32"}, harness::exit_usage,
                 "the offset '-1' is not a decimal number"},
        BadInput{"ZeroLength", {"peek", "PAGES", "0", "0"}, harness::exit_usage, "the length must be at least 1, not 0"},
        BadInput{"LengthTooLarge", {"peek", "PAGES", "0", "4097"}, harness::exit_usage,
                 "the length 4097 is out of range (at most 4096)"},
        BadInput{"WindowPastTheEnd", {"peek", "PAGES", "12380", "32"}, harness::exit_usage,
                 "the window 12380+32 ends beyond the end of 'PAGES' (12388 bytes)"},
        BadInput{"PeekAMissingFile", {"peek", "MISSING", "0", "1"}, harness::exit_resource,
                 "cannot open a file mapping of 'MISSING': No such file or directory"},
        BadInput{"PeekAFolder", {"peek", "FOLDER", "0", "1"}, harness::exit_usage,
                 "'FOLDER' is not an ordinary file"}),
    [](const auto& info) { return info.param.label; });

}  // namespace
