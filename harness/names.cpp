#include "harness/names.hpp"

#include <atomic>
#include <charconv>
#include <cstdio>
#include <random>
#include <stdexcept>
#include <unistd.h>

namespace ipclab::harness {

std::string unique_name(std::string_view tag) {
  if (tag.empty() || tag.find_first_of("-/") != std::string_view::npos)
    throw std::invalid_argument("a name tag must be non-empty and free of '-' and '/'");
  static std::atomic<unsigned> counter{0};
  static const unsigned salt = std::random_device{}();
  const unsigned n = counter++;
  char random_part[9];
  std::snprintf(random_part, sizeof random_part, "%08x", salt ^ (n * 0x9e3779b9u));
  return std::string(name_prefix) + std::string(tag) + '-' + std::to_string(::getpid()) + '-' +
         std::to_string(n) + '-' + random_part;
}

std::optional<pid_t> creator_of(std::string_view name) {
  if (name.starts_with("sem.")) name.remove_prefix(4);
  if (!name.starts_with(name_prefix)) return std::nullopt;
  name.remove_prefix(name_prefix.size());
  const auto tag_end = name.find('-');
  if (tag_end == std::string_view::npos) return std::nullopt;
  name.remove_prefix(tag_end + 1);
  pid_t pid = 0;
  const auto [end, error] = std::from_chars(name.data(), name.data() + name.size(), pid);
  if (error != std::errc{} || pid <= 0 || end == name.data() + name.size() || *end != '-')
    return std::nullopt;
  return pid;
}

}  // namespace ipclab::harness
