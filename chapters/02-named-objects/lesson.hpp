#pragma once
/// \file
/// Chapter 02, named objects: the steps the program and its tests share.

#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/interprocess/managed_shared_memory.hpp>

namespace ipclab::ch02 {

using boost::interprocess::managed_shared_memory;
using size_type = managed_shared_memory::size_type;

/// The element type of every object, as in the Boost example.
using my_type = std::pair<double, int>;

inline constexpr std::size_t segment_size = 64 * 1024;

// The names the objects get inside the segment. Constants are safe: the
// segment's own name is unique, so no other run shares these.
inline constexpr const char* instance_name = "MyType instance";
inline constexpr const char* array_name = "MyType array";
inline constexpr const char* array_it_name = "MyType array from it";

// The values. None is {0.0, 0}: fresh shared memory reads as zeros, so a
// zero would not show whether a constructor ever ran.
inline constexpr my_type instance_value{3.25, 7};
inline constexpr std::size_t array_length = 10;
inline constexpr my_type array_value{0.5, -1};
inline constexpr std::size_t array_it_length = 3;
inline constexpr std::array<double, array_it_length> it_firsts{1.5, 2.5, 3.5};
inline constexpr std::array<int, array_it_length> it_seconds{1, 2, 3};

/// One object the parent builds: its name and the value of every element.
struct named_object {
  const char* name;
  std::vector<my_type> values;
};

/// The three objects, in the order the parent constructs them.
const std::vector<named_object>& lesson_objects();

/// Parent: constructs the single object, the array of 10 (every element the
/// same) and the array of 3 from iterators (every element its own value).
void construct_objects(managed_shared_memory& segment);

/// Child: the object `wanted.name` of `segment` (called `segment_name` in
/// errors), checked as far as the segment can check it: it exists (else
/// resource_error), its size is a whole number of my_type and its length is
/// `wanted.values.size()` (else usage_error). The type itself is not recorded
/// in the segment: see find_object's body.
my_type* find_object(managed_shared_memory& segment, std::string_view segment_name,
                     const named_object& wanted);

/// Child: throws invariant_error naming the first element of `found` that
/// differs from `wanted.values`.
void check_values(const my_type* found, const named_object& wanted);

/// One line of the child's output: `MyType array from it [3]: (1.5, 1) (2.5, 2) (3.5, 3)`.
std::string describe(const my_type* found, const named_object& wanted);

/// What the child prints when it found all three objects intact.
std::string expected_output();

}  // namespace ipclab::ch02
