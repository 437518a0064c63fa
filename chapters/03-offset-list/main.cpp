// Chapter 03 - a linked list through offset_ptr (Boost's doc_offset_ptr.cpp, rewritten).
//
// The parent builds a 10-node list in a managed segment, linking the nodes with
// offset_ptr, and names its head. A child process maps the same segment at an
// address of its own, finds the head by name, walks the list, prints the
// values and frees every node. The links hold in the child because an
// offset_ptr stores a distance, not an address. The parent also stores the
// head as a raw pointer: in the child that value is an address of the
// parent's mapping, outside the child's own, and is never followed.
#include <iostream>
#include <new>
#include <vector>

#include <boost/interprocess/managed_shared_memory.hpp>
#include <boost/interprocess/offset_ptr.hpp>

#include "lesson.hpp"

using namespace boost::interprocess;
using namespace ipclab;
using ch03::list_node;
using harness::fact;

//! [parent]
void parent(const harness::role& me) {
  harness::segment_owner owner(harness::unique_name("ch03"));  // removes the segment on every exit
  managed_shared_memory segment(create_only, owner.c_str(), ch03::segment_size, nullptr, harness::owner_only());
  me.step("created segment ", fact("segment", owner.name()), " mapped at ", segment.get_address());

  const managed_shared_memory::size_type free_before = segment.get_free_memory();
  offset_ptr<list_node> prev = nullptr, current, first;
  for (int i = 0; i < ch03::node_count; ++i, prev = current) {
    //! [todo 1: allocate a node]
    // allocate() hands out raw bytes; placement new makes them a list_node{nullptr, i}
    current = ::new (segment.allocate(sizeof(list_node))) list_node{nullptr, i};
    //! [todo end]
    if (!prev) {
      first = current;
    } else {
      //! [todo 2: link the previous node to this one]
      // through its offset_ptr member, which stores the distance to this node, not its address
      prev->next = current;
      //! [todo end]
    }
  }
  //! [todo 3: name the head]
  // Another process needs a way in: an offset_ptr<list_node> named ch03::head_name, holding first
  segment.construct<offset_ptr<list_node>>(ch03::head_name)(first);
  //! [todo end]
  // The wrong way, for contrast: a raw pointer holds the first node's address in *this* mapping only
  segment.construct<list_node*>(ch03::raw_head_name)(first.get());
  me.step("built a list of ", ch03::node_count, " nodes, the first at ", fact("first", first.get()),
          "; named its head '", ch03::head_name, "' (an offset_ptr) and '", ch03::raw_head_name,
          "' (a raw pointer); free memory ", fact("free_before", free_before), " -> ", segment.get_free_memory());

  // The child gets the segment's name only: it finds the head by name
  const std::string printed = me.run_child({owner.name()});
  harness::expect_equal("what the child printed", printed, ch03::expected_output());
  harness::expect_back_to("free memory", segment.get_free_memory(), free_before, "after the child freed the list");
  me.step("free memory is back to ", fact("free_after", segment.get_free_memory()),
          ": the child freed every node and destroyed both heads");
}
//! [parent]

//! [child]
void child(const harness::role& me) {
  const auto [name] = me.expect_args("SEGMENT");
  managed_shared_memory segment = harness::attempt("open segment '" + name + "'", [&] {
    return managed_shared_memory(open_only, name.c_str());
  });
  me.step("opened segment ", name, " mapped at ", fact("base", segment.get_address()));

  // Each head must be one object of its type: find<char> gives its byte count, checked first
  ch03::expect_one<offset_ptr<list_node>>(segment.find<char>(ch03::head_name), segment, name, ch03::head_name);
  ch03::expect_one<list_node*>(segment.find<char>(ch03::raw_head_name), segment, name, ch03::raw_head_name);
  const offset_ptr<list_node>& head = *segment.find<offset_ptr<list_node>>(ch03::head_name).first;
  list_node* const raw_head = *segment.find<list_node*>(ch03::raw_head_name).first;
  // The offset_ptr resolves against its own address in this mapping: it leads to the first node here
  me.step("head via offset_ptr: ", fact("head", head.get()), "; belongs_to_segment: ",
          fact("head_in_segment", segment.belongs_to_segment(head.get())));
  // The raw pointer still holds the parent's address: asking where it lies is safe, following it is not
  const bool raw_inside = segment.belongs_to_segment(raw_head);
  me.step("head via raw pointer: ", fact("raw_head", raw_head), "; belongs_to_segment: ",
          fact("raw_in_segment", raw_inside), ch03::raw_head_note(raw_inside));

  // Walk and check it all before freeing any: get() adds the offset to the offset_ptr's own address
  std::vector<list_node*> nodes;
  for (list_node* node = head.get(); node; node = node->next.get()) {
    ch03::expect_next_node(segment, nodes, node);  // checked before it is followed
    nodes.push_back(node);
  }
  ch03::expect_zero_to_nine(nodes);
  me.step("walked ", fact("walked", nodes.size()), " nodes from ", fact("from", nodes.front()), " to ", nodes.back());
  std::cout << ch03::values_line(nodes) << std::endl;

  //! [todo 4: deallocate every node]
  // every node in `nodes` goes back with deallocate(), whichever process allocated it
  for (list_node* node : nodes) segment.deallocate(node);
  //! [todo end]
  //! [todo 5: destroy the named head]
  // destroy<T>(name), as for the raw head below: frees the object, forgets the name, says if it found it
  const bool destroyed = segment.destroy<offset_ptr<list_node>>(ch03::head_name);
  //! [todo end]
  harness::expect(destroyed, "destroy found no head to destroy");
  harness::expect(segment.destroy<list_node*>(ch03::raw_head_name), "destroy found no raw head to destroy");
  me.step("deallocated every node and destroyed both heads; free memory ", segment.get_free_memory());
}
//! [child]

int main(int argc, char** argv) { return harness::run_chapter(argc, argv, parent, child); }
