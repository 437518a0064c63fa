#include "lesson.hpp"

#include <cstring>

#include "harness/chapter.hpp"

namespace ipclab::ch01 {

//! [write]
handle_t write_message(managed_shared_memory& segment, std::string_view text) {
  if (text.size() + 1 > block_size)
    throw harness::usage_error("the message needs " + std::to_string(text.size() + 1) +
                               " bytes but a block holds " + std::to_string(block_size));
  // allocate() returns raw memory: nothing promises it is zeroed, so copy the NUL too.
  char* block = static_cast<char*>(segment.allocate(block_size));
  std::memcpy(block, text.data(), text.size());
  block[text.size()] = '\0';
  return segment.get_handle_from_address(block);
}
//! [write]

//! [handle]
void* block_from_handle(const managed_shared_memory& segment, std::string_view handle_text) {
  const auto handle = harness::parse_number(handle_text, "handle", segment.get_size() - 1);
  void* block = segment.get_address_from_handle(static_cast<handle_t>(handle));
  constexpr auto alignment = managed_shared_memory::segment_manager::memory_algorithm::Alignment;
  if (reinterpret_cast<std::uintptr_t>(block) % alignment != 0)
    throw harness::usage_error("the handle " + std::string(handle_text) +
                               " is not aligned like a block allocate() returns");
  return block;
}
//! [handle]

std::string read_message(managed_shared_memory& segment, const void* block) {
  const auto capacity = segment.get_segment_manager()->size(block);
  const auto* text = static_cast<const char*>(block);
  const auto length = ::strnlen(text, capacity);
  harness::expect(length < capacity, "the block holds no terminating NUL within its " +
                                         std::to_string(capacity) + " bytes");
  return std::string(text, length);
}

}  // namespace ipclab::ch01
