#pragma once
/// \file
/// Chapter 14, mapped files: what the program and its tests share.

#include <csignal>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <boost/interprocess/mapped_region.hpp>

#include "harness/chapter.hpp"
#include "harness/names.hpp"
#include "harness/segment_owner.hpp"
#include "harness/temp_folder.hpp"

namespace ipclab::ch14 {

/// The managed file: its name in the run's folder, and the size it is created with.
inline constexpr const char* store_name = "store.bin";
inline constexpr std::size_t store_size = 64 * 1024;
/// How many bytes the parent adds with managed_mapped_file::grow.
inline constexpr std::size_t grow_by = 1000;

//! [objects]
/// The two named objects the creating child leaves in the file: an int, and
/// an array of char with its terminating NUL.
inline constexpr const char* answer_name = "answer";
inline constexpr int answer = 42;
inline constexpr const char* motto_name = "motto";
inline constexpr std::string_view motto = "data outlives its processes";
//! [objects]

/// The plain file for file_mapping: three pages and a bit, zeros to begin with.
inline constexpr const char* pages_name = "pages.bin";
inline constexpr std::size_t pages_size = 3 * 4096 + 100;
/// Where the parent's window into the plain file starts (not a page multiple), and how long it is.
inline constexpr std::size_t window_offset = 5000;
inline constexpr std::size_t window_size = 32;
/// What the parent writes through its shared window, and through its private (copy_on_write) view.
inline constexpr std::string_view shared_text = "seen by every process";
inline constexpr std::string_view private_text = "seen by this mapping only";
/// The longest window a peeking child shows, and the farthest offset it accepts.
inline constexpr unsigned long most_length = 4096;
inline constexpr unsigned long most_offset = 1ul << 30;

/// Creates `name` in `folder`, `size` zero bytes, owner read-write only
/// (file_mapping opens a file that exists and creates none), and returns its path.
inline std::string create_zero_file(harness::temp_folder& folder, const char* name, std::size_t size) {
  const std::filesystem::path file = folder.file(name);
  if (!std::ofstream(file))
    throw harness::resource_error(harness::text("cannot create the file '", file.string(), "'"));
  std::filesystem::permissions(file, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  std::filesystem::resize_file(file, size);
  return file.string();
}

/// The size of `file` on disk, in bytes.
inline std::uintmax_t file_size(const std::string& file) { return std::filesystem::file_size(file); }

/// Every byte of `file`, read with an ordinary ifstream.
inline std::string contents_of(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream all;
  all << in.rdbuf();
  return all.str();
}

/// `size` bytes at `address` as text, a NUL shown as '.': what a window holds.
inline std::string shown(const void* address, std::size_t size) {
  std::string bytes(static_cast<const char*>(address), size);
  for (char& byte : bytes)
    if (byte == '\0') byte = '.';
  return bytes;
}

/// `size` bytes of `file` from `offset`, read with an ordinary ifstream and shown as above.
inline std::string shown_in_file(const std::string& file, std::size_t offset, std::size_t size) {
  const std::string bytes = contents_of(file).substr(offset, size);
  return shown(bytes.data(), bytes.size());
}

/// What a window of `window_size` bytes shows after `text` was written at its start.
inline std::string window_with(std::string_view text) {
  std::string bytes(text);
  bytes.resize(window_size, '\0');
  return shown(bytes.data(), window_size);
}

/// The arguments of the child that peeks at the parent's window of the plain file `file`.
inline std::vector<std::string> peek_args(const std::string& file) {
  return {"peek", file, harness::text(window_offset), harness::text(window_size)};
}

/// What the reading child prints: the two objects it found, and how many named objects it counted.
inline std::string found_line(int answer_found, std::string_view motto_found, std::ptrdiff_t named) {
  return harness::text("answer ", answer_found, ", motto '", motto_found, "', ", named, " named objects\n");
}

/// What a child is asked to do: `create FILE`, `read FILE`, `write FILE`
/// (construct through a read-only view, and die of it) or `peek FILE OFFSET LENGTH`.
struct child_task {
  std::string action, file;
  std::size_t offset = 0, length = 0;  ///< peek: the window
};

/// The child's arguments, checked before it opens anything.
inline child_task parse_child_args(const harness::role& me) {
  const std::string action = me.args().empty() ? "" : me.args()[0];
  if (action == "create" || action == "read" || action == "write") {
    const auto [verb, file] = me.expect_args(action, "FILE");
    harness::check_file_path(file);
    return {action, file};
  }
  if (action == "peek") {
    const auto [verb, file, offset, length] = me.expect_args("peek", "FILE", "OFFSET", "LENGTH");
    harness::check_file_path(file);
    const auto from = harness::parse_number(offset, "offset", most_offset);
    const auto size = harness::parse_number(length, "length", most_length);
    if (size == 0) throw harness::usage_error("the length must be at least 1, not 0");
    return {action, file, from, size};
  }
  throw harness::usage_error("the child role takes an action, 'create', 'read', 'write' or 'peek', not '" +
                             action + "'");
}

/// Peek: a usage_error unless the window lies inside the file: a mapping past
/// the end of a file maps, but touching it there is SIGBUS.
inline void check_window(const child_task& task) {
  if (!std::filesystem::is_regular_file(task.file))
    throw harness::usage_error("'" + task.file + "' is not an ordinary file");
  const auto size = file_size(task.file);
  if (task.offset + task.length > size)
    throw harness::usage_error(harness::text("the window ", task.offset, "+", task.length, " ends beyond the end of '",
                                             task.file, "' (", size, " bytes)"));
}

/// Read: a resource_error unless find() found the object `name` in the file.
template <class Segment, class T>
void expect_found(const std::pair<T*, std::size_t>& found, const Segment& segment, const std::string& file,
                  const char* name) {
  if (!found.first) throw harness::missing_object(segment, file, name);
}

}  // namespace ipclab::ch14
