#pragma once
/// \file
/// Chapter 16, managing a segment over its life: what the program and its tests share.

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <iostream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <typeinfo>
#include <vector>

#include <boost/interprocess/errors.hpp>
#include <boost/interprocess/shared_memory_object.hpp>

#include "harness/chapter.hpp"
#include "harness/names.hpp"
#include "harness/segment_owner.hpp"

namespace ipclab::ch16 {

/// The size the parent creates the segment with.
inline constexpr std::size_t segment_size = 64 * 1024;
/// The different size the second opener asks for: open_or_create ignores it.
inline constexpr std::size_t asked_size = 128 * 1024;
/// What the static grow() adds to the unmapped segment, and the size it then has.
inline constexpr std::size_t extra_size = 16 * 1024, grown = segment_size + extra_size;
/// The sizes a child accepts on its command line.
inline constexpr std::size_t least_size = 4096, most_size = 1024 * 1024;
/// How many children race to find_or_construct the tally at once.
inline constexpr unsigned joiners = 3;
/// The most joiners a child accepts on its command line.
inline constexpr unsigned most_joiners = 16;
/// How many elements the parent asks of the fragile array, and which one throws.
inline constexpr unsigned fragiles = 5, failing_fragile = 3;
/// The alignment the parent asks of allocate_aligned.
inline constexpr std::size_t alignment = 128;
/// The block the parent fills, frees and sees zeroed, and the bytes at each
/// end of it that the allocator may keep its bookkeeping in once it is free.
inline constexpr std::size_t block_size = 1024, block_margin = 64;
/// How long a joiner waits at the gate for the others (IPCLAB_PATIENCE_MS overrides it).
inline std::chrono::milliseconds patience() { return harness::patience(std::chrono::milliseconds{2000}); }

inline constexpr const char* gate_name = "gate";
inline constexpr const char* tally_name = "tally";
inline constexpr const char* fragile_name = "fragile";

//! [objects]
/// Named "gate": the joiners count themselves in, then all race at once.
struct gate {
  std::atomic<unsigned> arrived{0};
};

/// Named "tally": built by whichever joiner's find_or_construct comes first.
struct tally {
  pid_t built_by = ::getpid();  ///< the process whose find_or_construct built it
  unsigned joined = 0;          ///< a plain counter: only changed inside atomic_func
};

/// The segment's one unique ledger (construct<ledger>(unique_instance)).
struct ledger {
  explicit ledger(std::size_t size) : created_with(size) {}
  std::size_t created_with;  ///< the size the segment was created with
};

/// An element whose constructor throws at the fail_at-th construction in
/// this process; `alive` counts the elements built and not yet destroyed.
struct fragile {
  static inline unsigned built = 0, alive = 0, fail_at = failing_fragile;
  fragile() {
    if (++built == fail_at) throw std::runtime_error("fragile element " + std::to_string(built) + " failed");
    ++alive;
  }
  ~fragile() { --alive; }
};
//! [objects]
static_assert(std::atomic<unsigned>::is_always_lock_free, "the gate must not hide a process-local lock");

/// What a child is asked to do: `open SEGMENT SIZE` (create_only, then
/// open_or_create with SIZE), `join SEGMENT COUNT` (wait at the gate for
/// COUNT joiners, then find_or_construct the tally) or `inspect SEGMENT`
/// (list what the segment holds).
struct child_task {
  std::string action, segment;
  std::size_t size = 0;  ///< open: least_size to most_size
  unsigned count = 0;    ///< join: 1 to most_joiners
};

/// The child's arguments, checked before it opens anything.
inline child_task parse_child_args(const harness::role& me) {
  const std::string action = me.args().empty() ? "" : me.args()[0];
  if (action == "open") {
    const auto [verb, segment, size] = me.expect_args("open", "SEGMENT", "SIZE");
    const auto bytes = harness::parse_number(size, "size", most_size);
    if (bytes < least_size) throw harness::usage_error(harness::text("the size must be at least ", least_size,
                                                                     " bytes, not ", bytes));
    return {action, segment, static_cast<std::size_t>(bytes), 0};
  }
  if (action == "join") {
    const auto [verb, segment, count] = me.expect_args("join", "SEGMENT", "COUNT");
    const auto joining = harness::parse_number(count, "count", most_joiners);
    if (joining == 0) throw harness::usage_error("the count must be at least 1, not 0");
    return {action, segment, 0, static_cast<unsigned>(joining)};
  }
  if (action == "inspect") {
    const auto [verb, segment] = me.expect_args("inspect", "SEGMENT");
    return {action, segment, 0, 0};
  }
  throw harness::usage_error("the child role takes an action, 'open', 'join' or 'inspect', not '" + action + "'");
}

/// Child: create_only under the parent's name must have failed. When it did
/// not, the name was free and this child made a segment of its own: it
/// removes it again and says so (a resource_error).
inline void expect_refused(boost::interprocess::error_code_t refused, const std::string& segment) {
  if (refused != boost::interprocess::no_error) return;
  boost::interprocess::shared_memory_object::remove(segment.c_str());
  throw harness::resource_error("segment '" + segment + "' does not exist: create_only made it, and it was removed");
}

/// What the open child prints: the size it got and create_only's error code.
inline std::string open_line(std::size_t size, int refused) {
  return harness::text("open_or_create got ", size, " bytes; create_only failed with error ", refused, "\n");
}

/// What a joiner prints: whether its find_or_construct built the tally,
/// and the tally's handle (its offset in the segment).
inline std::string join_line(bool built, std::ptrdiff_t handle) {
  return harness::text("built ", built ? "yes" : "no", ", tally at handle ", handle, "\n");
}

/// Joiner: waits until `count` joiners have arrived at the gate (true), or
/// `patience` passes (false).
inline bool wait_for_all(const gate& gate, unsigned count) {
  const auto give_up = std::chrono::steady_clock::now() + patience();
  while (gate.arrived.load() < count) {
    if (std::chrono::steady_clock::now() > give_up) return false;
    std::this_thread::yield();
  }
  return true;
}

/// Joiner: the gate find found, or a resource_error naming what the segment holds.
template <class Segment>
gate& expect_gate(gate* found, const Segment& segment, const std::string& segment_name) {
  if (!found) throw harness::missing_object(segment, segment_name, gate_name);
  return *found;
}

/// Joiner: a resource_error unless `got` (wait_for_all's result) is true.
inline void expect_in_time(bool got, std::string_view what) {
  if (!got) throw harness::resource_error(harness::text("waited ", patience().count(), " ms for ", what, " in vain"));
}

//! [names]
/// The names that an index iterator range (named_begin() to named_end(), or
/// unique_begin() to unique_end()) visits: name() points at the name as the
/// segment stores it, and name_length() says how long it is, without strlen.
template <class Iterator>
std::vector<std::string> names(Iterator first, Iterator last) {
  std::vector<std::string> all;
  for (; first != last; ++first) all.emplace_back(first->name(), first->name_length());
  return all;
}
//! [names]

/// Child: the unique ledger find found, or a resource_error.
inline const ledger& expect_ledger(const ledger* found, const std::string& segment_name) {
  if (!found) throw harness::resource_error("segment '" + segment_name + "' holds no unique ledger");
  return *found;
}

/// What the inspect child prints: the segment's size, its named and unique
/// objects (sorted: the index's order is not specified) and the ledger.
inline std::string inventory_line(std::size_t size, std::vector<std::string> named, std::vector<std::string> unique,
                                  std::size_t created_with) {
  std::sort(named.begin(), named.end());
  std::sort(unique.begin(), unique.end());
  std::string line = harness::text("size ", size, "; named");
  for (const auto& name : named) line += " " + name;
  line += "; unique";
  for (const auto& name : unique) line += " " + name;
  return line + harness::text("; created with ", created_with, "\n");
}

/// Parent: what the inspector must print of a segment of `size` bytes: the
/// gate and the tally, the ledger, and the size it was created with.
inline std::string inventory(std::size_t size) {
  return inventory_line(size, {gate_name, tally_name}, {typeid(ledger).name()}, segment_size);
}

/// Parent: an invariant_error unless every joiner exited 0, the tally exists,
/// exactly one joiner built it (the process it names), every joiner saw it at
/// `handle` (the parent's handle of it) and every joiner was counted in.
inline void expect_joined(const std::vector<harness::spawn_result>& joiners, const tally* tally,
                          std::ptrdiff_t handle) {
  harness::expect_all_succeeded(joiners);
  harness::expect(tally != nullptr, "no joiner left a tally in the segment");
  unsigned builders = 0;
  for (const harness::spawn_result& joiner : joiners) {
    const bool built = joiner.pid == tally->built_by;
    builders += built ? 1 : 0;
    harness::expect_equal("what joiner " + std::to_string(joiner.pid) + " printed", joiner.out, join_line(built, handle));
  }
  harness::expect_equal("the joiners that built the tally", builders, 1u);
  harness::expect_equal("the joiners counted in", tally->joined, joiners.size(), ": an update was lost");
}

/// Parent: an invariant_error unless every byte of [first, last) is 0.
inline void expect_zeroed(const unsigned char* first, const unsigned char* last) {
  const auto dirty = std::find_if(first, last, [](unsigned char byte) { return byte != 0; });
  harness::expect(dirty == last, "byte ", dirty - first, " of the freed block is not zero after zero_free_memory()");
}

/// Parent: the arguments of the `joiners` children, each `join SEGMENT joiners`.
inline std::vector<std::vector<std::string>> joiners_args(const std::string& segment) {
  return std::vector(joiners, std::vector<std::string>{"join", segment, harness::text(joiners)});
}

}  // namespace ipclab::ch16
