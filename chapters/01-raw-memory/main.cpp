// Chapter 01 - a pool of raw memory.
//
// The parent creates a managed segment, allocates a block, writes a message in
// it and hands the block to a child process as a *handle*: an offset from the
// segment's base, the same in every process, although each process maps the
// segment at its own address. The child turns the handle back into an address,
// prints the message and frees the block; the parent checks the memory came back.
#include <iostream>

#include "lesson.hpp"

#include "harness/chapter.hpp"
#include "harness/names.hpp"
#include "harness/segment_owner.hpp"

using namespace boost::interprocess;
using namespace ipclab;
using harness::address_text;

//! [parent]
void parent(const harness::role& me) {
  harness::segment_owner owner(harness::unique_name("ch01"));  // removes the segment on every exit
  managed_shared_memory segment(create_only, owner.c_str(), ch01::segment_size, nullptr,
                                harness::owner_only());
  me.narrate("created segment " + owner.name() + " mapped at " + address_text(segment.get_address()));

  const auto free_before = segment.get_free_memory();
  const auto handle = ch01::write_message(segment, ch01::greeting);
  const auto free_while_allocated = segment.get_free_memory();
  me.narrate("allocated a block at " + address_text(segment.get_address_from_handle(handle)) +
             ", handle " + std::to_string(handle) + "; free memory " + std::to_string(free_before) +
             " -> " + std::to_string(free_while_allocated));
  harness::expect(free_while_allocated + ch01::block_size <= free_before,
                  "allocating a block did not take its size from the free memory");

  const auto printed = me.run_child({owner.name(), std::to_string(handle)});
  harness::expect(printed == std::string(ch01::greeting).append(1, '\n'), "the child did not print the message");
  harness::expect(segment.get_free_memory() == free_before,
                  "free memory is " + std::to_string(segment.get_free_memory()) + ", not back to " +
                      std::to_string(free_before) + " after the child's deallocate");
  me.narrate("free memory is back to " + std::to_string(free_before) + ": the child freed the block");
}
//! [parent]

//! [child]
void child(const harness::role& me) {
  const auto& args = me.expect_args({"SEGMENT", "HANDLE"});
  auto segment = harness::attempt("open segment '" + args[0] + "'",
                                  [&] { return managed_shared_memory(open_only, args[0].c_str()); });
  void* block = ch01::block_from_handle(segment, args[1]);
  me.narrate("opened segment " + args[0] + " mapped at " + address_text(segment.get_address()) +
             "; handle " + args[1] + " is address " + address_text(block));

  std::cout << ch01::read_message(segment, block) << std::endl;
  segment.deallocate(block);
  me.narrate("deallocated the block; free memory " + std::to_string(segment.get_free_memory()));
}
//! [child]

int main(int argc, char** argv) { return harness::run_chapter(argc, argv, parent, child); }
