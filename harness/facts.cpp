#include "harness/facts.hpp"

#include <algorithm>
#include <charconv>
#include <cstdlib>

namespace ipclab::harness {
namespace {

constexpr std::string_view marker = "@fact ";

// The next line of `text` from `at` (without its newline); moves `at` past it.
std::string_view next_line(std::string_view text, std::size_t& at) {
  const auto end = std::min(text.find('\n', at), text.size());
  const auto line = text.substr(at, end - at);
  at = end + 1;
  return line;
}

// The next space-separated word of `line`, removed from it.
std::string_view next_word(std::string_view& line) {
  const auto end = std::min(line.find(' '), line.size());
  const auto word = line.substr(0, end);
  line.remove_prefix(std::min(end + 1, line.size()));
  return word;
}

int as_int(std::string_view text) {
  int value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

}  // namespace

bool facts_wanted() {
  const char* wanted = std::getenv(facts_variable);
  return wanted && std::string_view(wanted) == "1";
}

std::string format_fact(std::string_view role, pid_t pid, std::string_view key, std::string_view value) {
  std::string line(marker);
  line.append(role).append(" ").append(std::to_string(pid)).append(" ").append(key).append(" ").append(value);
  return line + '\n';
}

std::string without_facts(std::string_view text) {
  std::string kept;
  for (std::size_t at = 0; at < text.size();) {
    const auto line = next_line(text, at);
    if (!line.starts_with(marker)) kept.append(line).append(at <= text.size() ? "\n" : "");
  }
  return kept;
}

facts::facts(std::string_view text) {
  for (std::size_t at = 0; at < text.size();) {
    auto line = next_line(text, at);
    if (!line.starts_with(marker)) continue;
    line.remove_prefix(marker.size());
    fact_line fact;
    fact.role = next_word(line);
    fact.pid = as_int(next_word(line));
    fact.key = next_word(line);
    fact.value = line;
    lines_.push_back(std::move(fact));
  }
}

std::vector<std::string> facts::values(std::string_view role, std::string_view key) const {
  std::vector<std::string> found;
  for (const auto& fact : lines_)
    if (fact.role == role && fact.key == key) found.push_back(fact.value);
  return found;
}

std::string facts::first(std::string_view role, std::string_view key) const {
  const auto found = values(role, key);
  return found.empty() ? "" : found.front();
}

std::map<pid_t, int> facts::last_steps(std::string_view role) const {
  std::map<pid_t, int> steps;
  for (const auto& fact : lines_)
    if (fact.role == role && fact.key == "step") steps[fact.pid] = std::max(steps[fact.pid], as_int(fact.value));
  return steps;
}

}  // namespace ipclab::harness
