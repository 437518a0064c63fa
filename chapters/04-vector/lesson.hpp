#pragma once
/// \file
/// Chapter 04, a vector in shared memory: the steps the program and its tests share.

#include <string>
#include <string_view>

#include <boost/interprocess/allocators/allocator.hpp>
#include <boost/interprocess/containers/vector.hpp>
#include <boost/interprocess/managed_shared_memory.hpp>

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

/// Parent: constructs the vector named `name` with the segment's allocator and
/// pushes 0 .. element_count - 1 into it.
MyVector& build_vector(managed_shared_memory& segment, const char* name = vector_name);

/// Child: the vector named `name` in the segment `segment_name`, checked to be
/// what build_vector() made. Throws resource_error when no object has that name;
/// usage_error when the object is not one MyVector (its size says so) or does
/// not hold each of 0 .. element_count - 1 exactly once.
MyVector& find_vector(managed_shared_memory& segment, const std::string& segment_name,
                      const std::string& name);

/// The elements as one line, "99 98 ... 0": what the child prints.
std::string contents_line(const MyVector& vector);

/// True when the vector holds element_count - 1 down to 0, in that order.
bool holds_descending(const MyVector& vector);

}  // namespace ipclab::ch04
