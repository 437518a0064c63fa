#include "support.hpp"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <sstream>

#include <gtest/gtest.h>
#include <sys/personality.h>
#include <unistd.h>
#include <valgrind/valgrind.h>

#include "harness/catalog.hpp"
#include "harness/sweep.hpp"

namespace ipclab::harness {
void PrintTo(const chapter_entry& chapter, std::ostream* out) { *out << "chapter " << chapter.number; }
}  // namespace ipclab::harness

namespace ipclab::support {

void name_claims(std::initializer_list<claim_id> claims) {
  std::string ids;
  for (const auto& claim : claims) ids.append(ids.empty() ? "" : " ").append(claim.id);
  ::testing::Test::RecordProperty("claims", ids);
}

expected expectation(claim_id id) {
  for (const auto& claim : claim_expectations)
    if (claim.id == id.id) return claim.result == "differs" ? expected::differs
                                  : claim.result == "unsupported" ? expected::unsupported
                                                                  : expected::holds;
  return expected::holds;
}

std::string chapter_program(const std::string& number) {
  // `ipclab verify` runs these tests against a learner's program instead.
  if (const char* program = std::getenv("IPCLAB_CHAPTER_PROGRAM"); program && *program) return program;
  const auto* chapter = harness::find_chapter(number);
  if (!chapter) ADD_FAILURE() << "no chapter " << number << " in the catalog";
  return chapter ? chapter->program : "/nonexistent/chapter-" + number;
}

std::chrono::milliseconds hang_timeout(std::chrono::milliseconds clean_run) {
  return std::chrono::milliseconds(std::max<long>(300, (3 * clean_run.count() + 99) / 100 * 100));
}

harness::spawn_result run_child_role(const std::string& number, const std::vector<std::string>& args) {
  std::vector<std::string> argv{"child"};
  argv.insert(argv.end(), args.begin(), args.end());
  return harness::spawn(chapter_program(number), argv, {.environment = {{harness::facts_variable, "1"}}});
}

harness::spawn_result run_parent_role(const std::string& number) {
  return harness::spawn(chapter_program(number), {}, {.environment = {{harness::facts_variable, "1"}}});
}

std::string fact(const harness::spawn_result& run, std::string_view role, std::string_view key) {
  const auto value = facts_of(run).first(role, key);
  if (value.empty()) ADD_FAILURE() << "the " << role << " reported no fact '" << key << "'; stderr:\n" << run.err;
  return value;
}

::testing::AssertionResult ran_both_roles_and_left_nothing(const harness::spawn_result& run) {
  if (!run.succeeded())
    return ::testing::AssertionFailure() << "the program " << run.describe() << "; stderr:\n" << run.err;
  for (const char* role : {"parent", "child"})
    if (facts_of(run).last_steps(role).empty())
      return ::testing::AssertionFailure() << "the " << role << " reached no step; stderr:\n" << run.err;
  if (const auto left = harness::entries_created_by(run.pid); !left.empty())
    return ::testing::AssertionFailure() << "the parent role left /dev/shm/" << left[0].file_name;
  return ::testing::AssertionSuccess();
}

void PrintTo(const bad_input& input, std::ostream* out) { *out << input.label; }

std::vector<std::string> error_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream stream(text);
  for (std::string line; std::getline(stream, line);)
    if (line.find("error:") != std::string::npos) lines.push_back(line);
  return lines;
}

::testing::AssertionResult rejected_cleanly(const harness::spawn_result& child, int exit_code,
                                            const std::string& sentence) {
  const auto errors = error_lines(child.err);
  if (child.how != harness::ending::exited || child.exit_code != exit_code)
    return ::testing::AssertionFailure() << "expected exit " << exit_code << " but the child "
                                         << child.describe() << "; stderr:\n" << child.err;
  if (errors.size() != 1)
    return ::testing::AssertionFailure() << "expected one error line, got " << errors.size()
                                         << "; stderr:\n" << child.err;
  if (errors[0].find(sentence) == std::string::npos)
    return ::testing::AssertionFailure() << "the error line does not say \"" << sentence << "\":\n"
                                         << errors[0];
  if (!child.out.empty())
    return ::testing::AssertionFailure() << "the rejected child printed on stdout: " << child.out;
  if (const auto left = harness::entries_created_by(child.pid); !left.empty())
    return ::testing::AssertionFailure() << "the child left /dev/shm/" << left[0].file_name;
  return ::testing::AssertionSuccess();
}

std::vector<std::string> substitute(std::vector<std::string> args, std::string_view placeholder,
                                    const std::string& value) {
  for (auto& arg : args)
    if (arg == placeholder) arg = value;
  return args;
}

std::string substitute(std::string text, std::string_view placeholder, const std::string& value) {
  for (auto at = text.find(placeholder); at != std::string::npos; at = text.find(placeholder, at + value.size()))
    text.replace(at, placeholder.size(), value);
  return text;
}

std::uintptr_t as_number(const std::string& hex) { return std::stoull(hex, nullptr, 16); }
std::uintptr_t as_number(const void* address) { return reinterpret_cast<std::uintptr_t>(address); }

bool mmap_bases_are_randomised() {
  if (RUNNING_ON_VALGRIND) return false;
  // `setarch -R` (and gdb) turn randomisation off for this process and its children alone
  if (::personality(0xffffffff) & ADDR_NO_RANDOMIZE) return false;
  const auto setting = harness::read_proc_file("/proc/sys/kernel/randomize_va_space");
  return !setting.empty() && setting[0] != '0';
}

bool heap_addresses_are_randomised() {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  return false;
#else
  return mmap_bases_are_randomised();
#endif
}

namespace {
// Expects two addresses to differ where `randomised` says they must, and notes why else.
void expect_different_addresses(bool randomised, std::uintptr_t child, std::uintptr_t ours, std::string_view what,
                                std::string_view why_not) {
  if (randomised) {
    EXPECT_NE(child, ours) << "both processes placed " << what << " at the same address";
  } else {
    std::cout << "[   NOTE   ] " << why_not << ": the two processes may place " << what
              << " at one address, so that they differ is not checked\n";
  }
}
}  // namespace

void expect_different_bases(std::uintptr_t child_base, std::uintptr_t our_base) {
  expect_different_addresses(mmap_bases_are_randomised(), child_base, our_base, "the segment",
                             "address randomisation is off here (or Valgrind runs the test)");
}

void expect_different_heap_blocks(std::uintptr_t child_block, std::uintptr_t our_block) {
  expect_different_addresses(heap_addresses_are_randomised(), child_block, our_block, "the block",
                             "address randomisation is off here, or a sanitizer's allocator or Valgrind runs the test");
}

void dirty_free_memory(boost::interprocess::managed_shared_memory& segment) {
  std::vector<void*> blocks;
  for (std::size_t size = segment.get_free_memory(); size >= 16; size /= 2)
    while (void* block = segment.allocate(size, std::nothrow)) {
      std::memset(block, 0xAB, size);
      blocks.push_back(block);
    }
  for (void* block : blocks) segment.deallocate(block);
}

std::vector<pid_t> processes_mentioning(const std::string& text) {
  std::vector<pid_t> found;
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const auto name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos || std::stoi(name) == ::getpid()) continue;
    if (harness::read_proc_file(entry.path() / "cmdline").find(text) != std::string::npos) found.push_back(std::stoi(name));
  }
  return found;
}

pid_t process_naming(const std::string& text) {
  const auto found = processes_mentioning(text);
  return found.empty() ? 0 : found.front();
}

}  // namespace ipclab::support
