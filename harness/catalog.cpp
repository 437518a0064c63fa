#include "harness/catalog.hpp"

namespace ipclab::harness {
namespace {

// "1" and "01" both name chapter 01.
std::string two_digits(std::string_view number) {
  return number.size() == 1 ? "0" + std::string(number) : std::string(number);
}

template <class Entry>
const Entry* find_numbered(const std::vector<Entry>& entries, std::string_view number) {
  const auto wanted = two_digits(number);
  for (const auto& entry : entries)
    if (entry.number == wanted) return &entry;
  return nullptr;
}

}  // namespace

const std::vector<chapter_entry>& catalog() {
  static const std::vector<chapter_entry> chapters{
#include "ipclab/catalog_chapters.inc"
  };
  return chapters;
}

const std::vector<chapter_entry>& lessons() {
  static const std::vector<chapter_entry> all = [] {
    std::vector<chapter_entry> found;
    for (const auto& chapter : catalog())
      if (chapter.kind == chapter_kind::lesson) found.push_back(chapter);
    return found;
  }();
  return all;
}

const std::vector<exercise_entry>& exercises() {
  static const std::vector<exercise_entry> all{
#include "ipclab/catalog_exercises.inc"
  };
  return all;
}

const chapter_entry* find_chapter(std::string_view number) { return find_numbered(catalog(), number); }

const exercise_entry* find_exercise(std::string_view number) { return find_numbered(exercises(), number); }

}  // namespace ipclab::harness
