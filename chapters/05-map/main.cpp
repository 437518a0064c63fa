// Chapter 05 - a map in shared memory (Boost's doc_map.cpp, rewritten).
//
// The parent constructs a named map<int, float> whose allocator takes memory
// from the segment, and inserts (i, float(i)) for i in 0..99: every node of the
// tree lives in the segment. The child finds the map by name, looks every key
// up, then changes it: erases the odd keys and inserts ten new ones, each
// erase freeing a node and each insert taking one, all in the segment. The
// parent sees the changed map through its own mapping, key by key, then
// destroys it and checks the free memory came back.
#include <algorithm>
#include <functional>
#include <iostream>
#include <vector>

#include <boost/interprocess/allocators/allocator.hpp>
#include <boost/interprocess/containers/map.hpp>
#include <boost/interprocess/managed_shared_memory.hpp>

#include "lesson.hpp"

using namespace boost::interprocess;
using namespace ipclab;
using ch05::MyMap;
using harness::fact;

//! [parent]
void parent(const harness::role& me) {
  harness::segment_owner owner(harness::unique_name("ch05"));  // removes the segment on every exit
  managed_shared_memory segment(create_only, owner.c_str(), ch05::segment_size, nullptr, harness::owner_only());
  const managed_shared_memory::size_type free_before = segment.get_free_memory();
  me.step("created segment ", fact("segment", owner.name()), " mapped at ", segment.get_address(),
          "; free memory ", fact("free_before", free_before));

  //! [todo 1: construct the map with its allocator]
  // The allocator allocates the map's value_type, the pair: every node of the tree comes from the segment
  const ch05::ShmemAllocator alloc_inst(segment.get_segment_manager());
  // construct<T>(name) returns a proxy, called with std::map's constructor arguments: the comparison, the allocator
  MyMap& mymap = *segment.construct<MyMap>(ch05::map_name)(std::less<ch05::KeyType>(), alloc_inst);
  //! [todo end]
  for (int i = 0; i < ch05::pair_count; ++i) mymap.insert(ch05::ValueType(i, static_cast<ch05::MappedType>(i)));
  me.step("constructed map '", ch05::map_name, "' at ", &mymap, " with ", mymap.size(), " pairs; free memory ",
          free_before, " -> ", segment.get_free_memory());

  // The child changes the map while we wait: the map is not synchronised, so
  // only one process may touch it at a time.
  const std::string printed = me.run_child({owner.name(), ch05::map_name});
  const std::vector<ch05::ValueType> expected = ch05::pairs_after_child();
  harness::expect(std::equal(mymap.begin(), mymap.end(), expected.begin(), expected.end()),
                  "the map does not hold the even keys 0..98 and the new keys 100..109 after the child");
  harness::expect(printed == ch05::summary(ch05::pair_count, ch05::pair_count / 2, ch05::new_key_count,
                                           expected.size()),
                  "the child's summary is not what it should have done");
  me.step("the map now holds ", mymap.size(), " pairs, keys ", mymap.begin()->first, "..", mymap.rbegin()->first,
          "; free memory ", segment.get_free_memory());

  //! [todo 2: destroy the map]
  // destroy<T>(name) runs the map's destructor, which frees every node, then frees the map and its name
  segment.destroy<MyMap>(ch05::map_name);
  //! [todo end]
  harness::expect(segment.find<MyMap>(ch05::map_name).first == nullptr, "find still sees the destroyed map");
  harness::expect_back_to("free memory", segment.get_free_memory(), free_before, "after destroying the map");
  me.step("destroyed the map: find no longer sees it, free memory is back to ",
          fact("free_after", segment.get_free_memory()));
}
//! [parent]

//! [child]
void child(const harness::role& me) {
  const auto [name, map_name] = me.expect_args("SEGMENT", "MAP");
  // open_only: the segment must exist; this process maps it at an address of its own
  managed_shared_memory segment = harness::attempt("open segment '" + name + "'", [&] {
    return managed_shared_memory(open_only, name.c_str());
  });
  // find<T> matches the name only: asked as char, it says how many bytes the object takes
  ch05::expect_one_map(segment.find<char>(map_name.c_str()), segment, name, map_name);
  MyMap& mymap = *segment.find<MyMap>(map_name.c_str()).first;
  me.step("opened segment ", name, " mapped at ", fact("base", segment.get_address()), "; found map '", map_name,
          "' at ", fact("map", &mymap), " with ", fact("size", mymap.size()), " pairs; free memory ",
          segment.get_free_memory());

  // Every key looked up before anything changes: find walks the tree's offset_ptr links in this mapping
  for (ch05::KeyType key = 0; key < ch05::pair_count; ++key)
    ch05::expect_maps_to_itself(mymap, mymap.find(key), key, map_name);
  ch05::expect_no_other_keys(mymap, map_name);

  int erased = 0;
  for (ch05::KeyType key = 1; key < ch05::pair_count; key += 2) {
    //! [todo 3: erase the odd key]
    // erase(key) returns how many pairs it removed (0 or 1): add it to erased. Each frees a node in the segment
    erased += static_cast<int>(mymap.erase(key));
    //! [todo end]
  }
  int inserted = 0;
  for (ch05::KeyType key = ch05::first_new_key; key < ch05::first_new_key + ch05::new_key_count; ++key) {
    //! [todo 4: insert the new key]
    // insert the pair (key, ch05::new_value(key)), a ch05::ValueType, taking a node from the segment;
    // insert returns a pair whose bool (its .second) is true when the key was new: count those in inserted
    inserted += mymap.insert(ch05::ValueType(key, ch05::new_value(key))).second ? 1 : 0;
    //! [todo end]
  }
  harness::expect(erased == ch05::pair_count / 2 && inserted == ch05::new_key_count, "erased ", erased,
                  " and inserted ", inserted, " keys, not ", ch05::pair_count / 2, " and ", ch05::new_key_count);
  std::cout << ch05::summary(ch05::pair_count, erased, inserted, mymap.size()) << std::flush;

  // The map stays: the parent checks it and destroys it.
  me.step("erased ", fact("erased", erased), " keys and inserted ", fact("inserted", inserted), "; the map holds ",
          fact("size_after", mymap.size()), " pairs; free memory ", segment.get_free_memory());
}
//! [child]

int main(int argc, char** argv) { return harness::run_chapter(argc, argv, parent, child); }
