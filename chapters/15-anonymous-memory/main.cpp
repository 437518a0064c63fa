// Chapter 15 - memory without a name (Boost's doc_anonymous_shared_memory.cpp, doc_managed_heap_memory.cpp and
// doc_managed_external_buffer.cpp, rewritten): anonymous shared memory reaches a forked child and no exec'd one;
// a managed heap grows and moves; a managed buffer is saved to a file and used again by another process.
#include <boost/interprocess/anonymous_shared_memory.hpp>
#include <boost/interprocess/managed_external_buffer.hpp>
#include <boost/interprocess/managed_heap_memory.hpp>
#include <boost/interprocess/mapped_region.hpp>

#include "lesson.hpp"  // and the standard headers: <iostream>, <unistd.h>

using namespace boost::interprocess;
using namespace ipclab;
using harness::fact;

//! [build]
// Builds the chain, links 1 to ch15::links, in a managed heap or buffer: a named chain and anonymous links
template <class Managed>
ch15::chain& build_chain(Managed& memory) {
  ch15::chain& chain = *memory.template construct<ch15::chain>(ch15::chain_name)();
  for (unsigned number = ch15::links; number >= 1; --number)  // from the last link back to the first
    chain.first = memory.template construct<ch15::link>(anonymous_instance)(number, chain.first);
  chain.built_at = memory.get_address();
  return chain;
}
//! [build]

//! [parent]
void parent(const harness::role& me) {
  harness::temp_folder folder("ch15");  // removes the folder and the buffer's image on every exit
  const std::string image = folder.file(ch15::image_name).string();
  //! [todo 1: map anonymous shared memory, and place the exchange in it]
  // No name, no file: mmap(MAP_SHARED | MAP_ANONYMOUS), unmapped when the region is destroyed
  mapped_region region(anonymous_shared_memory(ch15::region_size));
  ch15::exchange& shared = *new (region.get_address()) ch15::exchange{};
  //! [todo end]
  me.step("mapped ", fact("size", region.get_size()), " bytes of anonymous shared memory at ",
          fact("address", region.get_address()), " (get_mode() says ", fact("mode", ch15::mode_name(region.get_mode())),
          "); the buffer will go to ", fact("segment", image));
  shared.parent_wrote = ch15::from_parent;  // before the fork: the child starts with the same mapping
  unsigned ordinary = ch15::from_parent;    // process-local: the child gets a copy of it
  const harness::spawn_result forked = ch15::run_forked([&] {
    if (shared.parent_wrote != ch15::from_parent) return harness::exit_invariant;
    shared.child_wrote = ch15::from_child;
    shared.child = ::getpid();
    ordinary = ch15::from_child;  // changes the child's copy only
    return harness::exit_ok;
  });
  ch15::expect_forked_succeeded(forked);
  harness::expect_equal("what the forked child wrote to the shared memory", shared.child_wrote, ch15::from_child);
  harness::expect_equal("the forked child's pid, as it wrote it", shared.child, forked.pid);
  harness::expect_equal("the parent's ordinary variable", ordinary, ch15::from_parent, "after the fork");
  me.step("the forked child ", fact("forked", forked.pid), " wrote ", fact("child_wrote", shared.child_wrote),
          " into the shared memory; the parent's ordinary variable still holds ", fact("ordinary", ordinary));
  const std::string look = me.run_child({"look", harness::text(region.get_address())});
  harness::expect_equal("what the exec'd child found", look, ch15::look_line(0));
  me.step("the exec'd child has no shared anonymous memory: exec replaced the mapping, and it has no name to open");
  //! [todo 2: build the chain in a process-local managed heap, then grow the heap]
  managed_heap_memory heap(ch15::heap_size);  // a std::vector<char> of this process, managed
  const void* heap_before = build_chain(heap).built_at;
  harness::expect(heap.grow(ch15::heap_size), "managed_heap_memory::grow() failed");
  //! [todo end]
  // grow() copied the bytes to a bigger vector: find the chain again, at its new address
  const ch15::chain* grown = heap.find<ch15::chain>(ch15::chain_name).first;
  harness::expect(heap.get_address() != heap_before, "the heap did not move when it grew");
  harness::expect(grown != nullptr, "the chain was not found in the heap after grow()");
  harness::expect_equal("the chain", ch15::walk(*grown), ch15::whole_chain(), "after grow()");
  me.step("grew the heap to ", fact("heap_size", heap.get_size()), " bytes; it moved from ",
          fact("heap_before", heap_before), " to ", fact("heap_after", heap.get_address()), ", the chain walks ",
          ch15::walk(*grown));
  ch15::aligned_memory memory(ch15::buffer_size);  // any memory of ours, suitably aligned
  //! [todo 3: manage the memory as an external buffer, and build the chain in it]
  managed_external_buffer buffer(create_only, memory.data(), memory.size());
  build_chain(buffer);
  //! [todo end]
  ch15::write_image(image, memory);  // the buffer is only bytes: save them
  me.step("built the chain in a buffer at ", fact("built_at", buffer.get_address()), "; saved it to ", image);
  const std::string loaded = me.run_child({"load", image});
  harness::expect_equal("what the loading child walked", loaded, ch15::chain_line(ch15::whole_chain()));
  me.step("a child loaded the buffer at another address and walked the chain: ", ch15::whole_chain());
}
//! [parent]

//! [child]
void child(const harness::role& me) {
  const ch15::child_task task = ch15::parse_child_args(me);  // checked before anything opens
  if (task.action == "look") {  // exec gave this process a fresh address space: what is at the parent's address?
    const bool mapped = !ch15::mapping_at(task.address).empty();
    const unsigned shared_anonymous = ch15::shared_anonymous_mappings();
    me.step("mapped at the parent's address here: ", fact("mapped", mapped), "; shared anonymous mappings here: ",
            fact("shared_anonymous", shared_anonymous));
    std::cout << ch15::look_line(shared_anonymous) << std::flush;
    return;
  }
  const ch15::aligned_memory memory = ch15::read_image(task.file);  // into memory of this process's own
  me.step("read ", memory.size(), " bytes from ", task.file);
  //! [todo 4: open the loaded bytes as a managed external buffer, and find the chain]
  managed_external_buffer buffer(open_only, memory.data(), memory.size());
  const ch15::chain* found = buffer.find<ch15::chain>(ch15::chain_name).first;
  //! [todo end]
  const ch15::chain& chain = ch15::expect_chain(found, buffer, task.file);
  me.step("loaded at ", fact("base", buffer.get_address()), ", built at ", fact("built_at", chain.built_at),
          "; the chain walks ", fact("walked", ch15::walk(chain)));
  std::cout << ch15::chain_line(ch15::walk(chain)) << std::flush;
}
//! [child]

int main(int argc, char** argv) { return harness::run_chapter(argc, argv, parent, child); }
