// Chaos: children that die or hang at every step of every chapter, parents
// killed while their child runs. Whatever happens, the harness says what
// happened, the parent fails with a clear message, and nothing is left in
// /dev/shm that the sweep would not remove.
#include <algorithm>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <thread>
#include <tuple>

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
  if (text.empty()) {
    ADD_FAILURE() << "no name to look for";
    return false;
  }
  for (int i = 0; i < 500 && !processes_mentioning(text).empty(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  return processes_mentioning(text).empty();
}

// The segment a parent reported creating.
std::string segment_created_in(const spawn_result& parent) { return facts(parent.err).first("parent", "segment"); }

// The parent of `pid`, from /proc/PID/stat, or 0.
pid_t parent_of(pid_t pid) {
  const auto stat = read_proc_file("/proc/" + std::to_string(pid) + "/stat");
  const auto after_name = stat.rfind(')');
  if (after_name == std::string::npos) return 0;
  std::istringstream fields(stat.substr(after_name + 2));
  std::string state;
  pid_t parent = 0;
  fields >> state >> parent;
  return parent;
}

// The variable that marks the processes one test started (and their children,
// who inherit it): other tests run chapters at the same time.
constexpr const char* tag_variable = "IPCLAB_TEST_TAG";

// A running chapter child started under `tag`: its pid and the first of its
// arguments that is a /dev/shm name (its segment).
struct tagged_child {
  pid_t pid = 0;
  std::string segment;
};

// Waits up to 20 s for a chapter's child (argv "PROGRAM child ...") whose
// environment holds IPCLAB_TEST_TAG=`tag` to run.
tagged_child child_tagged(const std::string& tag) {
  const std::string marker = std::string(tag_variable) + "=" + tag;
  for (int i = 0; i < 2000; ++i) {
    for (const auto& entry : fs::directory_iterator("/proc")) {
      const auto name = entry.path().filename().string();
      if (name.find_first_not_of("0123456789") != std::string::npos) continue;
      const auto environment = read_proc_file(entry.path() / "environ");
      if (environment.find(std::string(1, '\0') + marker + '\0') == std::string::npos &&
          !environment.starts_with(marker + '\0'))
        continue;
      std::vector<std::string> args;
      std::istringstream command_line(read_proc_file(entry.path() / "cmdline"));
      for (std::string arg; std::getline(command_line, arg, '\0');) args.push_back(arg);
      if (args.size() < 2 || args[1] != "child") continue;
      for (const auto& arg : args)
        if (arg.starts_with("ipclab-") && fs::exists("/dev/shm/" + arg)) return {std::stoi(name), arg};
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return {};
}

spawn_result run_parent(const chapter_entry& chapter, const std::string& fault,
                        std::chrono::milliseconds timeout = std::chrono::seconds(60),
                        const std::string& child_timeout_ms = "1000", const std::string& tag = "") {
  return spawn(chapter.program, {},
               {.timeout = timeout,
                .environment = {{"IPCLAB_FAULT", fault}, {"IPCLAB_CHILD_TIMEOUT_MS", child_timeout_ms},
                                {facts_variable, "1"}, {tag_variable, tag}}});
}

// The longest patience the chaos runs give a chapter's processes: the
// shortest any chapter has by default.
constexpr std::chrono::milliseconds longest_patience{2000};

class EveryChapter : public ::testing::TestWithParam<chapter_entry> {
 protected:
  // How many steps the busiest `role` narrates in a clean run. The run's time
  // also sets the patience of the faulty runs (see patience_).
  int steps_of_a_clean_run(const std::string& role) {
    const auto clean = spawn(GetParam().program, {}, {.environment = {{facts_variable, "1"}}});
    EXPECT_TRUE(clean.succeeded()) << clean.describe() << "\n" << clean.err;
    patience_ = std::min(support::hang_timeout(clean.elapsed), longest_patience);
    return most_steps(steps_of(clean, role));
  }
  int child_steps() { return steps_of_a_clean_run("child"); }
  int parent_steps() { return steps_of_a_clean_run("parent"); }

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

  // Runs the chapter once per fault and step, `role` (parent, child) meeting
  // `fault` (kill, hang, int, term, hup) at that step, children given
  // `timeout`; `at_once` runs at a time (all of them if 0), each with its own
  // segment and children: the test waits out one timeout, not one a step.
  // The results come fault by fault, step by step.
  //
  // The survivors of a fault wait for their dead or hung peer until their
  // patience (IPCLAB_PATIENCE_MS) runs out: here, three times a whole clean
  // run, for no wait for a live peer lasts longer than the run it is part of.
  std::vector<spawn_result> with_faults_at_every_step(const std::string& role, const std::vector<std::string>& faults,
                                                      int steps, std::chrono::milliseconds timeout, int at_once = 0) {
    std::vector<spawn_request> runs;
    for (const auto& fault : faults)
      for (int step = 1; step <= steps; ++step)
        runs.push_back({GetParam().program, {}, {{"IPCLAB_FAULT", role + ":" + fault + "@" + std::to_string(step)}}});
    const std::size_t batch = at_once > 0 ? static_cast<std::size_t>(at_once) : runs.size();
    std::vector<spawn_result> results;
    for (std::size_t first = 0; first < runs.size(); first += batch) {
      const std::vector<spawn_request> some(runs.begin() + first, runs.begin() + std::min(runs.size(), first + batch));
      for (auto& result : spawn_many(some, {.timeout = std::chrono::seconds(60),
                                            .environment = {{"IPCLAB_CHILD_TIMEOUT_MS", std::to_string(timeout.count())},
                                                            {"IPCLAB_PATIENCE_MS", std::to_string(patience_.count())},
                                                            {facts_variable, "1"}}}))
        results.push_back(std::move(result));
    }
    return results;
  }
  std::vector<spawn_result> with_fault_at_every_step(const std::string& role, const std::string& fault, int steps,
                                                     std::chrono::milliseconds timeout, int at_once = 0) {
    return with_faults_at_every_step(role, {fault}, steps, timeout, at_once);
  }
  std::vector<spawn_result> with_child_fault_at_every_step(const std::string& fault, int steps,
                                                           std::chrono::milliseconds timeout) {
    return with_fault_at_every_step("child", fault, steps, timeout);
  }

  std::chrono::milliseconds patience_ = longest_patience;

  // A run whose child met `fault` at `step`: the parent failed, said so, and
  // left nothing behind; no child of it still runs.
  void expect_clean_failure(const spawn_result& parent, const std::string& ending, int step) {
    EXPECT_EQ(parent.describe(), "exited 1") << parent.err;
    const auto error = parent.err.find("error: invariant failed: ");
    ASSERT_NE(error, std::string::npos) << parent.err;
    const auto sentence = parent.err.substr(error, parent.err.find('\n', error) - error);
    EXPECT_NE(sentence.find(ending + " at step " + std::to_string(step) + ": "), std::string::npos) << sentence;
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
  // The survivors must outwait the hung child's timeout, so that its timeout is what the parent reports.
  patience_ = std::min(std::max(patience_, 2 * child_timeout), longest_patience);
  const auto parents = with_child_fault_at_every_step("hang", steps, child_timeout);
  // The harness's own wording for that timeout: "timed out after 300 ms".
  const auto timed_out = spawn_result{.how = ending::timed_out, .timeout = child_timeout}.describe();
  for (int step = 1; step <= steps; ++step) {
    SCOPED_TRACE("child:hang@" + std::to_string(step));
    expect_clean_failure(parents[step - 1], timed_out, step);
    EXPECT_LT(parents[step - 1].elapsed, child_timeout * 3 + std::chrono::seconds(5));
  }
}

// Ctrl-C (SIGINT) or SIGTERM at any step of the parent: it removes what it
// created (its segment, its named mutex) and dies of that signal, so that its
// exit status still says why; its children die with it. SIGHUP, at the first
// step, the same.
TEST_P(EveryChapter, ASignalAtAnyStepOfTheParentLeavesNothingAndItsStatusNamesIt) {
  const int steps = parent_steps();
  ASSERT_GT(steps, 0);
  for (const auto& [fault, signal] : {std::pair{"int", "SIGINT"}, std::pair{"term", "SIGTERM"}, std::pair{"hup", "SIGHUP"}}) {
    // No deadline is measured here: four at a time keep a sanitizer build's
    // children (four a parent in chapter 07) from starving one another.
    const auto parents = with_fault_at_every_step("parent", fault, fault == std::string("hup") ? 1 : steps,
                                                  std::chrono::seconds(20), 4);
    for (std::size_t step = 1; step <= parents.size(); ++step) {
      SCOPED_TRACE(std::string("parent:") + fault + "@" + std::to_string(step));
      const auto& parent = parents[step - 1];
      EXPECT_EQ(parent.describe(), std::string("killed by ") + signal) << parent.err;
      EXPECT_EQ(steps_of(parent, "parent")[parent.pid], static_cast<int>(step)) << "it did not stop at its step";
      EXPECT_TRUE(entries_created_by(parent.pid).empty())
          << "left /dev/shm/" << entries_created_by(parent.pid).front().file_name;
      EXPECT_TRUE(none_mentioning(segment_created_in(parent))) << "a child outlived its parent";
    }
  }
}

// SIGINT or SIGTERM at any step of a child: the child dies of it, the parent
// says so, and neither leaves anything.
TEST_P(EveryChapter, ASignalAtAnyStepOfAChildIsReportedAndLeavesNothing) {
  const int steps = child_steps();
  ASSERT_GT(steps, 0);
  // Both signals in one round of runs, four at a time: a run mostly waits for
  // the other processes' deadlines, so it need not wait for the other signal's.
  const auto parents = with_faults_at_every_step("child", {"int", "term"}, steps, std::chrono::seconds(20), 4);
  for (const auto& [index, fault, signal] : {std::tuple{0, "int", "SIGINT"}, std::tuple{1, "term", "SIGTERM"}})
    for (int step = 1; step <= steps; ++step) {
      SCOPED_TRACE(std::string("child:") + fault + "@" + std::to_string(step));
      expect_clean_failure(parents[index * steps + step - 1], std::string("killed by ") + signal, step);
    }
}

INSTANTIATE_TEST_SUITE_P(Chaos, EveryChapter, ::testing::ValuesIn(lessons()),
                         [](const auto& info) { return "Chapter" + info.param.number; });

// A Ctrl-C while `ipclab run` shows a chapter: the chapter runs in a process
// group of its own, so the terminal's SIGINT reaches only ipclab, which passes
// it on. The chapter removes its segment and named mutex and dies of SIGINT;
// then ipclab says so and dies of SIGINT too.
TEST(Chaos, ACtrlCDuringRunIsPassedToTheChapterWhichRemovesWhatItCreated) {
  const auto& chapter = *find_chapter("07");  // a segment and a named mutex, both in the hung child's argv
  const auto tag = unique_name("ctrlc");
  spawn_result cli;
  std::thread running([&] {
    cli = spawn(IPCLAB_CLI, {"run", chapter.number},
                {.timeout = std::chrono::seconds(20),
                 .environment = {{"IPCLAB_FAULT", "child:hang@1"}, {"IPCLAB_CHILD_TIMEOUT_MS", "60000"},
                                 {tag_variable, tag}}});
  });
  // The hung child's argv names the segment; its parent is the chapter, whose parent is ipclab.
  const auto [child, segment] = child_tagged(tag);
  if (!child) {
    running.join();  // ipclab's own deadline ends it
    FAIL() << "no child of chapter " << chapter.number << " started: " << cli.describe() << "\n" << cli.err;
  }
  std::string mutex;
  const pid_t program = parent_of(child);
  const pid_t ipclab = parent_of(program);
  for (const auto& entry : list_ipclab_entries())
    if (entry.file_name.starts_with("sem.") && entry.creator == program) mutex = entry.file_name;
  ::kill(ipclab, SIGINT);
  running.join();
  EXPECT_EQ(cli.describe(), "killed by SIGINT") << cli.out << cli.err;
  EXPECT_NE(cli.out.find("stopped: chapter " + chapter.number + " killed by SIGINT after SIGINT"), std::string::npos)
      << cli.out;
  EXPECT_FALSE(std::filesystem::exists("/dev/shm/" + segment)) << segment;
  EXPECT_FALSE(mutex.empty() || std::filesystem::exists("/dev/shm/" + mutex)) << "the named mutex: " << mutex;
  EXPECT_TRUE(entries_created_by(program).empty());
  EXPECT_TRUE(none_mentioning(segment)) << "the hung child outlived its parent";
}

// A parent stopped at its deadline while its child runs: SIGTERM lets it
// remove its segment before it dies, and its child dies with it.
TEST(Chaos, AParentStoppedAtItsDeadlineWhileItsChildRunsRemovesItsSegment) {
  const auto& chapter = lessons().front();
  // Stopped once its child has surely started: after three clean runs' time.
  const auto clean = spawn(chapter.program, {});
  const auto parent = run_parent(chapter, "child:hang@1", support::hang_timeout(clean.elapsed), "60000");
  ASSERT_EQ(parent.how, ending::timed_out) << parent.describe() << "\n" << parent.err;
  EXPECT_EQ(parent.signal, SIGTERM) << "it took SIGKILL to stop it";
  const auto segment = segment_created_in(parent);
  ASSERT_FALSE(segment.empty()) << parent.err;
  EXPECT_TRUE(none_mentioning(segment)) << "the child outlived its parent";
  EXPECT_TRUE(entries_created_by(parent.pid).empty()) << "the parent left its segment";
}

// SIGKILL cannot be caught: a parent killed so while its child runs leaves
// its segment behind (its owner never ran); the child dies with it
// (PR_SET_PDEATHSIG), and the sweep that opens every test run removes the
// segment of the dead creator.
TEST(Chaos, AParentKilledWhileItsChildRunsLeavesAStaleSegmentTheSweepRemoves) {
  const auto& chapter = lessons().front();
  const auto tag = unique_name("sigkill");
  spawn_result parent;
  std::thread running([&] { parent = run_parent(chapter, "child:hang@1", std::chrono::seconds(20), "60000", tag); });
  const auto [child, segment] = child_tagged(tag);
  if (child) ::kill(parent_of(child), SIGKILL);
  running.join();
  ASSERT_NE(child, 0) << "no child started: " << parent.describe() << "\n" << parent.err;
  EXPECT_EQ(parent.describe(), "killed by SIGKILL");
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
  const auto& chapter = lessons().front();
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
