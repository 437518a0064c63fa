#pragma once
/// \file
/// Chapter 18, allocators and node pools: what the program and its tests share.

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <iostream>
#include <string>
#include <vector>

#include <boost/interprocess/allocators/node_allocator.hpp>
#include <boost/interprocess/exceptions.hpp>
#include <boost/interprocess/managed_shared_memory.hpp>

#include "harness/chapter.hpp"
#include "harness/names.hpp"
#include "harness/segment_owner.hpp"

namespace ipclab::ch18 {

/// The size the parent creates the segment with.
inline constexpr std::size_t segment_size = 64 * 1024;
/// How many nodes one block of the lesson's pools holds (Boost's default is 64).
inline constexpr std::size_t nodes_per_block = 16;
/// How many nodes the attaching child takes at once: one more than a block holds.
inline constexpr unsigned child_nodes = nodes_per_block + 1;
/// The most nodes a child accepts on its command line.
inline constexpr unsigned long most_nodes = 1024;

//! [types]
/// What every allocator of this chapter hands out: one 8-byte node.
using node = std::uint64_t;
using segment_manager = boost::interprocess::managed_shared_memory::segment_manager;
/// The shared node allocator: every node_allocator with this node size and
/// this block size, built from one segment manager, uses one pool in the segment.
using node_alloc = boost::interprocess::node_allocator<node, segment_manager, nodes_per_block>;
/// That pool: the segment's one unique object of this type, reference counted.
using shared_pool = node_alloc::node_pool<0>::type;
/// What one block asks of the segment: its nodes (each at least a pointer
/// wide, for the free list), then one pointer that links the pool's blocks.
inline constexpr std::size_t block_bytes = nodes_per_block * sizeof(node) + sizeof(void*);
//! [types]
static_assert(sizeof(node) == sizeof(void*), "a node of pointer size needs no padding in its block");

/// What a child is asked to do: `attach SEGMENT COUNT`, take COUNT nodes
/// from the parent's pool, then give them back.
struct child_task {
  std::string segment;
  unsigned count = 0;  ///< 1 to most_nodes
};

/// The child's arguments, checked before it opens anything.
inline child_task parse_child_args(const harness::role& me) {
  const std::string action = me.args().empty() ? "" : me.args()[0];
  if (action != "attach") throw harness::usage_error("the child role takes the action 'attach', not '" + action + "'");
  const auto [verb, segment, count] = me.expect_args("attach", "SEGMENT", "COUNT");
  const auto nodes = harness::parse_number(count, "count", most_nodes);
  if (nodes == 0) throw harness::usage_error("the count must be at least 1, not 0");
  return {segment, static_cast<unsigned>(nodes)};
}

/// Child: the pool that find found, or a resource_error (the parent's
/// node_allocator is what keeps it in the segment).
inline const shared_pool& expect_pool(const shared_pool* found, const std::string& segment_name) {
  if (!found) throw harness::resource_error("segment '" + segment_name + "' holds no node pool of 8-byte nodes");
  return *found;
}

/// What the attaching child prints: where the pool is (its handle in the
/// segment) and how many bytes of free memory its nodes took.
inline std::string attach_line(std::ptrdiff_t handle, std::size_t taken) {
  return harness::text("pool at handle ", handle, "; the nodes took ", taken, " bytes of free memory\n");
}

/// What an allocation throws: "boost::interprocess::bad_alloc", "another
/// exception" or "nothing". `allocate` is the call; it must not return.
template <class Allocate>
std::string what_throws(Allocate allocate) {
  try {
    allocate();
  } catch (const boost::interprocess::bad_alloc&) {
    return "boost::interprocess::bad_alloc";
  } catch (...) {
    return "another exception";
  }
  return "nothing";
}

/// Parent: an invariant_error unless the free memory fell by exactly `blocks`
/// blocks of `block` bytes from `before`, saying when.
inline void expect_blocks(std::size_t before, std::size_t now, std::size_t blocks, std::size_t block,
                          std::string_view when) {
  harness::expect_equal("the free memory taken", before - now, blocks * block, when);
}

}  // namespace ipclab::ch18
