#pragma once
/// \file
/// Chapter 05, a map in shared memory: what the program and its tests share.

#include <cstddef>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include <boost/interprocess/allocators/allocator.hpp>
#include <boost/interprocess/containers/map.hpp>
#include <boost/interprocess/managed_shared_memory.hpp>

#include "harness/chapter.hpp"
#include "harness/names.hpp"
#include "harness/segment_owner.hpp"

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

/// Child: checks what `segment.find<char>(name)` found before the name is
/// trusted to hold a MyMap. find<T> trusts the caller on T: the segment keeps
/// an object's bytes, not its type; asked as char it returns those bytes,
/// whatever was constructed. Throws resource_error when no object has the
/// name, usage_error when the object is not one MyMap (its size says so).
inline void expect_one_map(const std::pair<char*, std::size_t>& found, const managed_shared_memory& segment,
                           const std::string& segment_name, const std::string& name) {
  if (found.first == nullptr) throw harness::missing_object(segment, segment_name, name);
  if (found.second != sizeof(MyMap))
    throw harness::usage_error(harness::text("the object '", name, "' is not one map of int to float: it takes ",
                                             found.second, " bytes, a map takes ", sizeof(MyMap)));
}

//! [lookup]
// A map that does not hold what the parent put in is bad *input* to the child
// (exit 2, like a vector of the wrong length): the child did not make it so.
// Exit 1 stays for the lesson's own invariants, which the parent checks after
// the child. Checking everything before changing anything leaves a rejected
// map exactly as the child found it.

/// Child: checks what `map.find(key)` returned: the key is there and maps to
/// float(key), as the parent inserted it. Throws usage_error.
inline void expect_maps_to_itself(const MyMap& map, MyMap::const_iterator found, KeyType key,
                                  const std::string& name) {
  if (found == map.end()) throw harness::usage_error(harness::text("the map '", name, "' has no key ", key));
  if (found->second != static_cast<MappedType>(key))
    throw harness::usage_error(
        harness::text("the map '", name, "' maps key ", key, " to ", found->second, ", not ", key));
}

/// Child: checks that the map holds pair_count pairs, once every key below
/// pair_count was found: so it holds no other key. Throws usage_error.
inline void expect_no_other_keys(const MyMap& map, const std::string& name) {
  if (map.size() != pair_count)
    throw harness::usage_error(harness::text("the map '", name, "' holds ", map.size(), " pairs, not ", pair_count));
}
//! [lookup]

/// The child's summary of what it did, one line a step: what it prints.
inline std::string summary(int looked_up, int erased, int inserted, std::size_t size_after) {
  return harness::text("looked up ", looked_up, " keys: each maps to itself\n", "erased ", erased, " odd keys\n",
                       "inserted ", inserted, " keys ", first_new_key, "..", first_new_key + new_key_count - 1,
                       " mapping to key * 0.5\n", "the map holds ", size_after, " pairs\n");
}

/// The pairs the map holds after the child, in key order.
inline std::vector<ValueType> pairs_after_child() {
  std::vector<ValueType> pairs;
  for (KeyType key = 0; key < pair_count; key += 2) pairs.emplace_back(key, static_cast<MappedType>(key));
  for (KeyType key = first_new_key; key < first_new_key + new_key_count; ++key) pairs.emplace_back(key, new_value(key));
  return pairs;
}

}  // namespace ipclab::ch05
