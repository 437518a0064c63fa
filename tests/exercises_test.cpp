// `ipclab verify`, `hint` and `reset` as a learner meets them: a folder of
// exercises of the test's own, the learner's file built and checked by the
// chapter's tests with real processes.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

#include "harness/catalog.hpp"
#include "harness/chapter.hpp"
#include "harness/names.hpp"
#include "harness/spawn.hpp"

using namespace ipclab::harness;
namespace fs = std::filesystem;

namespace {

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

// `text` with `from` replaced by `to`; fails the test if `from` is not there.
std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  EXPECT_NE(at, std::string::npos) << "the reference solution no longer contains: " << from;
  return at == std::string::npos ? text : text.replace(at, from.size(), to);
}

// The reference solution of an exercise: its chapter's program source.
std::string solution_of(const exercise_entry& exercise) {
  const auto* chapter = find_chapter(exercise.number);
  EXPECT_NE(chapter, nullptr) << "exercise " << exercise.number << " has no chapter";
  return chapter ? read_file(fs::path(chapter->folder) / "main.cpp") : "";
}

class Exercises : public ::testing::Test {
 protected:
  const exercise_entry& first = exercises().front();
  fs::path dir = fs::temp_directory_path() / unique_name("exercisestest");

  void SetUp() override { ASSERT_FALSE(exercises().empty()); }
  void TearDown() override { fs::remove_all(dir); }

  fs::path learner_file(const exercise_entry& exercise) const {
    return dir / (exercise.number + "-" + exercise.topic + ".cpp");
  }
  void write_learner_file(const exercise_entry& exercise, const std::string& text) const {
    fs::create_directories(dir);
    std::ofstream(learner_file(exercise), std::ios::binary) << text;
  }
  spawn_result ipclab(std::vector<std::string> args) const {
    return spawn(IPCLAB_CLI, args,
                 {.timeout = std::chrono::minutes(4), .environment = {{"IPCLAB_EXERCISES_DIR", dir.string()}}});
  }
};

TEST_F(Exercises, FreshVerifyFailsOnTheFirstExerciseWithItsHintAndNoneDone) {
  const auto run = ipclab({"verify"});
  EXPECT_EQ(run.describe(), "exited 1") << run.err;
  EXPECT_NE(run.out.find("created " + learner_file(first).string() + " from the starter"), std::string::npos)
      << run.out;
  EXPECT_EQ(read_file(learner_file(first)), read_file(first.starter));
  EXPECT_NE(run.out.find("FAIL  exercise " + first.number + " (" + first.topic + "): its run exited 1"),
            std::string::npos) << run.out;
  EXPECT_NE(run.out.find("not done yet: TODO 1: "), std::string::npos) << run.out;
  EXPECT_NE(run.out.find(first_line(read_file(first.hint))), std::string::npos) << "no hint:\n" << run.out;
  EXPECT_NE(run.out.find("\n0/" + std::to_string(exercises().size()) + " exercises done\n"), std::string::npos)
      << run.out;
  if (exercises().size() > 1)
    EXPECT_EQ(run.out.find("exercise " + exercises()[1].number), std::string::npos) << "did not stop at the first";
}

TEST_F(Exercises, CompileErrorIsShownAtTheLearnersOwnLine) {
  const auto text = read_file(first.starter) + "\nint broken_on_purpose = ;\n";
  write_learner_file(first, text);
  const auto line = std::to_string(std::count(text.begin(), text.end(), '\n'));
  const auto run = ipclab({"verify", first.number});
  EXPECT_EQ(run.describe(), "exited 1");
  EXPECT_NE(run.out.find("FAIL  exercise " + first.number + " (" + first.topic + "): it does not compile"),
            std::string::npos) << run.out;
  EXPECT_NE(run.out.find(learner_file(first).string() + ":" + line + ":"), std::string::npos)
      << "the error does not point at line " << line << " of the learner's file:\n" << run.out;
}

// The state `ipclab list` shows for an exercise: its line's text in the
// column the header line's "exercise" starts.
std::string state_in_list(const std::string& list, const exercise_entry& exercise) {
  const auto column = list.find("exercise");
  const auto line = list.find("\n" + exercise.number + "  ");
  if (column == std::string::npos || line == std::string::npos) return "(no such line in:\n" + list + ")";
  const auto end = list.find('\n', line + 1);
  return list.substr(line + 1 + column, end - line - 1 - column);
}

TEST_F(Exercises, ACorrectAnswerPassesAndCountsAsDone) {
  EXPECT_EQ(state_in_list(ipclab({"list"}).out, first), "to do");
  write_learner_file(first, solution_of(first));
  EXPECT_EQ(state_in_list(ipclab({"list"}).out, first), "started");
  const auto one = ipclab({"verify", first.number});
  EXPECT_TRUE(one.succeeded()) << one.out;
  EXPECT_NE(one.out.find("PASS  exercise " + first.number), std::string::npos) << one.out;
  EXPECT_EQ(state_in_list(ipclab({"list"}).out, first), "done");
  const auto all = ipclab({"verify"});
  EXPECT_NE(all.out.find("\n1/" + std::to_string(exercises().size()) + " exercises done\n"), std::string::npos)
      << all.out;
  write_learner_file(first, solution_of(first) + "// changed after it passed\n");
  EXPECT_EQ(state_in_list(ipclab({"list"}).out, first), "started") << "a file changed since it passed";
}

