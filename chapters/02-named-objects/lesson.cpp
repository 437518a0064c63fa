#include "lesson.hpp"

#include <sstream>

#include "harness/chapter.hpp"

namespace ipclab::ch02 {

const std::vector<named_object>& lesson_objects() {
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

void construct_objects(managed_shared_memory& segment) {
  //! [construct]
  // One object: construct<T>(name) returns a proxy; its (...) passes the
  // constructor's arguments.
  segment.construct<my_type>(instance_name)(instance_value.first, instance_value.second);

  // An array: [n] gives the number of elements, all built from the same arguments.
  segment.construct<my_type>(array_name)[array_length](array_value.first, array_value.second);

  // An array from iterators: element i is built from the i-th value of each
  // iterator, so every element gets its own value. (The Boost example feeds a
  // float array to a double member; here the types match.)
  segment.construct_it<my_type>(array_it_name)[array_it_length](it_firsts.data(), it_seconds.data());
  //! [construct]
}

my_type* find_object(managed_shared_memory& segment, std::string_view segment_name,
                     const named_object& wanted) {
  const std::string name = std::string("object '") + wanted.name + "'";
  //! [find]
  // The segment records an object's size in bytes, not its type: find<T>
  // reports bytes / sizeof(T) as the length, whatever T the object was built
  // with. find<char> asks for the plain byte count (and, unlike a find<T> whose
  // size does not divide the bytes, trips no assertion in a debug build).
  const auto [bytes_at, bytes] = segment.find<char>(wanted.name);
  if (!bytes_at)
    throw harness::resource_error("segment '" + std::string(segment_name) + "' holds no " + name);
  if (bytes % sizeof(my_type) != 0)
    throw harness::usage_error(name + " holds " + std::to_string(bytes) +
                               " bytes, not a whole number of std::pair<double, int> (" +
                               std::to_string(sizeof(my_type)) + " bytes each): it was built with another type");

  // find<T> returns the address (null when there is no such name) and the length.
  const auto [object, length] = segment.find<my_type>(wanted.name);
  //! [find]
  if (length != wanted.values.size())
    throw harness::usage_error(name + " has " + std::to_string(length) + " elements, expected " +
                               std::to_string(wanted.values.size()));
  return object;
}

namespace {
std::string text(const my_type& value) {
  std::ostringstream out;
  out << '(' << value.first << ", " << value.second << ')';
  return out.str();
}
}  // namespace

void check_values(const my_type* found, const named_object& wanted) {
  for (std::size_t i = 0; i < wanted.values.size(); ++i)
    harness::expect(found[i] == wanted.values[i], std::string("element ") + std::to_string(i) + " of '" +
                                                      wanted.name + "' is " + text(found[i]) + ", not " +
                                                      text(wanted.values[i]));
}

std::string describe(const my_type* found, const named_object& wanted) {
  std::string line = std::string(wanted.name) + " [" + std::to_string(wanted.values.size()) + "]:";
  for (std::size_t i = 0; i < wanted.values.size(); ++i) line += " " + text(found[i]);
  return line;
}

std::string expected_output() {
  std::string out;
  for (const auto& object : lesson_objects()) out += describe(object.values.data(), object) + "\n";
  return out;
}

}  // namespace ipclab::ch02
