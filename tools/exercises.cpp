// The exercises: verify (build the learner's file, run it, run the chapter's
// own tests against it), hint, reset, and a watch mode.
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "cli.hpp"
#include "harness/catalog.hpp"
#include "harness/chapter.hpp"
#include "harness/facts.hpp"
#include "harness/spawn.hpp"

namespace ipclab::cli {
namespace fs = std::filesystem;
using harness::exercise_entry;
using harness::spawn_result;

namespace {

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

void write_file(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

// The learner's files live in exercises/ beside the sources (or where
// IPCLAB_EXERCISES_DIR says), created from the starters on first use.
fs::path exercises_dir() {
  const char* override_dir = std::getenv("IPCLAB_EXERCISES_DIR");
  return override_dir && *override_dir ? fs::path(override_dir) : fs::path(IPCLAB_SOURCE_DIR) / "exercises";
}

fs::path learner_file(const exercise_entry& exercise) {
  return exercises_dir() / (exercise.number + "-" + exercise.topic + ".cpp");
}

fs::path ensure_learner_file(const exercise_entry& exercise) {
  const auto path = learner_file(exercise);
  if (!fs::exists(path)) {
    write_file(path, read_file(exercise.starter));
    std::cout << "created " << path.string() << " from the starter: fill in its TODOs\n";
  }
  return path;
}

std::string indented(const std::string& text, std::size_t max_lines = 30) {
  std::istringstream lines(text);
  std::string result;
  std::size_t count = 0;
  for (std::string line; std::getline(lines, line);) {
    if (count++ == max_lines) {
      result += "    ...\n";
      break;
    }
    result += "    " + line + "\n";
  }
  return result;
}

std::string lines_with(const std::string& text, const std::string& needle) {
  std::istringstream lines(text);
  std::string result;
  for (std::string line; std::getline(lines, line);)
    if (line.find(needle) != std::string::npos) result += line + "\n";
  return result;
}

// GoogleTest's brief output, without its banners: the failures and their messages.
std::string test_failures(const std::string& output) {
  std::istringstream lines(output);
  std::string result;
  for (std::string line; std::getline(lines, line);)
    if (!line.starts_with("[==========]") && !line.starts_with("[  PASSED  ]") && !line.empty() &&
        line.find("FAILED TEST") == std::string::npos && line.find(" FAILED TESTS") == std::string::npos)
      result += line + "\n";
  return result;
}

bool fail(const exercise_entry& exercise, const std::string& what, const std::string& details) {
  std::cout << "FAIL  exercise " << exercise.number << " (" << exercise.topic << "): " << what << "\n"
            << indented(details) << "hint (ipclab hint " << exercise.number << "):\n"
            << indented(read_file(exercise.hint));
  return false;
}

// The build tree's lock, which the ./ipclab launcher takes too: held while
// this process builds, waited for (and said so) while another builds.
class build_lock {
 public:
  build_lock() : fd_(::open(IPCLAB_BUILD_DIR "/.build.lock", O_RDWR | O_CREAT | O_CLOEXEC, 0644)) {
    if (fd_ < 0 || ::flock(fd_, LOCK_EX | LOCK_NB) == 0) return;
    std::cout << "waiting for another ipclab build of this build tree to finish...\n" << std::flush;
    ::flock(fd_, LOCK_EX);
  }
  ~build_lock() {
    if (fd_ >= 0) ::close(fd_);
  }
  build_lock(const build_lock&) = delete;
  build_lock& operator=(const build_lock&) = delete;

 private:
  int fd_;
};

// Builds the learner's file as the program ipclab-exNN. Compiler errors point
// at the learner's own file: the staged copy starts with a #line directive.
std::optional<std::string> build_learner_program(const exercise_entry& exercise, const fs::path& source) {
  const std::string staged = "#line 1 \"" + source.string() + "\"\n" + read_file(source);
  if (read_file(exercise.staged_source) != staged) write_file(exercise.staged_source, staged);
  const build_lock lock;  // the launcher's: two builds of one tree break each other
  const auto build = harness::spawn(IPCLAB_CMAKE, {"--build", IPCLAB_BUILD_DIR, "--target", exercise.learner_target},
                                    {.timeout = std::chrono::minutes(5)});
  if (build.succeeded()) return exercise.learner_program;
  const auto errors = lines_with(build.out + build.err, "error");
  fail(exercise, "it does not compile (" + build.describe() + ")", errors.empty() ? build.out + build.err : errors);
  return std::nullopt;
}

// How the learner's run ended; for a run that hung or was killed, the step
// where the parent, and each child that reported one, had got to.
std::string how_it_ended(const spawn_result& run) {
  if (run.how == harness::ending::exited || run.how == harness::ending::failed_to_start) return run.describe();
  std::string where = run.describe() + ", the parent" + harness::where_it_stopped(run, "parent", run.pid);
  for (const auto& [child, step] : harness::facts(run.err).last_steps("child"))
    where += harness::text("; its child ", child, harness::where_it_stopped(run, "child", child));
  return where;
}

// The exercise's checks as one GoogleTest filter.
std::string checks_filter(const exercise_entry& exercise) {
  std::string filter;
  for (const auto& check : exercise.checks) filter += (filter.empty() ? "" : ":") + check;
  return filter;
}

// The checks: the program's own run (parent and child, real processes), then
// the chapter's tests its chapter.json names, against this program.
bool check(const exercise_entry& exercise, const std::string& program) {
  std::cout << "checking exercise " << exercise.number << " (" << exercise.topic << "): " << program << "\n"
            << std::flush;
  // IPCLAB_VERIFY_TIMEOUT_MS: how long a run may take (a minute by default).
  const char* timeout_ms = std::getenv("IPCLAB_VERIFY_TIMEOUT_MS");
  const auto run = harness::spawn(program, {}, {.timeout = std::chrono::milliseconds(timeout_ms ? std::atol(timeout_ms) : 60000),
                                                .environment = {{harness::facts_variable, "1"}}});
  if (!run.succeeded()) {
    const auto errors = lines_with(run.err, "error:");
    return fail(exercise, "its run " + how_it_ended(run), errors.empty() ? harness::without_facts(run.err) : errors);
  }
  const auto tests = harness::spawn(
      exercise.test_program, {"--gtest_filter=" + checks_filter(exercise), "--gtest_brief=1", "--gtest_color=no"},
      {.timeout = std::chrono::minutes(2), .environment = {{"IPCLAB_CHAPTER_PROGRAM", program}}});
  if (!tests.succeeded())
    return fail(exercise, "the chapter's tests found a problem (" + tests.describe() + ")",
                test_failures(tests.out + tests.err));
  // A filter that matches nothing would pass anything: the checks must name real tests.
  const auto summary = tests.out.find("[  PASSED  ] ");
  const int passed = summary == std::string::npos ? 0 : std::atoi(tests.out.c_str() + summary + 13);
  if (passed == 0)
    return fail(exercise, "its checks '" + checks_filter(exercise) + "' match no test of the chapter", tests.out);
  std::cout << "PASS  exercise " << exercise.number << " (" << exercise.topic << "): its run and " << passed
            << " of the chapter's tests pass\n";
  return true;
}

// What verify has seen pass: a line "NN HASH" an exercise, where HASH is
// that of the learner's file when it passed.
fs::path progress_file() { return exercises_dir() / ".progress"; }

std::string hash_of(const std::string& text) { return std::to_string(std::hash<std::string>{}(text)); }

std::map<std::string, std::string> passed_hashes() {
  std::map<std::string, std::string> passed;
  std::istringstream lines(read_file(progress_file()));
  for (std::string number, hash; lines >> number >> hash;) passed[number] = hash;
  return passed;
}

void record_pass(const exercise_entry& exercise, const fs::path& source) {
  auto passed = passed_hashes();
  passed[exercise.number] = hash_of(read_file(source));
  std::string text;
  for (const auto& [number, hash] : passed) text += number + " " + hash + "\n";
  write_file(progress_file(), text);
}

bool verify_one(const exercise_entry& exercise) {
  const auto source = ensure_learner_file(exercise);
  const auto program = build_learner_program(exercise, source);
  const bool passed = program && check(exercise, *program);
  if (passed) record_pass(exercise, source);
  return passed;
}

// Verifies `chosen` (or every exercise in order, stopping at the first that
// fails) and prints the progress. Returns the exit code.
int verify_run(const exercise_entry* chosen) {
  if (chosen) return verify_one(*chosen) ? 0 : 1;
  std::size_t done = 0;
  for (const auto& exercise : harness::exercises()) {
    if (!verify_one(exercise)) break;
    ++done;
  }
  std::cout << done << "/" << harness::exercises().size() << " exercises done\n";
  return done == harness::exercises().size() ? 0 : 1;
}

// Verifies, then again whenever a file in the exercises folder is saved,
// until everything watched passes. The watch starts before the first run, so
// a save during a run is not missed.
int watch(const exercise_entry* chosen) {
  fs::create_directories(exercises_dir());
  const int inotify = ::inotify_init1(IN_CLOEXEC);
  if (inotify < 0 || ::inotify_add_watch(inotify, exercises_dir().c_str(), IN_CLOSE_WRITE | IN_MOVED_TO) < 0) {
    std::cerr << "ipclab: error: cannot watch " << exercises_dir().string() << "\n";
    return harness::exit_resource;
  }
  while (verify_run(chosen) != 0) {
    std::cout << "\nwatching " << exercises_dir().string() << ": save your exercise to check it again (Ctrl-C stops)\n"
              << std::flush;
    alignas(inotify_event) char events[4096];
    if (::read(inotify, events, sizeof events) <= 0) return harness::exit_resource;
  }
  ::close(inotify);
  return 0;
}

// "there is no exercise '42': exercises are 01–07".
std::string no_such_exercise(const std::string& number) {
  const auto& all = harness::exercises();
  return "there is no exercise '" + number + "': exercises are " +
         (all.empty() ? std::string("none") : all.front().number + "\u2013" + all.back().number);
}

}  // namespace

std::string exercise_state(const std::string& number) {
  const auto* exercise = harness::find_exercise(number);
  if (!exercise) return "none";
  const auto path = learner_file(*exercise);
  if (!fs::exists(path)) return "to do";
  const auto text = read_file(path);
  const auto passed = passed_hashes();
  if (const auto found = passed.find(exercise->number); found != passed.end() && found->second == hash_of(text))
    return "done";
  return text == read_file(exercise->starter) ? "to do" : "started";
}

int verify(const std::vector<std::string>& args) {
  const exercise_entry* chosen = nullptr;
  std::optional<std::string> program;
  bool watching = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--watch") {
      watching = true;
    } else if (args[i] == "--program" && i + 1 < args.size()) {
      program = args[++i];
    } else if (args[i].starts_with("-")) {
      return usage("'verify' takes an exercise number and --watch, not '" + args[i] + "'");
    } else if (chosen) {
      return usage("'verify' takes one exercise number, not '" + args[i] + "' as well");
    } else if (!(chosen = harness::find_exercise(args[i]))) {
      return usage(no_such_exercise(args[i]));
    }
  }
  if (program) {
    if (!chosen || watching) return usage("'verify --program PATH' needs one exercise number and no --watch");
    return check(*chosen, *program) ? 0 : 1;
  }
  return watching ? watch(chosen) : verify_run(chosen);
}

