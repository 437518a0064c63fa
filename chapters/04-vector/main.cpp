// Chapter 04 - a vector in shared memory.
//
// The parent constructs a named vector<int> whose allocator takes memory from
// the segment, and pushes 0..99: the vector object *and* the buffer it grows
// into live in the segment. The child finds the vector by name and sorts it in
// reverse order, in place, through its own mapping; it leaves the vector for
// the parent, which sees the sorted elements through its mapping, destroys the
// vector and checks that every byte of the grown buffer came back.
#include <algorithm>
#include <iostream>

#include "lesson.hpp"

#include "harness/chapter.hpp"
#include "harness/names.hpp"
#include "harness/segment_owner.hpp"

using namespace boost::interprocess;
using namespace ipclab;
using ch04::MyVector;
using harness::address_text;

//! [parent]
void parent(const harness::role& me) {
  harness::segment_owner owner(harness::unique_name("ch04"));  // removes the segment on every exit
  managed_shared_memory segment(create_only, owner.c_str(), ch04::segment_size, nullptr,
                                harness::owner_only());
  me.narrate("created segment " + owner.name() + " mapped at " + address_text(segment.get_address()));

  const auto free_before = segment.get_free_memory();
  MyVector& myvector = ch04::build_vector(segment);
  me.narrate("constructed vector '" + std::string(ch04::vector_name) + "' at " + address_text(&myvector) +
             " and pushed " + std::to_string(myvector.size()) + " ints; its buffer holds " +
             std::to_string(myvector.capacity()) + " at " + address_text(myvector.data()) +
             "; free memory " + std::to_string(free_before) + " -> " +
             std::to_string(segment.get_free_memory()));

  // The child sorts the very elements we pushed: no copy travels between us.
  const auto printed = me.run_child({owner.name(), ch04::vector_name});
  harness::expect(ch04::holds_descending(myvector), "the vector does not hold 99..0 after the child");
  harness::expect(printed == ch04::contents_line(myvector) + "\n",
                  "the child printed something other than the vector it left");
  me.narrate("the vector now reads " + std::to_string(myvector.front()) + " .. " +
             std::to_string(myvector.back()) + ", sorted by the child");

  // destroy<> runs the vector's destructor, which hands its buffer back to the
  // segment, then frees the object and its name.
  segment.destroy<MyVector>(ch04::vector_name);
  harness::expect(segment.find<MyVector>(ch04::vector_name).first == nullptr,
                  "find still sees the destroyed vector");
  harness::expect(segment.get_free_memory() == free_before,
                  "free memory is " + std::to_string(segment.get_free_memory()) + ", not back to " +
                      std::to_string(free_before) + " after destroying the vector");
  me.narrate("destroyed the vector: find no longer sees it, free memory is back to " +
             std::to_string(free_before));
}
//! [parent]

//! [child]
void child(const harness::role& me) {
  const auto& args = me.expect_args({"SEGMENT", "VECTOR"});
  auto segment = harness::attempt("open segment '" + args[0] + "'",
                                  [&] { return managed_shared_memory(open_only, args[0].c_str()); });
  MyVector& myvector = ch04::find_vector(segment, args[0], args[1]);
  me.narrate("opened segment " + args[0] + " mapped at " + address_text(segment.get_address()) +
             "; found vector '" + args[1] + "' at " + address_text(&myvector) + " with " +
             std::to_string(myvector.size()) + " ints at " + address_text(myvector.data()));

  // Sorting the reversed range ascending leaves the vector descending. The
  // elements move within their buffer: nothing is allocated or freed.
  std::sort(myvector.rbegin(), myvector.rend());
  std::cout << ch04::contents_line(myvector) << std::endl;

  // Unlike the seed, the child does not destroy the vector: the parent checks it first.
  me.narrate("sorted the vector in reverse order and left it; free memory " +
             std::to_string(segment.get_free_memory()));
}
//! [child]

int main(int argc, char** argv) { return harness::run_chapter(argc, argv, parent, child); }
