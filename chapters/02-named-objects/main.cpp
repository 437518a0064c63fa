// Chapter 02 - named objects.
//
// The parent constructs three objects in a managed segment and gives each a
// name: a single std::pair<double, int>, an array of 10, and an array of 3
// built from iterators. A child process needs nothing but the segment's name
// and the objects' names: find<T>(name) gives it each object's address in its
// own mapping and its length. It checks them, prints them and destroys them by
// name; the parent then finds no object left and all the memory back.
#include <iostream>

#include "lesson.hpp"

#include "harness/chapter.hpp"
#include "harness/names.hpp"
#include "harness/segment_owner.hpp"

using namespace boost::interprocess;
using namespace ipclab;
using ch02::my_type;
using harness::address_text;

//! [parent]
void parent(const harness::role& me) {
  harness::segment_owner owner(harness::unique_name("ch02"));  // removes the segment on every exit
  managed_shared_memory segment(create_only, owner.c_str(), ch02::segment_size, nullptr,
                                harness::owner_only());
  me.narrate("created segment " + owner.name() + " mapped at " + address_text(segment.get_address()));

  const auto free_before = segment.get_free_memory();
  const auto named_before = segment.get_num_named_objects();
  ch02::construct_objects(segment);
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
//! [parent]

//! [child]
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
    found.push_back(ch02::find_object(segment, args[0], wanted));
    ch02::check_values(found.back(), wanted);
    me.narrate("found '" + std::string(wanted.name) + "' at " + address_text(found.back()) + ", length " +
               std::to_string(wanted.values.size()));
  }
  for (std::size_t i = 0; i < objects.size(); ++i) std::cout << ch02::describe(found[i], objects[i]) << '\n';
  std::cout << std::flush;

  // destroy<T>(name) runs the destructors, frees the memory and forgets the name.
  for (const auto& wanted : objects)
    harness::expect(segment.destroy<my_type>(wanted.name),
                    "destroy found no '" + std::string(wanted.name) + "' although find did");
  me.narrate("destroyed the three objects; named objects " + std::to_string(segment.get_num_named_objects()) +
             ", free memory " + std::to_string(segment.get_free_memory()));
}
//! [child]

int main(int argc, char** argv) { return harness::run_chapter(argc, argv, parent, child); }
