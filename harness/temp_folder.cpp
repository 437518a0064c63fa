#include "harness/temp_folder.hpp"

#include <cerrno>
#include <cstdlib>
#include <system_error>
#include <unistd.h>

#include "harness/chapter.hpp"
#include "harness/names.hpp"
#include "harness/signals.hpp"

namespace ipclab::harness {

temp_folder::temp_folder(std::string_view tag) {
  std::string pattern =
      (std::filesystem::temp_directory_path() / text(name_prefix, tag, "-", ::getpid(), "-XXXXXX")).string();
  if (!::mkdtemp(pattern.data()))
    throw resource_error(text("cannot create a folder like '", pattern, "': ",
                              std::error_code(errno, std::generic_category()).message()));
  path_ = pattern;
  remove_folder_on_signal(path_.native());
}

temp_folder::~temp_folder() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
  for (const auto& file : files_) forget_on_signal(file.native());
  forget_on_signal(path_.native());
}

std::filesystem::path temp_folder::file(std::string_view name) {
  files_.push_back(path_ / name);
  remove_file_on_signal(files_.back().native());
  return files_.back();
}

}  // namespace ipclab::harness
