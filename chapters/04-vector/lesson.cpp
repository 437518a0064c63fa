#include "lesson.hpp"

#include <algorithm>
#include <numeric>
#include <vector>

#include "harness/chapter.hpp"

namespace ipclab::ch04 {

//! [build]
MyVector& build_vector(managed_shared_memory& segment, const char* name) {
  // The allocator only remembers the segment manager; the vector asks it for
  // every buffer it grows into, so the grown buffers are segment memory too.
  const ShmemAllocator alloc_inst(segment.get_segment_manager());
  MyVector* myvector = segment.construct<MyVector>(name)(alloc_inst);
  for (int i = 0; i < element_count; ++i) myvector->push_back(i);
  return *myvector;
}
//! [build]

//! [find]
MyVector& find_vector(managed_shared_memory& segment, const std::string& segment_name,
                      const std::string& name) {
  // find<T> looks the name up and trusts the caller on T: the segment keeps no
  // type, only the object's bytes, and the "length" find<T> returns is those
  // bytes divided by sizeof(T). Asking as char first gives the bytes of
  // whatever was constructed under the name (find<MyVector> on a smaller or odd
  // sized object would trip a BOOST_ASSERT in a debug build).
  const auto bytes = segment.find<char>(name.c_str()).second;
  if (bytes == 0)
    throw harness::resource_error("segment '" + segment_name + "' has no object named '" + name + "'");
  if (bytes != sizeof(MyVector))
    throw harness::usage_error("the object '" + name + "' is not one vector of ints: it takes " +
                               std::to_string(bytes) + " bytes, a vector takes " +
                               std::to_string(sizeof(MyVector)));
  MyVector& myvector = *segment.find<MyVector>(name.c_str()).first;

  // A vector of another element type has the same size as MyVector: its
  // contents are the only way left to tell, so the child checks them before
  // it changes anything.
  if (myvector.size() != element_count)
    throw harness::usage_error("the vector '" + name + "' holds " + std::to_string(myvector.size()) +
                               " ints, not " + std::to_string(element_count));
  std::vector<int> expected(element_count);
  std::iota(expected.begin(), expected.end(), 0);
  if (!std::is_permutation(myvector.begin(), myvector.end(), expected.begin(), expected.end()))
    throw harness::usage_error("the vector '" + name + "' does not hold each of 0.." +
                               std::to_string(element_count - 1) + " exactly once");
  return myvector;
}
//! [find]

std::string contents_line(const MyVector& vector) {
  std::string line;
  for (const int value : vector) line += (line.empty() ? "" : " ") + std::to_string(value);
  return line;
}

bool holds_descending(const MyVector& vector) {
  if (vector.size() != element_count) return false;
  for (int i = 0; i < element_count; ++i)
    if (vector[i] != element_count - 1 - i) return false;
  return true;
}

}  // namespace ipclab::ch04
