// Exercise 03 - a linked list through offset_ptr.
//
// Fill in the five TODOs with Boost.Interprocess calls, so that the parent
// builds a 10-node list in a managed segment, linked with offset_ptr and with
// a named head, and a child process frees it after walking it. Each
// harness::todo(...) line is a step to replace; the rest of the program is
// already written. Check your work with `./ipclab verify 03`; `./ipclab hint
// 03` gives a hint. chapters/03-offset-list/main.cpp (with lesson.cpp) is the
// reference solution: try without it first.
#include <iostream>

#include "lesson.hpp"

#include "harness/chapter.hpp"
#include "harness/names.hpp"
#include "harness/segment_owner.hpp"

using namespace boost::interprocess;
using namespace ipclab;
using ch03::list_node;
using harness::address_text;

void parent(const harness::role& me) {
  harness::segment_owner owner(harness::unique_name("ex03"));  // removes the segment on every exit
  managed_shared_memory segment(create_only, owner.c_str(), ch03::segment_size, nullptr,
                                harness::owner_only());
  me.narrate("created segment " + owner.name() + " mapped at " + address_text(segment.get_address()));

  const auto free_before = segment.get_free_memory();

  // What ch03::build_list (lesson.cpp) does, with its Boost.Interprocess steps left to you.
  offset_ptr<list_node> prev = nullptr, current, head;
  for (int i = 0; i < ch03::node_count; ++i, prev = current) {
    // TODO 1: take sizeof(list_node) raw bytes from the segment and build a
    // list_node{nullptr, i} in them (placement new, ::new (where) T{...}).
    current = harness::todo<list_node*>("1: allocate a node");
    if (!prev) {
      head = current;
    } else {
      // TODO 2: link the previous node to this one through its offset_ptr member.
      harness::todo("2: link the previous node to this one");
    }
  }
  // Another process needs a way in: a named object in the segment holding the head.
  // TODO 3: construct an offset_ptr<list_node> named ch03::head_name that
  // holds head (the raw pointer below is built the same way).
  harness::todo("3: name the head");

  // The wrong way, kept for contrast: a raw pointer stored in the segment holds
  // the first node's address in *this* process's mapping. Another process maps
  // the segment elsewhere, so there the same bytes point at something else.
  segment.construct<list_node*>(ch03::raw_head_name)(head.get());
  const list_node* first = head.get();

  me.narrate("built a list of " + std::to_string(ch03::node_count) + " nodes, the first at " +
             address_text(first) + "; named its head '" + ch03::head_name + "' (an offset_ptr) and '" +
             ch03::raw_head_name + "' (a raw pointer); free memory " + std::to_string(free_before) + " -> " +
             std::to_string(segment.get_free_memory()));

  // The child gets the segment's name only: it finds the head by name.
  const auto printed = me.run_child({owner.name()});
  harness::expect(printed == ch03::expected_output(), "the child did not print the values 0 to 9 in order");
  harness::expect(segment.get_free_memory() == free_before,
                  "free memory is " + std::to_string(segment.get_free_memory()) + ", not back to " +
                      std::to_string(free_before) + " after the child freed the list");
  me.narrate("free memory is back to " + std::to_string(free_before) +
             ": the child freed every node and destroyed both heads");
}

void child(const harness::role& me) {
  const auto& args = me.expect_args({"SEGMENT"});
  auto segment = harness::attempt("open segment '" + args[0] + "'",
                                  [&] { return managed_shared_memory(open_only, args[0].c_str()); });
  me.narrate("opened segment " + args[0] + " mapped at " + address_text(segment.get_address()) + " (" +
             std::to_string(segment.get_size()) + " bytes)");

  // The offset_ptr resolves against its own address in this mapping: it leads
  // to the first node here. The raw pointer still holds the parent's address;
  // only asking whether it lies in this mapping is safe, following it is not.
  const offset_ptr<list_node>& head = ch03::find_head(segment, args[0]);
  list_node* const raw_head = ch03::find_raw_head(segment, args[0]);
  me.narrate("head via offset_ptr: " + address_text(head.get()) + "; belongs_to_segment: " +
             (segment.belongs_to_segment(head.get()) ? "yes" : "no"));
  me.narrate("head via raw pointer: " + address_text(raw_head) + "; belongs_to_segment: " +
             (segment.belongs_to_segment(raw_head)
                  ? "yes (both processes mapped the segment at one address: is ASLR off?)"
                  : "no (an address in the parent's mapping: never dereferenced here)"));

  // Walk and check the whole list before freeing any of it: a bad list is left as it was.
  const auto nodes = ch03::walk(segment, head);
  ch03::check_values(nodes);
  me.narrate("walked " + std::to_string(nodes.size()) + " nodes from " + address_text(nodes.front()) +
             " to " + address_text(nodes.back()) + ", all in this mapping");
  std::cout << ch03::values_line(nodes) << std::endl;

  // What ch03::free_list (lesson.cpp) does, with its Boost.Interprocess steps left to you.
  // TODO 4: give every node in `nodes` back to the segment.
  harness::todo("4: deallocate every node");
  // TODO 5: destroy the named head, the offset_ptr<list_node> called
  // ch03::head_name (the raw head is destroyed the same way below); the call
  // says whether it found the name.
  harness::expect(harness::todo<bool>("5: destroy the named head"), "destroy found no head to destroy");
  harness::expect(segment.destroy<list_node*>(ch03::raw_head_name), "destroy found no raw head to destroy");

  me.narrate("deallocated every node and destroyed both heads; free memory " +
             std::to_string(segment.get_free_memory()));
}

int main(int argc, char** argv) { return harness::run_chapter(argc, argv, parent, child); }
