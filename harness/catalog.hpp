#pragma once
/// \file
/// The chapters this build contains, from their chapter.json (see add_chapter()).

#include <string>
#include <string_view>
#include <vector>

namespace ipclab::harness {

/// What a chapter's program is.
enum class chapter_kind {
  lesson,     ///< a parent and a child role: `ipclab run NN`, the tour, an exercise
  benchmark,  ///< measurements (chapter 08): `ipclab bench`
};

/// One chapter: its number ("01"), topic, title, one-line summary, folder and program.
struct chapter_entry {
  std::string number;   ///< two digits, "01"
  std::string topic;    ///< the folder's topic, "raw-memory"
  std::string title;    ///< "A pool of raw memory"
  std::string summary;  ///< one line for `ipclab list`
  std::string folder;   ///< absolute path of chapters/NN-topic
  std::string program;  ///< absolute path of the built chapter program
  chapter_kind kind = chapter_kind::lesson;  ///< a lesson, or the benchmarks
};

/// One exercise, from the "exercise" of a chapter's chapter.json.
struct exercise_entry {
  std::string number;          ///< the chapter's number, "01"
  std::string topic;           ///< the chapter's topic, "raw-memory"
  std::vector<std::string> checks;  ///< the chapter's tests that check a learner's program (GoogleTest filters)
  std::string starter;         ///< the starter the build writes from the chapter's main.cpp
  std::string hint;            ///< the hint, chapters/NN-topic/hint.md
  std::string staged_source;   ///< where verify copies the learner's file to build it
  std::string learner_target;  ///< the CMake target that builds the learner's program
  std::string learner_program; ///< the learner's built program
  std::string test_program;    ///< the chapter's GoogleTest program
};

/// All chapters, in order.
const std::vector<chapter_entry>& catalog();

/// The lesson chapters (parent and child roles), in order: what the tour runs.
const std::vector<chapter_entry>& lessons();

/// All exercises, in the chapters' order.
const std::vector<exercise_entry>& exercises();

/// The exercise of chapter `number` ("1" and "01" both work), or null.
const exercise_entry* find_exercise(std::string_view number);

/// The chapter numbered `number` ("1" and "01" both name chapter 01), or null.
const chapter_entry* find_chapter(std::string_view number);

}  // namespace ipclab::harness
