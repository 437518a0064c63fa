// Chapter 01 - a pool of raw memory (Boost's doc_ipc_message.cpp, rewritten).
//
// The parent creates a managed segment, allocates a block, writes a message in
// it and hands the block to a child process as a *handle*: an offset from the
// segment's base, the same in every process, although each process maps the
// segment at its own address. The child turns the handle back into an address,
// prints the message and frees the block; the parent checks the memory came back.
#include <cstring>
#include <iostream>

#include <boost/interprocess/managed_shared_memory.hpp>

#include "lesson.hpp"

using namespace boost::interprocess;
using namespace ipclab;
using harness::fact;

//! [parent]
void parent(const harness::role& me) {
  harness::segment_owner owner(harness::unique_name("ch01"));  // removes the segment on every exit
  //! [todo 1: create the managed segment]
  // create_only: a new segment of segment_size bytes, owner-only; it fails if the name is taken
  managed_shared_memory segment(create_only, owner.c_str(), ch01::segment_size, nullptr, harness::owner_only());
  //! [todo end]
  me.step("created segment ", fact("segment", owner.name()), " mapped at ", segment.get_address());

  //! [todo 2: read the free memory]
  const managed_shared_memory::size_type free_before = segment.get_free_memory();
  //! [todo end]
  // allocate() hands out raw bytes, with no promise that they are zero: copy the NUL too
  void* block = segment.allocate(ch01::block_size);
  std::memcpy(block, ch01::greeting, sizeof ch01::greeting);
  // The handle is the block's offset from the segment's base: it means the same in every process
  const managed_shared_memory::handle_t handle = segment.get_handle_from_address(block);
  me.step("allocated a block at ", block, ", handle ", handle, "; free memory ", free_before, " -> ",
          segment.get_free_memory());

  const std::string printed = me.run_child({owner.name(), harness::text(handle)});
  harness::expect_equal("what the child printed", printed, ch01::greeting_line());
  harness::expect_back_to("free memory", segment.get_free_memory(), free_before, "after the child's deallocate");
  me.step("free memory is back to ", free_before, ": the child freed the block");
}
//! [parent]

//! [child]
void child(const harness::role& me) {
  const auto [name, handle_text] = me.expect_args("SEGMENT", "HANDLE");
  //! [todo 3: open the segment the parent created]
  // open_only: the segment must exist; this process maps it at an address of its own
  managed_shared_memory segment = harness::attempt("open segment '" + name + "'", [&] {
    return managed_shared_memory(open_only, name.c_str());
  });
  //! [todo end]
  // The same handle, turned into an address of this process's mapping
  void* block = segment.get_address_from_handle(ch01::parse_handle(handle_text));
  me.step("opened segment ", name, " mapped at ", fact("base", segment.get_address()), "; handle ", handle_text,
          " is address ", fact("block", block));

  std::cout << ch01::message_in(block) << std::endl;
  //! [todo 4: give the block back to the segment]
  segment.deallocate(block);
  //! [todo end]
  me.step("deallocated the block; free memory ", segment.get_free_memory());
}
//! [child]

int main(int argc, char** argv) { return harness::run_chapter(argc, argv, parent, child); }
