#pragma once
/// \file
/// Chapter 02, named objects: what the program and its tests share.

#include <array>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include <boost/interprocess/managed_shared_memory.hpp>

#include "harness/chapter.hpp"
#include "harness/names.hpp"
#include "harness/segment_owner.hpp"

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

/// The three objects, in the order the parent constructs them, with the
/// values the parent's construct and construct_it calls give their elements.
inline const std::vector<named_object>& lesson_objects() {
  static const std::vector<named_object> objects = [] {
    std::vector<my_type> from_it;
    for (std::size_t i = 0; i < array_it_length; ++i) from_it.emplace_back(it_firsts[i], it_seconds[i]);
    return std::vector<named_object>{
        {instance_name, {instance_value}},
        {array_name, std::vector<my_type>(array_length, array_value)},
        {array_it_name, from_it},
    };
  }();
  return objects;
}

/// An element as the child prints it: `(2.5, 2)`.
inline std::string element_text(const my_type& value) {
  return harness::text('(', value.first, ", ", value.second, ')');
}

/// Child: checks what `segment.find<char>(wanted.name)` returned in segment
/// `segment_name`. The segment records an object's size in bytes, not its
/// type: find<T> reports bytes / sizeof(T) as the length whatever T the object
/// was built with, and find<char> gives the plain byte count (and, unlike a
/// find<T> whose size does not divide the bytes, trips no assertion in a debug
/// build). The object must exist (else resource_error) and its bytes must be a
/// whole number of my_type (else usage_error: it was built with another type).
inline void expect_whole_elements(const std::pair<char*, size_type>& bytes, const managed_shared_memory& segment,
                                  const std::string& segment_name, const named_object& wanted) {
  if (!bytes.first) throw harness::missing_object(segment, segment_name, wanted.name);
  if (bytes.second % sizeof(my_type) != 0)
    throw harness::usage_error(harness::text("object '", wanted.name, "' holds ", bytes.second,
                                             " bytes, not a whole number of std::pair<double, int> (",
                                             sizeof(my_type), " bytes each): it was built with another type"));
}

/// Child: checks what `segment.find<my_type>(wanted.name)` returned: an
/// address (else invariant_error: the segment holds the name, so the name
/// asked for was not exactly it), `wanted.values.size()` elements (else
/// usage_error) and every element's value (else invariant_error naming the first that differs).
inline void expect_as_built(const std::pair<my_type*, size_type>& found, const named_object& wanted) {
  harness::expect(found.first != nullptr, "find<my_type> returned no object, yet the segment holds object '",
                  wanted.name, "': is the name you asked for exactly that?");
  if (found.second != wanted.values.size())
    throw harness::usage_error(harness::text("object '", wanted.name, "' has ", found.second, " elements, expected ",
                                             wanted.values.size()));
  for (std::size_t i = 0; i < wanted.values.size(); ++i)
    harness::expect(found.first[i] == wanted.values[i], "element ", i, " of '", wanted.name, "' is ",
                    element_text(found.first[i]), ", not ", element_text(wanted.values[i]));
}

/// One line of the child's output: `MyType array from it [3]: (1.5, 1) (2.5, 2) (3.5, 3)`.
inline std::string describe(const my_type* found, const named_object& wanted) {
  std::string line = harness::text(wanted.name, " [", wanted.values.size(), "]:");
  for (std::size_t i = 0; i < wanted.values.size(); ++i) line += " " + element_text(found[i]);
  return line;
}

/// What the child prints when it found all three objects as built.
inline std::string expected_output() {
  std::string out;
  for (const named_object& object : lesson_objects()) out += describe(object.values.data(), object) + "\n";
  return out;
}

}  // namespace ipclab::ch02
