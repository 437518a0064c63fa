#pragma once
/// \file
/// A folder of one run's own, for the files a chapter creates (a file to lock,
/// a file to map), owned like a segment.

#include <filesystem>
#include <string_view>
#include <vector>

namespace ipclab::harness {

/// `/tmp/ipclab-TAG-PID-XXXXXX` (mkdtemp: mode 0700, a name no one else
/// holds), removed with everything in it when the owner goes out of scope,
/// however the scope is left. A signal that stops the process (SIGINT,
/// SIGTERM, SIGHUP, SIGPIPE) removes the files named with file() and the
/// folder too (see signals.hpp); what SIGKILL leaves, the sweep removes, as
/// the name carries the creator's PID (sweep_stale_folders()).
class temp_folder {
 public:
  /// Creates the folder; throws resource_error when it cannot.
  explicit temp_folder(std::string_view tag);
  ~temp_folder();
  temp_folder(const temp_folder&) = delete;
  temp_folder& operator=(const temp_folder&) = delete;

  /// The folder.
  const std::filesystem::path& path() const { return path_; }
  /// The path of the file `name` in the folder, which a signal removes too.
  /// The caller creates the file.
  std::filesystem::path file(std::string_view name);

 private:
  std::filesystem::path path_;
  std::vector<std::filesystem::path> files_;
};

}  // namespace ipclab::harness
