// Chapter 08 - the benchmarks of allocation, in one process: a block at a
// time through each of Boost's allocation algorithms, allocators and node
// pools against malloc, and typical container operations with the segment's
// allocator against the same container with std::allocator.
//
//   alloc/A                        256 blocks of 64 B allocated, then freed
//   container/OPERATION_heap       1000 push_backs, inserts or finds, std::allocator
//   container/OPERATION_segment    the same with boost::interprocess::allocator
#include <array>
#include <cstdlib>
#include <functional>
#include <memory>
#include <utility>

#include <benchmark/benchmark.h>
#include <boost/container/map.hpp>
#include <boost/container/vector.hpp>
#include <boost/interprocess/allocators/adaptive_pool.hpp>
#include <boost/interprocess/allocators/allocator.hpp>
#include <boost/interprocess/allocators/cached_adaptive_pool.hpp>
#include <boost/interprocess/allocators/cached_node_allocator.hpp>
#include <boost/interprocess/allocators/node_allocator.hpp>
#include <boost/interprocess/allocators/private_adaptive_pool.hpp>
#include <boost/interprocess/allocators/private_node_allocator.hpp>
#include <boost/interprocess/managed_shared_memory.hpp>
#include <boost/interprocess/mem_algo/simple_seq_fit.hpp>

#include "guarded.hpp"
#include "harness/names.hpp"
#include "harness/segment_owner.hpp"

namespace bip = boost::interprocess;
using namespace ipclab;
using ch08::guarded;

namespace {

// ---- one block at a time --------------------------------------------------------

constexpr std::size_t block_size = 64;
constexpr int blocks_per_round = 256;
struct block {
  char bytes[block_size];
};

//! [alloc]
// One iteration allocates 256 blocks of 64 B, then frees them in the same
// order. One item is one allocate and one deallocate.
template <class Allocate, class Deallocate>
void allocation_rounds(benchmark::State& state, Allocate allocate, Deallocate deallocate) {
  std::array<void*, blocks_per_round> blocks;
  for (auto _ : state) {
    for (auto& b : blocks) {
      b = allocate();
      benchmark::DoNotOptimize(b);
    }
    for (auto* b : blocks) deallocate(b);
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * blocks_per_round);
}

// A managed segment whose allocation algorithm is rbtree_best_fit (what
// managed_shared_memory uses) or simple_seq_fit.
using rbtree_segment = bip::managed_shared_memory;
using seq_fit_segment = bip::basic_managed_shared_memory<char, bip::simple_seq_fit<bip::mutex_family>, bip::iset_index>;
using segment_manager = rbtree_segment::segment_manager;
constexpr std::size_t alloc_segment_size = 1 << 20;

template <class Segment>
void alloc_segment(benchmark::State& state) {
  guarded(state, [&] {
    harness::segment_owner owner(harness::unique_name("bench"));
    Segment segment(bip::create_only, owner.c_str(), alloc_segment_size, nullptr, harness::owner_only());
    allocation_rounds(state, [&] { return segment.allocate(block_size); },
                      [&](void* b) { segment.deallocate(b); });
  });
}

// boost::interprocess::allocator asks the segment's algorithm for every block,
// as segment.allocate() does, through the typed interface containers use.
void alloc_allocator(benchmark::State& state) {
  guarded(state, [&] {
    harness::segment_owner owner(harness::unique_name("bench"));
    rbtree_segment segment(bip::create_only, owner.c_str(), alloc_segment_size, nullptr, harness::owner_only());
    bip::allocator<block, segment_manager> allocator(segment.get_segment_manager());
    allocation_rounds(state, [&] { return static_cast<void*>(allocator.allocate(1).get()); },
                      [&](void* b) { allocator.deallocate(static_cast<block*>(b), 1); });
  });
}

// The node allocators and adaptive pools hand out blocks of one size from
// pools kept in the segment: node_allocator's and adaptive_pool's are shared
// by every allocator of the segment (and every process), the private_ ones
// belong to one allocator, and the cached_ ones keep freed nodes in the
// allocator before giving them back to the shared pool. Through
// allocate_one(): they are "version 2" allocators, whose allocate(1) goes to
// the segment's general algorithm and bypasses the pool; the Boost.Container
// node containers call allocate_one().
template <class Pool>
void alloc_pool(benchmark::State& state) {
  guarded(state, [&] {
    harness::segment_owner owner(harness::unique_name("bench"));
    rbtree_segment segment(bip::create_only, owner.c_str(), alloc_segment_size, nullptr, harness::owner_only());
    Pool pool(segment.get_segment_manager());
    allocation_rounds(state, [&] { return static_cast<void*>(pool.allocate_one().get()); },
                      [&](void* b) { pool.deallocate_one(static_cast<block*>(b)); });
  });
}
//! [alloc]

void alloc_malloc(benchmark::State& state) {
  allocation_rounds(state, [] { return std::malloc(block_size); }, [](void* b) { std::free(b); });
}

// ---- containers -----------------------------------------------------------------

//! [containers]
// One item is one push_back, one insert or one find; 1000 of them an
// iteration. The keys come in a scrambled order (7919 is prime to 1000).
constexpr int container_items = 1000;
int key(int i) { return i * 7919 % container_items; }

template <class Allocator, class T>
using rebound = typename std::allocator_traits<Allocator>::template rebind_alloc<T>;
template <class Allocator>
using int_map = boost::container::map<int, int, std::less<int>, rebound<Allocator, std::pair<const int, int>>>;

struct vector_push_back {  // into an empty vector, which grows as it goes
  template <class Allocator>
  void operator()(benchmark::State& state, const Allocator& allocator) const {
    for (auto _ : state) {
      boost::container::vector<int, Allocator> numbers(allocator);
      for (int i = 0; i < container_items; ++i) numbers.push_back(i);
      benchmark::DoNotOptimize(numbers.data());
    }
    state.SetItemsProcessed(state.iterations() * container_items);
  }
};

struct map_insert {  // into an empty map, one node a key
  template <class Allocator>
  void operator()(benchmark::State& state, const Allocator& allocator) const {
    for (auto _ : state) {
      int_map<Allocator> map(allocator);
      for (int i = 0; i < container_items; ++i) map.emplace(key(i), i);
      benchmark::DoNotOptimize(map.size());
    }
    state.SetItemsProcessed(state.iterations() * container_items);
  }
};

struct map_find {  // every key of a map of 1000
  template <class Allocator>
  void operator()(benchmark::State& state, const Allocator& allocator) const {
    int_map<Allocator> map(allocator);
    for (int i = 0; i < container_items; ++i) map.emplace(i, i);
    for (auto _ : state)
      for (int i = 0; i < container_items; ++i) benchmark::DoNotOptimize(map.find(key(i)));
    state.SetItemsProcessed(state.iterations() * container_items);
  }
};

// The same container type and code; only the allocator differs.
template <class Operation>
void in_heap(benchmark::State& state) {
  guarded(state, [&] { Operation{}(state, std::allocator<int>()); });
}

template <class Operation>
void in_segment(benchmark::State& state) {
  guarded(state, [&] {
    harness::segment_owner owner(harness::unique_name("bench"));
    rbtree_segment segment(bip::create_only, owner.c_str(), alloc_segment_size, nullptr, harness::owner_only());
    Operation{}(state, bip::allocator<int, segment_manager>(segment.get_segment_manager()));
  });
}
//! [containers]

template <class Operation>
void register_container_benchmark(const std::string& name) {
  benchmark::RegisterBenchmark(("container/" + name + "_heap").c_str(), in_heap<Operation>)->UseRealTime();
  benchmark::RegisterBenchmark(("container/" + name + "_segment").c_str(), in_segment<Operation>)->UseRealTime();
}

}  // namespace

