// Chapter 06 - raw shared memory and a mapped region (Boost's doc_shared_memory.cpp, rewritten).
//
// No segment manager: a shared_memory_object is a named object with a size, and a
// mapped_region puts its bytes in the address space, read-write for the parent that
// fills it, read-only for the child that checks it, and for one that writes anyway.
#include <array>
#include <csignal>
#include <cstring>
#include <iostream>

#include <boost/interprocess/mapped_region.hpp>
#include <boost/interprocess/shared_memory_object.hpp>

#include "lesson.hpp"

using namespace boost::interprocess;
using namespace ipclab;
using harness::fact;

//! [parent]
void parent(const harness::role& me) {
  harness::segment_owner owner(harness::unique_name("ch06"));  // shared_memory_object::remove on every exit
  //! [todo 1: create the shared memory object]
  // create_only: a new object, opened read_write, owner-only; it fails if the name is taken
  shared_memory_object shm(create_only, owner.c_str(), read_write, harness::owner_only());
  //! [todo end]
  //! [todo 2: set the object's size]
  // A new object has size 0, and an empty object cannot be mapped: size it first
  shm.truncate(ch06::object_size);
  //! [todo end]
  offset_t size = 0;  // get_size(): what truncate() set, as any process that opens the object sees it
  harness::expect(shm.get_size(size) && size == ch06::object_size, "the object has ", size, " bytes: size it first");
  //! [todo 3: map the object read-write]
  // No offset and no size: the whole object, writable
  mapped_region region(shm, read_write);
  //! [todo end]
  harness::expect(region.get_mode() == read_write, "the parent's mapping is not read_write: the fill would crash");
  std::memset(region.get_address(), ch06::fill_byte, region.get_size());
  me.step("created ", fact("segment", owner.name()), ", ", fact("size", region.get_size()),
          " bytes mapped read-write at ", region.get_address(), ", all set to 1");

  const std::string printed = me.run_child({"check", owner.name()});
  harness::expect_equal("what the checking child printed", printed, ch06::checked_line(ch06::object_size));

  const harness::spawn_result writer = me.spawn_child({"write", owner.name()});
  harness::expect(writer.how == harness::ending::killed && writer.signal == SIGSEGV,
                  "writing through a read-only mapping should end in SIGSEGV, but the child ",
                  harness::role::describe_child(writer));
  harness::expect_equal("the leading 1s", ch06::leading(region, ch06::fill_byte), region.get_size(), "after the write");
  me.step("child ", fact("writer", writer.pid), " was ", fact("writer_ended", writer.describe()), ": all still 1s");
}
//! [parent]

//! [check]
// child check NAME: doc_shared_memory.cpp's child; maps the whole object read-only, checks every byte
void check_every_byte(const harness::role& me, const std::string& name) {
  // open_only: the object must exist; read_only: this process will only read it
  const shared_memory_object shm = harness::attempt(harness::text("open shared memory object '", name, "'"),
      [&] { return shared_memory_object(open_only, name.c_str(), read_only); });
  offset_t size = 0;
  harness::expect(shm.get_size(size), "the size of '", name, "' cannot be read");  // what truncate() set
  me.step("opened ", name, " read-only: ", fact("size", size), " bytes");
  ch06::expect_lesson_size(size, name);
  //! [todo 4: map the object read-only]
  // The whole object, read_only like the object was opened (read_write would be refused)
  mapped_region region(shm, read_only);
  //! [todo end]
  const std::size_t ones = ch06::leading(region, ch06::fill_byte);
  me.step("mapped them at ", region.get_address(), "; the first ", fact("ones", ones), " are 1");
  harness::expect(ones == region.get_size(), "byte ", ones, " of ", name, " is not 1");
  std::cout << ch06::checked_line(region.get_size()) << std::flush;
}
//! [check]

//! [dump]
// child dump NAME OFFSET LENGTH: maps only a window of the object, from an offset
void dump_window(const harness::role& me, const std::array<std::string, 4>& args) {
  const auto& [action, name, offset, length] = args;
  const shared_memory_object shm = harness::attempt(harness::text("open shared memory object '", name, "'"),
      [&] { return shared_memory_object(open_only, name.c_str(), read_only); });
  offset_t size = 0;
  harness::expect(shm.get_size(size), "the size of '", name, "' cannot be read");
  const ch06::window asked = ch06::parse_window(offset, length, size);
  // An offset and a size map just those bytes. The offset need not be page-aligned:
  // mapped_region maps from the page below, and get_address() is the byte at the offset
  const mapped_region region(shm, read_only, asked.offset, asked.length);
  me.step("mapped ", fact("length", region.get_size()), " bytes at offset ", fact("offset", asked.offset), " of ",
          name, " at ", fact("address", region.get_address()));
  std::cout << ch06::hex_bytes(region) << std::endl;
}
//! [dump]

//! [write]
// child write NAME: what a read-only mapping forbids
void write_anyway(const harness::role& me, const std::string& name) {
  //! [todo 5: map the object read-only for the write]
  // Opened and mapped read_only as in check: the write below must be refused
  const shared_memory_object shm = harness::attempt(harness::text("open shared memory object '", name, "'"),
      [&] { return shared_memory_object(open_only, name.c_str(), read_only); });
  mapped_region region(shm, read_only);
  //! [todo end]
  ch06::no_core_file();  // the crash is the lesson, not a bug to debug
  me.step("writing through the read-only mapping of ", name, " at ", fact("write_at", region.get_address()));
  *static_cast<volatile unsigned char*>(region.get_address()) = 2;  // the kernel stops this with SIGSEGV
  me.step("the write went through: the mapping was not read-only");
}
//! [write]

//! [child]
void child(const harness::role& me) {
  const std::string action = me.args().empty() ? "" : me.args().front();
  if (action == "check") return check_every_byte(me, me.expect_args("check", "NAME")[1]);
  if (action == "write") return write_anyway(me, me.expect_args("write", "NAME")[1]);
  if (action == "dump") return dump_window(me, me.expect_args("dump", "NAME", "OFFSET", "LENGTH"));
  throw harness::usage_error(
      harness::text("the child role takes an action, 'check', 'dump' or 'write', not '", action, "'"));
}
//! [child]

int main(int argc, char** argv) { return harness::run_chapter(argc, argv, parent, child); }
