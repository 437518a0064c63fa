#pragma once
/// \file
/// How narration looks where a person reads it. A chapter program that is
/// not relayed by a parent (IPCLAB_RELAYED=1 says it is) presents every
/// narrated line, its own and its children's, before it writes it:
///
/// - each unique name (`ipclab-ch01-4242-0-9f1c2a7e`) is shown in full the
///   first time, with an alias, and by that alias (`#1`) afterwards;
/// - a line longer than 100 columns is wrapped at a space, the rest indented;
/// - on a terminal, unless NO_COLOR is set, the parent's, the children's and
///   a child's output lines each have a colour of their own.
///
/// Errors are never presented: they stay one line each, word for word.

#include <string>
#include <string_view>

namespace ipclab::harness {

/// The environment variable a parent role sets for the children it relays.
inline constexpr const char* relayed_variable = "IPCLAB_RELAYED";

/// The widest a presented line gets, in columns.
inline constexpr std::size_t narration_columns = 100;

/// True when this process's narration goes to a person as it is: no parent
/// role relays it.
bool presents_narration();

/// `line` (one narrated line, without its newline) as a person should see it,
/// newline included.
std::string present(std::string_view line);

/// `text` broken at spaces into lines of at most narration_columns, each
/// after the first starting with `indent`; newline after each.
std::string wrap(std::string_view text, std::string_view indent = "    ");

}  // namespace ipclab::harness
