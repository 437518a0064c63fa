#include "lesson.hpp"

#include <sstream>

#include "harness/chapter.hpp"

namespace ipclab::ch05 {

//! [build]
MyMap& build_map(managed_shared_memory& segment, const char* name) {
  const ShmemAllocator alloc_inst(segment.get_segment_manager());
  // The same constructor arguments as std::map's: the comparison, then the allocator.
  MyMap* mymap = segment.construct<MyMap>(name)(std::less<KeyType>(), alloc_inst);
  for (int i = 0; i < pair_count; ++i) mymap->insert(ValueType(i, static_cast<MappedType>(i)));
  return *mymap;
}
//! [build]

MyMap& find_map(managed_shared_memory& segment, const std::string& segment_name, const std::string& name) {
  // find<T> trusts the caller on T: the segment keeps an object's bytes, not
  // its type. Asked as char it returns those bytes, whatever was constructed.
  const auto bytes = segment.find<char>(name.c_str()).second;
  if (bytes == 0)
    throw harness::resource_error("segment '" + segment_name + "' has no object named '" + name + "'");
  if (bytes != sizeof(MyMap))
    throw harness::usage_error("the object '" + name + "' is not one map of int to float: it takes " +
                               std::to_string(bytes) + " bytes, a map takes " + std::to_string(sizeof(MyMap)));
  return *segment.find<MyMap>(name.c_str()).first;
}

//! [lookup]
// A map that does not hold what the parent put in is bad *input* to the child
// (exit 2, like a vector of the wrong length): the child did not make it so.
// Exit 1 stays for the lesson's own invariants, which the parent checks after
// the child. Checking everything before changing anything leaves a rejected
// map exactly as the child found it.
void check_every_value(const MyMap& map, const std::string& name) {
  for (KeyType key = 0; key < pair_count; ++key) {
    const auto found = map.find(key);  // O(log n), walking offset_ptr links in this mapping
    if (found == map.end())
      throw harness::usage_error("the map '" + name + "' has no key " + std::to_string(key));
    if (found->second != static_cast<MappedType>(key))
      throw harness::usage_error("the map '" + name + "' maps key " + std::to_string(key) + " to " +
                                 value_text(found->second) + ", not " + std::to_string(key));
  }
  if (map.size() != pair_count)
    throw harness::usage_error("the map '" + name + "' holds " + std::to_string(map.size()) +
                               " pairs, not " + std::to_string(pair_count));
}
//! [lookup]

//! [change]
int erase_odd_keys(MyMap& map) {
  int erased = 0;
  for (KeyType key = 1; key < pair_count; key += 2) erased += static_cast<int>(map.erase(key));
  return erased;
}

int insert_new_keys(MyMap& map) {
  int inserted = 0;
  for (KeyType key = first_new_key; key < first_new_key + new_key_count; ++key)
    inserted += map.insert(ValueType(key, new_value(key))).second ? 1 : 0;
  return inserted;
}
//! [change]

std::string summary(int looked_up, int erased, int inserted, std::size_t size_after) {
  return "looked up " + std::to_string(looked_up) + " keys: each maps to itself\n" +
         "erased " + std::to_string(erased) + " odd keys\n" +
         "inserted " + std::to_string(inserted) + " keys " + std::to_string(first_new_key) + ".." +
         std::to_string(first_new_key + new_key_count - 1) + " mapping to key * 0.5\n" +
         "the map holds " + std::to_string(size_after) + " pairs\n";
}

std::vector<ValueType> pairs_after_child() {
  std::vector<ValueType> pairs;
  for (KeyType key = 0; key < pair_count; key += 2) pairs.emplace_back(key, static_cast<MappedType>(key));
  for (KeyType key = first_new_key; key < first_new_key + new_key_count; ++key)
    pairs.emplace_back(key, new_value(key));
  return pairs;
}

std::string value_text(MappedType value) {
  std::ostringstream text;
  text << value;
  return text.str();
}

}  // namespace ipclab::ch05
