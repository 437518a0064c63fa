// Chapter 05, a map in shared memory: the lesson across two real processes,
// and what Boost.Interprocess documents about node containers with its
// allocator, named objects, and the memory they take and give back.
#include <algorithm>
#include <functional>
#include <numeric>
#include <random>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "harness/chapter.hpp"
#include "harness/names.hpp"
#include "harness/segment_owner.hpp"
#include "harness/sweep.hpp"
#include "lesson.hpp"
#include "support.hpp"

using namespace boost::interprocess;
using namespace ipclab;
using ch05::MyMap;
using support::run_child_role;
using Pairs = std::vector<std::pair<int, float>>;

namespace {

// What the child prints, written out by hand.
const std::string child_summary =
    "looked up 100 keys: each maps to itself\n"
    "erased 50 odd keys\n"
    "inserted 10 keys 100..109 mapping to key * 0.5\n"
    "the map holds 60 pairs\n";

Pairs pairs_of(const MyMap& map) {
  Pairs pairs;
  for (const auto& [key, value] : map) pairs.emplace_back(key, value);
  return pairs;
}

Pairs built_pairs() {
  Pairs pairs;
  for (int key = 0; key < 100; ++key) pairs.emplace_back(key, static_cast<float>(key));
  return pairs;
}

// The even keys keep their values; 100..109 map to key * 0.5 (50, 50.5, .. 54.5).
Pairs changed_pairs() {
  Pairs pairs;
  for (int key = 0; key < 100; key += 2) pairs.emplace_back(key, static_cast<float>(key));
  for (int key = 100; key < 110; ++key) pairs.emplace_back(key, key * 0.5f);
  return pairs;
}

// The test plays the parent: it owns a fresh segment; the chapter binary is the child.
class MapInSegment : public support::owned_segment_test<ch05::segment_size> {
 protected:
  // The parent's setup: a map named `name` holding (i, float(i)) for i in
  // 0..99, built with the segment's allocator as the lesson's parent builds it.
  MyMap& build_map(const char* name = ch05::map_name) {
    const ch05::ShmemAllocator allocator(segment.get_segment_manager());
    MyMap& map = *segment.construct<MyMap>(name)(std::less<int>(), allocator);
    for (int i = 0; i < 100; ++i) map.insert(ch05::ValueType(i, static_cast<float>(i)));
    return map;
  }
  harness::spawn_result child_changes(const std::string& name = ch05::map_name) {
    return run_child_role("05", {owner.name(), name});
  }
};

// The whole lesson as `ipclab run 05` runs it: a map built by one process and
// changed by another is seen changed by the first, and destroying it returns
// the segment's free memory; the owner removes the segment (nothing left in
// /dev/shm).
TEST(Chapter05Program, ParentRoleExitsZeroPrintsTheChildsSummaryAndLeavesNothing) {
  IPCLAB_CHECKS_THE_CHAPTER();
  const auto run = support::run_parent_role("05");
  ASSERT_TRUE(support::ran_both_roles_and_left_nothing(run));
  EXPECT_EQ(run.out, child_summary);
  EXPECT_EQ(support::fact(run, "parent", "free_after"), support::fact(run, "parent", "free_before"));
}

// Documented: the map orders its keys by the comparison (std::less: ascending)
// and holds one pair per inserted key; with allocator<pair, segment_manager>
// every node is allocated from the segment; find<T>(name) returns it, count 1.
// The keys go in shuffled, so the order the map shows is its own.
TEST_F(MapInSegment, BuiltMapHoldsTheHundredPairsInKeyOrderInTheSegment) {
  IPCLAB_CLAIMS("ALC-03", "ALC-06", "OBJ-08");
  const ch05::ShmemAllocator allocator(segment.get_segment_manager());
  MyMap* constructed = segment.construct<MyMap>(ch05::map_name)(std::less<int>(), allocator);
  ASSERT_NE(constructed, nullptr);
  MyMap& map = *constructed;
  std::vector<int> keys(100);
  std::iota(keys.begin(), keys.end(), 0);
  std::shuffle(keys.begin(), keys.end(), std::mt19937(2024));
  for (const int key : keys) ASSERT_TRUE(map.insert(ch05::ValueType(key, static_cast<float>(key))).second);

  EXPECT_EQ(map.size(), 100u);
  EXPECT_EQ(pairs_of(map), built_pairs());
  const auto found = segment.find<MyMap>(ch05::map_name);
  EXPECT_EQ(found.first, constructed);
  EXPECT_EQ(found.second, 1u);
  EXPECT_EQ(map.get_allocator().get_segment_manager(), segment.get_segment_manager());
  EXPECT_TRUE(segment.belongs_to_segment(&map));
  for (const auto& pair : map) ASSERT_TRUE(segment.belongs_to_segment(&pair)) << "key " << pair.first;
}

// Documented: a map in the segment can be read and changed by another process
// mapping it. After the child's lookups, erase(odd keys) and insert(100..109):
// exactly the even keys 0..98 with their values and the new keys with
// key * 0.5, in key order, 60 pairs; erased keys are gone (find == end,
// count 0); the map itself is still there under its name.
TEST_F(MapInSegment, ParentSeesTheChildsChangesKeyByKey) {
  IPCLAB_CLAIMS("ALC-08");
  MyMap& map = build_map();
  const auto child = child_changes();
  ASSERT_TRUE(child.succeeded()) << child.describe() << "\n" << child.err;
  EXPECT_EQ(child.out, child_summary);

  EXPECT_EQ(map.size(), 60u);
  EXPECT_EQ(pairs_of(map), changed_pairs());
  for (int key = 0; key < 110; ++key) {
    const bool kept = key >= 100 || key % 2 == 0;
    EXPECT_EQ(map.count(key), kept ? 1u : 0u) << "key " << key;
    const auto found = map.find(key);
    ASSERT_EQ(found != map.end(), kept) << "key " << key;
    if (kept) EXPECT_EQ(found->second, key >= 100 ? key * 0.5f : static_cast<float>(key)) << "key " << key;
  }
  EXPECT_EQ(map.find(110), map.end());
  const auto found = segment.find<MyMap>(ch05::map_name);
  EXPECT_EQ(found.first, &map);
  EXPECT_EQ(found.second, 1u);
  EXPECT_TRUE(segment.check_sanity());
}

// Documented: a node container allocates one node per element through its
// allocator and deallocates it on erase. All nodes have the same size, so the
// segment's free memory moves by whole nodes: the child frees 50 and takes 10.
// (The exact node footprint is the allocator's business, so it is measured
// here, not assumed.)
TEST_F(MapInSegment, EraseFreesANodeAndInsertTakesOne) {
  IPCLAB_CLAIMS("SEG-06");
  const MyMap::allocator_type allocator(segment.get_segment_manager());
  MyMap& map = *segment.construct<MyMap>(ch05::map_name)(std::less<int>(), allocator);
  const auto free_empty = segment.get_free_memory();
  for (int i = 0; i < 100; ++i) map.insert(ch05::ValueType(i, static_cast<float>(i)));
  const auto free_full = segment.get_free_memory();
  ASSERT_EQ((free_empty - free_full) % 100, 0u) << "the 100 nodes did not take the same memory each";
  const auto node = (free_empty - free_full) / 100;
  EXPECT_GE(node, sizeof(ch05::ValueType));

  const auto child = child_changes();
  ASSERT_TRUE(child.succeeded()) << child.describe() << "\n" << child.err;
  EXPECT_EQ(segment.get_free_memory(), free_full + 40 * node);
}

// Documented: destroy<T>(name) runs the map's destructor, which deallocates
// every node, then frees the map and its name, returning true. Free memory is
// then exactly what it was before the map was constructed; find returns a
// null pointer; a second destroy returns false.
TEST_F(MapInSegment, DestroyReturnsTheFreeMemory) {
  IPCLAB_CLAIMS("ALC-07", "OBJ-08", "OBJ-09", "SEG-18", "SEG-19", "SEG-23");
  const auto free_before = segment.get_free_memory();
  const auto named_before = segment.get_num_named_objects();
  build_map();
  ASSERT_LT(segment.get_free_memory(), free_before);
  const auto child = child_changes();
  ASSERT_TRUE(child.succeeded()) << child.describe() << "\n" << child.err;

  const bool destroyed = segment.destroy<MyMap>(ch05::map_name);
  EXPECT_TRUE(support::destroyed_without_a_trace<MyMap>(segment, ch05::map_name, destroyed, free_before,
                                                        named_before));
}

// Documented (std::map semantics, which boost::container::map follows):
// insert of a key already present inserts nothing, returns false and an
// iterator to the existing pair, and takes no memory.
TEST_F(MapInSegment, InsertOfATakenKeyKeepsTheOldValue) {
  IPCLAB_CHECKS_THE_CHAPTER();
  MyMap& map = build_map();
  const auto free_before = segment.get_free_memory();
  const auto [where, inserted] = map.insert(ch05::ValueType(2, 99.0f));
  EXPECT_FALSE(inserted);
  ASSERT_NE(where, map.end());
  EXPECT_EQ(where->first, 2);
  EXPECT_EQ(where->second, 2.0f);
  EXPECT_EQ(map.size(), 100u);
  EXPECT_EQ(segment.get_free_memory(), free_before);
}

// Bad input to the child role: one clear sentence, a defined exit code, no
// crash, no map changed, the parent's segment untouched, nothing in /dev/shm.
// A map whose contents are wrong is bad input to the child (exit 2), not a
// broken invariant: see expect_maps_to_itself() in the lesson.
// "SEGMENT" is replaced by the test's segment name, in the arguments and the sentence.
using BadInput = support::bad_input;

class MapBadInput : public MapInSegment, public ::testing::WithParamInterface<BadInput> {};

TEST_P(MapBadInput, ChildRejectsItWithOneSentenceAndTheRightExitCodeAndChangesNothing) {
  IPCLAB_CHECKS_THE_CHAPTER();
  MyMap& map = build_map();
  MyMap& missing_key = build_map("MissingKey");
  missing_key.erase(57);
  MyMap& wrong_value = build_map("WrongValue");
  wrong_value.at(42) = 42.5f;
  MyMap& extra_key = build_map("ExtraKey");
  extra_key.insert(ch05::ValueType(100, 100.0f));
  MyMap& empty = *segment.construct<MyMap>("EmptyMap")(std::less<int>(), segment.get_segment_manager());
  segment.construct<int>("IntArray")[100](0);
  const auto free_before = segment.get_free_memory();
  const auto before = std::vector<Pairs>{pairs_of(map), pairs_of(missing_key), pairs_of(wrong_value),
                                         pairs_of(extra_key), pairs_of(empty)};

  const auto args = support::substitute(GetParam().args, "SEGMENT", owner.name());
  const auto sentence = support::substitute(GetParam().sentence, "SEGMENT", owner.name());

  const auto child = run_child_role("05", args);
  EXPECT_TRUE(support::rejected_cleanly(child, GetParam().exit_code, sentence));
  EXPECT_EQ(segment.get_free_memory(), free_before);
  EXPECT_TRUE(segment.check_sanity());
  const auto after = std::vector<Pairs>{pairs_of(map), pairs_of(missing_key), pairs_of(wrong_value),
                                        pairs_of(extra_key), pairs_of(empty)};
  EXPECT_EQ(after, before) << "the rejected child changed a map";
  EXPECT_EQ(pairs_of(map), built_pairs());
}

INSTANTIATE_TEST_SUITE_P(
    Chapter05, MapBadInput,
    ::testing::Values(
        BadInput{"NoArguments", {}, harness::exit_usage, "takes 2 arguments but got 0"},
        BadInput{"NoMapName", {"SEGMENT"}, harness::exit_usage, "takes 2 arguments but got 1"},
        BadInput{"ExtraArgument", {"SEGMENT", "MyMap", "more"}, harness::exit_usage,
                 "takes 2 arguments but got 3"},
        BadInput{"SegmentDoesNotExist", {"ipclab-ch05-0-0-missing", "MyMap"}, harness::exit_resource,
                 "cannot open segment 'ipclab-ch05-0-0-missing': No such file or directory"},
        // Documented: find returns a null pointer when no object has the name.
        BadInput{"NoObjectByThatName", {"SEGMENT", "NoSuchMap"}, harness::exit_resource,
                 "segment 'SEGMENT' has no object named 'NoSuchMap' (it holds '"},
        // find<T>'s count is bytes / sizeof(T): another object's size gives it away.
        BadInput{"IntArrayUnderTheName", {"SEGMENT", "IntArray"}, harness::exit_usage,
                 "the object 'IntArray' is not one map of int to float: it takes 400 bytes"},
        BadInput{"MapMissingAKey", {"SEGMENT", "MissingKey"}, harness::exit_usage,
                 "the map 'MissingKey' has no key 57"},
        BadInput{"MapWithAWrongValue", {"SEGMENT", "WrongValue"}, harness::exit_usage,
                 "the map 'WrongValue' maps key 42 to 42.5, not 42"},
        BadInput{"MapWithAnExtraKey", {"SEGMENT", "ExtraKey"}, harness::exit_usage,
                 "the map 'ExtraKey' holds 101 pairs, not 100"},
        BadInput{"EmptyMap", {"SEGMENT", "EmptyMap"}, harness::exit_usage, "the map 'EmptyMap' has no key 0"}),
    [](const auto& info) { return info.param.label; });

}  // namespace
