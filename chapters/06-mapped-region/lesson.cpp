#include "lesson.hpp"

#include <cstdio>

#include "harness/chapter.hpp"

namespace ipclab::ch06 {
namespace bip = boost::interprocess;

//! [open]
shared_memory_object open_read_only(const std::string& name) {
  return harness::attempt("open shared memory object '" + name + "'",
                          [&] { return shared_memory_object(bip::open_only, name.c_str(), bip::read_only); });
}
//! [open]

offset_t size_of(const shared_memory_object& object) {
  offset_t size = 0;
  harness::expect(object.get_size(size), "the size of '" + std::string(object.get_name()) + "' cannot be read");
  return size;
}

void expect_lesson_size(const shared_memory_object& object) {
  const auto size = size_of(object);
  if (size != object_size)
    throw harness::usage_error("the object '" + std::string(object.get_name()) + "' holds " + std::to_string(size) +
                               " bytes, not the " + std::to_string(object_size) + " the parent role writes");
}

//! [map_range]
mapped_region map_range(const shared_memory_object& object, std::string_view offset_text,
                        std::string_view length_text) {
  const auto size = static_cast<unsigned long long>(size_of(object));
  const auto offset = harness::parse_number(offset_text, "offset", size);
  const auto length = harness::parse_number(length_text, "length", size);
  if (length == 0 || offset + length > size)
    throw harness::usage_error("the range of " + std::string(length_text) + " bytes at offset " +
                               std::string(offset_text) + " is not inside the " + std::to_string(size) +
                               "-byte object");
  return mapped_region(object, bip::read_only, static_cast<offset_t>(offset), length);
}
//! [map_range]

std::size_t first_byte_not(const mapped_region& region, unsigned char expected) {
  const auto* bytes = static_cast<const unsigned char*>(region.get_address());
  std::size_t index = 0;
  while (index < region.get_size() && bytes[index] == expected) ++index;
  return index;
}

std::string hex_bytes(const mapped_region& region) {
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