// A learner's program that hangs is stopped, and the failure says at which
// step each process had got to.
TEST_F(Exercises, AHungRunIsReportedWithTheStepItHungAt) {
  write_learner_file(first, solution_of(first));
  const auto run = spawn(IPCLAB_CLI, {"verify", first.number},
                         {.timeout = std::chrono::minutes(4),
                          .environment = {{"IPCLAB_EXERCISES_DIR", dir.string()},
                                          {"IPCLAB_FAULT", "parent:hang@2"},
                                          {"IPCLAB_VERIFY_TIMEOUT_MS", "1500"}}});
  EXPECT_EQ(run.describe(), "exited 1") << run.out;
  EXPECT_NE(run.out.find("its run timed out after 1500 ms, the parent at step 2: "), std::string::npos) << run.out;
}

// The example of a learner's mistake: the child forgets to deallocate.
// It is reported as the free-memory invariant, not as a crash or a timeout.
TEST_F(Exercises, AMissingDeallocateIsReportedAsTheFreeMemoryInvariant) {
  const auto* raw_memory = find_exercise("01");
  ASSERT_NE(raw_memory, nullptr);
  write_learner_file(*raw_memory, replaced(solution_of(*raw_memory), "  segment.deallocate(block);\n", ""));
  const auto run = ipclab({"verify", "01"});
  EXPECT_EQ(run.describe(), "exited 1");
  EXPECT_NE(run.out.find("FAIL  exercise 01 (raw-memory): its run exited 1"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("error: invariant failed: free memory is "), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("after the child's deallocate"), std::string::npos) << run.out;
}

// The other example: a typo in the name the child looks up with find.
TEST_F(Exercises, ANameTypoInFindIsReportedAsTheMissingObject) {
  const auto* vector = find_exercise("04");
  if (!vector) GTEST_SKIP() << "no exercise 04 in this build";
  write_learner_file(*vector, replaced(solution_of(*vector), "me.run_child({owner.name(), ch04::vector_name})",
                                       "me.run_child({owner.name(), \"MyVectr\"})"));
  const auto run = ipclab({"verify", "04"});
  EXPECT_EQ(run.describe(), "exited 1");
  EXPECT_NE(run.out.find("has no object named 'MyVectr' (it holds 'MyVector')"), std::string::npos) << run.out;
  EXPECT_EQ(run.out.find("killed by"), std::string::npos) << run.out;
  EXPECT_EQ(run.out.find("timed out"), std::string::npos) << run.out;
}

// --watch checks again when the file is saved, and stops once it passes. The
// answer is saved as soon as the starter is built, while its first check may
// still run: the watch began before that run, so the save is not missed.
TEST_F(Exercises, WatchChecksAgainWhenTheFileIsSavedUntilItPasses) {
  write_learner_file(first, read_file(first.starter));
  const auto started = fs::file_time_type::clock::now();
  std::thread learner([&] {
    for (int i = 0; i < 6000; ++i) {
      std::error_code missing;
      if (fs::last_write_time(first.learner_program, missing) > started) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    write_learner_file(first, solution_of(first));
  });
  const auto run = ipclab({"verify", "--watch", first.number});
  learner.join();
  EXPECT_TRUE(run.succeeded()) << run.describe() << "\n" << run.out;
  const auto failed = run.out.find("FAIL  exercise " + first.number);
  const auto watching = run.out.find("watching " + dir.string());
  const auto passed = run.out.find("PASS  exercise " + first.number);
  EXPECT_LT(failed, watching) << run.out;
  EXPECT_LT(watching, passed) << run.out;
  EXPECT_NE(passed, std::string::npos) << run.out;
}

// Every check an exercise names in its chapter.json selects at least one test
// of the chapter's suite: a renamed test cannot silently drop out of an exercise.
TEST_F(Exercises, EveryCheckNamesATestOfItsChapter) {
  for (const auto& exercise : exercises()) {
    ASSERT_FALSE(exercise.checks.empty()) << "exercise " << exercise.number << " names no check";
    for (const auto& check : exercise.checks) {
      const auto listed = spawn(exercise.test_program, {"--gtest_list_tests", "--gtest_filter=" + check});
      ASSERT_TRUE(listed.succeeded()) << listed.describe() << "\n" << listed.err;
      // Test names are the indented lines of the listing.
      EXPECT_NE(listed.out.find("\n  "), std::string::npos)
          << "chapter " << exercise.number << "'s chapter.json names the check '" << check
          << "', which selects no test of " << exercise.test_program;
    }
  }
}

// The starter the build wrote is the chapter's program with each TODO span
// stood in for: it names every TODO of main.cpp, in order, and holds the
// spans' code lines no more often than the rest of main.cpp does.
TEST_F(Exercises, EveryStarterIsItsChaptersProgramWithTheTodoSpansTakenOut) {
  const auto count = [](const std::string& text, const std::string& line) {
    std::size_t found = 0;
    for (auto at = text.find(line + "\n"); at != std::string::npos; at = text.find(line + "\n", at + 1)) ++found;
    return found;
  };
  for (const auto& exercise : exercises()) {
    const auto solution = solution_of(exercise), starter = read_file(exercise.starter);
    std::string outside;  // main.cpp without its spans
    std::vector<std::pair<std::string, std::string>> answers;  // (title, code line) of every span
    std::size_t at = 0, last_title = 0;
    for (std::size_t begin; (begin = solution.find("//! [todo ", at)) != std::string::npos;) {
      const auto title_end = solution.find(']', begin);
      const auto end = solution.find("//! [todo end]", title_end);
      ASSERT_NE(end, std::string::npos) << "exercise " << exercise.number << ": an unclosed TODO span";
      const auto title = solution.substr(begin + 10, title_end - begin - 10);  // "1: create the segment"
      const auto todo = starter.find("// TODO " + title + "\n");
      EXPECT_NE(todo, std::string::npos) << exercise.starter << " lacks TODO " << title;
      EXPECT_GE(todo, last_title) << exercise.starter << ": TODO " << title << " is out of order";
      last_title = todo == std::string::npos ? last_title : todo;
      outside += solution.substr(at, begin - at);
      std::istringstream span(solution.substr(title_end + 1, end - title_end - 1));
      for (std::string line; std::getline(span, line);)
        if (line.find_first_not_of(' ') != std::string::npos && line.find("//") == std::string::npos)
          answers.emplace_back(title, line);
      at = end + 1;
    }
    outside += solution.substr(at);
    EXPECT_FALSE(answers.empty()) << "chapter " << exercise.number << "'s main.cpp marks no TODO span";
    for (const auto& [title, line] : answers)
      EXPECT_EQ(count(starter, line), count(outside, line))
          << exercise.starter << " still holds the answer to TODO " << title << ": " << line;
    EXPECT_EQ(starter.find("//! ["), std::string::npos) << exercise.starter << " kept a snippet marker";
  }
}

TEST_F(Exercises, HintPrintsTheHintFile) {
  const auto run = ipclab({"hint", first.number});
  EXPECT_TRUE(run.succeeded());
  EXPECT_EQ(run.out, read_file(first.hint));
}

TEST_F(Exercises, ResetRestoresTheStarterAndKeepsTheLearnersVersion) {
  write_learner_file(first, "my attempt\n");
  const auto run = ipclab({"reset", first.number});
  EXPECT_TRUE(run.succeeded()) << run.err;
  EXPECT_EQ(read_file(learner_file(first)), read_file(first.starter));
  EXPECT_EQ(read_file(learner_file(first).string() + ".bak"), "my attempt\n");
}

struct Misuse {
  std::string label;
  std::vector<std::string> args;
  std::string sentence;
};

// A failing case names itself by its label, not by its bytes.
void PrintTo(const Misuse& input, std::ostream* out) { *out << input.label; }

class ExercisesMisuse : public Exercises, public ::testing::WithParamInterface<Misuse> {};

// "01–12": the lowest and highest exercise numbers in the catalogue, so that
// adding a chapter does not change what the sentence must say about it.
std::string range_of_exercises() {
  auto [lowest, highest] = std::minmax_element(exercises().begin(), exercises().end(),
                                               [](const auto& a, const auto& b) { return a.number < b.number; });
  return lowest->number + "\u2013" + highest->number;
}

TEST_P(ExercisesMisuse, GetsOneSentenceAndExitCode2) {
  auto sentence = GetParam().sentence;
  if (const auto at = sentence.find("{range}"); at != std::string::npos)
    sentence.replace(at, 7, range_of_exercises());
  const auto run = ipclab(GetParam().args);
  EXPECT_EQ(run.describe(), "exited 2");
  EXPECT_EQ(run.err, "ipclab: " + sentence + " (see 'ipclab help')\n");
  EXPECT_FALSE(fs::exists(dir)) << "misuse created the exercises folder";
}

INSTANTIATE_TEST_SUITE_P(
    Exercises, ExercisesMisuse,
    ::testing::Values(
        Misuse{"UnknownExercise", {"verify", "99"}, "there is no exercise '99': exercises are {range}"},
        Misuse{"TwoExercises", {"verify", "01", "02"}, "'verify' takes one exercise number, not '02' as well"},
        Misuse{"UnknownOption", {"verify", "--fast"}, "'verify' takes an exercise number and --watch, not '--fast'"},
        Misuse{"ProgramWithoutExercise", {"verify", "--program", "/bin/true"}, "'verify --program PATH' needs one exercise number and no --watch"},
        Misuse{"HintWithoutExercise", {"hint"}, "'hint' takes one exercise number, e.g. 'ipclab hint 01'"},
        Misuse{"HintOfUnknownExercise", {"hint", "99"}, "there is no exercise '99': exercises are {range}"},
        Misuse{"ResetOfUnknownExercise", {"reset", "x"}, "there is no exercise 'x': exercises are {range}"}),
    [](const auto& info) { return info.param.label; });

}  // namespace
