// Chaos: children that die or hang at every step of every chapter, parents
// killed while their child runs. Whatever happens, the harness says what
// happened, the parent fails with a clear message, and nothing is left in
// /dev/shm that the sweep would not remove.
#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "harness/catalog.hpp"
#include "harness/chapter.hpp"
#include "harness/facts.hpp"
#include "harness/spawn.hpp"
#include "harness/sweep.hpp"
#include "support.hpp"

using namespace ipclab::harness;
namespace support = ipclab::support;
namespace fs = std::filesystem;

namespace {

// The last step each process in `role` reached in a run, from its facts.
std::map<pid_t, int> steps_of(const spawn_result& run, const std::string& role) {
  return facts(run.err).last_steps(role);
}

int most_steps(const std::map<pid_t, int>& steps) {
  int most = 0;
  for (const auto& [pid, count] : steps) most = std::max(most, count);
  return most;
}

bool running(pid_t pid) { return ::kill(pid, 0) == 0; }

// Processes whose command line mentions `text` (a segment name a child got in its argv).
std::vector<pid_t> processes_mentioning(const std::string& text) {
  std::vector<pid_t> found;
  for (const auto& entry : fs::directory_iterator("/proc")) {
    const auto name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    const auto args = read_proc_file(entry.path() / "cmdline");
    if (args.find(text) != std::string::npos && std::stoi(name) != ::getpid()) found.push_back(std::stoi(name));
  }
  return found;
}

// Waits up to 5 s for no process to mention `text`.
bool none_mentioning(const std::string& text) {
  for (int i = 0; i < 500 && !processes_mentioning(text).empty(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  return processes_mentioning(text).empty();
}

// The segment a parent reported creating.
std::string segment_created_in(const spawn_result& parent) { return facts(parent.err).first("parent", "segment"); }

spawn_result run_parent(const chapter_entry& chapter, const std::string& fault,
                        std::chrono::milliseconds timeout = std::chrono::seconds(60),
                        const std::string& child_timeout_ms = "1000") {
  return spawn(chapter.program, {},
               {.timeout = timeout,
                .environment = {{"IPCLAB_FAULT", fault}, {"IPCLAB_CHILD_TIMEOUT_MS", child_timeout_ms},
                                {facts_variable, "1"}}});
}

class EveryChapter : public ::testing::TestWithParam<chapter_entry> {
 protected:
  // How many steps the busiest child narrates in a clean run.
  int child_steps() {
    const auto clean = spawn(GetParam().program, {}, {.environment = {{facts_variable, "1"}}});
    EXPECT_TRUE(clean.succeeded()) << clean.describe() << "\n" << clean.err;
    return most_steps(steps_of(clean, "child"));
  }

  // The timeout for hung children when `parents` parents run at once: from
  // as many clean runs at once, the slowest, measured here and now (a
  // sanitizer build, Valgrind or a loaded machine slows both alike).
  std::chrono::milliseconds hang_timeout_for(int parents) {
    std::chrono::milliseconds slowest{0};
    for (const auto& clean : spawn_many(std::vector(parents, spawn_request{GetParam().program, {}}))) {
      EXPECT_TRUE(clean.succeeded()) << clean.describe() << "\n" << clean.err;
      slowest = std::max(slowest, clean.elapsed);
    }
    return support::hang_timeout(slowest);
  }

  // The chapter's parent run once for every step 1..steps, each with its
  // children meeting `fault` (kill, hang) at that step and given
  // `timeout`. All at once, each with its own segment and children: the
  // test waits out one timeout, not one a step.
  std::vector<spawn_result> with_child_fault_at_every_step(const std::string& fault, int steps,
                                                           std::chrono::milliseconds timeout) {
    std::vector<spawn_request> parents;
    for (int step = 1; step <= steps; ++step)
      parents.push_back({GetParam().program, {}, {{"IPCLAB_FAULT", "child:" + fault + "@" + std::to_string(step)}}});
    return spawn_many(parents, {.timeout = std::chrono::seconds(60),
                                .environment = {{"IPCLAB_CHILD_TIMEOUT_MS", std::to_string(timeout.count())},
                                                {facts_variable, "1"}}});
  }

  // A run whose child met `fault` at `step`: the parent failed, said so, and
  // left nothing behind; no child of it still runs.
  void expect_clean_failure(const spawn_result& parent, const std::string& ending, int step) {
    EXPECT_EQ(parent.describe(), "exited 1") << parent.err;
    std::smatch error;
    ASSERT_TRUE(std::regex_search(parent.err, error, std::regex("error: invariant failed: ([^\\n]*)"))) << parent.err;
    EXPECT_NE(error[1].str().find(ending + " at step " + std::to_string(step) + ": "), std::string::npos)
        << error[1];
    EXPECT_TRUE(entries_created_by(parent.pid).empty()) << "the parent left its segment";
    for (const auto& [child, steps] : steps_of(parent, "child")) {
      EXPECT_FALSE(running(child)) << "child " << child << " still runs";
      EXPECT_TRUE(entries_created_by(child).empty()) << "child " << child << " left an entry";
    }
  }
};

TEST_P(EveryChapter, AChildKilledAtAnyStepIsReportedAsKilledAtThatStep) {
  const int steps = child_steps();
  ASSERT_GT(steps, 0);
  const auto parents = with_child_fault_at_every_step("kill", steps, std::chrono::seconds(20));
  for (int step = 1; step <= steps; ++step) {
    SCOPED_TRACE("child:kill@" + std::to_string(step));
    expect_clean_failure(parents[step - 1], "killed by SIGKILL", step);
  }
}

TEST_P(EveryChapter, AChildHungAtAnyStepIsKilledAtItsTimeoutAndReported) {
  const int steps = child_steps();
  ASSERT_GT(steps, 0);
  const auto child_timeout = hang_timeout_for(steps);
  const auto parents = with_child_fault_at_every_step("hang", steps, child_timeout);
  // The harness's own wording for that timeout: "timed out after 300 ms".
  const auto timed_out = spawn_result{.how = ending::timed_out, .timeout = child_timeout}.describe();
  for (int step = 1; step <= steps; ++step) {
    SCOPED_TRACE("child:hang@" + std::to_string(step));
    expect_clean_failure(parents[step - 1], timed_out, step);
    EXPECT_LT(parents[step - 1].elapsed, child_timeout * 3 + std::chrono::seconds(5));
  }
}

INSTANTIATE_TEST_SUITE_P(Chaos, EveryChapter, ::testing::ValuesIn(catalog()),
                         [](const auto& info) { return "Chapter" + info.param.number; });

// A parent killed while its child runs leaves its segment behind (its owner
// never ran); the child dies with it (PR_SET_PDEATHSIG), and the sweep that
// opens every test run removes the segment of the dead creator.
TEST(Chaos, AParentKilledWhileItsChildRunsLeavesAStaleSegmentTheSweepRemoves) {
  const auto& chapter = catalog().front();
  // Killed once its child has surely started: after three clean runs' time.
  const auto clean = spawn(chapter.program, {});
  const auto parent = run_parent(chapter, "child:hang@1", support::hang_timeout(clean.elapsed), "60000");
  ASSERT_EQ(parent.how, ending::timed_out) << parent.describe() << "\n" << parent.err;
  const auto segment = segment_created_in(parent);
  ASSERT_FALSE(segment.empty()) << parent.err;
  EXPECT_TRUE(none_mentioning(segment)) << "the child outlived its parent";

  const auto left = entries_created_by(parent.pid);
  ASSERT_EQ(left.size(), 1u) << "a killed parent cannot remove its segment: expected it in /dev/shm";
  EXPECT_EQ(left[0].file_name, segment);
  EXPECT_FALSE(left[0].creator_alive);
  const auto report = sweep_stale_entries();
  std::set<std::string> removed;
  for (const auto& entry : report.removed) removed.insert(entry.file_name);
  EXPECT_EQ(removed.count(segment), 1u);
  EXPECT_TRUE(entries_created_by(parent.pid).empty());
}

// The same for a parent that dies at each of its own steps, child or no child.
TEST(Chaos, AParentKilledAtAnyStepLeavesNothingTheSweepDoesNotRemove) {
  const auto& chapter = catalog().front();
  const auto clean = spawn(chapter.program, {}, {.environment = {{facts_variable, "1"}}});
  const int steps = most_steps(steps_of(clean, "parent"));
  ASSERT_GT(steps, 0);
  for (int step = 1; step <= steps; ++step) {
    SCOPED_TRACE("parent:kill@" + std::to_string(step));
    const auto parent = run_parent(chapter, "parent:kill@" + std::to_string(step));
    EXPECT_EQ(parent.describe(), "killed by SIGKILL");
    const auto segment = segment_created_in(parent);
    ASSERT_FALSE(segment.empty());
    EXPECT_TRUE(none_mentioning(segment)) << "a child outlived its parent";
    sweep_stale_entries();
    EXPECT_TRUE(entries_created_by(parent.pid).empty());
  }
}

}  // namespace
