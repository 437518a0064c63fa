#pragma once
/// \file
/// Chapter 20, offset_ptr in depth: what the program and its tests share.

#include <algorithm>
#include <csignal>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <iostream>
#include <iterator>
#include <string>
#include <type_traits>

#include <boost/interprocess/managed_shared_memory.hpp>
#include <boost/interprocess/offset_ptr.hpp>

#include "harness/chapter.hpp"
#include "harness/names.hpp"
#include "harness/segment_owner.hpp"

namespace ipclab::ch20 {

using boost::interprocess::managed_shared_memory;

inline constexpr std::size_t segment_size = 64 * 1024;
/// The numbers the parent stores, unsorted; it sorts them through offset_ptr iterators.
inline constexpr int numbers[] = {42, 7, 19, 3, 88, 61, 25, 10};
inline constexpr std::size_t length = std::size(numbers);
/// What the sorted numbers print as.
inline constexpr const char* sorted_line = "3 7 10 19 25 42 61 88";

inline constexpr const char* numbers_name = "numbers";
inline constexpr const char* copies_name = "copies";
inline constexpr const char* visits_name = "visits";
inline constexpr const char* alias_name = "alias";
inline constexpr const char* square_name = "square";
inline constexpr const char* caller_vptr_name = "caller vptr";

//! [types]
/// Two bases and a class that derives from both: a mark* converted to a
/// tagged* points 8 bytes further on, and offset_ptr adjusts the same way.
struct point {
  int x = 0, y = 0;
};
struct tagged {
  int tag = 0;
};
struct mark : point, tagged {};

/// A polymorphic pair: every shape holds a pointer to its class's virtual
/// table, an address in the code of the process that constructed it.
struct shape {
  virtual ~shape() = default;
  virtual int corners() const { return 0; }
};
struct square : shape {
  int corners() const override { return 4; }
};
struct circle : shape {};

/// `s.corners()`, a virtual call through whatever vptr `s` holds. UBSan's vptr
/// check (the asan preset builds with it) would refuse the call before it is
/// made; the lesson is what the call itself does.
__attribute__((no_sanitize("vptr"))) inline int corners_of(const shape& s) { return s.corners(); }

/// A static member is one variable per process, not part of the object: the
/// segment holds `in_segment`, each process its own `here`.
struct visits {
  static inline int here = 0;
  int in_segment = 0;
  void count() {
    ++here;
    ++in_segment;
  }
};

/// A reference member stores an address, as a raw pointer does: `ref` names
/// `value` in the mapping of the process that constructed it. `link` says
/// the same as an offset_ptr, right in every mapping.
struct alias {
  explicit alias(int v) : value(v), ref(value), link(&value) {}
  int value;
  int& ref;
  boost::interprocess::offset_ptr<int> link;
};
//! [types]

/// The virtual table pointer an object holds (its first 8 bytes on the
/// Itanium C++ ABI that g++ and clang use on Linux), read as a number.
inline std::uintptr_t vptr_of(const shape& object) {
  std::uintptr_t vptr = 0;
  std::memcpy(&vptr, static_cast<const void*>(&object), sizeof vptr);
  return vptr;
}

/// The numbers of [first, last), space separated.
template <class Iterator>
std::string line_of(Iterator first, Iterator last) {
  std::string line;
  for (; first != last; ++first) line += harness::text(line.empty() ? "" : " ", *first);
  return line;
}

/// What the calling child prints when its call ran (only when the stored
/// virtual table pointer happens to be right in the child too).
inline std::string call_line(int corners) { return harness::text("corners ", corners, "\n"); }

/// What the visiting child prints: its count of visits in this process, the
/// count in the segment, the address alias.ref holds (taken, never read
/// through) and where alias.link leads, as a handle (an offset in the segment).
inline std::string visit_line(int here, int in_segment, const void* ref, std::ptrdiff_t link) {
  return harness::text("here ", here, ", in the segment ", in_segment, "; ref holds ", ref, ", link leads to handle ",
                       link, "\n");
}

/// An address held as a number (a virtual table pointer), as an address for printing.
inline const void* as_address(std::uintptr_t value) { return reinterpret_cast<const void*>(value); }

/// Parent: an invariant_error unless the calling child ran and printed the
/// corners of a square (when its vptr was the parent's, the call is right).
inline void expect_call_ran(const harness::spawn_result& call) {
  harness::expect(call.succeeded() && call.out == call_line(4), "the calling child should print '", call_line(4),
                  "' as its vptr is this process's, but it ", harness::role::describe_child(call), " and printed '",
                  call.out, "'");
}

/// What a child is asked to do: `visit SEGMENT` or `call SEGMENT`.
struct child_task {
  std::string action, segment;
};

/// The child's arguments, checked before it opens anything.
inline child_task parse_child_args(const harness::role& me) {
  const std::string action = me.args().empty() ? "" : me.args()[0];
  if (action != "visit" && action != "call")
    throw harness::usage_error("the child role takes an action, 'visit' or 'call', not '" + action + "'");
  const auto [verb, segment] = me.expect_args(action == "visit" ? "visit" : "call", "SEGMENT");
  return {action, segment};
}

/// Child: the object `name` of type T that find returned, or a
/// resource_error naming what the segment holds.
template <class T>
T& expect_found(T* found, const managed_shared_memory& segment, const std::string& segment_name, const char* name) {
  if (!found) throw harness::missing_object(segment, segment_name, name);
  return *found;
}

}  // namespace ipclab::ch20
