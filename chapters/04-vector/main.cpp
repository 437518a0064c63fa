// Chapter 04 - a vector in shared memory (Boost's doc_spawn_vector.cpp, rewritten).
//
// The parent constructs a named vector<int> whose allocator takes memory from
// the segment, and pushes 0..99: the vector object *and* the buffer it grows
// into live in the segment. The child finds the vector by name and sorts it in
// reverse order, in place, through its own mapping; it leaves the vector for
// the parent, which sees the sorted elements through its mapping, destroys the
// vector and checks that every byte of the grown buffer came back.
#include <algorithm>
#include <iostream>

#include <boost/interprocess/allocators/allocator.hpp>
#include <boost/interprocess/containers/vector.hpp>
#include <boost/interprocess/managed_shared_memory.hpp>

#include "lesson.hpp"

using namespace boost::interprocess;
using namespace ipclab;
using ch04::MyVector;
using harness::fact;

//! [parent]
void parent(const harness::role& me) {
  harness::segment_owner owner(harness::unique_name("ch04"));  // removes the segment on every exit
  managed_shared_memory segment(create_only, owner.c_str(), ch04::segment_size, nullptr, harness::owner_only());
  const managed_shared_memory::size_type free_before = segment.get_free_memory();
  me.step("created segment ", fact("segment", owner.name()), " mapped at ", segment.get_address(),
          "; free memory ", fact("free_before", free_before));

  //! [todo 1: construct the vector with its allocator]
  // The allocator keeps only the segment manager, and the vector asks it for
  // every buffer it grows into: the grown buffers are segment memory too.
  const ch04::ShmemAllocator alloc_inst(segment.get_segment_manager());
  // construct<T>(name) returns a proxy; calling it with T's constructor arguments builds T in the segment
  MyVector& myvector = *segment.construct<MyVector>(ch04::vector_name)(alloc_inst);
  //! [todo end]
  for (int i = 0; i < ch04::element_count; ++i) myvector.push_back(i);  // the buffer grows, in the segment
  me.step("constructed vector '", ch04::vector_name, "' at ", &myvector, " and pushed ", myvector.size(),
          " ints; its buffer holds ", myvector.capacity(), " at ", myvector.data(), "; free memory ",
          segment.get_free_memory());

  // The child sorts the very elements we pushed: no copy travels between us.
  const std::string printed = me.run_child({owner.name(), ch04::vector_name});
  harness::expect(ch04::holds_descending(myvector), "the vector does not hold 99..0 after the child");
  harness::expect(printed == ch04::contents_line(myvector) + "\n",
                  "the child printed something other than the vector it left");
  me.step("the vector now reads ", myvector.front(), " .. ", myvector.back(), ", sorted by the child");

  //! [todo 2: destroy the vector]
  // destroy<T>(name) runs the destructor, which hands the buffer back, then frees the object and its name
  segment.destroy<MyVector>(ch04::vector_name);
  //! [todo end]
  harness::expect(segment.find<MyVector>(ch04::vector_name).first == nullptr, "find still sees the destroyed vector");
  harness::expect_back_to("free memory", segment.get_free_memory(), free_before, "after destroying the vector");
  me.step("destroyed the vector: find no longer sees it, free memory is back to ",
          fact("free_after", segment.get_free_memory()));
}
//! [parent]

//! [child]
void child(const harness::role& me) {
  const auto [name, vector_name] = me.expect_args("SEGMENT", "VECTOR");
  // open_only: the segment must exist; this process maps it at an address of its own
  managed_shared_memory segment = harness::attempt("open segment '" + name + "'", [&] {
    return managed_shared_memory(open_only, name.c_str());
  });
  // find<T> matches the name only: asked as char, it says how many bytes the object takes
  ch04::expect_one_vector(segment.find<char>(vector_name.c_str()), segment, name, vector_name);
  MyVector& myvector = *segment.find<MyVector>(vector_name.c_str()).first;
  ch04::expect_the_pushed_elements(myvector, vector_name);  // before changing anything
  me.step("opened segment ", name, " mapped at ", fact("base", segment.get_address()), "; found vector '",
          vector_name, "' at ", fact("vector", &myvector), " with ", fact("size", myvector.size()), " ints at ",
          fact("buffer", myvector.data()));

  //! [todo 3: sort the vector in reverse order]
  // Sorting the reversed range ascending leaves the vector descending: the
  // elements move within their buffer, nothing is allocated or freed.
  std::sort(myvector.rbegin(), myvector.rend());
  //! [todo end]
  std::cout << ch04::contents_line(myvector) << std::endl;
  // Unlike doc_spawn_vector.cpp's child, this one leaves the vector: the parent checks it first.
  me.step("sorted the vector in reverse order and left it; free memory ", segment.get_free_memory());
}
//! [child]

int main(int argc, char** argv) { return harness::run_chapter(argc, argv, parent, child); }
