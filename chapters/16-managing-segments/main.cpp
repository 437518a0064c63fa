// Chapter 16 - a segment over its life, between processes (Boost's doc_managed_grow.cpp and others, rewritten).
#include <boost/interprocess/managed_shared_memory.hpp>
#include "lesson.hpp"  // and the standard headers: <algorithm>, <atomic>, <iostream>, <stdexcept>, <vector>

using namespace boost::interprocess;
using namespace ipclab;
using harness::fact;

//! [parent]
void parent(const harness::role& me) {
  harness::segment_owner owner(harness::unique_name("ch16"));  // removes the segment on every exit
  {
    //! [todo 1: open or create the segment: the name is new, so this creates it]
    managed_shared_memory segment(open_or_create, owner.c_str(), ch16::segment_size, nullptr, harness::owner_only());
    //! [todo end]
    segment.construct<ch16::gate>(ch16::gate_name)();
    me.step("created segment ", fact("segment", owner.name()), " of ", fact("size", segment.get_size()), " bytes");
    const std::string opened = me.run_child({"open", owner.name(), harness::text(ch16::asked_size)});
    harness::expect_equal("what the opener saw", opened, ch16::open_line(segment.get_size(), already_exists_error));
    me.step("the child's create_only was refused; open_or_create for ", ch16::asked_size, " got ", segment.get_size());
    //! [todo 2: construct the segment's one unique ledger, holding the size it was created with]
    segment.construct<ch16::ledger>(unique_instance)(segment.get_size());  // one per type, found by its type
    //! [todo end]
    const std::size_t free_before = segment.get_free_memory();
    std::uint64_t* scratch = segment.construct<std::uint64_t>(anonymous_instance)[64](0);  // in no index at all
    harness::expect(segment.get_num_named_objects() == 1 && segment.get_num_unique_objects() == 1, "not 1 and 1");
    segment.destroy_ptr(scratch);  // an anonymous object has no name to destroy it by
    harness::expect_back_to("free memory", segment.get_free_memory(), free_before, "after destroy_ptr");
    me.step("counted 1 named and 1 unique object; the anonymous array counted in neither, and destroy_ptr freed it");
    void* aligned = segment.allocate_aligned(100, ch16::alignment);  // 100 bytes, starting at a multiple of 128
    harness::expect_equal("the address modulo 128", reinterpret_cast<std::uintptr_t>(aligned) % 128, 0u);
    segment.deallocate(aligned);
    std::string caught = "nothing";
    try {
      segment.allocate(2 * ch16::segment_size);  // more than the segment holds: the throwing form throws
    } catch (const std::bad_alloc&) {
      caught = "std::bad_alloc";  // never: boost::interprocess::bad_alloc does not derive from std::bad_alloc
    } catch (const boost::interprocess::bad_alloc&) {
      caught = "boost::interprocess::bad_alloc";
    }
    harness::expect_equal("what caught the failed allocate", caught, "boost::interprocess::bad_alloc");
    harness::expect(!segment.allocate(2 * ch16::segment_size, std::nothrow), "allocate(std::nothrow) gave memory");
    auto* block = static_cast<unsigned char*>(segment.allocate(ch16::block_size));
    std::fill_n(block, ch16::block_size, 0xAB);
    segment.deallocate(block);
    segment.zero_free_memory();  // writes zeros over every free byte, the freed block's included
    ch16::expect_zeroed(block + ch16::block_margin, block + ch16::block_size - ch16::block_margin);
    me.step("allocate_aligned gave a multiple of 128; ", fact("caught", caught), " caught the failed allocate");
    const std::size_t free_before_array = segment.get_free_memory();
    std::string failure = "nothing";
    try {
      segment.construct<ch16::fragile>(ch16::fragile_name)[ch16::fragiles]();  // element 3's constructor throws
    } catch (const std::runtime_error& e) {
      failure = e.what();
    }
    harness::expect_equal("the elements alive", ch16::fragile::alive, 0u, ": the built ones were not destroyed");
    harness::expect_back_to("free memory", segment.get_free_memory(), free_before_array, "after the failed construct");
    harness::expect(!segment.find<ch16::fragile>(ch16::fragile_name).first, "the failed array's name was kept");
    me.step("construct threw '", fact("failure", failure), "'; the elements built were destroyed, the memory is back");
    const auto joiners = me.spawn_children(ch16::joiners_args(owner.name()));  // all at once
    const ch16::tally* tally = segment.find<ch16::tally>(ch16::tally_name).first;
    ch16::expect_joined(joiners, tally, tally ? segment.get_handle_from_address(tally) : 0);  // one built it
    me.step(fact("joined", tally->joined), " joiners raced; child ", fact("builder", tally->built_by), " built it");
  }  // unmapped here: grow and shrink_to_fit need a segment that no process maps
  //! [todo 3: grow the unmapped segment by ch16::extra_size bytes]
  harness::expect(managed_shared_memory::grow(owner.c_str(), ch16::extra_size), "grow() returned false");
  //! [todo end]
  harness::expect_equal("the inventory", me.run_child({"inspect", owner.name()}), ch16::inventory(ch16::grown));
  me.step("grew the segment to ", fact("grown", ch16::grown), " bytes; a child found every object in it");
  harness::expect(managed_shared_memory::shrink_to_fit(owner.c_str()), "shrink_to_fit() returned false");
  const std::size_t shrunk = managed_shared_memory(open_only, owner.c_str()).get_size();
  harness::expect(shrunk < ch16::segment_size, "shrink_to_fit() left ", shrunk, " bytes, not fewer than it had");
  harness::expect_equal("the inventory", me.run_child({"inspect", owner.name()}), ch16::inventory(shrunk));
  me.step("shrank the segment to ", fact("shrunk", shrunk), " bytes; a child found every object in it");
}
//! [parent]

