// Exercise 04 - a vector in shared memory.
//
// Fill in the three TODOs with Boost.Interprocess calls, so that the parent
// constructs a named vector<int> whose elements live in the segment, a child
// process sorts it in reverse order in place, and the parent destroys it and
// gets every byte of its buffer back. Each harness::todo(...) line is a step to
// replace; the rest of the program is already written. Check your work with
// `./ipclab verify 04`; `./ipclab hint 04` gives a hint.
// chapters/04-vector/main.cpp (with lesson.cpp's build_vector) is the
// reference solution: try without it first.
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

void parent(const harness::role& me) {
  harness::segment_owner owner(harness::unique_name("ex04"));  // removes the segment on every exit
  managed_shared_memory segment(create_only, owner.c_str(), ch04::segment_size, nullptr,
                                harness::owner_only());
  me.narrate("created segment " + owner.name() + " mapped at " + address_text(segment.get_address()));

  const auto free_before = segment.get_free_memory();

  // TODO 1: construct a MyVector in the segment under the name
  // ch04::vector_name, giving its constructor the allocator it must use: a
  // ch04::ShmemAllocator built from the segment's segment manager, so that
  // the buffer it grows into is segment memory too. The segment's
  // construct<T>(name) returns a proxy you call with T's constructor
  // arguments; it gives back a pointer to the new object.
  MyVector* constructed = harness::todo<MyVector*>("1: construct the vector with its allocator");
  MyVector& myvector = *constructed;
  for (int i = 0; i < ch04::element_count; ++i) myvector.push_back(i);
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

  // TODO 3: destroy the vector by its name, ch04::vector_name, so that its
  // destructor gives its buffer back to the segment and the name is freed.
  harness::todo("3: destroy the vector");
  harness::expect(segment.find<MyVector>(ch04::vector_name).first == nullptr,
                  "find still sees the destroyed vector");
  harness::expect(segment.get_free_memory() == free_before,
                  "free memory is " + std::to_string(segment.get_free_memory()) + ", not back to " +
                      std::to_string(free_before) + " after destroying the vector");
  me.narrate("destroyed the vector: find no longer sees it, free memory is back to " +
             std::to_string(free_before));
}

void child(const harness::role& me) {
  const auto& args = me.expect_args({"SEGMENT", "VECTOR"});
  auto segment = harness::attempt("open segment '" + args[0] + "'",
                                  [&] { return managed_shared_memory(open_only, args[0].c_str()); });
  MyVector& myvector = ch04::find_vector(segment, args[0], args[1]);
  me.narrate("opened segment " + args[0] + " mapped at " + address_text(segment.get_address()) +
             "; found vector '" + args[1] + "' at " + address_text(&myvector) + " with " +
             std::to_string(myvector.size()) + " ints at " + address_text(myvector.data()));

  // TODO 2: sort the vector so that it reads 99 .. 0, in place, with
  // std::sort. Sorting its reversed range (the reverse iterators) in
  // ascending order does it: nothing is allocated or freed.
  harness::todo("2: sort the vector in reverse order");
  std::cout << ch04::contents_line(myvector) << std::endl;

  // Unlike the seed, the child does not destroy the vector: the parent checks it first.
  me.narrate("sorted the vector in reverse order and left it; free memory " +
             std::to_string(segment.get_free_memory()));
}

int main(int argc, char** argv) { return harness::run_chapter(argc, argv, parent, child); }
