#pragma once
/// \file
/// Chapter 03, a linked list through offset_ptr: what the program and its tests share.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <boost/interprocess/managed_shared_memory.hpp>
#include <boost/interprocess/offset_ptr.hpp>

#include "harness/chapter.hpp"
#include "harness/names.hpp"
#include "harness/segment_owner.hpp"

namespace ipclab::ch03 {

using boost::interprocess::managed_shared_memory;
using boost::interprocess::offset_ptr;
using size_type = managed_shared_memory::size_type;

//! [node]
/// A node of a list that lives in shared memory. `next` is an offset_ptr: it
/// stores the distance from its own address to the next node. That distance is
/// the same in every process, wherever each one maps the segment, so the link
/// holds in all of them. A raw `list_node*` would store an address that is
/// right only in the process that wrote it.
struct list_node {
  offset_ptr<list_node> next;
  int value;
};
//! [node]

inline constexpr std::size_t segment_size = 64 * 1024;
inline constexpr int node_count = 10;  ///< the list holds the values 0 .. node_count-1, in order

/// The list's head, by name: an offset_ptr<list_node> constructed in the segment.
inline constexpr const char* head_name = "list head";
/// The same head as a raw list_node* (the wrong way), kept to show why.
inline constexpr const char* raw_head_name = "raw list head";

/// How errors name the type of each head.
template <class T>
inline constexpr const char* type_name = "";
template <>
inline constexpr const char* type_name<offset_ptr<list_node>> = "offset_ptr<list_node>";
template <>
inline constexpr const char* type_name<list_node*> = "list_node*";

/// Child: checks what `segment.find<char>(object)` returned in segment
/// `segment_name`: the object exists (else resource_error) and is exactly one
/// T by its byte count (else usage_error). find<T> checks no type, only
/// divides the bytes by sizeof(T): see chapter 02.
template <class T>
void expect_one(const std::pair<char*, size_type>& bytes, const managed_shared_memory& segment,
                const std::string& segment_name, const char* object) {
  if (!bytes.first) throw harness::missing_object(segment, segment_name, object);
  if (bytes.second != sizeof(T))
    throw harness::usage_error(harness::text("object '", object, "' holds ", bytes.second, " bytes, not one ",
                                             type_name<T>, " (", sizeof(T), " bytes)"));
}

/// What the raw head's place says: outside this mapping, as it should be, or
/// inside, which only happens when both processes mapped the segment at one address.
inline const char* raw_head_note(bool in_this_mapping) {
  return in_this_mapping ? " (both processes mapped the segment at one address: is ASLR off?)"
                         : " (an address in the parent's mapping: never dereferenced here)";
}

/// Child: checks `node`, reached through the head (when `walked` is empty) or
/// through the next link of `walked.back()`, before the walk follows it: it
/// lies in `segment`, a whole aligned list_node fits there, it is not a node
/// walked before (a cycle), and it is not one node too many. A broken list so
/// cannot crash or hang the walk: each of these throws usage_error.
inline void expect_next_node(const managed_shared_memory& segment, const std::vector<list_node*>& walked,
                             const list_node* node) {
  const std::string link = walked.empty() ? "the head" : harness::text("node ", walked.size() - 1, "'s next link");
  if (!segment.belongs_to_segment(node))
    throw harness::usage_error(harness::text(link, " leads outside the segment (to ", node, ")"));
  const auto at = reinterpret_cast<std::uintptr_t>(node) - reinterpret_cast<std::uintptr_t>(segment.get_address());
  if (at + sizeof(list_node) > segment.get_size() || at % alignof(list_node) != 0)
    throw harness::usage_error(
        harness::text(link, " leads to ", node, ", where no aligned list_node fits in the segment"));
  if (const auto seen = std::find(walked.begin(), walked.end(), node); seen != walked.end())
    throw harness::usage_error(
        harness::text(link, " leads back to node ", seen - walked.begin(), ": the list has a cycle"));
  if (walked.size() == node_count)
    throw harness::usage_error(harness::text("the list has more than ", node_count, " nodes"));
}

/// Child: checks the walked list: node_count nodes (else usage_error), node i
/// holding i (else invariant_error naming the first that does not).
inline void expect_zero_to_nine(const std::vector<list_node*>& nodes) {
  if (nodes.size() != node_count)
    throw harness::usage_error(harness::text("the list has ", nodes.size(), " nodes, expected ", node_count));
  for (std::size_t i = 0; i < nodes.size(); ++i)
    harness::expect(nodes[i]->value == static_cast<int>(i), "node ", i, " holds ", nodes[i]->value, ", not ", i);
}

/// The values, space separated: "0 1 2 3 4 5 6 7 8 9".
inline std::string values_line(const std::vector<list_node*>& nodes) {
  std::string line;
  for (const list_node* node : nodes) line += harness::text(line.empty() ? "" : " ", node->value);
  return line;
}

/// What the child prints when it walked the whole list: the values line.
inline std::string expected_output() {
  std::string line;
  for (int i = 0; i < node_count; ++i) line += harness::text(i ? " " : "", i);
  return line + "\n";
}

}  // namespace ipclab::ch03