void ipclab::ch08::register_allocation_benchmarks() {
  benchmark::RegisterBenchmark("alloc/malloc", alloc_malloc)->UseRealTime();
  benchmark::RegisterBenchmark("alloc/rbtree_best_fit", alloc_segment<rbtree_segment>)->UseRealTime();
  benchmark::RegisterBenchmark("alloc/simple_seq_fit", alloc_segment<seq_fit_segment>)->UseRealTime();
  benchmark::RegisterBenchmark("alloc/allocator", alloc_allocator)->UseRealTime();
  benchmark::RegisterBenchmark("alloc/node_allocator", alloc_pool<bip::node_allocator<block, segment_manager>>)
      ->UseRealTime();
  benchmark::RegisterBenchmark("alloc/private_node_allocator",
                               alloc_pool<bip::private_node_allocator<block, segment_manager>>)
      ->UseRealTime();
  benchmark::RegisterBenchmark("alloc/cached_node_allocator",
                               alloc_pool<bip::cached_node_allocator<block, segment_manager>>)
      ->UseRealTime();
  benchmark::RegisterBenchmark("alloc/adaptive_pool", alloc_pool<bip::adaptive_pool<block, segment_manager>>)
      ->UseRealTime();
  benchmark::RegisterBenchmark("alloc/private_adaptive_pool",
                               alloc_pool<bip::private_adaptive_pool<block, segment_manager>>)
      ->UseRealTime();
  benchmark::RegisterBenchmark("alloc/cached_adaptive_pool",
                               alloc_pool<bip::cached_adaptive_pool<block, segment_manager>>)
      ->UseRealTime();
  register_container_benchmark<vector_push_back>("vector_push_back");
  register_container_benchmark<map_insert>("map_insert");
  register_container_benchmark<map_find>("map_find");
}
