// Exercise 06 - raw shared memory and a mapped region.
//
// Fill in the five TODOs with Boost.Interprocess calls, so that the parent
// creates a shared memory object, sizes it and maps it read-write, and the
// child maps it read-only: once to check every byte, once to show that the
// kernel refuses a write. Each harness::todo(...) line is a step to replace;
// the rest of the program is already written. Check your work with
// `./ipclab verify 06`; `./ipclab hint 06` gives a hint.
// chapters/06-mapped-region/main.cpp is the reference solution: try without
// it first.
#include <csignal>
#include <cstring>
#include <sys/resource.h>
#include <iostream>

#include "lesson.hpp"

#include "harness/chapter.hpp"
#include "harness/names.hpp"
#include "harness/segment_owner.hpp"

using namespace boost::interprocess;
using namespace ipclab;

void parent(const harness::role& me) {
  harness::segment_owner owner(harness::unique_name("ex06"));  // shared_memory_object::remove on exit

  // TODO 1: create a shared memory object named owner.c_str(), opened
  // read_write, owner-only (harness::owner_only() as the permissions).
  auto shm = harness::todo<shared_memory_object>("1: create the shared memory object");

  // TODO 2: a new object has size 0: give it ch06::object_size bytes before mapping it.
  harness::todo("2: set the object's size");
  // Not in main.cpp: a wrong or missing size as a clear failure (mapping an
  // object of size 0 fails with a bare "Invalid argument").
  harness::expect(ch06::size_of(shm) == ch06::object_size,
                  "the object has " + std::to_string(ch06::size_of(shm)) + " bytes, not " +
                      std::to_string(ch06::object_size) + ": set its size before mapping it");

  // TODO 3: map the whole object into this process, read_write.
  auto region = harness::todo<mapped_region>("3: map the object read-write");
  // Not in main.cpp: turns a read-only mapping here into a clear failure
  // instead of a SIGSEGV in the memset below.
  harness::expect(region.get_mode() == read_write,
                  "the parent's mapping is not read_write: filling it would be killed by SIGSEGV");

  std::memset(region.get_address(), ch06::fill_byte, region.get_size());
  me.narrate("created " + owner.name() + ", " + std::to_string(region.get_size()) +
             " bytes mapped read-write at " + harness::address_text(region.get_address()) + ", all set to 1");

  me.run_child({"check", owner.name()});

  const auto writer = me.spawn_child({"write", owner.name()});
  harness::expect(writer.how == harness::ending::killed && writer.signal == SIGSEGV,
                  "writing through a read-only mapping should end in SIGSEGV, but the child " +
                      writer.describe());
  harness::expect(ch06::first_byte_not(region, ch06::fill_byte) == region.get_size(),
                  "the read-only child changed the object");
  me.narrate("the kernel refused the write through the read-only mapping; every byte is still 1");
}

void child(const harness::role& me) {
  const auto& args = me.args();
  const std::string action = args.empty() ? "" : args[0];
  if (action == "check") {  // child check NAME: the lesson
    const auto& name = me.expect_args({"check", "NAME"})[1];
    const auto shm = ch06::open_read_only(name);
    ch06::expect_lesson_size(shm);
    // TODO 4: map the whole of shm into this process, read_only.
    auto region = harness::todo<mapped_region>("4: map the object read-only");
    me.narrate("opened " + name + " read-only: " + std::to_string(ch06::size_of(shm)) + " bytes, mapped at " +
               harness::address_text(region.get_address()));
    const auto bad = ch06::first_byte_not(region, ch06::fill_byte);
    harness::expect(bad == region.get_size(), "byte " + std::to_string(bad) + " of " + name + " is not 1");
    std::cout << "size " << region.get_size() << ", every byte is 1" << std::endl;
  } else if (action == "dump") {  // child dump NAME OFFSET LENGTH: a window of the object
    const auto& a = me.expect_args({"dump", "NAME", "OFFSET", "LENGTH"});
    const auto region = ch06::map_range(ch06::open_read_only(a[1]), a[2], a[3]);
    me.narrate("mapped " + a[3] + " bytes at offset " + a[2] + " of " + a[1]);
    std::cout << ch06::hex_bytes(region) << std::endl;
  } else if (action == "write") {  // child write NAME: what a read-only mapping forbids
    const auto& name = me.expect_args({"write", "NAME"})[1];
    // TODO 5: open the object read-only (ch06::open_read_only) and map the
    // whole of it read_only, as in TODO 4: the write below must be refused.
    auto region = harness::todo<mapped_region>("5: map the object read-only for the write");
    const rlimit no_core_file{0, 0};  // the crash is the lesson, not a bug to debug
    ::setrlimit(RLIMIT_CORE, &no_core_file);
    me.narrate("writing through a read-only mapping of " + name + " ...");
    *static_cast<volatile unsigned char*>(region.get_address()) = 2;  // SIGSEGV here
    me.narrate("the write went through: the mapping was not read-only");
  } else {
    throw harness::usage_error("the child role takes an action, 'check', 'dump' or 'write', not '" +
                               action + "'");
  }
}

int main(int argc, char** argv) { return harness::run_chapter(argc, argv, parent, child); }
