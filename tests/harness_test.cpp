// The harness itself: names, the segment owner, spawn, the sweep, text, checks and facts.
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/interprocess/shared_memory_object.hpp>
#include <gtest/gtest.h>

#include "harness/catalog.hpp"
#include "harness/chapter.hpp"
#include "harness/facts.hpp"
#include "harness/names.hpp"
#include "harness/segment_owner.hpp"
#include "harness/spawn.hpp"
#include "harness/sweep.hpp"
#include "harness/temp_folder.hpp"
#include "support.hpp"

using namespace ipclab::harness;
namespace support = ipclab::support;
using namespace std::chrono_literals;
namespace fs = std::filesystem;
namespace bip = boost::interprocess;

namespace {

spawn_result misbehave(std::vector<std::string> args, spawn_options options = {}) {
  return spawn(MISBEHAVE, args, options);
}

// ---- names

TEST(Names, CarryPrefixTagAndCreatorPid) {
  const auto name = unique_name("ch07");
  EXPECT_TRUE(name.starts_with("ipclab-ch07-" + std::to_string(::getpid()) + "-")) << name;
  EXPECT_EQ(creator_of(name), ::getpid());
  EXPECT_EQ(creator_of("sem." + name), ::getpid());
}

TEST(Names, AreUniqueWithinAProcess) {
  std::set<std::string> names;
  for (int i = 0; i < 1000; ++i) names.insert(unique_name("t"));
  EXPECT_EQ(names.size(), 1000u);
}

TEST(Names, RejectTagsThatWouldBreakParsing) {
  EXPECT_THROW(unique_name("a-b"), std::invalid_argument);
  EXPECT_THROW(unique_name("a/b"), std::invalid_argument);
  EXPECT_THROW(unique_name(""), std::invalid_argument);
}

TEST(Names, AreFoundWholeAtTheStartOfAText) {
  const auto name = unique_name("ch07");
  EXPECT_EQ(unique_name_length(name), name.size());
  EXPECT_EQ(unique_name_length(name + " and more"), name.size());
  EXPECT_EQ(unique_name_length(name + "x"), 0u) << "a longer word is not a name";
  EXPECT_EQ(unique_name_length("ipclab-ch07-12-3-0123456"), 0u) << "a random part of seven";
  EXPECT_EQ(unique_name_length("ipclab-ch07-12-3-0123456g"), 0u);
  EXPECT_EQ(unique_name_length("ipclab-ch07-x-3-01234567"), 0u);
  EXPECT_EQ(unique_name_length("sem.ipclab-ch07-12-3-01234567"), 0u);
  EXPECT_EQ(unique_name_length("ipclab-ch07-12-3-01234567"), 25u);
}

TEST(Names, CreatorOfForeignNamesIsEmpty) {
  EXPECT_EQ(creator_of("MySharedMemory"), std::nullopt);
  EXPECT_EQ(creator_of("ipclab-"), std::nullopt);
  EXPECT_EQ(creator_of("ipclab-ch01-notapid-1-x"), std::nullopt);
  EXPECT_EQ(creator_of("ipclab-ch01-123"), std::nullopt);
  EXPECT_EQ(creator_of("sem.other-ch01-123-0-x"), std::nullopt);
}

// ---- segment_owner

TEST(SegmentOwner, RemovesTheSegmentWhenItGoesOutOfScope) {
  const auto name = unique_name("owner");
  const fs::path entry = "/dev/shm/" + name;
  {
    segment_owner owner(name);
    bip::shared_memory_object shm(bip::create_only, owner.c_str(), bip::read_write, owner_only());
    ASSERT_TRUE(fs::exists(entry));
  }
  EXPECT_FALSE(fs::exists(entry));
}

TEST(SegmentOwner, RemovesTheSegmentWhenAnExceptionLeavesTheScope) {
  const auto name = unique_name("owner");
  try {
    segment_owner owner(name);
    bip::shared_memory_object shm(bip::create_only, owner.c_str(), bip::read_write, owner_only());
    throw std::runtime_error("leaving early");
  } catch (const std::runtime_error&) {
  }
  EXPECT_FALSE(fs::exists("/dev/shm/" + name));
}

TEST(SegmentOwner, OwnerOnlyCreatesMode0600) {
  segment_owner owner(unique_name("owner"));
  bip::shared_memory_object shm(bip::create_only, owner.c_str(), bip::read_write, owner_only());
  struct stat info {};
  ASSERT_EQ(::stat(("/dev/shm/" + owner.name()).c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 07777, 0600u);
}

// ---- spawn

TEST(Spawn, ReportsTheExitCode) {
  const auto result = misbehave({"exit", "3"});
  EXPECT_EQ(result.how, ending::exited);
  EXPECT_EQ(result.exit_code, 3);
  EXPECT_FALSE(result.succeeded());
  EXPECT_EQ(result.describe(), "exited 3");
  EXPECT_GT(result.pid, 0);
}

TEST(Spawn, CapturesStdoutAndStderrApart) {
  const auto result = misbehave({"print", "to out", "to err"});
  EXPECT_TRUE(result.succeeded()) << result.describe();
  EXPECT_EQ(result.describe(), "exited 0");
  EXPECT_EQ(result.out, "to out");
  EXPECT_EQ(result.err, "to err");
}

TEST(Spawn, PassesArgumentsVerbatimWithoutAShell) {
  const auto result = misbehave({"args", "two words", "it's", "$HOME", "a;b", ""});
  EXPECT_EQ(result.out, "<two words>\n<it's>\n<$HOME>\n<a;b>\n<>\n");
}

TEST(Spawn, AddsEnvironmentVariables) {
  const auto result = misbehave({"env", "IPCLAB_PROBE"}, {.environment = {{"IPCLAB_PROBE", "42"}}});
  EXPECT_EQ(result.out, "42");
}

TEST(Spawn, KeepsOpenOnlyTheDescriptorsItIsTold) {
  int kept[2], closed[2];
  ASSERT_EQ(::pipe(kept), 0);
  ASSERT_EQ(::pipe(closed), 0);
  // readlink prints what a descriptor of its own is ("pipe:[1234]"), and fails on a closed one.
  const auto fd_path = [](int fd) { return "/proc/self/fd/" + std::to_string(fd); };
  const auto with = spawn("/usr/bin/readlink", {fd_path(kept[1])}, {.keep_open = {kept[1]}});
  const auto without = spawn("/usr/bin/readlink", {fd_path(closed[1])}, {.keep_open = {kept[1]}});
  for (int fd : {kept[0], kept[1], closed[0], closed[1]}) ::close(fd);
  EXPECT_TRUE(with.succeeded()) << with.describe() << with.err;
  EXPECT_TRUE(with.out.starts_with("pipe:[")) << with.out;
  EXPECT_EQ(without.how, ending::exited);
  EXPECT_NE(without.exit_code, 0) << without.out;
}

TEST(Spawn, ReportsACrashAsTheSignal) {
  const auto result = misbehave({"segv"});
  EXPECT_EQ(result.how, ending::killed);
  EXPECT_EQ(result.signal, SIGSEGV);
  EXPECT_EQ(result.describe(), "killed by SIGSEGV");
  EXPECT_EQ(misbehave({"abort"}).describe(), "killed by SIGABRT");
}

TEST(Spawn, KillsAChildThatOutlivesItsTimeout) {
  const auto result = misbehave({"sleep", "30"}, {.timeout = 300ms});
  EXPECT_EQ(result.how, ending::timed_out);
  EXPECT_EQ(result.describe(), "timed out after 300 ms");
  EXPECT_GE(result.elapsed, 300ms);
  EXPECT_LT(result.elapsed, 10s);
  EXPECT_NE(::kill(result.pid, 0), 0) << "the timed-out child still runs";
}

// At its deadline a child gets SIGTERM, which lets a chapter program remove
// what it created; one that ignores it gets SIGKILL a second later.
TEST(Spawn, AtItsDeadlineAChildGetsSigtermThenSigkillASecondLater) {
  const auto polite = misbehave({"sleep", "30"}, {.timeout = 300ms});
  EXPECT_EQ(polite.how, ending::timed_out);
  EXPECT_EQ(polite.signal, SIGTERM);
  EXPECT_LT(polite.elapsed, 1300ms) << "a child that dies of SIGTERM is not given the grace period";
  const auto stubborn = misbehave({"stubborn", "30"}, {.timeout = 300ms});
  EXPECT_EQ(stubborn.how, ending::timed_out);
  EXPECT_EQ(stubborn.signal, SIGKILL);
  EXPECT_GE(stubborn.elapsed, 1300ms);
  EXPECT_LT(stubborn.elapsed, 10s);
  EXPECT_NE(::kill(stubborn.pid, 0), 0) << "the stubborn child still runs";
}

TEST(Spawn, KillsAGrandchildThatHoldsTheOutputOpen) {
  // Long enough for the child to have exited and left its grandchild.
  const auto result = misbehave({"orphan"}, {.timeout = support::hang_timeout(misbehave({"exit", "0"}).elapsed)});
  EXPECT_EQ(result.how, ending::timed_out) << result.describe();
  EXPECT_LT(result.elapsed, 10s);
}

TEST(Spawn, ReportsAMissingExecutable) {
  const auto result = spawn("/nonexistent/ipclab-program", {});
  EXPECT_EQ(result.how, ending::failed_to_start);
  EXPECT_EQ(result.describe(), "could not start: /nonexistent/ipclab-program: No such file or directory");
  EXPECT_FALSE(result.succeeded());
}

// The first child waits for a file only the second creates: run one after
// the other, the first would time out.
TEST(Spawn, ManyRunsItsChildrenAtTheSameTime) {
  const auto flag = fs::temp_directory_path() / unique_name("spawnmany");
  const auto results = spawn_many({{MISBEHAVE, {"await", flag.string()}}, {MISBEHAVE, {"touch", flag.string()}},
                                   {MISBEHAVE, {"exit", "7"}}},
                                  {.timeout = 10s});
  fs::remove(flag);
  ASSERT_EQ(results.size(), 3u);
  EXPECT_EQ(results[0].describe(), "exited 0");
  EXPECT_EQ(results[1].describe(), "exited 0");
  EXPECT_EQ(results[2].describe(), "exited 7");
  EXPECT_NE(results[0].pid, results[1].pid);
}

TEST(Spawn, ManyGivesEachChildItsOwnDeadline) {
  const auto deadline = support::hang_timeout(misbehave({"exit", "0"}).elapsed);
  const auto results = spawn_many({{MISBEHAVE, {"sleep", "30"}}, {MISBEHAVE, {"exit", "0"}}}, {.timeout = deadline});
  EXPECT_EQ(results[0].how, ending::timed_out) << results[0].describe();
  EXPECT_EQ(results[0].timeout, deadline);
  EXPECT_EQ(results[1].describe(), "exited 0");
}

// A request's own variables go to its child alone, and win over the options'.
TEST(Spawn, ManyGivesEachChildItsOwnEnvironment) {
  const auto results = spawn_many({{"/usr/bin/printenv", {"IPCLAB_SPAWN_TEST"}, {{"IPCLAB_SPAWN_TEST", "mine"}}},
                                   {"/usr/bin/printenv", {"IPCLAB_SPAWN_TEST"}}},
                                  {.environment = {{"IPCLAB_SPAWN_TEST", "shared"}}});
  EXPECT_EQ(results[0].out, "mine\n");
  EXPECT_EQ(results[1].out, "shared\n");
}

TEST(Spawn, DescribesATimeoutInWholeSecondsOrInMilliseconds) {
  EXPECT_EQ((spawn_result{.how = ending::timed_out, .timeout = 3s}.describe()), "timed out after 3 s");
  EXPECT_EQ((spawn_result{.how = ending::timed_out, .timeout = 1500ms}.describe()), "timed out after 1500 ms");
}

TEST(Spawn, NamesSignals) {
  EXPECT_EQ(signal_name(SIGKILL), "SIGKILL");
  EXPECT_EQ(signal_name(SIGBUS), "SIGBUS");
}

// ---- parse_number (the chapters' argument parsing)

// ---- text, checks and facts

TEST(Text, StreamsItsPartsPointersAsAddressesBytesAsNumbers) {
  const int value = 7;
  const void* address = reinterpret_cast<const void*>(std::uintptr_t{0x7f00aa10});
  EXPECT_EQ(text("free memory ", 65312u, " -> ", -3L, ", ", 2.5, ", ", true), "free memory 65312 -> -3, 2.5, true");
  EXPECT_EQ(text(address), "0x7f00aa10");
  EXPECT_EQ(text(&value), text(static_cast<const void*>(&value)));
  EXPECT_EQ(text(static_cast<unsigned char>(1), ' ', "name", ' ', std::string("s")), "1 name s");
  EXPECT_EQ(text("a", fact("key", 42), "b"), "a42b") << "a fact shows its value";
}

std::string invariant_sentence(const std::function<void()>& check) {
  try {
    check();
  } catch (const invariant_error& e) {
    return e.what();
  }
  return "(no invariant_error)";
}

TEST(Checks, SayWhatTheValueIsAndWhatItShouldBe) {
  EXPECT_EQ(invariant_sentence([] { expect_back_to("free memory", 64272u, 65312u, "after the child's deallocate"); }),
            "free memory is 64272, not back to 65312 after the child's deallocate");
  EXPECT_EQ(invariant_sentence([] { expect_equal("the counter", 39999L, 40000, ": increments were lost"); }),
            "the counter is 39999, not 40000: increments were lost");
  EXPECT_EQ(invariant_sentence([] { expect_equal("the size", 3, 4u, "after the erase"); }),
            "the size is 3, not 4 after the erase");
  EXPECT_EQ(invariant_sentence([] { expect(false, "byte ", 12, " of ", "x", " is not 1"); }), "byte 12 of x is not 1");
  EXPECT_EQ(invariant_sentence([] {
              expect_equal("a", 65312u, 65312);
              expect_back_to("b", -1, -1, "");
              expect(true, "never said");
            }),
            "(no invariant_error)");
}

TEST(Facts, AreReadBackFromTheLinesThatReportThem) {
  const std::string run = "[child 42 step 1] opened\n" + format_fact("child", 42, "step", "1") +
                          format_fact("child", 42, "base", "0x7f00") + "a line of prose\n" +
                          format_fact("child", 43, "step", "2") + format_fact("child", 42, "step", "3") +
                          format_fact("parent", 41, "base", "0x5500") + format_fact("child", 42, "text", "two words");
  const facts read(run);
  EXPECT_EQ(read.all().size(), 6u);
  EXPECT_EQ(read.first("child", "base"), "0x7f00");
  EXPECT_EQ(read.first("parent", "base"), "0x5500");
  EXPECT_EQ(read.first("child", "text"), "two words");
  EXPECT_EQ(read.first("child", "missing"), "");
  EXPECT_EQ(read.values("child", "step"), (std::vector<std::string>{"1", "2", "3"}));
  EXPECT_EQ(read.last_steps("child"), (std::map<pid_t, int>{{42, 3}, {43, 2}}));
  EXPECT_EQ(without_facts(run), "[child 42 step 1] opened\na line of prose\n");
  EXPECT_EQ(without_facts("no newline at the end"), "no newline at the end");
}

// A chapter program reports facts, its own and its child's, only when asked.
TEST(Facts, AChapterProgramReportsThemOnlyWhenAsked) {
  const auto* chapter = find_chapter("01");
  ASSERT_NE(chapter, nullptr);
  const auto quiet = spawn(chapter->program, {});
  ASSERT_TRUE(quiet.succeeded()) << quiet.err;
  EXPECT_EQ(quiet.err.find("@fact"), std::string::npos) << quiet.err;
  EXPECT_TRUE(facts(quiet.err).all().empty());
  const auto asked = spawn(chapter->program, {}, {.environment = {{facts_variable, "1"}}});
  ASSERT_TRUE(asked.succeeded()) << asked.err;
  const facts read(asked.err);
  // One step fact a narrated step, and the narration itself is the same without facts.
  const auto lines_starting = [](const std::string& text, const std::string& prefix) {
    std::size_t count = text.starts_with(prefix) ? 1 : 0;
    for (auto at = text.find("\n" + prefix); at != std::string::npos; at = text.find("\n" + prefix, at + 1)) ++count;
    return count;
  };
  EXPECT_EQ(read.last_steps("parent").at(asked.pid), static_cast<int>(lines_starting(quiet.err, "[parent ")));
  EXPECT_EQ(lines_starting(without_facts(asked.err), "["), lines_starting(quiet.err, "["));
  EXPECT_EQ(lines_starting(asked.err, "@fact "), read.all().size());
  ASSERT_EQ(read.last_steps("child").size(), 1u) << "the child's facts are relayed:\n" << asked.err;
  EXPECT_EQ(read.first("parent", "segment").rfind("ipclab-ch01-" + std::to_string(asked.pid) + "-", 0), 0u);
}

TEST(ParseNumber, AcceptsDecimalsWithinTheLimit) {
  EXPECT_EQ(parse_number("0", "handle", 10), 0u);
  EXPECT_EQ(parse_number("10", "handle", 10), 10u);
}

TEST(ParseNumber, RejectsEverythingElseAsUsageErrors) {
  for (const char* text : {"", "-1", "+1", "1.5", "0x10", " 1", "1 ", "11", "184467440737095516160"})
    EXPECT_THROW(parse_number(text, "handle", 10), usage_error) << '"' << text << '"';
}

// ---- sweep (in a directory of its own, so it cannot touch other tests' segments)

class Sweep : public ::testing::Test {
 protected:
  fs::path directory = fs::temp_directory_path() / unique_name("sweeptest");
  void SetUp() override { fs::create_directories(directory); }
  void TearDown() override { fs::remove_all(directory); }
  void touch(const std::string& name) { std::ofstream(directory / name) << "x"; }
};

TEST_F(Sweep, RemovesEntriesOfDeadCreatorsOnly) {
  const auto dead = misbehave({"exit", "0"}).pid;  // reaped: no longer running
  const auto mine = std::to_string(::getpid());
  touch("ipclab-t-" + std::to_string(dead) + "-0-aa");
  touch("sem.ipclab-t-" + std::to_string(dead) + "-1-bb");
  touch("ipclab-t-" + mine + "-0-cc");
  touch("someone-elses-segment");
  touch("ipclab-unparsable");

  const auto report = sweep_stale_entries(directory);
  std::set<std::string> removed;
  for (const auto& entry : report.removed) removed.insert(entry.file_name);
  EXPECT_EQ(removed, (std::set<std::string>{"ipclab-t-" + std::to_string(dead) + "-0-aa",
                                            "sem.ipclab-t-" + std::to_string(dead) + "-1-bb",
                                            "ipclab-unparsable"}));
  ASSERT_EQ(report.in_use.size(), 1u);
  EXPECT_EQ(report.in_use[0].file_name, "ipclab-t-" + mine + "-0-cc");
  EXPECT_TRUE(fs::exists(directory / ("ipclab-t-" + mine + "-0-cc")));
  EXPECT_TRUE(fs::exists(directory / "someone-elses-segment"));
  EXPECT_FALSE(fs::exists(directory / ("ipclab-t-" + std::to_string(dead) + "-0-aa")));
}

TEST_F(Sweep, FindsEntriesByCreator) {
  touch("ipclab-t-" + std::to_string(::getpid()) + "-0-aa");
  touch("ipclab-t-1-0-bb");
  const auto mine = entries_created_by(::getpid(), directory);
  ASSERT_EQ(mine.size(), 1u);
  EXPECT_EQ(mine[0].file_name, "ipclab-t-" + std::to_string(::getpid()) + "-0-aa");
}

TEST_F(Sweep, RemovesFoldersOfDeadCreatorsWithWhatTheyHoldAndNothingElse) {
  const auto dead = std::to_string(misbehave({"exit", "0"}).pid);
  const auto mine = std::to_string(::getpid());
  fs::create_directories(directory / ("ipclab-t-" + dead + "-x1") / "inner");
  touch("ipclab-t-" + dead + "-x1/inner/file");
  fs::create_directories(directory / ("ipclab-t-" + mine + "-x2"));
  fs::create_directories(directory / "ipclab-no-pid-here");
  touch("ipclab-t-" + dead + "-0-aa");  // a file, not a folder: the /dev/shm sweep's business

  const auto report = sweep_stale_folders(directory);
  ASSERT_EQ(report.removed.size(), 1u);
  EXPECT_EQ(report.removed[0].file_name, "ipclab-t-" + dead + "-x1");
  EXPECT_FALSE(fs::exists(directory / ("ipclab-t-" + dead + "-x1")));
  ASSERT_EQ(report.in_use.size(), 1u);
  EXPECT_EQ(report.in_use[0].file_name, "ipclab-t-" + mine + "-x2");
  EXPECT_TRUE(fs::exists(directory / ("ipclab-t-" + mine + "-x2")));
  EXPECT_TRUE(fs::exists(directory / "ipclab-no-pid-here"));
  EXPECT_TRUE(fs::exists(directory / ("ipclab-t-" + dead + "-0-aa")));
}

TEST(TempFolder, IsAnOwnerOnlyFolderNamedForItsCreatorAndGoneWithItsScope) {
  fs::path kept;
  {
    temp_folder folder("tftest");
    kept = folder.path();
    EXPECT_EQ(kept.parent_path(), fs::temp_directory_path());
    EXPECT_EQ(creator_of(kept.filename().string()), ::getpid());
    EXPECT_EQ(fs::status(kept).permissions() & fs::perms::all, fs::perms::owner_all);
    std::ofstream(folder.file("a")) << "x";
    fs::create_directories(kept / "not-on-the-list");
    std::ofstream(kept / "not-on-the-list" / "b") << "y";
    EXPECT_EQ(folder.file("a"), kept / "a");
  }
  EXPECT_FALSE(fs::exists(kept));
}

TEST(TempFolder, IsGoneWhenAnExceptionLeavesTheScope) {
  fs::path kept;
  EXPECT_THROW(
      {
        temp_folder folder("tftest");
        kept = folder.path();
        std::ofstream(folder.file("a")) << "x";
        throw std::runtime_error("leaving");
      },
      std::runtime_error);
  EXPECT_FALSE(kept.empty());
  EXPECT_FALSE(fs::exists(kept));
}

TEST(ProcessAlive, ARunningProcessOlderThanTheEntryIsAlive) {
  EXPECT_TRUE(process_alive(::getpid(), fs::file_time_type::clock::now()));
}

TEST(ProcessAlive, AProcessYoungerThanTheEntryIsAReusedPid) {
  const auto long_ago = fs::file_time_type::clock::now() - std::chrono::hours(24 * 365 * 30);
  EXPECT_FALSE(process_alive(::getpid(), long_ago));
}

TEST(ProcessAlive, AReapedProcessIsNotAlive) {
  EXPECT_FALSE(process_alive(misbehave({"exit", "0"}).pid, fs::file_time_type::clock::now()));
}

}  // namespace
