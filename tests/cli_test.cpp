// The ipclab program: list, run, tour, bench, and its answers to bad usage.
#include <filesystem>
#include <unistd.h>

#include <gtest/gtest.h>

#include "harness/catalog.hpp"
#include "harness/chapter.hpp"
#include "harness/spawn.hpp"

using namespace ipclab::harness;

namespace {

spawn_result ipclab(std::vector<std::string> args) {
  return spawn(IPCLAB_CLI, args, {.timeout = std::chrono::seconds(90)});
}

TEST(Cli, HelpListsEveryCommand) {
  const auto result = ipclab({"help"});
  ASSERT_TRUE(result.succeeded());
  for (const char* command : {"list", "run NN", "tour", "test", "docs", "bench", "sweep", "help"})
    EXPECT_NE(result.out.find(std::string("\n  ") + command), std::string::npos) << command;
}

TEST(Cli, ListShowsEveryChapterOfTheCatalog) {
  const auto result = ipclab({"list"});
  ASSERT_TRUE(result.succeeded());
  ASSERT_FALSE(catalog().empty());
  for (const auto& chapter : catalog())
    EXPECT_NE(result.out.find(chapter.number + "  " + chapter.topic + "  " + chapter.summary),
              std::string::npos);
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
  for (const auto& chapter : catalog())
    EXPECT_NE(result.out.find("PASS  chapter " + chapter.number), std::string::npos) << chapter.number;
  const auto total = std::to_string(catalog().size());
  EXPECT_NE(result.out.find("\n" + total + "/" + total + " chapters passed\n"), std::string::npos);
}

// `ipclab bench`, cut short by a filter and a minimal time: Google Benchmark's
// output, then the table with the ratios, and the plot, in the folder given.
TEST(Cli, BenchRunsTheBenchmarksThenPrintsTheTableAndDrawsThePlot) {
  const auto folder = std::filesystem::path(::testing::TempDir()) / ("ipclab-bench-" + std::to_string(::getpid()));
  const auto result = ipclab({"bench", "--out", folder.string(), "--benchmark_filter=throughput/memcpy|alloc/malloc",
                              "--benchmark_min_time=0.001"});
  if (result.err.find("the benchmarks are not built") != std::string::npos) GTEST_SKIP() << result.err;
  ASSERT_TRUE(result.succeeded()) << result.describe() << result.out << result.err;
  EXPECT_NE(result.out.find("throughput/memcpy/16777216/real_time"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("| 16 MiB | memcpy (one process) |"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("| malloc |"), std::string::npos) << result.out;
  EXPECT_TRUE(std::filesystem::exists(folder / "results.json"));
  EXPECT_TRUE(std::filesystem::exists(folder / "results.md"));
  EXPECT_GT(std::filesystem::file_size(folder / "throughput.png"), 1000u);
  std::filesystem::remove_all(folder);
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
                      Misuse{"RunWithoutChapter", {"run"}, "'run' takes one chapter number, e.g. 'ipclab run 01'"},
                      Misuse{"RunTwoChapters", {"run", "1", "2"},
                             "'run' takes one chapter number, e.g. 'ipclab run 01'"},
                      Misuse{"UnknownChapter", {"run", "99"}, "there is no chapter '99'; 'ipclab list' shows them"},
                      Misuse{"ChapterWithASpace", {"run", "x y"},
                             "there is no chapter 'x y'; 'ipclab list' shows them"},
                      Misuse{"ListWithAnArgument", {"list", "extra"}, "'list' takes no arguments"},
                      Misuse{"UnknownSweepOption", {"sweep", "--everything"}, "'sweep' takes only --fail-on-leak"},
                      Misuse{"UnknownBenchOption", {"bench", "--fast"},
                             "'bench' takes --save, --out DIR and Google Benchmark's --benchmark_... options, not '--fast'"}),
    [](const auto& info) { return info.param.label; });

}  // namespace
