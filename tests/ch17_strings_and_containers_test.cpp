// Chapter 17, strings and containers in a segment: basic_string against
// std::string across processes, a map of strings to vectors of strings on one
// scoped allocator, list, deque, set, flat_map and boost::unordered_map with
// the segment's allocator, moving a container, a container on the stack, a
// child process reading and filling them, and every byte given back.
#include <cstdint>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "harness/chapter.hpp"
#include "harness/names.hpp"
#include "harness/segment_owner.hpp"
#include "lesson.hpp"
#include "support.hpp"

using namespace boost::interprocess;
using namespace ipclab;
using support::as_number;
using support::run_child_role;

namespace {

// Longer than the small-string buffer of ch17::string and of std::string.
const std::string long_text(48, 'x');

// The library's objects, as the lesson's parent fills them.
struct library {
  ch17::catalogue* books;
  ch17::return_list* returns;
  ch17::card_queue* cards;
  ch17::genre_set* genres;
  ch17::shelf_map* shelves;
  ch17::loan_map* loans;
  ch17::string* motto;
  std::string* local;
};

// The test plays the parent: it owns a fresh segment of the lesson's size.
class StringsAndContainers : public support::owned_segment_test<ch17::segment_size> {
 protected:
  const std::size_t free_at_start = segment.get_free_memory();
  const ch17::void_allocator alloc{segment.get_segment_manager()};

  // A std::string left in the segment would leak its heap buffer: only this
  // process, where the buffer lives, can destroy it.
  ~StringsAndContainers() override { segment.destroy<std::string>(ch17::std_string_name); }

  // Sets the stage for the lesson's child: the library filled as the parent
  // does, with a std::string of `local_text` under its name.
  library fill(const std::string& local_text = ch17::motto) {
    library l{};
    l.books = segment.construct<ch17::catalogue>(ch17::catalogue_name)(alloc);
    for (const auto& [author, titles] : ch17::parent_books)
      for (const char* title : titles) (*l.books)[ch17::string(author, alloc)].emplace_back(title);
    l.returns = segment.construct<ch17::return_list>(ch17::returns_name)(alloc);
    l.cards = segment.construct<ch17::card_queue>(ch17::queue_name)(alloc);
    l.genres = segment.construct<ch17::genre_set>(ch17::genres_name)(alloc);
    l.shelves = segment.construct<ch17::shelf_map>(ch17::shelves_name)(alloc);
    l.loans = segment.construct<ch17::loan_map>(ch17::loans_name)(ch17::buckets, boost::hash<ch17::string>(),
                                                                  std::equal_to<ch17::string>(), alloc);
    for (const char* title : ch17::parent_returns) l.returns->emplace_back(title);
    for (const char* title : ch17::parent_returns) ++(*l.loans)[ch17::string(title, alloc)];
    for (const int card : ch17::parent_cards) l.cards->push_back(card);
    for (const char* genre : ch17::parent_genres) l.genres->emplace(genre);
    for (const auto& [shelf, room] : ch17::parent_shelves) l.shelves->emplace(shelf, room);
    l.motto = segment.construct<ch17::string>(ch17::motto_name)(ch17::motto, alloc);
    l.local = segment.construct<std::string>(ch17::std_string_name)(local_text);
    return l;
  }

  static std::string view(const library& l) {
    return ch17::view(*l.books, *l.returns, *l.cards, *l.genres, *l.shelves, *l.loans);
  }

  // The lesson's child, reading and filling this segment.
  harness::spawn_result reader() const { return run_child_role("17", {owner.name()}); }

