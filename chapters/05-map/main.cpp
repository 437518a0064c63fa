// Chapter 05 - a map in shared memory.
//
// The parent constructs a named map<int, float> whose allocator takes memory
// from the segment, and inserts (i, float(i)) for i in 0..99: every node of the
// tree lives in the segment. The child finds the map by name, looks every key
// up, then changes it: erases the odd keys and inserts ten new ones, each
// erase freeing a node and each insert taking one, all in the segment. The
// parent sees the changed map through its own mapping, key by key, then
// destroys it and checks the free memory came back.
#include <algorithm>
#include <iostream>

#include "lesson.hpp"

#include "harness/chapter.hpp"
#include "harness/names.hpp"
#include "harness/segment_owner.hpp"

using namespace boost::interprocess;
using namespace ipclab;
using ch05::MyMap;
using harness::address_text;

//! [parent]
void parent(const harness::role& me) {
  harness::segment_owner owner(harness::unique_name("ch05"));  // removes the segment on every exit
  managed_shared_memory segment(create_only, owner.c_str(), ch05::segment_size, nullptr,
                                harness::owner_only());
  me.narrate("created segment " + owner.name() + " mapped at " + address_text(segment.get_address()));

  const auto free_before = segment.get_free_memory();
  MyMap& mymap = ch05::build_map(segment);
  me.narrate("constructed map '" + std::string(ch05::map_name) + "' at " + address_text(&mymap) +
             " with " + std::to_string(mymap.size()) + " pairs; free memory " +
             std::to_string(free_before) + " -> " + std::to_string(segment.get_free_memory()));

  // The child changes the map while we wait: the map is not synchronised, so
  // only one process may touch it at a time.
  const auto printed = me.run_child({owner.name(), ch05::map_name});
  const auto expected = ch05::pairs_after_child();
  harness::expect(std::equal(mymap.begin(), mymap.end(), expected.begin(), expected.end()),
                  "the map does not hold the even keys 0..98 and the new keys 100..109 after the child");
  harness::expect(printed == ch05::summary(ch05::pair_count, ch05::pair_count / 2, ch05::new_key_count, expected.size()),
                  "the child's summary is not what it should have done");
  me.narrate("the map now holds " + std::to_string(mymap.size()) + " pairs, keys " +
             std::to_string(mymap.begin()->first) + ".." + std::to_string(mymap.rbegin()->first) +
             "; free memory " + std::to_string(segment.get_free_memory()));

  // destroy<> runs the map's destructor, which frees every node, then the map itself.
  segment.destroy<MyMap>(ch05::map_name);
  harness::expect(segment.find<MyMap>(ch05::map_name).first == nullptr, "find still sees the destroyed map");
  harness::expect(segment.get_free_memory() == free_before,
                  "free memory is " + std::to_string(segment.get_free_memory()) + ", not back to " +
                      std::to_string(free_before) + " after destroying the map");
  me.narrate("destroyed the map: find no longer sees it, free memory is back to " +
             std::to_string(free_before));
}
//! [parent]

//! [child]
void child(const harness::role& me) {
  const auto& args = me.expect_args({"SEGMENT", "MAP"});
  auto segment = harness::attempt("open segment '" + args[0] + "'",
                                  [&] { return managed_shared_memory(open_only, args[0].c_str()); });
  MyMap& mymap = ch05::find_map(segment, args[0], args[1]);
  me.narrate("opened segment " + args[0] + " mapped at " + address_text(segment.get_address()) +
             "; found map '" + args[1] + "' at " + address_text(&mymap) + " with " +
             std::to_string(mymap.size()) + " pairs; free memory " + std::to_string(segment.get_free_memory()));

  ch05::check_every_value(mymap, args[1]);  // before changing anything
  const auto erased = ch05::erase_odd_keys(mymap);
  const auto inserted = ch05::insert_new_keys(mymap);
  harness::expect(erased == ch05::pair_count / 2 && inserted == ch05::new_key_count,
                  "erased " + std::to_string(erased) + " and inserted " + std::to_string(inserted) + " keys");
  std::cout << ch05::summary(ch05::pair_count, erased, inserted, mymap.size()) << std::flush;

  // The map stays: the parent checks it and destroys it.
  me.narrate("erased " + std::to_string(erased) + " keys and inserted " + std::to_string(inserted) +
             "; the map holds " + std::to_string(mymap.size()) + " pairs; free memory " +
             std::to_string(segment.get_free_memory()));
}
//! [child]

int main(int argc, char** argv) { return harness::run_chapter(argc, argv, parent, child); }
