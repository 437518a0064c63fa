// Chapter 18 - allocators and node pools between processes (after Boost's doc_node_allocator.cpp).
#include <boost/interprocess/allocators/adaptive_pool.hpp>
#include <boost/interprocess/allocators/allocator.hpp>
#include <boost/interprocess/allocators/cached_node_allocator.hpp>
#include <boost/interprocess/allocators/node_allocator.hpp>
#include <boost/interprocess/allocators/private_node_allocator.hpp>
#include <boost/interprocess/managed_shared_memory.hpp>
#include <type_traits>
#include "lesson.hpp"  // and the standard headers: <cstdint>, <iostream>, <string>, <vector>

using namespace boost::interprocess;
using namespace ipclab;
using ch18::node, ch18::node_alloc, ch18::nodes_per_block, harness::fact, harness::expect_back_to;
using sm = ch18::segment_manager;
static_assert(!std::is_default_constructible_v<allocator<node, sm>>, "it needs a segment");

//! [parent]
void parent(const harness::role& me) {
  harness::segment_owner owner(harness::unique_name("ch18"));  // removes it on every exit
  managed_shared_memory segment(create_only, owner.c_str(), ch18::segment_size, nullptr,
                                harness::owner_only());
  sm* manager = segment.get_segment_manager();
  //! [todo 1: make a plain allocator of nodes from the segment manager]
  allocator<node, sm> plain(manager);
  //! [todo end]
  const allocator<char, sm> bytes(plain);  // rebound to char: the same segment manager
  harness::expect(plain == segment.get_allocator<node>(), "two plain allocators are unequal");
  harness::expect(bytes.get_segment_manager() == manager, "rebinding changed the manager");
  harness::expect_equal("max_size()", plain.max_size(), manager->get_size() / sizeof(node));
  const auto caught = ch18::what_throws([&] { plain.allocate(plain.max_size()); });
  const auto overflow = ch18::what_throws([&] { plain.allocate(SIZE_MAX / sizeof(node) + 1); });
  harness::expect_equal("what an overflowing count threw", overflow, caught);
  me.step("in ", fact("segment", owner.name()), " max_size() is ",
          fact("max_size", plain.max_size()), "; too much threw ", fact("caught", caught));
  const std::size_t empty = segment.get_free_memory();
  void* probe = segment.allocate(ch18::block_bytes);  // what one block of 16 nodes costs
  const std::size_t block = empty - segment.get_free_memory();
  segment.deallocate(probe);
  {
    //! [todo 2: attach a node_allocator to the segment's pool (the first one builds the pool)]
    node_alloc pool(manager);
    //! [todo end]
    const std::size_t pooled = segment.get_free_memory();  // the pool object is in, no block
    harness::expect_equal("the unique objects", segment.get_num_unique_objects(), 1u);
    harness::expect(node_alloc(manager) == pool, "two node_allocators of a segment are unequal");
    std::vector<node_alloc::pointer> nodes;
    for (std::size_t i = 0; i < nodes_per_block; ++i) nodes.push_back(pool.allocate_one());
    ch18::expect_blocks(pooled, segment.get_free_memory(), 1, block, " by 16 nodes");
    for (const auto& taken : nodes) pool.deallocate_one(taken);  // to the pool, not the segment
    ch18::expect_blocks(pooled, segment.get_free_memory(), 1, block, " after deallocate_one");
    pool.deallocate_free_blocks();  // a block whose nodes are all free goes back
    expect_back_to("free memory", segment.get_free_memory(), pooled, "after that call");
    me.step("a block of ", nodes_per_block, " nodes costs ", fact("block", block),
            " bytes, the pool ", fact("pool", empty - pooled));
    const auto attached = me.run_child({"attach", owner.name(), harness::text(ch18::child_nodes)});
    const auto handle = segment.get_handle_from_address(pool.get_node_pool());
    harness::expect_equal("what the child saw", attached, ch18::attach_line(handle, 2 * block));
    ch18::expect_blocks(pooled, segment.get_free_memory(), 2, block, " after the child");
    me.step("the child used the pool at ", fact("handle", handle), "; its 2 blocks stayed");
    pool.deallocate_free_blocks();  // the child's blocks are free: the parent returns them
    //! [todo 3: make a cached_node_allocator: it shares the same pool]
    cached_node_allocator<node, sm, nodes_per_block> cached(manager);
    //! [todo end]
    harness::expect(cached.get_node_pool() == pool.get_node_pool(), "the cache has its own pool");
    const auto cache = cached.get_max_cached_nodes();  // 64 unless told otherwise
    cached.deallocate_one(cached.allocate_one());  // the cache took cache / 2 nodes: 2 blocks
    pool.deallocate_free_blocks();  // the nodes sit in the cache: no block is free
    ch18::expect_blocks(pooled, segment.get_free_memory(), 2, block, " while the cache holds 32");
    cached.set_max_cached_nodes(0);  // a smaller cache gives its nodes back to the pool
    pool.deallocate_free_blocks();
    expect_back_to("free memory", segment.get_free_memory(), pooled, "after emptying the cache");
    me.step("the cache of ", fact("cache", cache), " nodes took 2 blocks at its first node");
  }  // the pool's last allocator is gone: the pool and its blocks leave the segment
  harness::expect_equal("the unique objects", segment.get_num_unique_objects(), 0u);
  expect_back_to("free memory", segment.get_free_memory(), empty, "after the last allocator");
  {
    private_node_allocator<node, sm, nodes_per_block> mine(manager), copy(mine);  // 2 pools
    harness::expect(mine == mine && mine != copy, "a private allocator equals another");
    harness::expect_equal("the unique objects", segment.get_num_unique_objects(), 0u);
    mine.deallocate_one(mine.allocate_one());  // the private pool keeps the block until it dies
    ch18::expect_blocks(empty, segment.get_free_memory(), 1, block, " by the private pool");
    adaptive_pool<node, sm, nodes_per_block, 0> adaptive(manager);  // keeps 0 free blocks
    const std::size_t before = segment.get_free_memory();
    adaptive.deallocate_one(adaptive.allocate_one());  // its block went back at once
    expect_back_to("free memory", segment.get_free_memory(), before, "after the adaptive node");
  }
  expect_back_to("free memory", segment.get_free_memory(), empty, "after the private pools");
  me.step("private pools equal only themselves; the adaptive pool gave its free block back");
}
//! [parent]