  // Whether every byte of [first, first + size) is inside the segment.
  bool inside(const void* first, std::size_t size = 1) const {
    const auto* begin = static_cast<const char*>(segment.get_address());
    const auto* at = static_cast<const char*>(first);
    return at >= begin && at + size <= begin + segment.get_size();
  }
};

// Whether `address` lies in [base, base + size): in a mapping that starts at base.
bool in_mapping(std::uintptr_t address, std::uintptr_t base, std::size_t size) {
  return address >= base && address < base + size;
}

// ---------------------------------------------------------------------------
// The lesson end to end.

TEST(Chapter17Program, ParentRoleExitsZeroAndItsChildReadsAndFillsTheLibrary) {
  IPCLAB_CHECKS_THE_CHAPTER();
  const auto run = support::run_parent_role("17");
  ASSERT_TRUE(support::ran_both_roles_and_left_nothing(run));
  EXPECT_EQ(run.out, ch17::view(ch17::before_child())) << "the child's view of the library";
  const auto facts = support::facts_of(run);
  // The std::string's pointer, read in the child, is the parent's heap address, outside the child's mapping.
  const std::string parent_data = support::fact(run, "parent", "std_data");
  EXPECT_EQ(support::fact(run, "child", "std_data"), parent_data);
  EXPECT_EQ(support::fact(run, "child", "std_inside"), "false");
  EXPECT_FALSE(in_mapping(as_number(parent_data), as_number(support::fact(run, "child", "base")),
                          ch17::segment_size));
  EXPECT_EQ(support::fact(run, "child", "motto_inside"), "true");
  EXPECT_EQ(facts.values("child", "authors"), std::vector<std::string>{"4"});
  EXPECT_EQ(facts.values("child", "genre_added"), std::vector<std::string>{"true"});
  EXPECT_EQ(facts.values("child", "repeated_added"), std::vector<std::string>{"false"});
  EXPECT_EQ(facts.values("parent", "authors"), std::vector<std::string>{"4"});
  EXPECT_EQ(facts.values("parent", "returns"), std::vector<std::string>{"5"});
  EXPECT_EQ(facts.values("parent", "loans"), std::vector<std::string>{"4"});
  EXPECT_EQ(facts.values("parent", "moved"), std::vector<std::string>{"3"});
  // Back to the free memory of a fresh segment of the lesson's size, to the byte.
  harness::segment_owner fresh(harness::unique_name("ch17test"));
  EXPECT_EQ(support::fact(run, "parent", "free_after"),
            std::to_string(managed_shared_memory(create_only, fresh.c_str(), ch17::segment_size).get_free_memory()));
}

// ---------------------------------------------------------------------------
// Another process: contents, orders and sizes.

// Documented: a container built in a segment is usable from another process
// and shows the same contents there; with the segment's allocator the
// child's insertions land in the segment, where this process reads them.
TEST_F(StringsAndContainers, AChildReadsEveryContainerWithItsContentsOrderAndSize) {
  IPCLAB_CLAIMS("ALC-08", "ALC-06", "ALC-12");
  const library l = fill();
  const auto child = reader();
  ASSERT_TRUE(child.succeeded()) << child.describe() << "\n" << child.err;
  EXPECT_EQ(child.out, ch17::view(ch17::before_child()));
  EXPECT_EQ(view(l), ch17::view(ch17::after_child()));
  EXPECT_EQ(l.books->size(), 4u);
  EXPECT_EQ(l.books->begin()->first, "Austen");
  EXPECT_EQ(l.books->rbegin()->first, "Woolf");
  EXPECT_EQ(l.books->find("Eliot")->second.size(), 3u);
  EXPECT_EQ(l.books->find("Eliot")->second.back(), "Daniel Deronda");
  EXPECT_EQ(l.returns->size(), 5u);
  EXPECT_EQ(l.returns->front(), ch17::child_first_return);
  EXPECT_EQ(l.returns->back(), ch17::child_last_return);
  EXPECT_EQ(std::vector<int>(l.cards->begin(), l.cards->end()), (std::vector<int>{100, 101, 102, 103, 104}));
  EXPECT_EQ(l.genres->size(), 4u);
  EXPECT_EQ(*l.genres->begin(), "drama");
  EXPECT_EQ(l.shelves->size(), 3u);
  EXPECT_EQ(l.shelves->nth(1)->first, ch17::child_shelf) << "flat_map keeps its keys in order, in one buffer";
  EXPECT_EQ(l.shelves->nth(1)->second, ch17::child_room);
  EXPECT_EQ(l.loans->size(), 4u);
  EXPECT_EQ(l.loans->at(ch17::string("Emma", alloc)), 2);
  EXPECT_EQ(l.loans->at(ch17::string(ch17::child_last_return, alloc)), 1);
  EXPECT_EQ(support::fact(child, "child", "genre_added"), "true");
  EXPECT_EQ(support::fact(child, "child", "repeated_added"), "false");
  EXPECT_TRUE(inside(&*l.shelves->begin(), l.shelves->size() * sizeof(*l.shelves->begin())));
  for (const auto& [title, count] : *l.loans) EXPECT_TRUE(inside(&title)) << title;
  EXPECT_TRUE(segment.check_sanity());
}

// Documented: the same from empty containers: the child reads empty ones,
// and its first insertion into each (an author, both ends of the list and
// of the deque, the set, the flat_map, the loans) is there for this process.
TEST_F(StringsAndContainers, AChildFillsEmptyContainersThatThisProcessThenReads) {
  IPCLAB_CLAIMS("ALC-08");
  const library l = fill();
  l.books->clear();
  l.returns->clear();
  l.cards->clear();
  l.genres->clear();
  l.shelves->clear();
  l.loans->clear();
  const auto child = reader();
  ASSERT_TRUE(child.succeeded()) << child.describe() << "\n" << child.err;
  EXPECT_EQ(child.out, ch17::view(ch17::plain_library{}));
  EXPECT_EQ(view(l), ch17::view(ch17::after_child(ch17::plain_library{})));
  EXPECT_EQ(l.books->size(), 2u);
  EXPECT_EQ(l.returns->size(), 2u);
  EXPECT_EQ(std::vector<int>(l.cards->begin(), l.cards->end()),
            (std::vector<int>{ch17::child_first_card, ch17::child_last_card}));
  EXPECT_EQ(l.genres->size(), 2u) << "both genres are new to an empty set";
  EXPECT_EQ(support::fact(child, "child", "repeated_added"), "true");
  EXPECT_EQ(l.shelves->size(), 1u);
  EXPECT_EQ(l.loans->size(), 2u);
}

// Documented (the std::string hazard): a std::string constructed in a
// segment keeps only its members there; a long text is on the heap of the
// process that wrote it. A child reads that pointer: it is this process's
// heap address, outside the child's mapping. The basic_string beside it has
// its characters in the segment, for both processes.
TEST_F(StringsAndContainers, ALongStdStringInTheSegmentPointsIntoItsCreatorsHeap) {
  IPCLAB_CLAIMS("OPT-09", "ALC-06");
  const library l = fill();
  EXPECT_TRUE(segment.belongs_to_segment(l.local));
  EXPECT_FALSE(segment.belongs_to_segment(l.local->data())) << "std::string's text is on the heap";
  EXPECT_TRUE(segment.belongs_to_segment(l.motto->data())) << "basic_string's text is in the segment";
  EXPECT_EQ(*l.motto, ch17::motto);
  const auto child = reader();
  ASSERT_TRUE(child.succeeded()) << child.describe() << "\n" << child.err;
  EXPECT_EQ(as_number(support::fact(child, "child", "std_data")), as_number(l.local->data()));
  EXPECT_EQ(support::fact(child, "child", "std_inside"), "false");
  EXPECT_EQ(support::fact(child, "child", "motto_inside"), "true");
  EXPECT_FALSE(in_mapping(as_number(l.local->data()), as_number(support::fact(child, "child", "base")),
                          segment.get_size()));
}

// Documented (the same hazard, another way): a short std::string keeps its
// text in its own small buffer, inside the segment, but points at it with a
// raw pointer: in a child that maps the segment elsewhere, the pointer still
// names this process's mapping.
TEST_F(StringsAndContainers, AShortStdStringPointsIntoItsCreatorsMappingNotTheChilds) {
  IPCLAB_CLAIMS("OPT-09");
  const library l = fill("short");
  ASSERT_TRUE(segment.belongs_to_segment(l.local->data())) << "the small buffer is inside the object";
  const auto child = reader();
  ASSERT_TRUE(child.succeeded()) << child.describe() << "\n" << child.err;
  EXPECT_EQ(as_number(support::fact(child, "child", "std_data")), as_number(l.local->data()));
  const std::uintptr_t child_base = as_number(support::fact(child, "child", "base"));
  support::expect_different_bases(child_base, as_number(segment.get_address()));
  if (child_base != as_number(segment.get_address())) {
    EXPECT_EQ(support::fact(child, "child", "std_inside"), "false");
    EXPECT_FALSE(in_mapping(as_number(l.local->data()), child_base, segment.get_size()));
  }
}

// ---------------------------------------------------------------------------
// Containers of containers, and every kind of container.

// Documented: one allocator<void, SM> converts to the allocator of every
// level: with scoped_allocator_adaptor, map[key] builds the vector and
// emplace_back the string with it, unnamed. Every level, long keys and
// titles included, is in the segment, and destroying the map gives back
// every byte.
TEST_F(StringsAndContainers, EveryLevelOfTheCatalogueTakesTheOneAllocatorAndLivesInTheSegment) {
  IPCLAB_CLAIMS("ALC-11", "ALC-06");
  auto& books = *segment.construct<ch17::catalogue>(ch17::catalogue_name)(alloc);
  EXPECT_TRUE(books.empty());
  const std::size_t free_empty = segment.get_free_memory();
  books[ch17::string(long_text.c_str(), alloc)].emplace_back(long_text.c_str());
  for (const auto& [author, titles] : ch17::parent_books)
    for (const char* title : titles) books[ch17::string(author, alloc)].emplace_back(title);
  books[ch17::string("Austen", alloc)].emplace_back(long_text.c_str());
  EXPECT_LT(segment.get_free_memory(), free_empty);
  ASSERT_EQ(books.size(), 4u);
  EXPECT_EQ(books.find("Austen")->second.size(), 4u);
  const ch17::allocator<char> char_alloc(alloc);
  EXPECT_EQ(char_alloc.get_segment_manager(), segment.get_segment_manager());
  std::size_t strings = 0;
  for (const auto& [author, titles] : books) {
    EXPECT_TRUE(inside(&author, sizeof author)) << author;
    EXPECT_TRUE(inside(author.data(), author.size())) << author;
    EXPECT_EQ(author.get_allocator(), char_alloc);
    EXPECT_TRUE(inside(titles.data(), titles.size() * sizeof(ch17::string))) << author;
    EXPECT_EQ(titles.get_allocator().outer_allocator(), ch17::allocator<ch17::string>(alloc));
    for (const auto& title : titles) {
      EXPECT_TRUE(inside(title.data(), title.size())) << title;
      EXPECT_EQ(title.get_allocator(), char_alloc) << title;
      ++strings;
    }
  }
  EXPECT_EQ(strings, 9u);
  EXPECT_TRUE(segment.destroy<ch17::catalogue>(ch17::catalogue_name));
  EXPECT_EQ(segment.get_free_memory(), free_at_start);
  EXPECT_TRUE(segment.check_sanity());
}

// Documented: list, deque, set, flat_map, boost::unordered_map and vector
// with the segment's allocator keep their elements in the segment, and so
// does each long string in them; a short one sits in its node or slot,
// inside too.
TEST_F(StringsAndContainers, EachKindOfContainerKeepsItsElementsAndTheirStringsInTheSegment) {
  IPCLAB_CLAIMS("ALC-06");
  auto& list = *segment.construct<ch17::return_list>(ch17::returns_name)(alloc);
  auto& deque = *segment.construct<ch17::card_queue>(ch17::queue_name)(alloc);
  auto& set = *segment.construct<ch17::genre_set>(ch17::genres_name)(alloc);
  auto& flat = *segment.construct<ch17::shelf_map>(ch17::shelves_name)(alloc);
  auto& loans = *segment.construct<ch17::loan_map>(ch17::loans_name)(ch17::buckets, boost::hash<ch17::string>(),
                                                                     std::equal_to<ch17::string>(), alloc);
  auto& vector = *segment.construct<ch17::titles>("titles")(alloc);
  const std::size_t free_empty = segment.get_free_memory();
  for (int i = 0; i < 20; ++i) {
    const std::string text = std::to_string(i) + (i % 2 ? long_text : "");
    list.emplace_back(text.c_str());
    deque.push_back(i);
    set.emplace(text.c_str());
    flat.emplace(i, text.c_str());
    loans.emplace(ch17::string(text.c_str(), alloc), i);
    vector.emplace_back(text.c_str());
  }
  EXPECT_LT(segment.get_free_memory() + 10 * 6 * long_text.size(), free_empty) << "the long strings took memory";
  for (const auto& text : list) EXPECT_TRUE(inside(&text) && inside(text.data(), text.size())) << "list " << text;
  for (const int& card : deque) EXPECT_TRUE(inside(&card, sizeof card)) << "deque " << card;
  for (const auto& text : set) EXPECT_TRUE(inside(&text) && inside(text.data(), text.size())) << "set " << text;
  for (const auto& [key, text] : flat) EXPECT_TRUE(inside(&key) && inside(text.data(), text.size())) << key;
  for (const auto& [text, i] : loans) EXPECT_TRUE(inside(&i) && inside(text.data(), text.size())) << text;
  for (const auto& text : vector) EXPECT_TRUE(inside(&text) && inside(text.data(), text.size())) << text;
  EXPECT_EQ(list.size() + deque.size() + set.size() + flat.size() + loans.size() + vector.size(), 120u);
  EXPECT_EQ(*set.begin(), "0") << "the set's order is the strings'";
  EXPECT_EQ(flat.rbegin()->first, 19);
}

// Documented: a boost::unordered_map with the segment's allocator is built
// from a bucket count, a hash, an equality and the allocator; 100 inserts
// give size() 100, every key found with its value.
TEST_F(StringsAndContainers, AnUnorderedMapFromBucketsHashEqualityAndAllocatorHoldsAHundredEntries) {
  IPCLAB_CLAIMS("ALC-12");
  auto& loans = *segment.construct<ch17::loan_map>(ch17::loans_name)(ch17::buckets, boost::hash<ch17::string>(),
                                                                     std::equal_to<ch17::string>(), alloc);
  EXPECT_GE(loans.bucket_count(), ch17::buckets);
  EXPECT_TRUE(loans.empty());
  for (int i = 0; i < 100; ++i) EXPECT_TRUE(loans.emplace(ch17::string(std::to_string(i).c_str(), alloc), i).second);
  EXPECT_EQ(loans.size(), 100u);
  EXPECT_FALSE(loans.emplace(ch17::string("42", alloc), 0).second) << "a key is there once";
  for (int i = 0; i < 100; ++i) {
    const auto found = loans.find(ch17::string(std::to_string(i).c_str(), alloc));
    ASSERT_NE(found, loans.end()) << i;
    EXPECT_EQ(found->second, i);
    EXPECT_TRUE(inside(&*found, sizeof *found)) << i;
  }
  EXPECT_EQ(loans.count(ch17::string("100", alloc)), 0u);
  EXPECT_TRUE(loans.get_allocator() == (ch17::allocator<std::pair<const ch17::string, int>>(alloc)));
  EXPECT_TRUE(segment.destroy<ch17::loan_map>(ch17::loans_name));
  EXPECT_EQ(segment.get_free_memory(), free_at_start);
}

// ---------------------------------------------------------------------------
// Moving, and a container on the stack.

// Move-constructs a T from `source` (filled): nothing is allocated, the
// target has the elements (the same ones, at the same addresses: `first`
// gives the address of the first), the allocator is the source's, and the
// source is empty. Destroying both then frees what the elements took.
template <class T, class First>
void expect_moved(managed_shared_memory& segment, T& source, First first) {
  const std::size_t size = source.size();
  const void* element = first(source);
  const std::size_t free_before = segment.get_free_memory();
  {
    T target(std::move(source));
    EXPECT_EQ(segment.get_free_memory(), free_before) << "the move allocated or freed";
    EXPECT_EQ(target.size(), size);
    EXPECT_EQ(first(target), element) << "the elements were copied, not taken";
    EXPECT_TRUE(source.empty());
    EXPECT_EQ(source.size(), 0u);
    EXPECT_TRUE(target.get_allocator() == source.get_allocator());
  }
  EXPECT_GT(segment.get_free_memory(), free_before) << "the target's destructor freed the elements";
}

// Documented: move-constructing a container takes its contents and leaves
// the source empty: vector, list, deque, set, flat_map, map, unordered_map
// and a long basic_string; no memory is allocated.
TEST_F(StringsAndContainers, MovingAContainerTakesItsElementsAndAllocatorWithoutAllocating) {
  IPCLAB_CLAIMS("ALC-10");
  const library l = fill();
  const auto front = [](const auto& c) -> const void* { return &*c.begin(); };
  {
    SCOPED_TRACE("vector");
    expect_moved(segment, l.books->find("Austen")->second, front);
  }
  {
    SCOPED_TRACE("list");
    expect_moved(segment, *l.returns, front);
  }
  {
    SCOPED_TRACE("deque");
    expect_moved(segment, *l.cards, front);
  }
  {
    SCOPED_TRACE("set");
    expect_moved(segment, *l.genres, front);
  }
  {
    SCOPED_TRACE("flat_map");
    expect_moved(segment, *l.shelves, front);
  }
  {
    SCOPED_TRACE("unordered_map");
    expect_moved(segment, *l.loans, front);
  }
  {
    SCOPED_TRACE("basic_string");
    expect_moved(segment, *l.motto, [](const ch17::string& text) -> const void* { return text.data(); });
  }
  {
    SCOPED_TRACE("map of vectors");
    expect_moved(segment, *l.books, front);
  }
}

// Documented: a container object outside the segment, on the stack, with
// the segment's allocator keeps its bookkeeping on the stack and its
// elements in the segment; nothing is named; its destructor gives them back.
TEST_F(StringsAndContainers, AContainerOnTheStackKeepsItsElementsInTheSegment) {
  IPCLAB_CLAIMS("ALC-09");
  {
    ch17::titles on_stack(alloc);
    ch17::genre_set set_on_stack(alloc);
    for (int i = 0; i < 10; ++i) {
      on_stack.emplace_back((std::to_string(i) + long_text).c_str());
      set_on_stack.emplace((std::to_string(i) + long_text).c_str());
    }
    EXPECT_FALSE(segment.belongs_to_segment(&on_stack));
    EXPECT_FALSE(segment.belongs_to_segment(&set_on_stack));
    EXPECT_TRUE(inside(on_stack.data(), on_stack.size() * sizeof(ch17::string)));
    for (const auto& text : on_stack) EXPECT_TRUE(inside(text.data(), text.size())) << text;
    for (const auto& text : set_on_stack) EXPECT_TRUE(inside(&text) && inside(text.data(), text.size())) << text;
    EXPECT_LT(segment.get_free_memory() + 20 * long_text.size(), free_at_start);
    EXPECT_EQ(segment.get_num_named_objects(), 0u);
    EXPECT_EQ(on_stack.get_allocator().outer_allocator().get_segment_manager(), segment.get_segment_manager());
  }
  EXPECT_EQ(segment.get_free_memory(), free_at_start);
}

// ---------------------------------------------------------------------------
// Every byte back.

// Documented: destroying containers placed with construct, through
// destroy<T>(name) or destroy_ptr, frees all their memory, what a child
// added in its own process included: each destruction gives memory back, and
// the last leaves the free memory at its exact start.
TEST_F(StringsAndContainers, DestroyingEveryContainerGivesBackEveryByteTheChildsIncluded) {
  IPCLAB_CLAIMS("ALC-07", "ALC-11");
  const library l = fill();
  const auto child = reader();
  ASSERT_TRUE(child.succeeded()) << child.describe() << "\n" << child.err;
  std::size_t free_now = segment.get_free_memory();
  const auto gave_back = [&](bool destroyed) {
    const std::size_t before = free_now;
    free_now = segment.get_free_memory();
    return destroyed && free_now > before;
  };
  EXPECT_TRUE(gave_back(segment.destroy<std::string>(ch17::std_string_name)));
  EXPECT_TRUE(gave_back(segment.destroy<ch17::string>(ch17::motto_name)));
  EXPECT_TRUE(gave_back(segment.destroy<ch17::catalogue>(ch17::catalogue_name)));
  EXPECT_TRUE(gave_back(segment.destroy<ch17::return_list>(ch17::returns_name)));
  EXPECT_TRUE(gave_back(segment.destroy<ch17::card_queue>(ch17::queue_name)));
  EXPECT_TRUE(gave_back(segment.destroy<ch17::genre_set>(ch17::genres_name)));
  EXPECT_TRUE(gave_back(segment.destroy<ch17::shelf_map>(ch17::shelves_name)));
  segment.destroy_ptr(l.loans);
  EXPECT_TRUE(gave_back(true));
  EXPECT_EQ(segment.get_free_memory(), free_at_start);
  EXPECT_EQ(segment.get_num_named_objects(), 0u);
  EXPECT_TRUE(segment.check_sanity());
}

// ---------------------------------------------------------------------------
// Bad input to the child role.

using BadInput = support::bad_input;

class StringsAndContainersBadInput : public StringsAndContainers, public ::testing::WithParamInterface<BadInput> {
 protected:
  library filled = fill();
  harness::segment_owner empty_owner{harness::unique_name("ch17test")};
  managed_shared_memory empty{create_only, empty_owner.c_str(), ch17::segment_size, nullptr, harness::owner_only()};
  harness::segment_owner partial_owner{harness::unique_name("ch17test")};
  managed_shared_memory partial{create_only, partial_owner.c_str(), ch17::segment_size, nullptr,
                                harness::owner_only()};
  harness::segment_owner wrong_owner{harness::unique_name("ch17test")};
  managed_shared_memory wrong{create_only, wrong_owner.c_str(), ch17::segment_size, nullptr, harness::owner_only()};
  harness::segment_owner missing_owner{harness::unique_name("ch17test")};  // never created

