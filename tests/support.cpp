#include "support.hpp"

#include <cstring>
#include <regex>
#include <sstream>

#include <gtest/gtest.h>

#include "harness/catalog.hpp"

namespace ipclab::support {

std::string chapter_program(const std::string& number) {
  const auto* chapter = harness::find_chapter(number);
  if (!chapter) ADD_FAILURE() << "no chapter " << number << " in the catalog";
  return chapter ? chapter->program : "/nonexistent/chapter-" + number;
}

harness::spawn_result run_child_role(const std::string& number, const std::vector<std::string>& args) {
  std::vector<std::string> argv{"child"};
  argv.insert(argv.end(), args.begin(), args.end());
  return harness::spawn(chapter_program(number), argv);
}

harness::spawn_result run_parent_role(const std::string& number) {
  return harness::spawn(chapter_program(number), {});
}

std::vector<std::string> error_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream stream(text);
  for (std::string line; std::getline(stream, line);)
    if (line.find("error:") != std::string::npos) lines.push_back(line);
  return lines;
}

std::string first_match(const std::string& text, const std::string& pattern) {
  std::smatch match;
  return std::regex_search(text, match, std::regex(pattern)) && match.size() > 1 ? match[1].str() : "";
}

void dirty_free_memory(boost::interprocess::managed_shared_memory& segment) {
  std::vector<void*> blocks;
  for (std::size_t size = segment.get_free_memory(); size >= 16; size /= 2)
    while (void* block = segment.allocate(size, std::nothrow)) {
      std::memset(block, 0xAB, size);
      blocks.push_back(block);
    }
  for (void* block : blocks) segment.deallocate(block);
}

}  // namespace ipclab::support