//! [child]
void child(const harness::role& me) {
  const ch18::child_task task = ch18::parse_child_args(me);  // checked before anything opens
  managed_shared_memory segment = harness::attempt("open segment '" + task.segment + "'", [&] {
    return managed_shared_memory(open_only, task.segment.c_str());
  });
  ch18::expect_pool(segment.find<ch18::shared_pool>(unique_instance).first, task.segment);
  //! [todo 4: attach a node_allocator to the parent's pool, through this process's manager]
  node_alloc pool(segment.get_segment_manager());
  //! [todo end]
  const std::size_t before = segment.get_free_memory();
  std::vector<node_alloc::pointer> nodes;
  for (unsigned i = 0; i < task.count; ++i) nodes.push_back(pool.allocate_one());
  for (const auto& taken : nodes) *taken = static_cast<node>(::getpid());  // ours to write
  const std::size_t taken = before - segment.get_free_memory();
  for (const auto& given : nodes) pool.deallocate_one(given);  // the shared pool keeps the blocks
  const auto handle = segment.get_handle_from_address(pool.get_node_pool());
  me.step("took ", fact("nodes", task.count), " nodes from the pool at ", fact("handle", handle),
          ": ", fact("taken", taken), " bytes");
  std::cout << ch18::attach_line(handle, taken) << std::flush;
}
//! [child]

int main(int argc, char** argv) { return harness::run_chapter(argc, argv, parent, child); }
