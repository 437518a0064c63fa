#pragma once
/// \file
/// Chapter 04, a vector in shared memory: what the program and its tests share.

#include <algorithm>
#include <cstddef>
#include <numeric>
#include <string>
#include <utility>
#include <vector>

#include <boost/interprocess/allocators/allocator.hpp>
#include <boost/interprocess/containers/vector.hpp>
#include <boost/interprocess/managed_shared_memory.hpp>

#include "harness/chapter.hpp"
#include "harness/names.hpp"
#include "harness/segment_owner.hpp"

namespace ipclab::ch04 {

using boost::interprocess::managed_shared_memory;

//! [types]
// An STL-compatible allocator of ints that takes its memory from the segment:
// a container using it keeps its elements in the segment too, not on the heap
// of the process that happened to push them.
using ShmemAllocator = boost::interprocess::allocator<int, managed_shared_memory::segment_manager>;

// boost::interprocess::vector is boost::container::vector; it stores its
// buffer through the allocator's offset_ptr, so every process that maps the
// segment, at whatever address, reaches the same elements.
using MyVector = boost::interprocess::vector<int, ShmemAllocator>;
//! [types]

inline constexpr std::size_t segment_size = 64 * 1024;
/// The vector's name in the segment (the segment's own name is unique already).
inline constexpr const char* vector_name = "MyVector";
/// The parent pushes 0 .. element_count - 1.
inline constexpr int element_count = 100;

//! [find]
/// Child: checks what `segment.find<char>(name)` found, before the name is
/// trusted to hold a MyVector. find<T> looks the name up and trusts the caller
/// on T: the segment keeps no type, only the object's bytes, and the count
/// find<T> returns is those bytes divided by sizeof(T). Asked as char, it
/// returns the bytes of whatever was constructed under the name (find<MyVector>
/// on a smaller or odd-sized object would trip a BOOST_ASSERT in a debug build).
/// Throws resource_error when no object has the name, usage_error when the
/// object is not one MyVector.
inline void expect_one_vector(const std::pair<char*, std::size_t>& found, const managed_shared_memory& segment,
                              const std::string& segment_name, const std::string& name) {
  if (found.first == nullptr) throw harness::missing_object(segment, segment_name, name);
  if (found.second != sizeof(MyVector))
    throw harness::usage_error(harness::text("the object '", name, "' is not one vector of ints: it takes ",
                                             found.second, " bytes, a vector takes ", sizeof(MyVector)));
}

/// Child: checks that the vector holds each of 0 .. element_count - 1 once, as
/// the parent pushed them. A vector of another element type has the same size
/// as MyVector: its contents are the only way left to tell, so the child checks
/// them before it changes anything. Throws usage_error.
inline void expect_the_pushed_elements(const MyVector& vector, const std::string& name) {
  if (vector.size() != element_count)
    throw harness::usage_error(
        harness::text("the vector '", name, "' holds ", vector.size(), " ints, not ", element_count));
  std::vector<int> pushed(element_count);
  std::iota(pushed.begin(), pushed.end(), 0);
  if (!std::is_permutation(vector.begin(), vector.end(), pushed.begin(), pushed.end()))
    throw harness::usage_error(
        harness::text("the vector '", name, "' does not hold each of 0..", element_count - 1, " exactly once"));
}
//! [find]

/// The elements as one line, "99 98 ... 0": what the child prints.
inline std::string contents_line(const MyVector& vector) {
  std::string line;
  for (const int value : vector) line += harness::text(line.empty() ? "" : " ", value);
  return line;
}

/// True when the vector holds element_count - 1 down to 0, in that order.
inline bool holds_descending(const MyVector& vector) {
  if (vector.size() != element_count) return false;
  for (int i = 0; i < element_count; ++i)
    if (vector[i] != element_count - 1 - i) return false;
  return true;
}

}  // namespace ipclab::ch04
