#include "harness/narration.hpp"

#include <cstdlib>
#include <map>
#include <unistd.h>
#include <vector>

#include "harness/names.hpp"
#include "harness/text.hpp"

namespace ipclab::harness {
namespace {

// Each name unique_name() made gets its alias the first time a line of this
// process shows it.
std::string with_aliases(std::string_view line) {
  static std::map<std::string, std::string, std::less<>> aliases;
  std::string out;
  for (std::size_t at = 0; at < line.size();) {
    const auto length = unique_name_length(line.substr(at));
    if (length == 0) {
      out += line[at++];
      continue;
    }
    const auto name = line.substr(at, length);
    auto [alias, first_time] = aliases.try_emplace(std::string(name), text('#', aliases.size() + 1));
    out += first_time ? text(name, " (", alias->second, ")") : alias->second;
    at += length;
  }
  return out;
}

// Lines of at most narration_columns, broken at spaces; the rest indented.
std::vector<std::string> wrapped(std::string_view line, std::string_view indent = "    ") {
  std::vector<std::string> lines;
  std::string_view rest = line;
  while (rest.size() > narration_columns - (lines.empty() ? 0 : indent.size())) {
    const auto room = narration_columns - (lines.empty() ? 0 : indent.size());
    auto cut = rest.substr(0, room + 1).rfind(' ');
    if (cut == std::string_view::npos || cut == 0) break;  // one long word: left as it is
    lines.push_back(text(lines.empty() ? "" : indent, rest.substr(0, cut)));
    rest.remove_prefix(cut + 1);
  }
  lines.push_back(text(lines.empty() ? "" : indent, rest));
  return lines;
}

bool in_colour() {
  static const bool colour = ::isatty(STDERR_FILENO) && !std::getenv("NO_COLOR");
  return colour;
}

// The colour of a line, from its prefix: "[parent ...", "[child ... stdout]", "[child ...".
std::string_view colour_of(std::string_view line) {
  if (line.starts_with("[parent ")) return "\033[1;36m";  // bold cyan
  if (line.starts_with("[child ") && line.find(" stdout] ") != std::string_view::npos) return "\033[32m";  // green
  if (line.starts_with("[child ")) return "\033[1;35m";  // bold magenta
  return "";
}

}  // namespace

bool presents_narration() {
  const char* relayed = std::getenv(relayed_variable);
  return !relayed || std::string_view(relayed) != "1";
}

std::string wrap(std::string_view text, std::string_view indent) {
  std::string out;
  for (const auto& line : wrapped(text, indent)) out += line + '\n';
  return out;
}

std::string present(std::string_view line) {
  const auto lines = wrapped(with_aliases(line));
  const auto colour = in_colour() ? colour_of(line) : std::string_view();
  std::string out;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (colour.empty()) {
      out += lines[i];
    } else if (colour == "\033[32m") {
      out += text(colour, lines[i], "\033[0m");  // a child's output: all of it
    } else if (i > 0) {
      out += lines[i];  // a continuation
    } else {
      const auto prefix_end = lines[i].find("] ") + 1;  // the "[role pid step n]" part
      out += text(colour, lines[i].substr(0, prefix_end), "\033[0m", lines[i].substr(prefix_end));
    }
    out += '\n';
  }
  return out;
}

}  // namespace ipclab::harness
