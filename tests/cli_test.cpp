// The ipclab program: list, run, tour, bench, and its answers to bad usage.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <unistd.h>

#include <gtest/gtest.h>

#include "harness/catalog.hpp"
#include "harness/chapter.hpp"
#include "harness/spawn.hpp"

using namespace ipclab::harness;

namespace {

// The tour runs every chapter: a few seconds in the default build, about a
// minute under the sanitizers, more when other tests share the cores.
spawn_result ipclab(std::vector<std::string> args) {
  return spawn(IPCLAB_CLI, args, {.timeout = std::chrono::seconds(300)});
}

TEST(Cli, HelpListsEveryCommand) {
  const auto result = ipclab({"help"});
  ASSERT_TRUE(result.succeeded());
  for (const char* command :
       {"list", "run NN", "tour", "test", "verify [NN]", "hint NN", "reset NN", "docs", "bench", "sweep", "help"})
    EXPECT_NE(result.out.find(std::string("\n  ") + command), std::string::npos) << command;
  EXPECT_EQ(ipclab({"--help"}).out, result.out);
}

// One line a chapter, chapter 08 included, in columns: the number, the title,
// the exercise's state starting at the same column on every line.
TEST(Cli, ListShowsEveryChapterInAlignedColumns) {
  const auto result = ipclab({"list"});
  ASSERT_TRUE(result.succeeded());
  ASSERT_FALSE(catalog().empty());
  std::set<std::size_t> state_columns;
  for (const auto& chapter : catalog()) {
    const auto at = result.out.find("\n" + chapter.number + "  " + chapter.title + " ");
    ASSERT_NE(at, std::string::npos) << chapter.number << ":\n" << result.out;
    const auto line = result.out.substr(at + 1, result.out.find('\n', at + 1) - at - 1);
    const auto state = line.find_first_not_of(' ', chapter.number.size() + 2 + chapter.title.size());
    state_columns.insert(state);
    const auto expected = chapter.kind == chapter_kind::benchmark ? "none: ./ipclab bench runs it"
                          : find_exercise(chapter.number)         ? "" : "none";
    if (*expected) EXPECT_EQ(line.substr(state), expected);
  }
  EXPECT_EQ(state_columns.size(), 1u) << "the exercise column is ragged:\n" << result.out;
  EXPECT_TRUE(std::any_of(catalog().begin(), catalog().end(),
                          [](const auto& chapter) { return chapter.kind == chapter_kind::benchmark; }))
      << "chapter 08 is in the catalog";
}

// Every chapter program answers --help with its usage, on stdout, and exit 0.
TEST(Cli, EveryChapterProgramAnswersHelp) {
  for (const auto& chapter : lessons()) {
    const auto result = spawn(chapter.program, {"--help"});
    EXPECT_EQ(result.describe(), "exited 0") << chapter.number << ": " << result.err;
    const auto name = std::filesystem::path(chapter.program).filename().string();
    EXPECT_TRUE(result.out.starts_with("usage: " + name + " ")) << result.out;
    EXPECT_NE(result.out.find(name + " child ARGS..."), std::string::npos) << result.out;
    EXPECT_EQ(result.err, "");
  }
}

// `ipclab test` that selects no test fails, rather than passing nothing. The
// run is pointed at an empty test folder of its own (ctest takes the last
// --test-dir), not at the suite that runs this test.
TEST(Cli, TestFailsWhenItSelectsNoTest) {
  const auto empty = std::filesystem::path(::testing::TempDir()) / ("ipclab-notests-" + std::to_string(::getpid()));
  std::filesystem::create_directories(empty);
  const auto result = ipclab({"test", "--test-dir", empty.string(), "-R", "no-test-has-this-name"});
  std::filesystem::remove_all(empty);
  EXPECT_EQ(result.describe(), "exited 8") << result.out << result.err;
  EXPECT_NE((result.out + result.err).find("No tests were found"), std::string::npos) << result.out << result.err;
}

TEST(Cli, RunOneChapterPassesAndNarratesBothProcesses) {
  const auto result = ipclab({"run", "1"});
  ASSERT_TRUE(result.succeeded()) << result.describe() << result.out << result.err;
  EXPECT_NE(result.out.find("PASS  chapter 01 (raw-memory): exited 0"), std::string::npos) << result.out;
  EXPECT_NE(result.err.find("[parent "), std::string::npos);
  EXPECT_NE(result.err.find("[child "), std::string::npos);
}

TEST(Cli, TourRunsEveryChapterAndSummarises) {
  const auto result = ipclab({"tour"});
  ASSERT_TRUE(result.succeeded()) << result.describe() << result.out << result.err;
  for (const auto& chapter : lessons())
    EXPECT_NE(result.out.find("PASS  chapter " + chapter.number), std::string::npos) << chapter.number;
  const auto total = std::to_string(lessons().size());
  EXPECT_NE(result.out.find("\n" + total + "/" + total + " chapters passed\n"), std::string::npos);
}

// `ipclab bench`, cut short by a filter and a minimal time: the table with
// the ratios, and the plot, in the folder given; Google Benchmark's own output in a log there.
TEST(Cli, BenchRunsTheBenchmarksThenPrintsTheTableAndDrawsThePlot) {
  const auto folder = std::filesystem::path(::testing::TempDir()) / ("ipclab-bench-" + std::to_string(::getpid()));
  const auto result = ipclab({"bench", "--out", folder.string(), "--benchmark_filter=throughput/memcpy|alloc/malloc",
                              "--benchmark_min_time=0.001"});
  if (result.err.find("the benchmarks are not built") != std::string::npos) GTEST_SKIP() << result.err;
  ASSERT_TRUE(result.succeeded()) << result.describe() << result.out << result.err;
  // The summary, not Google Benchmark's console table, which goes to the log.
  EXPECT_EQ(result.out.find("throughput/memcpy/16777216/real_time"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("| 16 MiB | memcpy (one process) |"), std::string::npos) << result.out;
  std::ifstream log(folder / "benchmark.log");
  const std::string logged{std::istreambuf_iterator<char>(log), {}};
  EXPECT_NE(logged.find("throughput/memcpy/16777216/real_time"), std::string::npos) << logged;
  EXPECT_NE(result.out.find("| `malloc` + `free` (the process heap) |"), std::string::npos) << result.out;
  EXPECT_TRUE(std::filesystem::exists(folder / "results.json"));
  EXPECT_TRUE(std::filesystem::exists(folder / "results.md"));
  EXPECT_GT(std::filesystem::file_size(folder / "throughput.png"), 1000u);
  std::filesystem::remove_all(folder);
}

// `ipclab claims ID`: the claim from the catalogue, what an older release
// does, and the tests that name it; `ipclab claims AREA`: one line a claim.
TEST(Cli, ClaimsShowsAClaimWithItsTestsAndAnAreaLineByLine) {
  const auto one = ipclab({"claims", "SYN-05"});
  ASSERT_EQ(one.describe(), "exited 0") << one.err;
  EXPECT_TRUE(one.out.starts_with("SYN-05  (synchronisation; linux)\n")) << one.out;
  EXPECT_NE(one.out.find("  Boost 1.74: differs: "), std::string::npos) << one.out;
  EXPECT_NE(one.out.find("ch07_mutexes_test.Mutexes.DeadHolderOfAnInterprocessMutexMakesEveryLaterLockThrowNotRecoverable"),
            std::string::npos) << one.out;
  const auto area = ipclab({"claims", "SYN"});
  ASSERT_EQ(area.describe(), "exited 0") << area.err;
  EXPECT_TRUE(area.out.starts_with("SYN-01 ")) << area.out;
  EXPECT_NE(area.out.find("\nSYN-32 "), std::string::npos) << area.out;
  EXPECT_EQ(area.out.find("SEG-"), std::string::npos) << "another area's claim";
  const auto none = ipclab({"claims", "XYZ-01"});
  EXPECT_EQ(none.describe(), "exited 2");
  EXPECT_NE(none.err.find("no claim is XYZ-01"), std::string::npos) << none.err;
}

struct Misuse {
  std::string label;
  std::vector<std::string> args;
  std::string sentence;
};

// A failing case names itself by its label, not by its bytes.
void PrintTo(const Misuse& input, std::ostream* out) { *out << input.label; }

class CliMisuse : public ::testing::TestWithParam<Misuse> {};

TEST_P(CliMisuse, GetsOneSentenceAndExitCode2) {
  const auto result = ipclab(GetParam().args);
  EXPECT_EQ(result.describe(), "exited 2");
  EXPECT_EQ(result.err, "ipclab: " + GetParam().sentence + " (see 'ipclab help')\n");
}

INSTANTIATE_TEST_SUITE_P(
    Cli, CliMisuse,
    ::testing::Values(Misuse{"UnknownCommand", {"frobnicate"}, "unknown command 'frobnicate'"},
                      Misuse{"MisspeltCommand", {"tuor"}, "unknown command 'tuor'; did you mean 'tour'?"},
                      Misuse{"CommandOneLetterShort", {"verif"}, "unknown command 'verif'; did you mean 'verify'?"},
                      Misuse{"RunTheBenchmarkChapter", {"run", "08"},
                             "chapter 08 has no parent and child to run: './ipclab bench' runs its benchmarks"},
                      Misuse{"RunWithoutChapter", {"run"}, "'run' takes one chapter number, e.g. 'ipclab run 01'"},
                      Misuse{"RunTwoChapters", {"run", "1", "2"},
                             "'run' takes one chapter number, e.g. 'ipclab run 01'"},
                      Misuse{"UnknownChapter", {"run", "99"}, "there is no chapter '99': chapters are 01\u201308"},
                      Misuse{"ChapterWithASpace", {"run", "x y"},
                             "there is no chapter 'x y': chapters are 01\u201308"},
                      Misuse{"ListWithAnArgument", {"list", "extra"}, "'list' takes no arguments"},
                      Misuse{"UnknownSweepOption", {"sweep", "--everything"}, "'sweep' takes only --fail-on-leak"},
                      Misuse{"UnknownBenchOption", {"bench", "--fast"},
                             "'bench' takes --save, --out DIR and Google Benchmark's --benchmark_... options, not '--fast'"}),
    [](const auto& info) { return info.param.label; });

}  // namespace
