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

/// One exercise, from a row of chapters/exercises.manifest.
struct exercise_entry {
  std::string number;          ///< the chapter's number, "01"
  std::string topic;           ///< the chapter's topic, "raw-memory"
  std::string checks;          ///< GoogleTest filter over the chapter's suite
  std::string starter;         ///< the starter source, chapters/NN-topic/exercise.cpp
  std::string hint;            ///< the hint, chapters/NN-topic/hint.md
  std::string staged_source;   ///< where verify copies the learner's file to build it
  std::string learner_target;  ///< the CMake target that builds the learner's program
  std::string learner_program; ///< the learner's built program
  std::string test_program;    ///< the chapter's GoogleTest program
};

/// All chapters, in order. Defined in the generated catalog.cpp.
const std::vector<chapter_entry>& catalog();

/// All exercises, in the manifest's order. Defined in the generated catalog.cpp.
const std::vector<exercise_entry>& exercises();

/// The exercise of chapter `number` ("1" and "01" both work), or null.
const exercise_entry* find_exercise(std::string_view number);

/// The chapter numbered `number` ("1" and "01" both name chapter 01), or null.
const chapter_entry* find_chapter(std::string_view number);

}  // namespace ipclab::harness
