// Chapter 15, memory without a name: anonymous shared memory between a
// parent and a forked child (and not an exec'd one), a forked child's bounds
// (reported by its exit status, killed at its deadline, dead with its parent),
// a process-local managed heap that grows and moves, and a managed external
// buffer saved to a file and used again at another address, by this process
// and by a child. Files live in a temporary folder of the test's own.
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include <boost/interprocess/anonymous_shared_memory.hpp>
#include <boost/interprocess/managed_external_buffer.hpp>
#include <boost/interprocess/managed_heap_memory.hpp>
#include <boost/interprocess/mapped_region.hpp>
#include <gtest/gtest.h>

#include "harness/chapter.hpp"
#include "harness/sweep.hpp"
#include "harness/temp_folder.hpp"
#include "lesson.hpp"
#include "support.hpp"

using namespace boost::interprocess;
using namespace ipclab;
using namespace std::chrono_literals;
using support::as_number;
using support::eventually;
using support::run_child_role;
using support::since;
using support::steady;
namespace fs = std::filesystem;

namespace {

// Whether process `pid` still runs (a zombie, dead but not yet reaped by
// whoever adopted it, does not).
bool runs(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return false;
  const auto after_name = line.rfind(')');
  return after_name != std::string::npos && line.size() > after_name + 2 && line[after_name + 2] != 'Z';
}

// The test's own chain, built with its own calls: links 1..count in `memory`,
// named ch15::chain_name, each linked to the next by an offset_ptr.
template <class Managed>
ch15::chain& build_chain(Managed& memory, unsigned count = ch15::links) {
  ch15::chain& chain = *memory.template construct<ch15::chain>(ch15::chain_name)();
  for (unsigned number = count; number >= 1; --number)
    chain.first = memory.template construct<ch15::link>(anonymous_instance)(number, chain.first);
  chain.built_at = memory.get_address();
  return chain;
}

bool inside(const void* address, const void* base, std::size_t size) {
  const auto at = as_number(address), begin = as_number(base);
  return at >= begin && at < begin + size;
}

// The whole lesson end to end: the forked child shared the region and not
// the ordinary variable, the exec'd child had no shared anonymous memory, the
// heap moved when it grew, and the loading child walked the chain at another
// address; the folder of the image is gone, nothing left in /dev/shm.
TEST(Chapter15Program, ParentRoleExitsZeroAndRemovesItsFolder) {
  IPCLAB_CHECKS_THE_CHAPTER();
  const auto run = support::run_parent_role("15");
  ASSERT_TRUE(support::ran_both_roles_and_left_nothing(run));
  EXPECT_EQ(run.out, ch15::look_line(0) + ch15::chain_line("1 2 3 4 5"));
  EXPECT_EQ(support::fact(run, "parent", "size"), "4096");
  EXPECT_EQ(support::fact(run, "parent", "mode"), "read_only");
  EXPECT_EQ(support::fact(run, "parent", "child_wrote"), "4242");
  EXPECT_EQ(support::fact(run, "parent", "ordinary"), "1515");
  const pid_t forked = std::stoi(support::fact(run, "parent", "forked"));
  EXPECT_NE(forked, run.pid);
  EXPECT_FALSE(runs(forked)) << "the forked child outlived the run";
  EXPECT_EQ(support::fact(run, "child", "shared_anonymous"), "0");
  EXPECT_EQ(support::fact(run, "parent", "heap_size"), std::to_string(2 * ch15::heap_size));
  EXPECT_NE(support::fact(run, "parent", "heap_before"), support::fact(run, "parent", "heap_after"));
  EXPECT_EQ(support::fact(run, "child", "walked"), "1 2 3 4 5");
  EXPECT_EQ(support::fact(run, "child", "built_at"), support::fact(run, "parent", "built_at"));
  support::expect_different_heap_blocks(as_number(support::fact(run, "child", "base")),
                                        as_number(support::fact(run, "parent", "built_at")));
  const fs::path image = support::fact(run, "parent", "segment");
  EXPECT_TRUE(image.parent_path().filename().string().starts_with("ipclab-ch15-")) << image;
  EXPECT_FALSE(fs::exists(image.parent_path())) << "the run's folder was left behind";
}

// The folder of the image goes however the run ends: a failure (the loading
// child killed at its step 1) and a signal after the image was written.
TEST(Chapter15Program, ItsFolderIsRemovedWhenTheRunFailsAndWhenASignalStopsIt) {
  IPCLAB_CHECKS_THE_CHAPTER();
  for (const auto& [fault, ending] : {std::pair{"child:kill@2", "exited 1"}, std::pair{"parent:term@7", "killed by SIGTERM"},
                                      std::pair{"parent:int@2", "killed by SIGINT"}}) {
    SCOPED_TRACE(fault);
    const auto run = harness::spawn(support::chapter_program("15"), {},
                                    {.environment = {{"IPCLAB_FAULT", fault}, {harness::facts_variable, "1"}}});
    EXPECT_EQ(run.describe(), ending) << run.err;
    const fs::path folder = fs::path(support::fact(run, "parent", "segment")).parent_path();
    EXPECT_FALSE(fs::exists(folder)) << folder << " was left behind";
    if (const auto forked = support::facts_of(run).first("parent", "forked"); !forked.empty())
      EXPECT_FALSE(runs(std::stoi(forked))) << "the forked child outlived the run";
  }
}

// Documented: anonymous_shared_memory(size) is a region of exactly `size`
// bytes (not rounded up to pages), zeroed, writable, shared with a child
// forked after it was mapped: each sees what the other wrote. Everything else
// of the parent, an ordinary variable, the child has as a copy. A region the
// child maps after the fork is its own. In 1.81 get_mode() says read_only
// although the region is mapped read-write (PROT_WRITE, shared).
TEST(AnonymousMemory, AForkedChildSharesTheRegionAndCopiesEverythingElse) {
  IPCLAB_CLAIMS("SHM-26", "SHM-27");
  const std::size_t size = 10000;
  mapped_region region(anonymous_shared_memory(size));
  ASSERT_NE(region.get_address(), nullptr);
  EXPECT_EQ(region.get_size(), size);
  if (support::expectation("SHM-27") == support::expected::holds) EXPECT_EQ(region.get_mode(), read_only);
  auto* bytes = static_cast<unsigned char*>(region.get_address());
  EXPECT_TRUE(std::all_of(bytes, bytes + size, [](unsigned char b) { return b == 0; }));
  const std::string mapping = ch15::mapping_at(as_number(region.get_address()));
  EXPECT_NE(mapping.find(" rw-s "), std::string::npos) << mapping;
  EXPECT_TRUE(mapping.ends_with("/dev/zero (deleted)")) << mapping;
  bytes[0] = 17;
  bytes[size - 1] = 71;
  unsigned ordinary = 1;
  unsigned char* later = nullptr;  // the child's own region, mapped after the fork
  const auto forked = ch15::run_forked([&] {
    if (bytes[0] != 17 || bytes[size - 1] != 71) return harness::exit_invariant;
    bytes[1] = 42;
    bytes[size - 2] = 24;
    ordinary = 2;
    later = static_cast<unsigned char*>(anonymous_shared_memory(4096).get_address());
    std::memcpy(bytes + 8, &later, sizeof later);  // so that the parent can look there
    return harness::exit_ok;
  });
  ASSERT_EQ(forked.describe(), "exited 0");
  EXPECT_EQ(bytes[1], 42);
  EXPECT_EQ(bytes[size - 2], 24);
  EXPECT_EQ(ordinary, 1u) << "the child's write to its copy reached the parent";
  std::memcpy(&later, bytes + 8, sizeof later);
  ASSERT_NE(later, nullptr);
  EXPECT_EQ(ch15::mapping_at(as_number(later)).find("/dev/zero (deleted)"), std::string::npos)
      << "the child's own region is mapped in the parent";
}

// An exec'd child (the chapter's look role) has a new address space: no
// shared anonymous mapping at all, while this process, counted the same way,
// has the region; and, where mmap bases are randomised, nothing at all at the
// region's address.
TEST(AnonymousMemory, AnExecdChildHasNoSharedAnonymousMapping) {
  IPCLAB_CLAIMS("SHM-26");
  mapped_region region(anonymous_shared_memory(ch15::region_size));
  std::memset(region.get_address(), 1, region.get_size());
  EXPECT_GE(ch15::shared_anonymous_mappings(), 1u) << "the look role's count cannot see a region";
  const auto child = run_child_role("15", {"look", harness::text(region.get_address())});
  ASSERT_TRUE(child.succeeded()) << child.describe() << "\n" << child.err;
  EXPECT_EQ(child.out, ch15::look_line(0));
  EXPECT_EQ(support::fact(child, "child", "shared_anonymous"), "0");
  if (support::mmap_bases_are_randomised()) EXPECT_EQ(support::fact(child, "child", "mapped"), "false");
}

// The forked child reports by its exit status only: a failed check is exit
// 1, an exception its chapter code, a signal its name; one that runs past
// its deadline is killed then, and no process is left either way.
TEST(AnonymousMemory, AForkedChildsFailureIsItsExitStatusAndItsDeadlineKillsIt) {
  IPCLAB_CHECKS_THE_CHAPTER();
  EXPECT_EQ(ch15::run_forked([] { return harness::exit_invariant; }).describe(), "exited 1");
  EXPECT_EQ(ch15::run_forked([]() -> int { throw harness::usage_error("no"); }).describe(), "exited 2");
  EXPECT_EQ(ch15::run_forked([]() -> int { throw harness::resource_error("no"); }).describe(), "exited 3");
  EXPECT_EQ(ch15::run_forked([]() -> int { throw std::runtime_error("no"); }).describe(), "exited 1");
  EXPECT_EQ(ch15::run_forked([] { return ::raise(SIGKILL); }).describe(), "killed by SIGKILL");
  const auto start = steady::now();
  const auto hung = ch15::run_forked([] { return ::pause(); }, 200ms);
  EXPECT_EQ(hung.how, harness::ending::timed_out);
  EXPECT_GE(since(start), 200ms);
  EXPECT_LT(since(start), 1500ms);
  EXPECT_FALSE(runs(hung.pid));
  EXPECT_THROW(ch15::expect_forked_succeeded(hung), harness::invariant_error);
}

// A forked child never outlives its parent: here a parent (forked from the
// test) forks a child that waits for ever, and is killed by SIGKILL, which
// runs no cleanup of its own; the kernel kills the child too
// (PR_SET_PDEATHSIG). The parent's SIGTERM handler is back to the default in the child.
TEST(AnonymousMemory, AForkedChildDiesWithItsParent) {
  IPCLAB_CHECKS_THE_CHAPTER();
  mapped_region region(anonymous_shared_memory(ch15::region_size));
  auto& shared = *new (region.get_address()) ch15::exchange{};
  const pid_t middle = ::fork();
  if (middle == 0) {
    std::signal(SIGTERM, [](int) {});  // a handler of the parent's own, as a chapter's cleanup is
    ch15::run_forked([&] {
      struct sigaction action {};
      ::sigaction(SIGTERM, nullptr, &action);
      shared.child_wrote = action.sa_handler == SIG_DFL ? 1 : 2;
      shared.child = ::getpid();
      return ::pause();
    }, 20s);
    ::_exit(0);
  }
  ASSERT_TRUE(eventually([&] { return shared.child != 0; }));
  EXPECT_EQ(shared.child_wrote, 1u) << "SIGTERM's handler was inherited";
  ::kill(middle, SIGKILL);
  int status = 0;
  ::waitpid(middle, &status, 0);
  EXPECT_TRUE(eventually([&] { return !runs(shared.child); }, 2000ms)) << "the forked child outlived its parent";
  if (runs(shared.child)) ::kill(shared.child, SIGKILL);  // leave no process behind, even when it failed
}

// Documented: a managed_heap_memory is a managed segment in this process's
// heap. grow() copies it into a bigger block: the old address is gone, the
// size and free memory grow by exactly the extra bytes, find() finds the
// named object at its new address, and its offset_ptr links still walk.
TEST(HeapMemory, GrowMovesTheHeapAndItsOffsetPtrChainStillWalks) {
  IPCLAB_CHECKS_THE_CHAPTER();
  managed_heap_memory heap(ch15::heap_size);
  EXPECT_EQ(heap.get_size(), ch15::heap_size);
  const ch15::chain& before = build_chain(heap);
  EXPECT_EQ(ch15::walk(before), "1 2 3 4 5");
  const void* old_base = heap.get_address();
  const auto free_before = heap.get_free_memory();
  ASSERT_TRUE(heap.grow(ch15::heap_size));
  EXPECT_NE(heap.get_address(), old_base);
  EXPECT_EQ(heap.get_size(), 2 * ch15::heap_size);
  EXPECT_EQ(heap.get_free_memory(), free_before + ch15::heap_size);
  const ch15::chain* after = heap.find<ch15::chain>(ch15::chain_name).first;
  ASSERT_NE(after, nullptr);
  EXPECT_TRUE(inside(after, heap.get_address(), heap.get_size()));
  for (const ch15::link* at = after->first.get(); at; at = at->next.get())
    EXPECT_TRUE(inside(at, heap.get_address(), heap.get_size())) << "link " << at->number << " is not in the grown heap";
  EXPECT_EQ(ch15::walk(*after), "1 2 3 4 5");
  EXPECT_EQ(after->built_at, old_base) << "a plain address is copied as it was, pointing at the old heap";
  EXPECT_TRUE(heap.check_sanity());
  EXPECT_TRUE(harness::entries_created_by(::getpid()).empty()) << "a heap has no name in /dev/shm";
}

// Documented: a managed_external_buffer's bytes, copied to other memory of
// the same process and opened there with open_only, hold the same named
// objects; every offset_ptr leads into the copy, not the original.
TEST(ExternalBuffer, ACopyAtAnotherAddressOpensWithItsObjectsAndLinks) {
  IPCLAB_CHECKS_THE_CHAPTER();
  ch15::aligned_memory original(ch15::buffer_size);
  managed_external_buffer built(create_only, original.data(), original.size());
  build_chain(built);
  ch15::aligned_memory copy(ch15::buffer_size);
  std::memcpy(copy.data(), original.data(), ch15::buffer_size);
  managed_external_buffer opened(open_only, copy.data(), copy.size());
  EXPECT_EQ(opened.get_address(), copy.data());
  EXPECT_EQ(opened.get_num_named_objects(), 1u);
  const ch15::chain* chain = opened.find<ch15::chain>(ch15::chain_name).first;
  ASSERT_NE(chain, nullptr);
  EXPECT_TRUE(inside(chain, copy.data(), copy.size()));
  for (const ch15::link* at = chain->first.get(); at; at = at->next.get())
    EXPECT_TRUE(inside(at, copy.data(), copy.size())) << "link " << at->number;
  EXPECT_EQ(ch15::walk(*chain), "1 2 3 4 5");
  EXPECT_EQ(opened.get_free_memory(), built.get_free_memory());
}

// The lesson's loading child reads an image this test built and saved: it
// finds the chain at another address and walks it, whatever the test built
// (five links, then two, then one link taken out of the middle).
TEST(ExternalBuffer, AChildLoadsTheSavedBufferAtAnotherAddressAndWalksTheChain) {
  IPCLAB_CHECKS_THE_CHAPTER();
  harness::temp_folder folder("ch15test");
  const std::string image = folder.file(ch15::image_name).string();
  for (const auto& [count, cut, numbers] : {std::tuple{5u, false, "1 2 3 4 5"}, std::tuple{2u, false, "1 2"},
                                            std::tuple{5u, true, "1 2 4 5"}}) {
    SCOPED_TRACE(numbers);
    ch15::aligned_memory memory(ch15::buffer_size);
    managed_external_buffer buffer(create_only, memory.data(), memory.size());
    ch15::chain& chain = build_chain(buffer, count);
    if (cut) chain.first->next->next = chain.first->next->next->next;
    ch15::write_image(image, memory);
    const auto child = run_child_role("15", {"load", image});
    ASSERT_TRUE(child.succeeded()) << child.describe() << "\n" << child.err;
    EXPECT_EQ(child.out, ch15::chain_line(numbers));
    EXPECT_EQ(support::fact(child, "child", "built_at"), harness::text(memory.data()));
    support::expect_different_heap_blocks(as_number(support::fact(child, "child", "base")), as_number(memory.data()));
  }
}

// Bad input to the child role: one clear sentence, a defined exit code,
// nothing printed, nothing created. IMAGE, EMPTYIMAGE, SHORTIMAGE, FOLDER and
// MISSING are replaced by the test's own.
using BadInput = support::bad_input;

class AnonymousMemoryBadInput : public ::testing::TestWithParam<BadInput> {
 protected:
  harness::temp_folder folder{"ch15test"};
  std::string path(const char* name) { return folder.file(name).string(); }
};

TEST_P(AnonymousMemoryBadInput, ChildRejectsItWithOneSentenceAndTheRightExitCode) {
  IPCLAB_CHECKS_THE_CHAPTER();
  ch15::aligned_memory memory(ch15::buffer_size);
  { managed_external_buffer empty(create_only, memory.data(), memory.size()); }
  const std::string empty_image = path("empty.image"), short_image = path("short.image");
  ch15::write_image(empty_image, memory);
  std::ofstream(short_image) << "not a buffer";
  auto args = support::substitute(GetParam().args, "EMPTYIMAGE", empty_image);
  args = support::substitute(args, "SHORTIMAGE", short_image);
  args = support::substitute(args, "FOLDER", folder.path().string());
  args = support::substitute(args, "MISSING", path("missing.image"));
  auto sentence = support::substitute(GetParam().sentence, "EMPTYIMAGE", empty_image);
  sentence = support::substitute(sentence, "SHORTIMAGE", short_image);
  sentence = support::substitute(sentence, "FOLDER", folder.path().string());
  sentence = support::substitute(sentence, "MISSING", path("missing.image"));
  const auto child = run_child_role("15", args);
  EXPECT_TRUE(support::rejected_cleanly(child, GetParam().exit_code, sentence));
  EXPECT_EQ(std::distance(fs::directory_iterator(folder.path()), fs::directory_iterator()), 2)
      << "the rejected child created a file";
}

INSTANTIATE_TEST_SUITE_P(
    Chapter15, AnonymousMemoryBadInput,
    ::testing::Values(
        BadInput{"NoAction", {}, harness::exit_usage, "takes an action, 'look' or 'load', not ''"},
        BadInput{"UnknownAction", {"map", "0x1000"}, harness::exit_usage, "not 'map'"},
        BadInput{"LookWithoutAddress", {"look"}, harness::exit_usage, "takes 2 arguments but got 1"},
        BadInput{"LoadWithAnExtraArgument", {"load", "EMPTYIMAGE", "x"}, harness::exit_usage,
                 "takes 2 arguments but got 3"},
        BadInput{"AddressWithoutPrefix", {"look", "7f00"}, harness::exit_usage,
                 "the address '7f00' is not 0x and hex digits"},
        BadInput{"AddressNotHex", {"look", "0x7g"}, harness::exit_usage, "the address '0x7g' is not 0x and hex digits"},
        BadInput{"AddressTooLong", {"look", "0x11112222333344445"}, harness::exit_usage, "is not 0x and hex digits"},
        BadInput{"EmptyImagePath", {"load", ""}, harness::exit_usage, "the image's path must not be empty"},
        BadInput{"RelativeImagePath", {"load", "buffer.image"}, harness::exit_usage,
                 "the image's path 'buffer.image' is not absolute"},
        BadInput{"ImageDoesNotExist", {"load", "MISSING"}, harness::exit_resource,
                 "cannot read the image 'MISSING': No such file or directory"},
        BadInput{"ImageIsAFolder", {"load", "FOLDER"}, harness::exit_resource,
                 "cannot read the image 'FOLDER': Is a directory"},
        BadInput{"ImageOfAnotherSize", {"load", "SHORTIMAGE"}, harness::exit_usage,
                 "the image 'SHORTIMAGE' holds 12 bytes, not the 16384 of a buffer"},
        BadInput{"ImageWithoutTheChain", {"load", "EMPTYIMAGE"}, harness::exit_resource,
                 "segment 'EMPTYIMAGE' has no object named 'chain' (it holds no named object)"}),
    [](const auto& info) { return info.param.label; });

}  // namespace