  void SetUp() override {
    // A library without its loans, and a catalogue that is three ints.
    const ch17::void_allocator partial_alloc(partial.get_segment_manager());
    partial.construct<ch17::catalogue>(ch17::catalogue_name)(partial_alloc);
    partial.construct<ch17::return_list>(ch17::returns_name)(partial_alloc);
    partial.construct<ch17::card_queue>(ch17::queue_name)(partial_alloc);
    partial.construct<ch17::genre_set>(ch17::genres_name)(partial_alloc);
    partial.construct<ch17::shelf_map>(ch17::shelves_name)(partial_alloc);
    wrong.construct<int>(ch17::catalogue_name)[3](0);
  }
};

TEST_P(StringsAndContainersBadInput, ChildRejectsItWithOneSentenceAndTheRightExitCode) {
  IPCLAB_CHECKS_THE_CHAPTER();
#if !defined(NDEBUG) && !defined(BOOST_DISABLE_ASSERTS)
  // find<T> of an object whose bytes are not a multiple of sizeof(T) stops a
  // debug build on BOOST_ASSERT before the child can check the type (as in
  // chapter 04's FindOfAnObjectOfAnotherSizeTruncatesTheCount).
  if (GetParam().label == "ACatalogueOfAnotherType") GTEST_SKIP() << "Boost asserts in a debug build";
#endif
  const std::size_t free_before = segment.get_free_memory(), partial_free = partial.get_free_memory();
  std::vector<std::string> args = GetParam().args;
  std::string sentence = GetParam().sentence;
  for (const auto& [placeholder, name] : {std::pair{"SEGMENT", owner.name()}, {"EMPTY", empty_owner.name()},
                                          {"PARTIAL", partial_owner.name()}, {"WRONG", wrong_owner.name()},
                                          {"MISSING", missing_owner.name()}}) {
    args = support::substitute(args, placeholder, name);
    sentence = support::substitute(sentence, placeholder, name);
  }
  const auto child = run_child_role("17", args);
  EXPECT_TRUE(support::rejected_cleanly(child, GetParam().exit_code, sentence));
  EXPECT_EQ(view(filled), ch17::view(ch17::before_child())) << "the library changed";
  EXPECT_EQ(segment.get_free_memory(), free_before);
  EXPECT_EQ(partial.get_free_memory(), partial_free);
  EXPECT_EQ(empty.get_num_named_objects(), 0u);
}

INSTANTIATE_TEST_SUITE_P(
    Chapter17, StringsAndContainersBadInput,
    ::testing::Values(
        BadInput{"NoSegment", {}, harness::exit_usage, "the child role takes 1 argument but got 0"},
        BadInput{"TwoSegments", {"SEGMENT", "SEGMENT"}, harness::exit_usage, "takes 1 argument but got 2"},
        BadInput{"SegmentNameWithASlash", {"a/b"}, harness::exit_usage, "contains '/'"},
        BadInput{"AMissingSegment", {"MISSING"}, harness::exit_resource,
                 "cannot open segment 'MISSING': No such file or directory"},
        BadInput{"ASegmentWithoutACatalogue", {"EMPTY"}, harness::exit_resource,
                 "segment 'EMPTY' has no object named 'catalogue' (it holds no named object)"},
        BadInput{"ALibraryWithoutLoans", {"PARTIAL"}, harness::exit_resource,
                 "segment 'PARTIAL' has no object named 'loans'"},
        BadInput{"ACatalogueOfAnotherType", {"WRONG"}, harness::exit_usage,
                 "the object 'catalogue' in segment 'WRONG' is not one object of the lesson's type for it"}),
    [](const auto& info) { return info.param.label; });

}  // namespace
