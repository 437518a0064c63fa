// ipclab: list, run and tour the chapters, sweep /dev/shm, run the test suite and the benchmarks.
#include <algorithm>
#include <chrono>
#include <csignal>
#include <iomanip>
#include <optional>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <string_view>
#include <thread>
#include <unistd.h>
#include <vector>

#include "cli.hpp"
#include "harness/catalog.hpp"
#include "harness/chapter.hpp"
#include "harness/narration.hpp"
#include "harness/spawn.hpp"
#include "harness/sweep.hpp"

using namespace ipclab::harness;
using ipclab::cli::exercise_state;
using ipclab::cli::hint;
using ipclab::cli::reset;
using ipclab::cli::usage;
using ipclab::cli::verify;

namespace ipclab::cli {
int usage(const std::string& sentence) {
  std::cerr << "ipclab: " << sentence << " (see 'ipclab help')\n";
  return exit_usage;
}
}  // namespace ipclab::cli

namespace {

// "01–07": the first and last numbers of `entries`.
template <class Entries>
std::string number_range(const Entries& entries) {
  return entries.empty() ? "none" : entries.front().number + "\u2013" + entries.back().number;
}

// Sweeps /dev/shm and the temporary folder: (where, entry) of each stale
// entry removed, and of each left to the process that still runs.
struct swept {
  std::vector<std::pair<std::string, shm_entry>> removed, in_use;
};

swept sweep_both() {
  swept result;
  const std::filesystem::path folders = std::filesystem::temp_directory_path();
  for (const auto& [where, report] : {std::pair{std::string("/dev/shm/"), sweep_stale_entries()},
                                      std::pair{(folders / "").string(), sweep_stale_folders(folders)}}) {
    for (const auto& entry : report.removed) result.removed.emplace_back(where, entry);
    for (const auto& entry : report.in_use) result.in_use.emplace_back(where, entry);
  }
  return result;
}

std::string creator_text(const shm_entry& entry) {
  return entry.creator ? std::to_string(*entry.creator) : std::string("?");
}

// Removes what processes that have ended left in /dev/shm and in the
// temporary folder (a run stopped by SIGKILL, say), and says so: a run starts clean.
void sweep_first() {
  for (const auto& [where, entry] : sweep_both().removed)
    std::cout << "removed " << where << entry.file_name << ", left by process " << creator_text(entry)
              << ", which has ended\n";
}

int list(const std::vector<std::string>& args) {
  if (!args.empty()) return usage("'list' takes no arguments");
  std::size_t width = 5;
  for (const auto& chapter : catalog()) width = std::max(width, chapter.title.size());
  std::cout << "NN  " << std::left << std::setw(static_cast<int>(width)) << "title" << "  exercise\n";
  for (const auto& chapter : catalog()) {
    const auto state = chapter.kind == chapter_kind::benchmark ? "none: ./ipclab bench runs it"
                       : find_exercise(chapter.number)     ? exercise_state(chapter.number)
                                                             : "none";
    std::cout << chapter.number << "  " << std::setw(static_cast<int>(width)) << chapter.title << "  " << state
              << "\n";
  }
  return 0;
}

// Runs one chapter program live (its narration streams to the terminal). A
// signal that stops ipclab meanwhile is passed on to the chapter, which
// removes what it created and dies of it; then so does ipclab.
bool run_chapter(const chapter_entry& chapter) {
  std::cout << "\n=== Chapter " << chapter.number << ": " << chapter.title << " ===\n"
            << wrap(chapter.summary, "") << "\n" << std::flush;
  const auto result = spawn(chapter.program, {},
                            {.timeout = std::chrono::seconds(60), .capture = false, .forward_signals = true});
  if (result.forwarded_signal != 0) {
    std::cout << "stopped: chapter " << chapter.number << " " << result.describe() << " after "
              << signal_name(result.forwarded_signal) << "; /dev/shm holds nothing of it\n" << std::flush;
    std::signal(result.forwarded_signal, SIG_DFL);
    std::raise(result.forwarded_signal);
  }
  const bool passed = result.succeeded();
  std::cout << (passed ? "PASS" : "FAIL") << "  chapter " << chapter.number << " (" << chapter.topic
            << "): " << result.describe() << " in " << result.elapsed.count() << " ms\n";
  return passed;
}

int run(const std::vector<std::string>& args) {
  if (args.size() != 1) return usage("'run' takes one chapter number, e.g. 'ipclab run 01'");
  const auto* chapter = find_chapter(args[0]);
  if (!chapter) return usage("there is no chapter '" + args[0] + "': chapters are " + number_range(catalog()));
  if (chapter->kind == chapter_kind::benchmark)
    return usage("chapter " + chapter->number + " has no parent and child to run: './ipclab bench' runs its benchmarks");
  sweep_first();
  return run_chapter(*chapter) ? 0 : 1;
}

int tour(const std::vector<std::string>& args) {
  if (!args.empty()) return usage("'tour' takes no arguments");
  sweep_first();
  std::cout << "A tour of ipclab: each chapter is one program run as two processes, a parent\n"
               "and a child, that share one segment. Narration lines name the process.\n";
  std::size_t passed = 0;
  for (const auto& chapter : lessons()) passed += run_chapter(chapter);
  std::cout << "\n" << passed << "/" << lessons().size() << " chapters passed\n";
  for (const auto& chapter : catalog())
    if (chapter.kind == chapter_kind::benchmark)
      std::cout << "Chapter " << chapter.number << " (" << chapter.title << ") is measured, not toured: ./ipclab bench\n";
  std::cout << "Next: the tutorial (./ipclab docs) and the exercises (./ipclab verify).\n";
  return passed == lessons().size() ? 0 : 1;
}

int sweep(const std::vector<std::string>& args) {
  const bool fail_on_leak = args.size() == 1 && args[0] == "--fail-on-leak";
  if (!args.empty() && !fail_on_leak) return usage("'sweep' takes only --fail-on-leak");
  const auto report = sweep_both();
  for (const auto& [where, entry] : report.removed)
    std::cout << (fail_on_leak ? "leaked: " : "removed stale: ") << where << entry.file_name
              << " (created by process " << creator_text(entry) << ", no longer running)\n";
  for (const auto& [where, entry] : report.in_use)
    std::cout << "in use: " << where << entry.file_name << " (process " << creator_text(entry) << " still runs)\n";
  std::cout << report.removed.size() << " removed, " << report.in_use.size() << " in use\n";
  if (fail_on_leak && !report.removed.empty()) {
    std::cerr << "ipclab: error: " << report.removed.size()
              << " ipclab entries were left in /dev/shm or the temporary folder by processes that ended: a test "
                 "leaked them\n";
    return 1;
  }
  return 0;
}

int docs(const std::vector<std::string>& args) {
  if (!args.empty()) return usage("'docs' takes no arguments");
  const std::string index = IPCLAB_BUILD_DIR "/docs/html/index.html";
  if (::access(index.c_str(), R_OK) != 0) {
    std::cerr << "ipclab: error: the tutorial has not been rendered: " << index
              << " is missing (configure with -DIPCLAB_DOCS=ON and build)\n";
    return exit_resource;
  }
  std::cout << "The tutorial is rendered at\n  " << index << "\nOpen it in a browser, e.g. xdg-open "
            << index << "\n";
  return 0;
}

// Runs ipclab-bench with JSON output into the build tree, then renders its
// tables (stdout) and plot with chapters/08-performance/render_results.py.
int bench(const std::vector<std::string>& args) {
  namespace fs = std::filesystem;
  bool save = false;
  fs::path folder = fs::path(IPCLAB_BUILD_DIR) / "bench";
  std::vector<std::string> options;
  for (auto arg = args.begin(); arg != args.end(); ++arg) {
    if (*arg == "--save")
      save = true;
    else if (*arg == "--out" && arg + 1 != args.end())
      folder = *++arg;
    else if (arg->starts_with("--benchmark_"))
      options.push_back(*arg);
    else
      return usage("'bench' takes --save, --out DIR and Google Benchmark's --benchmark_... options, not '" + *arg +
                   "'");
  }
  if (std::string_view(IPCLAB_BENCH_PROGRAM).empty()) {
    std::cerr << "ipclab: error: the benchmarks are not built: CMake did not find Google Benchmark "
                 "(scripts/bootstrap installs libbenchmark-dev; then configure again)\n";
    return exit_resource;
  }
  fs::create_directories(folder);
  const auto results = folder / "results.json", table = folder / "results.md", plot = folder / "throughput.png";
  std::vector<std::string> argv{"--benchmark_out=" + results.string(), "--benchmark_out_format=json"};
  argv.insert(argv.end(), options.begin(), options.end());
  std::cout << "Running the benchmarks of chapter 08 (a minute or two; other work on this machine skews the "
               "figures)...\n" << std::flush;
  // Google Benchmark's own console table goes to a log: the summary below says it all, in one set of units.
  const auto log = folder / "benchmark.log";
  const auto run = spawn(IPCLAB_BENCH_PROGRAM, argv, {.timeout = std::chrono::minutes(30)});
  {
    std::ofstream(log) << run.out << run.err;
  }
  if (run.how != ending::exited || (run.exit_code != 0 && run.exit_code != exit_invariant)) {
    std::cerr << "ipclab: error: ipclab-bench " << run.describe() << " (its output: " << log.string() << ")\n";
    return exit_invariant;
  }
  std::cout << "\n" << std::flush;
  const auto rendered = spawn(IPCLAB_PYTHON, {IPCLAB_BENCH_RENDERER, results.string(), "--markdown", table.string(),
                                              "--plot", plot.string()},
                              {.timeout = std::chrono::seconds(60), .capture = false});
  if (!rendered.succeeded()) {
    std::cerr << "ipclab: error: rendering " << results.string() << " " << rendered.describe() << "\n";
    return exit_invariant;
  }
  std::cout << "\nresults: " << results.string() << "\ntable:   " << table.string() << "\nplot:    "
            << plot.string() << "\nlog:     " << log.string() << " (Google Benchmark's own output)\n";
  if (run.exit_code != 0) {
    std::cerr << "ipclab: error: some benchmarks failed (the table says which; " << log.string() << " says more)"
              << (save ? "; nothing saved" : "") << "\n";
    return exit_invariant;
  }
  if (save) {
    fs::copy_file(results, IPCLAB_BENCH_RESULTS, fs::copy_options::overwrite_existing);
    std::cout << "saved:   " << IPCLAB_BENCH_RESULTS
              << " (the chapter 08 page shows these figures from the next build; commit it)\n";
  }
  return 0;
}

// Runs tools/conformance.py COMMAND ARGS... (the claims catalogue's tool) and
// returns its exit code.
int conformance(const std::string& command, std::vector<std::string> args) {
  std::vector<std::string> argv{IPCLAB_CONFORMANCE, command, IPCLAB_CATALOGUE};
  argv.insert(argv.end(), args.begin(), args.end());
  const auto run = spawn(IPCLAB_PYTHON, argv,
                         {.timeout = std::chrono::hours(1), .capture = false,
                          .environment = {{"IPCLAB_CTEST", IPCLAB_CTEST}}, .forward_signals = true});
  return run.how == ending::exited ? run.exit_code : exit_invariant;
}

// --save FILE, when `args` is exactly {"--save"}: where the docs read the saved results.
std::optional<std::vector<std::string>> save_option(const std::vector<std::string>& args, const std::string& name) {
  if (args.empty()) return std::vector<std::string>{};
  if (args == std::vector<std::string>{"--save"})
    return std::vector<std::string>{"--save", std::string(IPCLAB_SOURCE_DIR) + "/docs/conformance.json"};
  usage("'" + name + "' takes only --save, not '" + args[0] + "'");
  return std::nullopt;
}

// This build, and the configurations `ipclab matrix` built beside it.
std::vector<std::string> configurations() {
  std::vector<std::string> builds{IPCLAB_BUILD_DIR};
  const std::filesystem::path matrix = std::filesystem::path(IPCLAB_BUILD_DIR) / "matrix";
  std::error_code none;
  for (const auto& folder : std::filesystem::directory_iterator(matrix, none))
    if (std::filesystem::exists(folder.path() / "conformance" / "configuration.json")) builds.push_back(folder.path());
  std::sort(builds.begin() + 1, builds.end());
  return builds;
}

int claims(const std::vector<std::string>& args) {
  std::vector<std::string> argv{IPCLAB_BUILD_DIR};
  argv.insert(argv.end(), args.begin(), args.end());
  return conformance("claims", argv);
}

int report(const std::vector<std::string>& args) {
  const auto save = save_option(args, "report");
  if (!save) return exit_usage;
  auto argv = configurations();
  argv.push_back("--json");
  argv.push_back(IPCLAB_BUILD_DIR "/conformance/report.json");
  argv.insert(argv.end(), save->begin(), save->end());
  return conformance("report", argv);
}

int matrix(const std::vector<std::string>& args) {
  const auto save = save_option(args, "matrix");
  if (!save) return exit_usage;
  std::vector<std::string> argv{IPCLAB_SOURCE_DIR, IPCLAB_BUILD_DIR};
  argv.insert(argv.end(), save->begin(), save->end());
  return conformance("matrix", argv);
}

int test(const std::vector<std::string>& args) {
  const std::string jobs = std::to_string(std::max(2u, std::thread::hardware_concurrency()));
  // --no-tests=error: a filter that selects no test is a mistake, not a pass.
  // The JUnit results are what `ipclab report` reads; the label summary would
  // list every claim ID (each a label).
  std::vector<std::string> argv{IPCLAB_CTEST, "--test-dir", IPCLAB_BUILD_DIR, "--output-on-failure",
                                "--no-tests=error", "--no-label-summary", "--output-junit",
                                "conformance-junit.xml", "-j", jobs};
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<char*> c_argv;
  for (auto& arg : argv) c_argv.push_back(arg.data());
  c_argv.push_back(nullptr);
  std::cout << std::flush;
  ::execv(c_argv[0], c_argv.data());
  std::perror("ipclab: cannot run ctest");
  return exit_resource;
}

// Every command, with the line `ipclab help` shows for it: the one table
// both help and dispatch read.
struct command {
  std::string_view usage;        ///< "run NN": the name, then its arguments
  std::string_view description;  ///< one line, then option lines indented by 4
  int (*run)(const std::vector<std::string>& args);
};

int help(const std::vector<std::string>& args);

const std::vector<command>& commands() {
  static const std::vector<command> all{
      {"list", "the chapters, and the state of each one's exercise", list},
      {"run NN", "run chapter NN: its parent and child processes, narrated", run},
      {"tour", "run every chapter in order, a pass/fail line each, and a summary", tour},
      {"test [ARGS]", "run the whole test suite with ctest (ARGS go to ctest, e.g. -L chapter)", test},
      {"verify [NN]", "check your exercises in order (or exercise NN), stop at the first failure\n"
                      "    --watch          and again whenever you save an exercise, until it passes",
       verify},
      {"hint NN", "the hint of exercise NN", hint},
      {"reset NN", "restore exercise NN to its starter (your version is kept as .bak)", reset},
      {"docs", "say where the rendered tutorial is (the launcher renders it with the build)", docs},
      {"bench [OPTIONS]", "run the benchmarks of chapter 08 (a minute or two), print the table, draw the plot\n"
                          "    --save           and copy the results to chapters/08-performance/results.json\n"
                          "    --out DIR        write results.json, results.md and throughput.png there\n"
                          "    --benchmark_...  any Google Benchmark option, passed on (e.g. --benchmark_filter=latency)",
       bench},
      {"claims [ID|AREA]", "the claims catalogue: each documented behaviour, its tests and their last result", claims},
      {"report [--save]", "what the last runs found, claim by claim, one line a configuration\n"
                          "    --save           and save it for the docs' Conformance page (docs/conformance.json)",
       report},
      {"matrix [--save]", "build and run the conformance tests against Boost 1.74 and with clang 16 too, then report",
       matrix},
      {"sweep", "remove ipclab entries of dead processes from /dev/shm and the temporary folder\n"
                "    --fail-on-leak   and fail if there were any (the suite's cleanup check)",
       sweep},
      {"help", "this text", help},
  };
  return all;
}

std::string_view name_of(const command& entry) { return entry.usage.substr(0, entry.usage.find(' ')); }

int help(const std::vector<std::string>&) {
  std::cout << "usage: ipclab COMMAND [ARGS]\n\n";
  for (const auto& entry : commands())
    std::cout << "  " << std::left << std::setw(17) << entry.usage << entry.description << "\n";
  std::cout << "\nExit codes: 0 ok, 1 a chapter or check failed, 2 bad usage.\n";
  return 0;
}

// How many single-letter edits turn `a` into `b` (insert, delete, replace, swap).
std::size_t edits_between(std::string_view a, std::string_view b) {
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i)
    for (std::size_t j = 1; j <= b.size(); ++j) {
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] != b[j - 1])});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  return d[a.size()][b.size()];
}

int unknown_command(const std::string& given) {
  const command* closest = nullptr;
  std::size_t fewest = 3;  // more edits than two is another word
  for (const auto& entry : commands())
    if (const auto edits = edits_between(given, name_of(entry)); edits < fewest) {
      fewest = edits;
      closest = &entry;
    }
  return usage("unknown command '" + given + "'" +
               (closest ? "; did you mean '" + std::string(name_of(*closest)) + "'?" : std::string()));
}

}  // namespace

int main(int argc, char** argv) {
  const std::string given = argc > 1 ? argv[1] : "help";
  const std::vector<std::string> args(argv + std::min(argc, 2), argv + argc);
  const std::string name = given == "--help" || given == "-h" ? "help" : given;
  for (const auto& entry : commands())
    if (name_of(entry) == name) return entry.run(args);
  return unknown_command(given);
}
