// Exercise 02 - named objects.
//
// Fill in the five TODOs with Boost.Interprocess calls, so that the parent
// constructs three named objects in a managed segment and a child process
// finds them by name and destroys them. Each harness::todo(...) line is a step
// to replace; the rest of the program is already written. Check your work with
// `./ipclab verify 02`; `./ipclab hint 02` gives a hint.
// chapters/02-named-objects/main.cpp (with lesson.cpp) is the reference
// solution: try without it first.
#include <iostream>

#include "lesson.hpp"

#include "harness/chapter.hpp"
#include "harness/names.hpp"
#include "harness/segment_owner.hpp"

using namespace boost::interprocess;
using namespace ipclab;
using ch02::my_type;
using harness::address_text;

void parent(const harness::role& me) {
  harness::segment_owner owner(harness::unique_name("ex02"));  // removes the segment on every exit
  managed_shared_memory segment(create_only, owner.c_str(), ch02::segment_size, nullptr,
                                harness::owner_only());
  me.narrate("created segment " + owner.name() + " mapped at " + address_text(segment.get_address()));

  const auto free_before = segment.get_free_memory();
  const auto named_before = segment.get_num_named_objects();

  // TODO 1: construct one my_type named ch02::instance_name, built from
  // ch02::instance_value.first and ch02::instance_value.second (construct<T>
  // with the name gives a proxy; call it with the constructor's arguments).
  harness::todo("1: construct the single object");

  // TODO 2: construct an array of ch02::array_length my_type named
  // ch02::array_name, every element built from ch02::array_value's two members.
  harness::todo("2: construct the array");

  // TODO 3: construct an array of ch02::array_it_length my_type named
  // ch02::array_it_name whose element i takes the i-th value of
  // ch02::it_firsts and of ch02::it_seconds (pass iterators: .data()).
  harness::todo("3: construct the array from iterators");

  me.narrate("constructed '" + std::string(ch02::instance_name) + "', '" + ch02::array_name + "' and '" +
             ch02::array_it_name + "'; named objects " + std::to_string(named_before) + " -> " +
             std::to_string(segment.get_num_named_objects()) + ", free memory " +
             std::to_string(free_before) + " -> " + std::to_string(segment.get_free_memory()));

  // The child gets the segment's name only: it finds the objects by their names.
  const auto printed = me.run_child({owner.name()});
  harness::expect(printed == ch02::expected_output(), "the child did not print the three objects as built");

  // destroy(name) removed each object and its name, and gave its memory back.
  for (const auto& object : ch02::lesson_objects())
    harness::expect(!segment.find<my_type>(object.name).first,
                    "find still returns '" + std::string(object.name) + "' after the child destroyed it");
  harness::expect(segment.get_num_named_objects() == named_before,
                  "the segment still holds " + std::to_string(segment.get_num_named_objects()) +
                      " named objects, not " + std::to_string(named_before));
  harness::expect(segment.get_free_memory() == free_before,
                  "free memory is " + std::to_string(segment.get_free_memory()) + ", not back to " +
                      std::to_string(free_before) + " after the child's destroy");
  me.narrate("no name is left and free memory is back to " + std::to_string(free_before) +
             ": the child destroyed all three objects");
}

void child(const harness::role& me) {
  const auto& args = me.expect_args({"SEGMENT"});
  auto segment = harness::attempt("open segment '" + args[0] + "'",
                                  [&] { return managed_shared_memory(open_only, args[0].c_str()); });
  me.narrate("opened segment " + args[0] + " mapped at " + address_text(segment.get_address()) +
             "; it holds " + std::to_string(segment.get_num_named_objects()) + " named objects");

  // Find and check all three before touching any: a bad segment is left as it was.
  const auto& objects = ch02::lesson_objects();
  std::vector<const my_type*> found;
  for (const auto& wanted : objects) {
    // What ch02::find_object (lesson.cpp) does, with its find<my_type> left to you.
    const std::string name = std::string("object '") + wanted.name + "'";
    // The segment records an object's size in bytes, not its type: asked for
    // as char, find gives the plain byte count, checked before trusting the type.
    const auto [bytes_at, bytes] = segment.find<char>(wanted.name);
    if (!bytes_at) throw harness::resource_error("segment '" + args[0] + "' holds no " + name);
    if (bytes % sizeof(my_type) != 0)
      throw harness::usage_error(name + " holds " + std::to_string(bytes) +
                                 " bytes, not a whole number of std::pair<double, int> (" +
                                 std::to_string(sizeof(my_type)) + " bytes each): it was built with another type");

    // TODO 4: find the object named wanted.name as my_type: the call returns
    // a pair, the object's address in this process's mapping and its number
    // of elements.
    const auto [object, length] =
        harness::todo<std::pair<my_type*, managed_shared_memory::size_type>>("4: find the object by its name");
    if (!object)
      throw harness::invariant_error("find<my_type> returned no object, yet the segment holds " + name +
                                     ": is the name you asked for exactly '" + wanted.name + "'?");
    if (length != wanted.values.size())
      throw harness::usage_error(name + " has " + std::to_string(length) + " elements, expected " +
                                 std::to_string(wanted.values.size()));

    found.push_back(object);
    ch02::check_values(found.back(), wanted);
    me.narrate("found '" + std::string(wanted.name) + "' at " + address_text(found.back()) + ", length " +
               std::to_string(wanted.values.size()));
  }
  for (std::size_t i = 0; i < objects.size(); ++i) std::cout << ch02::describe(found[i], objects[i]) << '\n';
  std::cout << std::flush;

  // TODO 5: destroy the object named wanted.name, as my_type (it runs the
  // destructors, frees the memory and forgets the name); the call says
  // whether it found the name.
  for (const auto& wanted : objects)
    harness::expect(harness::todo<bool>("5: destroy the object by its name"),
                    "destroy found no '" + std::string(wanted.name) + "' although find did");
  me.narrate("destroyed the three objects; named objects " + std::to_string(segment.get_num_named_objects()) +
             ", free memory " + std::to_string(segment.get_free_memory()));
}

int main(int argc, char** argv) { return harness::run_chapter(argc, argv, parent, child); }
