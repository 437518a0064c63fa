#pragma once
/// \file
/// Chapter 19, smart pointers across processes: what the program and its tests share.

#include <unistd.h>

#include <atomic>
#include <cstddef>
#include <iostream>
#include <string>
#include <utility>

#include <boost/interprocess/managed_shared_memory.hpp>
#include <boost/interprocess/offset_ptr.hpp>
#include <boost/interprocess/smart_ptr/deleter.hpp>
#include <boost/interprocess/smart_ptr/intrusive_ptr.hpp>
#include <boost/interprocess/smart_ptr/scoped_ptr.hpp>
#include <boost/interprocess/smart_ptr/shared_ptr.hpp>
#include <boost/interprocess/smart_ptr/unique_ptr.hpp>
#include <boost/interprocess/smart_ptr/weak_ptr.hpp>

#include "harness/chapter.hpp"
#include "harness/names.hpp"
#include "harness/segment_owner.hpp"

namespace ipclab::ch19 {

namespace bip = boost::interprocess;
using segment_manager = bip::managed_shared_memory::segment_manager;

/// The size of the parent's segment.
inline constexpr std::size_t segment_size = 64 * 1024;

inline constexpr const char* ledger_name = "ledger";
inline constexpr const char* first_name = "first";
inline constexpr const char* second_name = "second";

//! [objects]
/// Named "ledger": every widget's destructor signs it, in whichever process it runs.
struct ledger {
  unsigned destroyed = 0;  ///< how many widgets (and counted objects) were destroyed
  pid_t destroyed_by = 0;  ///< the process that destroyed the last one
  int last_value = 0;      ///< the value of the last one destroyed
};

/// What the smart pointers own: it knows its ledger by an offset_ptr, valid in every process.
struct widget {
  widget(int value, ledger* book) : value(value), book(book) {}
  ~widget() { book->destroyed++, book->destroyed_by = ::getpid(), book->last_value = value; }
  int value;
  bip::offset_ptr<ledger> book;
};

/// For intrusive_ptr: the count lives in the object, and the object frees itself at zero.
struct counted : widget {
  counted(int value, ledger* book, segment_manager* manager)
      : widget(value, book), manager(manager) {}
  std::atomic<unsigned> refs{0};             ///< intrusive_ptr owners, in every process
  bip::offset_ptr<segment_manager> manager;  ///< to destroy itself with, wherever it is mapped
  // Found by argument-dependent lookup from intrusive_ptr's unqualified calls.
  friend void intrusive_ptr_add_ref(counted* p) noexcept { ++p->refs; }
  friend void intrusive_ptr_release(counted* p) noexcept {
    if (--p->refs == 0) p->manager->destroy_ptr(p);
  }
};
//! [objects]
static_assert(std::atomic<unsigned>::is_always_lock_free,
              "the count must not hide a process-local lock");

//! [types]
/// shared_ptr<widget, allocator<void>, deleter<widget>>: its count block is in the segment.
using shared_widget = bip::managed_shared_ptr<widget, bip::managed_shared_memory>::type;
/// weak_ptr of the same allocator and deleter.
using weak_widget = bip::managed_weak_ptr<widget, bip::managed_shared_memory>::type;
/// unique_ptr<widget, deleter<widget>>: no count, the deleter holds the segment manager.
using unique_widget = bip::managed_unique_ptr<widget, bip::managed_shared_memory>::type;
/// The deleter they all use: segment_manager::destroy_ptr.
using widget_deleter = bip::deleter<widget, segment_manager>;
/// A scoped_ptr that destroys its widget through that deleter.
using scoped_widget = bip::scoped_ptr<widget, widget_deleter>;
/// An intrusive_ptr holding an offset_ptr<counted>.
using counted_ptr = bip::intrusive_ptr<counted, bip::offset_ptr<void>>;
//! [types]

/// What a child is asked to do: `take SEGMENT` (copy the shared_ptr "first"
/// into a new named shared_ptr "second") or `drop SEGMENT` (destroy "second").
struct child_task {
  std::string action, segment;
};

/// The child's arguments, checked before it opens anything.
inline child_task parse_child_args(const harness::role& me) {
  const std::string action = me.args().empty() ? "" : me.args()[0];
  if (action != "take" && action != "drop")
    throw harness::usage_error("the child role takes an action, 'take' or 'drop', not '" + action +
                               "'");
  const auto [verb, segment] = me.expect_args(action == "take" ? "take" : "drop", "SEGMENT");
  return {action, segment};
}

/// Child: the object `find` found under `name`, or a resource_error naming what the segment holds.
template <class T, class Segment>
T& expect_found(T* found, const Segment& segment, const std::string& segment_name,
                const char* name) {
  if (!found) throw harness::missing_object(segment, segment_name, name);
  return *found;
}

/// Take child: a resource_error if an earlier take left its owner "second" undropped.
inline void expect_absent(const shared_widget* second, const std::string& segment_name) {
  if (second)
    throw harness::resource_error("segment '" + segment_name +
                                  "' already holds a second owner: drop it first");
}

/// What the take child prints: how many owners the widget has once it took one.
inline std::string take_line(long owners) {
  return harness::text("took an owner; use_count ", owners, "\n");
}

/// What the drop child prints: the owners before it dropped its own, and the
/// widgets the ledger says were destroyed after.
inline std::string drop_line(long owners, unsigned destroyed) {
  return harness::text("dropped 1 of ", owners, " owners; destroyed ", destroyed, "\n");
}

/// Parent: an invariant_error unless the ledger says `count` objects were
/// destroyed, the last one with `value` by process `by`.
inline void expect_signed(const ledger& book, unsigned count, int value, pid_t by,
                          std::string_view when) {
  harness::expect_equal("the objects destroyed", book.destroyed, count, when);
  harness::expect_equal("the last value destroyed", book.last_value, value, when);
  harness::expect_equal("the process that destroyed it", book.destroyed_by, by, when);
}

}  // namespace ipclab::ch19
