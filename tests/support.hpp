#pragma once
// What the chapter tests share: running a chapter's roles, reading their
// facts and error lines, and preparing segments.

#include <chrono>
#include <cstdint>
#include <string>
#include <thread>
#include <string_view>
#include <vector>

#include <sys/types.h>

#include <boost/date_time/posix_time/posix_time_types.hpp>
#include <boost/interprocess/managed_shared_memory.hpp>
#include <gtest/gtest.h>

#include "claims.hpp"
#include "harness/catalog.hpp"
#include "harness/facts.hpp"
#include "harness/names.hpp"
#include "harness/segment_owner.hpp"
#include "harness/spawn.hpp"

namespace ipclab::harness {
/// GoogleTest names a chapter parameter by its number, not by its bytes.
void PrintTo(const chapter_entry& chapter, std::ostream* out);
}  // namespace ipclab::harness

namespace ipclab::support {

/// The base of a test that plays the parent: it owns a fresh managed segment
/// of `Size` bytes, created owner-only under a unique name and removed after
/// the test, whatever happens in it.
template <std::size_t Size>
class owned_segment_test : public ::testing::Test {
 protected:
  harness::segment_owner owner{harness::unique_name("test")};
  boost::interprocess::managed_shared_memory segment{boost::interprocess::create_only, owner.c_str(), Size,
                                                     nullptr, harness::owner_only()};
};

/// After `segment.destroy<T>(name)`: success when it returned true (pass its
/// result), the free memory and the number of named objects are back to what
/// they were before the object was built, all memory is deallocated, the
/// segment is sane, find<T> returns null with a count of 0 (the docs promise
/// only the null pointer; 1.81 also zeroes the count), and a second destroy
/// returns false.
template <class T>
::testing::AssertionResult destroyed_without_a_trace(boost::interprocess::managed_shared_memory& segment,
                                                     const char* name, bool destroyed,
                                                     std::size_t free_before, std::size_t named_before) {
  auto failure = ::testing::AssertionFailure();
  bool failed = false;
  auto check = [&](bool holds, const std::string& what) {
    if (!holds) failure << (failed ? "; " : "") << what;
    failed = failed || !holds;
  };
  check(destroyed, "destroy returned false");
  check(segment.get_free_memory() == free_before, "free memory is " + std::to_string(segment.get_free_memory()) +
                                                      ", not " + std::to_string(free_before));
  check(segment.all_memory_deallocated(), "not all memory is deallocated");
  check(segment.check_sanity(), "the segment fails its sanity check");
  check(segment.get_num_named_objects() == named_before, "the number of named objects is not back");
  const auto found = segment.find<T>(name);
  check(found.first == nullptr && found.second == 0, "find still returns the object or a count");
  check(!segment.destroy<T>(name), "a second destroy returned true");
  return failed ? failure : ::testing::AssertionSuccess();
}

/// The built program of chapter `number` (from the catalog), or the program
/// named by the environment variable IPCLAB_CHAPTER_PROGRAM when it is set:
/// `ipclab verify` checks an exercise with the chapter's own tests that way.
std::string chapter_program(const std::string& number);

/// How long to let a child run that is expected to hang before it is killed:
/// three times `clean_run`, what the same run took here when nothing hung (a
/// sanitizer or Valgrind build runs many times slower), at least 300 ms, in
/// whole 100 ms. Long enough for the child to reach its hang on any build;
/// no longer, because the suite waits it out.
std::chrono::milliseconds hang_timeout(std::chrono::milliseconds clean_run);

/// A chapter's whole run, as `ipclab run NN` does it, went as a lesson must:
/// the program exited 0, both roles reached a step (facts of the parent and
/// of a child), and nothing the parent created is left in /dev/shm.
::testing::AssertionResult ran_both_roles_and_left_nothing(const harness::spawn_result& run);

/// One row of a chapter's bad-input table: the child role's arguments (the
/// test replaces placeholders such as SEGMENT with its own names), the exit
/// code it must end with, and what its one error line must say.
struct bad_input {
  std::string label;
  std::vector<std::string> args;
  int exit_code;
  std::string sentence;
};
/// A failing row names itself by its label, not by its bytes.
void PrintTo(const bad_input& input, std::ostream* out);

/// Runs chapter `number` as the child role with `args`, asking for its facts.
harness::spawn_result run_child_role(const std::string& number, const std::vector<std::string>& args);

/// Runs chapter `number` as the parent role (no arguments), the whole lesson,
/// asking for its facts and its children's.
harness::spawn_result run_parent_role(const std::string& number);

/// The facts a run reported (on stderr, see harness/facts.hpp).
inline harness::facts facts_of(const harness::spawn_result& run) { return harness::facts(run.err); }

/// The first value of the fact `key` that a process in `role` reported in
/// `run`; a test failure, and "", when there is none.
std::string fact(const harness::spawn_result& run, std::string_view role, std::string_view key);

/// The lines of `text` that contain "error:".
std::vector<std::string> error_lines(const std::string& text);

/// Success when `child` is a clean rejection of bad input: it exited (no
/// signal, no timeout) with `exit_code`, wrote exactly one "error:" line on
/// stderr and that line contains `sentence`, printed nothing on stdout, and
/// left no /dev/shm entry of its own behind.
::testing::AssertionResult rejected_cleanly(const harness::spawn_result& child, int exit_code,
                                            const std::string& sentence);

/// `args` with every argument equal to `placeholder` replaced by `value`
/// (a bad-input table names the test's segment "SEGMENT", say).
std::vector<std::string> substitute(std::vector<std::string> args, std::string_view placeholder,
                                    const std::string& value);

/// `text` with every occurrence of `placeholder` replaced by `value`.
std::string substitute(std::string text, std::string_view placeholder, const std::string& value);

/// An address as a number: from a fact's "0x7f..." text, or from a pointer.
std::uintptr_t as_number(const std::string& hex);
std::uintptr_t as_number(const void* address);

/// True when every process gets its own randomised mmap base: address space
/// layout randomisation is on (/proc/sys/kernel/randomize_va_space is not 0,
/// and this process does not run with ADDR_NO_RANDOMIZE, as under `setarch -R`
/// or gdb) and the test does not run under Valgrind, whose layout is deterministic.
/// Only then are a parent's and a child's mappings of a segment bound to
/// differ; nothing else can force it across processes (a mapping address
/// asked of Boost is only a hint to mmap).
bool mmap_bases_are_randomised();

/// Expects the child's and this process's mappings of a segment to start at
/// different addresses where mmap_bases_are_randomised(), and says why it
/// cannot be checked elsewhere.
void expect_different_bases(std::uintptr_t child_base, std::uintptr_t our_base);

/// True when a block of the heap lands at an address of its own in each
/// process: mmap_bases_are_randomised(), and no sanitizer's allocator, which
/// hands out the same addresses in every process, runs the test.
bool heap_addresses_are_randomised();

/// Expects a child's block of its heap and this process's to start at
/// different addresses where heap_addresses_are_randomised(), and says why it
/// cannot be checked elsewhere.
void expect_different_heap_blocks(std::uintptr_t child_block, std::uintptr_t our_block);

/// Fills every byte the segment could hand out with 0xAB, then frees it again,
/// so the next allocate() returns memory that is not zero: code that forgets a
/// terminating NUL then shows it.
void dirty_free_memory(boost::interprocess::managed_shared_memory& segment);


/// Time as the tests measure it.
using steady = std::chrono::steady_clock;

/// Milliseconds from `start` to now.
inline std::chrono::milliseconds since(steady::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(steady::now() - start);
}

/// A deadline `wait` from now for Boost's timed calls, computed here rather
/// than by a lesson: wall-clock (UTC) time, as the pthread and POSIX
/// semaphore calls under them want.
inline boost::posix_time::ptime in(std::chrono::milliseconds wait) {
  return boost::posix_time::microsec_clock::universal_time() + boost::posix_time::milliseconds(wait.count());
}

/// Polls `ready()` every millisecond until it holds (true) or `within` passes
/// (false). Each poll calls it once: it may have effects, such as reaping a child.
template <class Ready>
bool eventually(Ready ready, std::chrono::milliseconds within = std::chrono::seconds(10)) {
  for (const auto start = steady::now();; std::this_thread::sleep_for(std::chrono::milliseconds(1))) {
    if (ready()) return true;
    if (since(start) >= within) return false;
  }
}

/// The processes other than this one whose command line mentions `text`.
std::vector<pid_t> processes_mentioning(const std::string& text);

/// The first of processes_mentioning(`text`), or 0 if there is none.
pid_t process_naming(const std::string& text);

}  // namespace ipclab::support