// The one exercise `args` names, or null after a usage error (its exit code in `code`).
const exercise_entry* one_exercise(const std::vector<std::string>& args, const std::string& command, int& code) {
  if (args.size() != 1) {
    code = usage("'" + command + "' takes one exercise number, e.g. 'ipclab " + command + " 01'");
    return nullptr;
  }
  const auto* exercise = harness::find_exercise(args[0]);
  if (!exercise) code = usage(no_such_exercise(args[0]));
  return exercise;
}

int hint(const std::vector<std::string>& args) {
  int code = 0;
  const auto* exercise = one_exercise(args, "hint", code);
  if (!exercise) return code;
  std::cout << read_file(exercise->hint);
  return 0;
}

int reset(const std::vector<std::string>& args) {
  int code = 0;
  const auto* exercise = one_exercise(args, "reset", code);
  if (!exercise) return code;
  const auto path = learner_file(*exercise);
  if (fs::exists(path) && read_file(path) != read_file(exercise->starter)) {
    fs::copy_file(path, path.string() + ".bak", fs::copy_options::overwrite_existing);
    std::cout << "saved your version as " << path.string() << ".bak\n";
  }
  write_file(path, read_file(exercise->starter));
  std::cout << "restored " << path.string() << " to its starter\n";
  return 0;
}

}  // namespace ipclab::cli
