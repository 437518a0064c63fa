// Chapter 02 - named objects (Boost's doc_named_alloc.cpp, rewritten).
//
// The parent constructs three objects in a managed segment and gives each a
// name: a single std::pair<double, int>, an array of 10, and an array of 3
// built from iterators. A child process needs nothing but the segment's name
// and the objects' names: find<T>(name) gives it each object's address in its
// own mapping and its length. It checks them, prints them and destroys them by
// name; the parent then finds no object left and all the memory back.
#include <iostream>
#include <utility>
#include <vector>

#include <boost/interprocess/managed_shared_memory.hpp>

#include "lesson.hpp"

using namespace boost::interprocess;
using namespace ipclab;
using ch02::my_type;
using harness::fact;

//! [parent]
void parent(const harness::role& me) {
  harness::segment_owner owner(harness::unique_name("ch02"));  // removes the segment on every exit
  managed_shared_memory segment(create_only, owner.c_str(), ch02::segment_size, nullptr, harness::owner_only());
  me.step("created segment ", fact("segment", owner.name()), " mapped at ", segment.get_address());

  const managed_shared_memory::size_type free_before = segment.get_free_memory();
  const managed_shared_memory::size_type named_before = segment.get_num_named_objects();
  //! [todo 1: construct the single object]
  // One my_type named ch02::instance_name: construct<T>(name) returns a proxy, and calling it
  // passes the constructor's arguments
  segment.construct<my_type>(ch02::instance_name)(ch02::instance_value.first, ch02::instance_value.second);
  //! [todo end]
  //! [todo 2: construct the array]
  // ch02::array_length of them named ch02::array_name: [n] makes an array, every element built
  // from the same arguments
  segment.construct<my_type>(ch02::array_name)[ch02::array_length](ch02::array_value.first, ch02::array_value.second);
  //! [todo end]
  //! [todo 3: construct the array from iterators]
  // construct_it: element i is built from the i-th value of each iterator (ch02::it_firsts and
  // ch02::it_seconds), so each element gets its own value
  segment.construct_it<my_type>(ch02::array_it_name)[ch02::array_it_length](ch02::it_firsts.data(),
                                                                            ch02::it_seconds.data());
  //! [todo end]
  me.step("constructed three named objects; named objects ", fact("named_before", named_before), " -> ",
          fact("named", segment.get_num_named_objects()), ", free memory ", fact("free_before", free_before), " -> ",
          segment.get_free_memory());

  // The child gets the segment's name only: it finds the objects by their names
  const std::string printed = me.run_child({owner.name()});
  harness::expect_equal("what the child printed", printed, ch02::expected_output());
  // destroy(name) removed each object and its name, and gave its memory back
  for (const ch02::named_object& object : ch02::lesson_objects())
    harness::expect(!segment.find<my_type>(object.name).first, "find still returns '", object.name,
                    "' after the child destroyed it");
  harness::expect_back_to("the number of named objects", segment.get_num_named_objects(), named_before,
                          "after the child's destroy");
  harness::expect_back_to("free memory", segment.get_free_memory(), free_before, "after the child's destroy");
  me.step("no name is left (", fact("named_left", segment.get_num_named_objects()), " named objects) and free ",
          "memory is back to ", fact("free_after", segment.get_free_memory()), ": the child destroyed all three");
}
//! [parent]

//! [child]
void child(const harness::role& me) {
  const auto [name] = me.expect_args("SEGMENT");
  managed_shared_memory segment = harness::attempt("open segment '" + name + "'", [&] {
    return managed_shared_memory(open_only, name.c_str());
  });
  me.step("opened segment ", name, " mapped at ", fact("base", segment.get_address()), "; it holds ",
          fact("named", segment.get_num_named_objects()), " named objects");

  // Find and check all three before destroying any: a bad segment is left as it was
  std::vector<const my_type*> found;
  for (const ch02::named_object& wanted : ch02::lesson_objects()) {
    // The segment records bytes, not types: find<char> gives the byte count, to check first
    ch02::expect_whole_elements(segment.find<char>(wanted.name), segment, name, wanted);
    //! [todo 4: find the object by its name]
    // find<T>(name): the object's address in this process's mapping (null if none) and its length
    const std::pair<my_type*, managed_shared_memory::size_type> object = segment.find<my_type>(wanted.name);
    //! [todo end]
    ch02::expect_as_built(object, wanted);
    found.push_back(object.first);
    me.step("found '", fact("object", wanted.name), "' at ", fact("address", object.first), ", length ",
            fact("length", object.second));
  }
  for (std::size_t i = 0; i < found.size(); ++i)
    std::cout << ch02::describe(found[i], ch02::lesson_objects()[i]) << std::endl;

  for (const ch02::named_object& wanted : ch02::lesson_objects()) {
    //! [todo 5: destroy the object by its name]
    // destroy<T>(name) runs the destructors, frees the memory and forgets the name
    const bool destroyed = segment.destroy<my_type>(wanted.name);
    //! [todo end]
    harness::expect(destroyed, "destroy found no '", wanted.name, "' although find did");
  }
  me.step("destroyed the three objects; named objects ", fact("named_left", segment.get_num_named_objects()),
          ", free memory ", segment.get_free_memory());
}
//! [child]

int main(int argc, char** argv) { return harness::run_chapter(argc, argv, parent, child); }
