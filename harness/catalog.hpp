#pragma once
/// \file
/// The chapters this build contains, generated from the add_chapter() calls.

#include <string>
#include <string_view>
#include <vector>

namespace ipclab::harness {

/// One chapter: its number ("01"), topic, one-line summary and program path.
struct chapter_entry {
  std::string number;   ///< two digits, "01"
  std::string topic;    ///< the folder's topic, "raw-memory"
  std::string summary;  ///< one line for `ipclab list`
  std::string program;  ///< absolute path of the built chapter program
};

/// All chapters, in order. Defined in the generated catalog.cpp.
const std::vector<chapter_entry>& catalog();

/// The chapter numbered `number` ("1" and "01" both name chapter 01), or null.
const chapter_entry* find_chapter(std::string_view number);

}  // namespace ipclab::harness
