#pragma once
/// \file
/// Chapter 03, a linked list through offset_ptr: the steps the program and its tests share.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <boost/interprocess/managed_shared_memory.hpp>
#include <boost/interprocess/offset_ptr.hpp>

namespace ipclab::ch03 {

using boost::interprocess::managed_shared_memory;
using boost::interprocess::offset_ptr;

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

/// Parent: allocates node_count nodes holding 0 .. node_count-1, linked in
/// order with offset_ptr; names the first as head_name (an offset_ptr) and,
/// for contrast, raw_head_name (a raw pointer). Returns the first node.
list_node* build_list(managed_shared_memory& segment);

/// Child: the named head (resource_error when `segment` has no such object,
/// usage_error when the object is not one offset_ptr<list_node>).
const offset_ptr<list_node>& find_head(managed_shared_memory& segment, std::string_view segment_name);

/// Child: the value of the raw pointer the parent stored, an address in the
/// *parent's* mapping: read, never dereferenced. Errors as for find_head().
list_node* find_raw_head(managed_shared_memory& segment, std::string_view segment_name);

/// Child: the nodes from `head` in order. Every link is checked to lead to an
/// aligned node inside the segment before it is followed, and the walk stops
/// at a node seen before (a cycle) or after node_count nodes, so a broken list
/// cannot crash or hang it: each of these throws usage_error. So does a list
/// of fewer than node_count nodes.
std::vector<list_node*> walk(const managed_shared_memory& segment, const offset_ptr<list_node>& head);

/// Child: throws invariant_error naming the first node whose value is not its position.
void check_values(const std::vector<list_node*>& nodes);

/// Child: deallocates every node, then destroys the two named heads.
void free_list(managed_shared_memory& segment, const std::vector<list_node*>& nodes);

/// The values, space separated: "0 1 2 3 4 5 6 7 8 9".
std::string values_line(const std::vector<list_node*>& nodes);

/// What the child prints when it walked the whole list: the values line.
std::string expected_output();

}  // namespace ipclab::ch03