//! [child]
void child(const harness::role& me) {
  const ch16::child_task task = ch16::parse_child_args(me);  // checked before anything opens
  if (task.action == "open") {
    error_code_t refused = no_error;
    try {  // the name is taken: create_only fails, and makes nothing
      managed_shared_memory mine(create_only, task.segment.c_str(), task.size, nullptr, harness::owner_only());
    } catch (const interprocess_exception& e) {
      refused = e.get_error_code();
    }
    ch16::expect_refused(refused, task.segment);
    //! [todo 4: open or create the segment, asking for task.size bytes]
    managed_shared_memory segment(open_or_create, task.segment.c_str(), task.size, nullptr, harness::owner_only());
    //! [todo end]
    me.step("create_only failed with error ", fact("refused", refused), "; open_or_create asked for ", task.size,
            " bytes and got ", fact("size", segment.get_size()));
    std::cout << ch16::open_line(segment.get_size(), refused) << std::flush;
    return;
  }
  managed_shared_memory segment = harness::attempt(
      "open segment '" + task.segment + "'", [&] { return managed_shared_memory(open_only, task.segment.c_str()); });
  if (task.action == "inspect") {
    const auto named = ch16::names(segment.named_begin(), segment.named_end());  // in the index's order
    const auto unique = ch16::names(segment.unique_begin(), segment.unique_end());  // typeid(T).name() each
    const ch16::ledger& ledger = ch16::expect_ledger(segment.find<ch16::ledger>(unique_instance).first, task.segment);
    me.step(fact("named", named.size()), " named, ", unique.size(), " unique objects; ", segment.get_size(), " bytes");
    std::cout << ch16::inventory_line(segment.get_size(), named, unique, ledger.created_with) << std::flush;
    return;
  }
  ch16::gate& gate = ch16::expect_gate(segment.find<ch16::gate>(ch16::gate_name).first, segment, task.segment);
  ++gate.arrived;
  ch16::expect_in_time(ch16::wait_for_all(gate, task.count), "the other joiners");
  //! [todo 5: find or construct the tally: of all the joiners racing here, exactly one constructs it]
  ch16::tally& tally = *segment.find_or_construct<ch16::tally>(ch16::tally_name)();
  //! [todo end]
  auto count_me_in = [&] { ++tally.joined; };  // a plain counter: safe under the segment's own mutex
  segment.atomic_func(count_me_in);
  me.step("met ", task.count, " joiners at the gate; built the tally: ", fact("built", ::getpid() == tally.built_by));
  std::cout << ch16::join_line(tally.built_by == ::getpid(), segment.get_handle_from_address(&tally)) << std::flush;
}
//! [child]

int main(int argc, char** argv) { return harness::run_chapter(argc, argv, parent, child); }
