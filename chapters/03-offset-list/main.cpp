// Chapter 03 - a linked list through offset_ptr.
//
// The parent builds a 10-node list in a managed segment, linking the nodes with
// offset_ptr, and names its head. A child process maps the same segment at an
// address of its own, finds the head by name, walks the list, prints the
// values and frees every node. The links hold in the child because an
// offset_ptr stores a distance, not an address. The parent also stores the
// head as a raw pointer: in the child that value is an address of the
// parent's mapping, outside the child's own, and is never followed.
#include <iostream>

#include "lesson.hpp"

#include "harness/chapter.hpp"
#include "harness/names.hpp"
#include "harness/segment_owner.hpp"

using namespace boost::interprocess;
using namespace ipclab;
using ch03::list_node;
using harness::address_text;

//! [parent]
void parent(const harness::role& me) {
  harness::segment_owner owner(harness::unique_name("ch03"));  // removes the segment on every exit
  managed_shared_memory segment(create_only, owner.c_str(), ch03::segment_size, nullptr,
                                harness::owner_only());
  me.narrate("created segment " + owner.name() + " mapped at " + address_text(segment.get_address()));

  const auto free_before = segment.get_free_memory();
  const list_node* first = ch03::build_list(segment);
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
//! [parent]

//! [child]
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

  ch03::free_list(segment, nodes);
  me.narrate("deallocated every node and destroyed both heads; free memory " +
             std::to_string(segment.get_free_memory()));
}
//! [child]

int main(int argc, char** argv) { return harness::run_chapter(argc, argv, parent, child); }
