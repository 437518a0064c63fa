#pragma once
/// \file
/// Chapter 01, a pool of raw memory: what the program and its tests share.

#include <cstring>
#include <string>
#include <string_view>

#include <boost/interprocess/managed_shared_memory.hpp>

#include "harness/chapter.hpp"
#include "harness/names.hpp"
#include "harness/segment_owner.hpp"

namespace ipclab::ch01 {

using boost::interprocess::managed_shared_memory;
using handle_t = managed_shared_memory::handle_t;

inline constexpr std::size_t segment_size = 64 * 1024;
inline constexpr std::size_t block_size = 1024;
/// The message the parent writes; `sizeof greeting` counts its terminating NUL.
inline constexpr char greeting[] = "Hello from the parent process, through shared memory";

/// What the child prints: the message and a newline.
inline std::string greeting_line() { return harness::text(greeting, '\n'); }

//! [handle]
/// Child: the HANDLE argument, checked to name a place where a whole block
/// fits in the segment and that is aligned like every block allocate()
/// returns (the segment's base is page-aligned, so the offset is too).
inline handle_t parse_handle(std::string_view text) {
  const auto handle = harness::parse_number(text, "handle", segment_size - block_size);
  constexpr auto alignment = managed_shared_memory::segment_manager::memory_algorithm::Alignment;
  if (handle % alignment != 0)
    throw harness::usage_error(harness::text("the handle ", text, " is not aligned like a block allocate() returns"));
  return static_cast<handle_t>(handle);
}
//! [handle]

/// Child: the message in `block`, which must end with a NUL within block_size
/// bytes: allocate() promises no zeroed memory, so the writer copies the NUL.
inline std::string message_in(const void* block) {
  const auto* text = static_cast<const char*>(block);
  const auto length = ::strnlen(text, block_size);
  harness::expect(length < block_size, "the block holds no terminating NUL within its ", block_size, " bytes");
  return std::string(text, length);
}

}  // namespace ipclab::ch01
