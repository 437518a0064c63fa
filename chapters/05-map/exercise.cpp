// Exercise 05 - a map in shared memory.
//
// Fill in the four TODOs with Boost.Interprocess calls, so that the parent
// constructs a named map<int, float> whose nodes live in the segment, a child
// process erases its odd keys and inserts ten new ones, and the parent
// destroys it and gets the free memory back. Each harness::todo(...) line is a
// step to replace; the rest of the program is already written. Check your
// work with `./ipclab verify 05`; `./ipclab hint 05` gives a hint.
// chapters/05-map/main.cpp (with lesson.cpp's build_map, erase_odd_keys and
// insert_new_keys) is the reference solution: try without it first.
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

void parent(const harness::role& me) {
  harness::segment_owner owner(harness::unique_name("ex05"));  // removes the segment on every exit
  managed_shared_memory segment(create_only, owner.c_str(), ch05::segment_size, nullptr,
                                harness::owner_only());
  me.narrate("created segment " + owner.name() + " mapped at " + address_text(segment.get_address()));

  const auto free_before = segment.get_free_memory();

  // TODO 1: construct a MyMap in the segment under the name ch05::map_name.
  // Its constructor takes what std::map's does: first the key comparison (a
  // std::less<ch05::KeyType>), then the allocator, a ch05::ShmemAllocator
  // built from the segment's segment manager (it allocates the map's
  // value_type, the pair, so every node lands in the segment). The segment's
  // construct<T>(name) returns a proxy you call with those arguments; it
  // gives back a pointer to the new object.
  MyMap* constructed = harness::todo<MyMap*>("1: construct the map with its allocator");
  MyMap& mymap = *constructed;
  for (int i = 0; i < ch05::pair_count; ++i)
    mymap.insert(ch05::ValueType(i, static_cast<ch05::MappedType>(i)));
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

  // TODO 4: destroy the map by its name, ch05::map_name, so that its
  // destructor frees every node and the map itself and its name are freed.
  harness::todo("4: destroy the map");
  harness::expect(segment.find<MyMap>(ch05::map_name).first == nullptr, "find still sees the destroyed map");
  harness::expect(segment.get_free_memory() == free_before,
                  "free memory is " + std::to_string(segment.get_free_memory()) + ", not back to " +
                      std::to_string(free_before) + " after destroying the map");
  me.narrate("destroyed the map: find no longer sees it, free memory is back to " +
             std::to_string(free_before));
}

void child(const harness::role& me) {
  const auto& args = me.expect_args({"SEGMENT", "MAP"});
  auto segment = harness::attempt("open segment '" + args[0] + "'",
                                  [&] { return managed_shared_memory(open_only, args[0].c_str()); });
  MyMap& mymap = ch05::find_map(segment, args[0], args[1]);
  me.narrate("opened segment " + args[0] + " mapped at " + address_text(segment.get_address()) +
             "; found map '" + args[1] + "' at " + address_text(&mymap) + " with " +
             std::to_string(mymap.size()) + " pairs; free memory " + std::to_string(segment.get_free_memory()));

  ch05::check_every_value(mymap, args[1]);  // before changing anything

  int erased = 0;
  for (ch05::KeyType key = 1; key < ch05::pair_count; key += 2) {
    // TODO 2: erase `key` from the map; erase by key returns how many pairs
    // it removed (0 or 1), which is what erased adds up.
    erased += static_cast<int>(harness::todo<MyMap::size_type>("2: erase the odd key"));
  }

  int inserted = 0;
  for (ch05::KeyType key = ch05::first_new_key; key < ch05::first_new_key + ch05::new_key_count; ++key) {
    // TODO 3: insert the pair (key, ch05::new_value(key)), a ch05::ValueType,
    // into the map. insert returns a pair whose bool (its .second) is true
    // when the key was new.
    inserted += harness::todo<bool>("3: insert the new key") ? 1 : 0;
  }

  harness::expect(erased == ch05::pair_count / 2 && inserted == ch05::new_key_count,
                  "erased " + std::to_string(erased) + " and inserted " + std::to_string(inserted) + " keys");
  std::cout << ch05::summary(ch05::pair_count, erased, inserted, mymap.size()) << std::flush;

  // The map stays: the parent checks it and destroys it.
  me.narrate("erased " + std::to_string(erased) + " keys and inserted " + std::to_string(inserted) +
             "; the map holds " + std::to_string(mymap.size()) + " pairs; free memory " +
             std::to_string(segment.get_free_memory()));
}

int main(int argc, char** argv) { return harness::run_chapter(argc, argv, parent, child); }
