#include "lesson.hpp"

#include <algorithm>
#include <cstdint>
#include <new>

#include "harness/chapter.hpp"

namespace ipclab::ch03 {

list_node* build_list(managed_shared_memory& segment) {
  //! [build]
  offset_ptr<list_node> prev = nullptr, current, first;
  for (int i = 0; i < node_count; ++i, prev = current) {
    // allocate() hands out raw bytes; placement new makes them a list_node.
    current = ::new (segment.allocate(sizeof(list_node))) list_node{nullptr, i};
    if (!prev)
      first = current;
    else
      prev->next = current;
  }
  // Another process needs a way in: a named object in the segment holding the head.
  segment.construct<offset_ptr<list_node>>(head_name)(first);
  //! [build]

  //! [raw]
  // The wrong way, kept for contrast: a raw pointer stored in the segment holds
  // the first node's address in *this* process's mapping. Another process maps
  // the segment elsewhere, so there the same bytes point at something else.
  segment.construct<list_node*>(raw_head_name)(first.get());
  //! [raw]
  return first.get();
}

namespace {

// The single object `name` of type T, told apart from others by its byte count
// (find<T> checks no type: see chapter 02).
template <class T>
T& find_single(managed_shared_memory& segment, std::string_view segment_name, const char* name,
               const std::string& type_name) {
  const auto [bytes_at, bytes] = segment.find<char>(name);
  if (!bytes_at)
    throw harness::resource_error("segment '" + std::string(segment_name) + "' holds no object '" + name + "'");
  if (bytes != sizeof(T))
    throw harness::usage_error("object '" + std::string(name) + "' holds " + std::to_string(bytes) +
                               " bytes, not one " + type_name + " (" + std::to_string(sizeof(T)) + " bytes)");
  return *segment.find<T>(name).first;
}

// True when a whole list_node, aligned, fits in the segment at `node`.
bool holds_a_node(const managed_shared_memory& segment, const list_node* node) {
  const auto at = reinterpret_cast<std::uintptr_t>(node);
  const auto base = reinterpret_cast<std::uintptr_t>(segment.get_address());
  return segment.belongs_to_segment(node) && at - base + sizeof(list_node) <= segment.get_size() &&
         at % alignof(list_node) == 0;
}

std::string link_name(std::size_t from) {
  return from == 0 ? std::string("the head") : "node " + std::to_string(from - 1) + "'s next link";
}

}  // namespace

const offset_ptr<list_node>& find_head(managed_shared_memory& segment, std::string_view segment_name) {
  return find_single<offset_ptr<list_node>>(segment, segment_name, head_name, "offset_ptr<list_node>");
}

list_node* find_raw_head(managed_shared_memory& segment, std::string_view segment_name) {
  return find_single<list_node*>(segment, segment_name, raw_head_name, "list_node*");
}

std::vector<list_node*> walk(const managed_shared_memory& segment, const offset_ptr<list_node>& head) {
  std::vector<list_node*> nodes;
  //! [walk]
  // offset_ptr::get() adds the stored offset to the pointer's own address in
  // this process: the result is an address in this mapping.
  for (list_node* node = head.get(); node; node = node->next.get()) {
    // Check before following: a link from a damaged segment may lead anywhere.
    const auto link = link_name(nodes.size());
    if (!segment.belongs_to_segment(node))
      throw harness::usage_error(link + " leads outside the segment (to " + harness::address_text(node) + ")");
    if (!holds_a_node(segment, node))
      throw harness::usage_error(link + " leads to " + harness::address_text(node) +
                                 ", where no aligned list_node fits in the segment");
    if (const auto seen = std::find(nodes.begin(), nodes.end(), node); seen != nodes.end())
      throw harness::usage_error(link + " leads back to node " + std::to_string(seen - nodes.begin()) +
                                 ": the list has a cycle");
    if (nodes.size() == node_count)
      throw harness::usage_error("the list has more than " + std::to_string(node_count) + " nodes");
    nodes.push_back(node);
  }
  //! [walk]
  if (nodes.size() != node_count)
    throw harness::usage_error("the list has " + std::to_string(nodes.size()) + " nodes, expected " +
                               std::to_string(node_count));
  return nodes;
}

void check_values(const std::vector<list_node*>& nodes) {
  for (std::size_t i = 0; i < nodes.size(); ++i)
    harness::expect(nodes[i]->value == static_cast<int>(i), "node " + std::to_string(i) + " holds " +
                                                                std::to_string(nodes[i]->value) + ", not " +
                                                                std::to_string(i));
}

void free_list(managed_shared_memory& segment, const std::vector<list_node*>& nodes) {
  //! [free]
  for (list_node* node : nodes) segment.deallocate(node);
  harness::expect(segment.destroy<offset_ptr<list_node>>(head_name), "destroy found no head to destroy");
  harness::expect(segment.destroy<list_node*>(raw_head_name), "destroy found no raw head to destroy");
  //! [free]
}

std::string values_line(const std::vector<list_node*>& nodes) {
  std::string line;
  for (const auto* node : nodes) line += (line.empty() ? "" : " ") + std::to_string(node->value);
  return line;
}

std::string expected_output() {
  std::string line;
  for (int i = 0; i < node_count; ++i) line += (i ? " " : "") + std::to_string(i);
  return line + "\n";
}

}  // namespace ipclab::ch03
