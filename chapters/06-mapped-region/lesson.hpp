#pragma once
/// \file
/// Chapter 06, raw shared memory and a mapped region: the steps the program and its tests share.

#include <cstddef>
#include <string>

#include <boost/interprocess/mapped_region.hpp>
#include <boost/interprocess/shared_memory_object.hpp>

namespace ipclab::ch06 {

using boost::interprocess::mapped_region;
using boost::interprocess::offset_t;
using boost::interprocess::shared_memory_object;

inline constexpr offset_t object_size = 1000;
inline constexpr unsigned char fill_byte = 1;

/// Child: opens the object read-only; a missing object is a resource_error naming it.
shared_memory_object open_read_only(const std::string& name);

/// The object's size as the kernel reports it (fstat), which truncate() set.
offset_t size_of(const shared_memory_object& object);

/// Child: throws usage_error unless the object holds object_size bytes, the
/// size the parent role gives it: another size means another object.
void expect_lesson_size(const shared_memory_object& object);

/// Child: maps `length` bytes from `offset` read-only, after checking that the
/// range lies inside the object (a usage_error otherwise). `offset` need not
/// be page-aligned: mapped_region maps from the page below and adjusts.
mapped_region map_range(const shared_memory_object& object, std::string_view offset_text,
                        std::string_view length_text);

/// The index of the first byte of `region` that is not `expected`, or its size.
std::size_t first_byte_not(const mapped_region& region, unsigned char expected);

/// The region's bytes as two-digit hex separated by spaces, "01 01 ff".
std::string hex_bytes(const mapped_region& region);

}  // namespace ipclab::ch06
