#include "harness/names.hpp"

#include <atomic>
#include <cctype>
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

std::size_t unique_name_length(std::string_view text) {
  if (!text.starts_with(name_prefix)) return 0;
  std::size_t at = name_prefix.size();
  // Each part: at least one character of its kind, then a '-' (but the last).
  const auto part = [&](auto is_of_kind, std::size_t exactly) {
    const auto from = at;
    while (at < text.size() && is_of_kind(text[at])) ++at;
    return at > from && (exactly == 0 || at - from == exactly);
  };
  const auto dash = [&] { return at < text.size() && text[at++] == '-'; };
  const auto tag_char = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
  const auto digit = [](char c) { return c >= '0' && c <= '9'; };
  const auto hex = [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); };
  const bool whole = part(tag_char, 0) && dash() && part(digit, 0) && dash() && part(digit, 0) && dash() && part(hex, 8);
  return whole && (at == text.size() || !tag_char(text[at])) ? at : 0;
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
