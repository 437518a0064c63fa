#pragma once
// What the chapter tests share: running a chapter's roles, reading narration
// and error lines, and preparing segments.

#include <string>
#include <vector>

#include <boost/interprocess/managed_shared_memory.hpp>
#include <gtest/gtest.h>

#include "harness/spawn.hpp"

namespace ipclab::support {

/// The built program of chapter `number` (from the catalog); fails the test if absent.
std::string chapter_program(const std::string& number);

/// Runs chapter `number` as the child role with `args`.
harness::spawn_result run_child_role(const std::string& number, const std::vector<std::string>& args);

/// Runs chapter `number` as the parent role (no arguments): the whole lesson.
harness::spawn_result run_parent_role(const std::string& number);

/// The lines of `text` that contain "error:".
std::vector<std::string> error_lines(const std::string& text);

/// Success when `child` is a clean rejection of bad input: it exited (no
/// signal, no timeout) with `exit_code`, wrote exactly one "error:" line on
/// stderr and that line contains `sentence`, printed nothing on stdout, and
/// left no /dev/shm entry of its own behind.
::testing::AssertionResult rejected_cleanly(const harness::spawn_result& child, int exit_code,
                                            const std::string& sentence);

/// The first capture of `pattern` (an ECMAScript regex) in `text`, or "".
std::string first_match(const std::string& text, const std::string& pattern);

/// Fills every byte the segment could hand out with 0xAB, then frees it again,
/// so the next allocate() returns memory that is not zero: code that forgets a
/// terminating NUL then shows it.
void dirty_free_memory(boost::interprocess::managed_shared_memory& segment);

}  // namespace ipclab::support
