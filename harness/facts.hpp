#pragma once
/// \file
/// Facts: what a chapter program reports for machines (segment names,
/// addresses, counts, the step it reached), apart from its narration for
/// people. A program reports facts only when its environment holds
/// IPCLAB_FACTS=1, as one line each on stderr:
///
///     @fact child 4243 base 0x7f3a12000000
///
/// so that rewording a narrated sentence never changes what a test reads.

#include <map>
#include <string>
#include <string_view>
#include <vector>
#include <sys/types.h>

namespace ipclab::harness {

/// The environment variable that asks a program for its facts.
inline constexpr const char* facts_variable = "IPCLAB_FACTS";

/// True when this process was asked for facts (IPCLAB_FACTS=1).
bool facts_wanted();

/// One reported fact.
struct fact_line {
  std::string role;   ///< "parent" or "child"
  pid_t pid = 0;      ///< the process that reported it
  std::string key;    ///< e.g. "base", "step", "segment"
  std::string value;  ///< the rest of the line
};

/// The line that reports a fact, newline included.
std::string format_fact(std::string_view role, pid_t pid, std::string_view key, std::string_view value);

/// `text` less its fact lines: what a person sees of a run.
std::string without_facts(std::string_view text);

/// The facts reported in `text` (a run's stderr), in order.
class facts {
 public:
  /// Reads the fact lines of `text`; every other line is passed over.
  explicit facts(std::string_view text);

  /// Every fact, in the order reported.
  const std::vector<fact_line>& all() const { return lines_; }
  /// The values of every fact `key` reported by a process in `role`, in order.
  std::vector<std::string> values(std::string_view role, std::string_view key) const;
  /// The first value of fact `key` reported by a process in `role`, or "".
  std::string first(std::string_view role, std::string_view key) const;
  /// The last step each process in `role` reached (the highest "step" fact).
  std::map<pid_t, int> last_steps(std::string_view role) const;

 private:
  std::vector<fact_line> lines_;
};

}  // namespace ipclab::harness
