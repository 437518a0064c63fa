#pragma once
/// \file
/// Chapter 06, raw shared memory and a mapped region: what the program and its tests share.

#include <cstddef>
#include <cstdio>
#include <string>
#include <string_view>
#include <sys/resource.h>

#include <boost/interprocess/mapped_region.hpp>
#include <boost/interprocess/shared_memory_object.hpp>

#include "harness/chapter.hpp"
#include "harness/names.hpp"
#include "harness/segment_owner.hpp"

namespace ipclab::ch06 {

using boost::interprocess::mapped_region;
using boost::interprocess::offset_t;

inline constexpr offset_t object_size = 1000;
inline constexpr unsigned char fill_byte = 1;

/// What the checking child prints once every byte of a `size`-byte object is 1.
inline std::string checked_line(std::size_t size) { return harness::text("size ", size, ", every byte is 1\n"); }

/// Child: throws usage_error unless the object `name` holds object_size
/// bytes (its `size`, from get_size()), the size the parent role gives it:
/// another size means another object.
inline void expect_lesson_size(offset_t size, std::string_view name) {
  if (size != object_size)
    throw harness::usage_error(harness::text("the object '", name, "' holds ", size, " bytes, not the ", object_size,
                                             " the parent role writes"));
}

/// How many bytes of `region`, from its first, are `byte`: its size when all are.
inline std::size_t leading(const mapped_region& region, unsigned char byte) {
  const auto* bytes = static_cast<const unsigned char*>(region.get_address());
  std::size_t count = 0;
  while (count < region.get_size() && bytes[count] == byte) ++count;
  return count;
}

/// Child: asks the kernel for no core file when this process crashes (the
/// writer's SIGSEGV is the lesson, not a bug to debug).
inline void no_core_file() {
  const rlimit none{0, 0};
  ::setrlimit(RLIMIT_CORE, &none);
}

/// A window of an object: `length` bytes from `offset`.
struct window {
  offset_t offset;
  std::size_t length;
};

//! [window]
/// Child: the OFFSET and LENGTH arguments, checked to be decimal numbers
/// that name at least one byte, all inside an object of `size` bytes. The
/// offset need not be page-aligned.
inline window parse_window(std::string_view offset_text, std::string_view length_text, offset_t size) {
  const auto limit = static_cast<unsigned long long>(size);
  const auto offset = harness::parse_number(offset_text, "offset", limit);
  const auto length = harness::parse_number(length_text, "length", limit);
  if (length == 0 || offset + length > limit)
    throw harness::usage_error(harness::text("the range of ", length_text, " bytes at offset ", offset_text,
                                             " is not inside the ", size, "-byte object"));
  return {static_cast<offset_t>(offset), static_cast<std::size_t>(length)};
}
//! [window]

/// The region's bytes as two-digit hex separated by spaces, "01 01 ff".
inline std::string hex_bytes(const mapped_region& region) {
  const auto* bytes = static_cast<const unsigned char*>(region.get_address());
  std::string text;
  for (std::size_t i = 0; i < region.get_size(); ++i) {
    char pair[4];
    std::snprintf(pair, sizeof pair, i == 0 ? "%02x" : " %02x", bytes[i]);
    text += pair;
  }
  return text;
}

}  // namespace ipclab::ch06
