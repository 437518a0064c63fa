#include "harness/sweep.hpp"

#include "harness/names.hpp"

#include <algorithm>
#include <cerrno>
#include <fcntl.h>
#include <signal.h>
#include <sstream>
#include <system_error>
#include <unistd.h>

namespace ipclab::harness {
namespace fs = std::filesystem;

namespace {

// When the process started, as a file_time: field 22 of /proc/PID/stat counts
// clock ticks since boot, and /proc/stat's btime gives the boot time.
std::optional<fs::file_time_type> process_start(pid_t pid) {
  const std::string text = read_proc_file("/proc/" + std::to_string(pid) + "/stat");
  if (text.rfind(')') == std::string::npos || text.rfind(')') + 2 > text.size()) return std::nullopt;
  // The command name (field 2) may contain spaces and ')': skip past the last ')'.
  std::istringstream fields(text.substr(text.rfind(')') + 2));
  std::string field;
  for (int index = 3; index < 22 && fields >> field;) ++index;
  unsigned long long ticks = 0;
  if (!(fields >> ticks)) return std::nullopt;

  std::istringstream system_stat(read_proc_file("/proc/stat"));
  unsigned long long boot_seconds = 0;
  for (std::string key; system_stat >> key;) {
    if (key == "btime") {
      system_stat >> boot_seconds;
      break;
    }
  }
  if (boot_seconds == 0) return std::nullopt;
  const auto since_epoch = std::chrono::seconds(boot_seconds) +
                           std::chrono::milliseconds(ticks * 1000 / ::sysconf(_SC_CLK_TCK));
  const auto as_system = std::chrono::system_clock::time_point(
      std::chrono::duration_cast<std::chrono::system_clock::duration>(since_epoch));
  return fs::file_time_type::clock::from_sys(as_system);
}

shm_entry describe_entry(const fs::directory_entry& entry) {
  shm_entry result{entry.path().filename().string(), creator_of(entry.path().filename().string())};
  std::error_code ignored;
  const auto changed = fs::last_write_time(entry.path(), ignored);
  result.creator_alive = result.creator && process_alive(*result.creator, changed);
  return result;
}

bool is_ipclab_entry(const std::string& file_name) {
  return file_name.starts_with(name_prefix) || file_name.starts_with("sem." + std::string(name_prefix));
}

}  // namespace

std::string read_proc_file(const fs::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return {};
  std::string text;
  char buffer[4096];
  for (ssize_t got; (got = ::read(fd, buffer, sizeof buffer)) > 0;) text.append(buffer, static_cast<std::size_t>(got));
  ::close(fd);
  return text;
}

bool process_alive(pid_t pid, fs::file_time_type since) {
  if (::kill(pid, 0) != 0 && errno != EPERM) return false;
  const auto started = process_start(pid);
  // Clock ticks are coarse: allow the creator to look up to 2 s younger than its entry.
  return !started || *started <= since + std::chrono::seconds(2);
}

std::vector<shm_entry> list_ipclab_entries(const fs::path& directory) {
  std::vector<shm_entry> entries;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(directory, error))
    if (is_ipclab_entry(entry.path().filename().string())) entries.push_back(describe_entry(entry));
  std::sort(entries.begin(), entries.end(),
            [](const shm_entry& a, const shm_entry& b) { return a.file_name < b.file_name; });
  return entries;
}

std::vector<shm_entry> entries_created_by(pid_t pid, const fs::path& directory) {
  auto entries = list_ipclab_entries(directory);
  std::erase_if(entries, [pid](const shm_entry& entry) { return entry.creator != pid; });
  return entries;
}

sweep_report sweep_stale_entries(const fs::path& directory) {
  sweep_report report;
  for (auto& entry : list_ipclab_entries(directory)) {
    if (entry.creator_alive) {
      report.in_use.push_back(std::move(entry));
    } else {
      std::error_code ignored;
      fs::remove(directory / entry.file_name, ignored);
      report.removed.push_back(std::move(entry));
    }
  }
  return report;
}

sweep_report sweep_stale_folders(const fs::path& directory) {
  sweep_report report;
  for (auto& entry : list_ipclab_entries(directory)) {
    std::error_code not_a_folder;
    if (!entry.creator || !fs::is_directory(directory / entry.file_name, not_a_folder)) continue;
    if (entry.creator_alive) {
      report.in_use.push_back(std::move(entry));
    } else {
      std::error_code ignored;
      fs::remove_all(directory / entry.file_name, ignored);
      report.removed.push_back(std::move(entry));
    }
  }
  return report;
}

}  // namespace ipclab::harness
