#pragma once
/// \file
/// Chapter 01, a pool of raw memory: the steps the program and its tests share.

#include <string>
#include <string_view>

#include <boost/interprocess/managed_shared_memory.hpp>

namespace ipclab::ch01 {

using boost::interprocess::managed_shared_memory;
using handle_t = managed_shared_memory::handle_t;

inline constexpr std::size_t segment_size = 64 * 1024;
inline constexpr std::size_t block_size = 1024;
inline constexpr std::string_view greeting = "Hello from the parent process, through shared memory";

/// Parent: allocates a block_size block and copies `text` into it *with* its
/// terminating NUL. Returns the block's handle, an offset valid in every process.
handle_t write_message(managed_shared_memory& segment, std::string_view text);

/// Child: turns the handle text into the block's local address, checking that
/// it is a number that names an aligned place inside the segment.
void* block_from_handle(const managed_shared_memory& segment, std::string_view handle_text);

/// Child: the NUL-terminated message in `block`, which must end within the block.
std::string read_message(managed_shared_memory& segment, const void* block);

}  // namespace ipclab::ch01
