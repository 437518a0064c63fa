// ipclab: list, run and tour the chapters, sweep /dev/shm, run the test suite and the benchmarks.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>
#include <string_view>
#include <thread>
#include <unistd.h>
#include <vector>

#include "cli.hpp"
#include "harness/catalog.hpp"
#include "harness/chapter.hpp"
#include "harness/spawn.hpp"
#include "harness/sweep.hpp"

using namespace ipclab::harness;
using ipclab::cli::usage;

namespace ipclab::cli {
int usage(const std::string& sentence) {
  std::cerr << "ipclab: " << sentence << " (see 'ipclab help')\n";
  return exit_usage;
}
}  // namespace ipclab::cli

namespace {

constexpr std::string_view help_text = R"(usage: ipclab COMMAND [ARGS]

  list             the chapters, one line each
  run NN           run chapter NN: its parent and child processes, narrated
  tour             run every chapter in order, a pass/fail line each, and a summary
  test [ARGS]      run the whole test suite with ctest (ARGS go to ctest, e.g. -L chapter)
  verify [NN]      check your exercises in order (or exercise NN), stop at the first failure
      --watch          and again whenever you save an exercise, until it passes
  hint NN          the hint of exercise NN
  reset NN         restore exercise NN to its starter (your version is kept as .bak)
  docs             say where the rendered tutorial is (the launcher renders it with the build)
  bench [OPTIONS]  run the benchmarks of chapter 08 (a minute or two), print the table, draw the plot
      --save           and copy the results to chapters/08-performance/results.json, for the docs
      --out DIR        write results.json, results.md and throughput.png there (default: build/PRESET/bench)
      --benchmark_...  any Google Benchmark option, passed on (e.g. --benchmark_filter=latency)
  sweep            remove ipclab entries of dead processes from /dev/shm
      --fail-on-leak   and fail if there were any (the suite's cleanup check)
  help             this text

Exit codes: 0 ok, 1 a chapter or check failed, 2 bad usage.
)";

int list() {
  for (const auto& chapter : catalog())
    std::cout << chapter.number << "  " << chapter.topic << "  " << chapter.summary << '\n';
  return 0;
}

// Runs one chapter program live (its narration streams to the terminal).
bool run_chapter(const chapter_entry& chapter) {
  std::cout << "\n=== Chapter " << chapter.number << ": " << chapter.topic << " ===\n"
            << chapter.summary << "\n\n" << std::flush;
  const auto result = spawn(chapter.program, {}, {.timeout = std::chrono::seconds(60), .capture = false});
  const bool passed = result.succeeded();
  std::cout << (passed ? "PASS" : "FAIL") << "  chapter " << chapter.number << " (" << chapter.topic
            << "): " << result.describe() << " in " << result.elapsed.count() << " ms\n";
  return passed;
}

int run(const std::vector<std::string>& args) {
  if (args.size() != 1) return usage("'run' takes one chapter number, e.g. 'ipclab run 01'");
  const auto* chapter = find_chapter(args[0]);
  if (!chapter) return usage("there is no chapter '" + args[0] + "'; 'ipclab list' shows them");
  return run_chapter(*chapter) ? 0 : 1;
}

int tour() {
  std::cout << "A tour of ipclab: each chapter is one program run as two processes, a parent\n"
               "and a child, that share one segment. Narration lines name the process.\n";
  std::size_t passed = 0;
  for (const auto& chapter : catalog()) passed += run_chapter(chapter);
  std::cout << "\n" << passed << "/" << catalog().size() << " chapters passed\n";
  return passed == catalog().size() ? 0 : 1;
}

int sweep(const std::vector<std::string>& args) {
  const bool fail_on_leak = args.size() == 1 && args[0] == "--fail-on-leak";
  if (!args.empty() && !fail_on_leak) return usage("'sweep' takes only --fail-on-leak");
  const auto report = sweep_stale_entries();
  for (const auto& entry : report.removed)
    std::cout << (fail_on_leak ? "leaked: " : "removed stale: ") << "/dev/shm/" << entry.file_name
              << " (created by process "
              << (entry.creator ? std::to_string(*entry.creator) : std::string("?"))
              << ", no longer running)\n";
  for (const auto& entry : report.in_use)
    std::cout << "in use: /dev/shm/" << entry.file_name << " (process " << *entry.creator
              << " still runs)\n";
  std::cout << report.removed.size() << " removed, " << report.in_use.size() << " in use\n";
  if (fail_on_leak && !report.removed.empty()) {
    std::cerr << "ipclab: error: " << report.removed.size()
              << " ipclab entries were left in /dev/shm by processes that ended: a test leaked them\n";
    return 1;
  }
  return 0;
}

int docs() {
  const std::string index = std::string(IPCLAB_BUILD_DIR) + "/docs/html/index.html";
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
  std::cout << "Running " << IPCLAB_BENCH_PROGRAM << " (a minute or two). Other work on this machine "
            << "skews the figures: measure on a quiet one.\n" << std::flush;
  const auto run = spawn(IPCLAB_BENCH_PROGRAM, argv, {.timeout = std::chrono::minutes(30), .capture = false});
  if (run.how != ending::exited || (run.exit_code != 0 && run.exit_code != exit_invariant)) {
    std::cerr << "ipclab: error: ipclab-bench " << run.describe() << "\n";
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
            << plot.string() << "\n";
  if (run.exit_code != 0) {
    std::cerr << "ipclab: error: some benchmarks failed (see above)" << (save ? "; nothing saved" : "") << "\n";
    return exit_invariant;
  }
  if (save) {
    fs::copy_file(results, IPCLAB_BENCH_RESULTS, fs::copy_options::overwrite_existing);
    std::cout << "saved:   " << IPCLAB_BENCH_RESULTS
              << " (the chapter 08 page shows these figures from the next build; commit it)\n";
  }
  return 0;
}

int test(const std::vector<std::string>& args) {
  const std::string jobs = std::to_string(std::max(2u, std::thread::hardware_concurrency()));
  std::vector<std::string> argv{IPCLAB_CTEST, "--test-dir", IPCLAB_BUILD_DIR, "--output-on-failure",
                                "-j", jobs};
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<char*> c_argv;
  for (auto& arg : argv) c_argv.push_back(arg.data());
  c_argv.push_back(nullptr);
  std::cout << std::flush;
  ::execv(c_argv[0], c_argv.data());
  std::perror("ipclab: cannot run ctest");
  return exit_resource;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string command = argc > 1 ? argv[1] : "help";
  const std::vector<std::string> args(argv + std::min(argc, 2), argv + argc);
  if (command == "help" || command == "--help" || command == "-h") {
    std::cout << help_text;
    return 0;
  }
  if (command == "list") return args.empty() ? list() : usage("'list' takes no arguments");
  if (command == "run") return run(args);
  if (command == "tour") return args.empty() ? tour() : usage("'tour' takes no arguments");
  if (command == "sweep") return sweep(args);
  if (command == "test") return test(args);
  if (command == "verify") return ipclab::cli::verify(args);
  if (command == "hint") return ipclab::cli::hint(args);
  if (command == "reset") return ipclab::cli::reset(args);
  if (command == "docs") return args.empty() ? docs() : usage("'docs' takes no arguments");
  if (command == "bench") return bench(args);
  return usage("unknown command '" + command + "'");
}
