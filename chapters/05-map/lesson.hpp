#pragma once
/// \file
/// Chapter 05, a map in shared memory: the steps the program and its tests share.

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include <boost/interprocess/allocators/allocator.hpp>
#include <boost/interprocess/containers/map.hpp>
#include <boost/interprocess/managed_shared_memory.hpp>

namespace ipclab::ch05 {

using boost::interprocess::managed_shared_memory;

//! [types]
// A map's value_type is std::pair<const Key, Mapped>, so that pair is what the
// allocator must allocate: each node of the tree, pair inside, is carved from
// the segment.
using KeyType = int;
using MappedType = float;
using ValueType = std::pair<const KeyType, MappedType>;
using ShmemAllocator = boost::interprocess::allocator<ValueType, managed_shared_memory::segment_manager>;

// The third parameter orders the keys, as for std::map. The tree links its
// nodes with offset_ptr, so any process mapping the segment can walk it.
using MyMap = boost::interprocess::map<KeyType, MappedType, std::less<KeyType>, ShmemAllocator>;
//! [types]

inline constexpr std::size_t segment_size = 64 * 1024;
/// The map's name in the segment (the segment's own name is unique already).
inline constexpr const char* map_name = "MyMap";
/// The parent inserts the pairs (i, float(i)) for i in 0 .. pair_count - 1.
inline constexpr int pair_count = 100;
/// The child inserts the keys first_new_key .. first_new_key + new_key_count - 1.
inline constexpr int first_new_key = 100;
inline constexpr int new_key_count = 10;
/// The value the child gives a key it inserts: distinct from any the parent wrote.
inline MappedType new_value(KeyType key) { return static_cast<MappedType>(key) * 0.5f; }

/// Parent: constructs the map named `name` and inserts (i, float(i)) for i in 0 .. pair_count - 1.
MyMap& build_map(managed_shared_memory& segment, const char* name = map_name);

/// Child: the map named `name` in the segment `segment_name`. Throws
/// resource_error when no object has that name, usage_error when the object
/// is not one MyMap (its size says so).
MyMap& find_map(managed_shared_memory& segment, const std::string& segment_name, const std::string& name);

/// Child: looks every key 0 .. pair_count - 1 up and checks it maps to exactly
/// float(key), and that there are no other keys. Throws usage_error naming the
/// first key at fault; changes nothing.
void check_every_value(const MyMap& map, const std::string& name);

/// Child: erases the odd keys; returns how many it erased.
int erase_odd_keys(MyMap& map);

/// Child: inserts the new keys with new_value(key); returns how many it inserted.
int insert_new_keys(MyMap& map);

/// The child's summary of what it did, one line a step: what it prints.
std::string summary(int looked_up, int erased, int inserted, std::size_t size_after);

/// The pairs the map holds after the child, in key order.
std::vector<ValueType> pairs_after_child();

/// The number text of a value, "42" or "42.5", for messages and the summary.
std::string value_text(MappedType value);

}  // namespace ipclab::ch05
