// Exercise 01 - a pool of raw memory.
//
// Fill in the four TODOs with Boost.Interprocess calls, so that the parent
// creates a managed segment and a child process frees the block the parent
// allocated in it. Each harness::todo(...) line is a step to replace; the rest
// of the program is already written. Check your work with `./ipclab verify 01`;
// `./ipclab hint 01` gives a hint. chapters/01-raw-memory/main.cpp is the
// reference solution: try without it first.
#include <iostream>

#include "lesson.hpp"

#include "harness/chapter.hpp"
#include "harness/names.hpp"
#include "harness/segment_owner.hpp"

using namespace boost::interprocess;
using namespace ipclab;
using harness::address_text;

void parent(const harness::role& me) {
  harness::segment_owner owner(harness::unique_name("ex01"));  // removes the segment on every exit

  // TODO 1: create a managed shared memory segment named owner.c_str(), of
  // ch01::segment_size bytes, owner-only (nullptr as the address, then
  // harness::owner_only() as the permissions).
  auto segment = harness::todo<managed_shared_memory>("1: create the managed segment");
  me.narrate("created segment " + owner.name() + " mapped at " + address_text(segment.get_address()));

  // TODO 2: how much memory is free in the segment before the allocation?
  const auto free_before = harness::todo<managed_shared_memory::size_type>("2: read the free memory");
  const auto handle = ch01::write_message(segment, ch01::greeting);
  me.narrate("allocated a block, handle " + std::to_string(handle) + "; free memory " +
             std::to_string(free_before) + " -> " + std::to_string(segment.get_free_memory()));

  const auto printed = me.run_child({owner.name(), std::to_string(handle)});
  harness::expect(printed == std::string(ch01::greeting).append(1, '\n'), "the child did not print the message");
  harness::expect(segment.get_free_memory() == free_before,
                  "free memory is " + std::to_string(segment.get_free_memory()) + ", not back to " +
                      std::to_string(free_before) + " after the child's deallocate");
  me.narrate("free memory is back to " + std::to_string(free_before) + ": the child freed the block");
}

void child(const harness::role& me) {
  const auto& args = me.expect_args({"SEGMENT", "HANDLE"});

  // TODO 3: open the segment the parent created, whose name is args[0]
  // (open_only). harness::attempt turns a failure into a clear error.
  auto segment = harness::attempt("open segment '" + args[0] + "'", [&]() -> managed_shared_memory {
    return harness::todo<managed_shared_memory>("3: open the segment");
  });
  void* block = ch01::block_from_handle(segment, args[1]);
  me.narrate("opened segment " + args[0] + " mapped at " + address_text(segment.get_address()) +
             "; handle " + args[1] + " is address " + address_text(block));

  std::cout << ch01::read_message(segment, block) << std::endl;

  // TODO 4: give the block back to the segment.
  harness::todo("4: deallocate the block");
  me.narrate("deallocated the block; free memory " + std::to_string(segment.get_free_memory()));
}

int main(int argc, char** argv) { return harness::run_chapter(argc, argv, parent, child); }
