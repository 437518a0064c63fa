// Chapter 06 - raw shared memory and a mapped region.
//
// No segment manager this time: a shared_memory_object is a bare named object
// with a size, and a mapped_region puts its bytes into the address space. The
// parent creates the object, sizes it with truncate(), maps it read-write and
// fills it with 1s; the child opens it read-only, maps it, and checks every
// byte. A second child tries to write through its read-only mapping, and the
// kernel stops it with SIGSEGV.
#include <csignal>
#include <cstring>
#include <iostream>
#include <sys/resource.h>

#include "lesson.hpp"

#include "harness/chapter.hpp"
#include "harness/names.hpp"
#include "harness/segment_owner.hpp"

using namespace boost::interprocess;
using namespace ipclab;

//! [parent]
void parent(const harness::role& me) {
  harness::segment_owner owner(harness::unique_name("ch06"));  // shared_memory_object::remove on exit
  shared_memory_object shm(create_only, owner.c_str(), read_write, harness::owner_only());
  shm.truncate(ch06::object_size);  // a new object has size 0: set it before mapping
  mapped_region region(shm, read_write);
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
//! [parent]

//! [child]
void child(const harness::role& me) {
  const auto& args = me.args();
  const std::string action = args.empty() ? "" : args[0];
  if (action == "check") {  // child check NAME: the lesson
    const auto& name = me.expect_args({"check", "NAME"})[1];
    const auto shm = ch06::open_read_only(name);
    ch06::expect_lesson_size(shm);
    mapped_region region(shm, read_only);  // the whole object
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
    mapped_region region(ch06::open_read_only(name), read_only);
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
//! [child]

int main(int argc, char** argv) { return harness::run_chapter(argc, argv, parent, child); }
