#pragma once
/// \file
/// Chapter 17, strings and containers in a segment: what the program and its tests share.

#include <cstddef>
#include <functional>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <boost/container/scoped_allocator.hpp>
#include <boost/interprocess/allocators/allocator.hpp>
#include <boost/interprocess/containers/deque.hpp>
#include <boost/interprocess/containers/flat_map.hpp>
#include <boost/interprocess/containers/list.hpp>
#include <boost/interprocess/containers/map.hpp>
#include <boost/interprocess/containers/set.hpp>
#include <boost/interprocess/containers/string.hpp>
#include <boost/interprocess/containers/vector.hpp>
#include <boost/interprocess/managed_shared_memory.hpp>
#include <boost/unordered_map.hpp>

#include "harness/chapter.hpp"
#include "harness/names.hpp"
#include "harness/segment_owner.hpp"

namespace ipclab::ch17 {

namespace bi = boost::interprocess;

//! [types]
/// Every allocator of the chapter takes memory from one segment's manager.
using segment_manager = bi::managed_shared_memory::segment_manager;
template <class T>
using allocator = bi::allocator<T, segment_manager>;
/// The one allocator the parent makes: it converts to allocator<T> for any T.
using void_allocator = allocator<void>;
/// An allocator that also hands itself (converted) to the elements it builds,
/// when they take an allocator: the strings in a vector, the vector in a map.
template <class T>
using scoped = boost::container::scoped_allocator_adaptor<allocator<T>>;

/// A string whose characters come from the segment, unlike std::string's.
using string = bi::basic_string<char, std::char_traits<char>, allocator<char>>;
/// An author's titles, and the catalogue of authors: every level in the segment.
using titles = bi::vector<string, scoped<string>>;
using catalogue = bi::map<string, titles, std::less<>, scoped<std::pair<const string, titles>>>;

/// The other containers of the library, each with a segment allocator.
using return_list = bi::list<string, scoped<string>>;     ///< titles in the order they came back
using card_queue = bi::deque<int, allocator<int>>;        ///< readers' cards waiting at the desk
using genre_set = bi::set<string, std::less<>, scoped<string>>;  ///< sorted, each once
using shelf_map = bi::flat_map<int, string, std::less<int>, scoped<std::pair<int, string>>>;
using loan_map = boost::unordered_map<string, int, boost::hash<string>, std::equal_to<string>,
                                      allocator<std::pair<const string, int>>>;
//! [types]

inline constexpr std::size_t segment_size = 64 * 1024;
/// The buckets the loans start with.
inline constexpr std::size_t buckets = 16;

/// The names of the objects in the segment.
inline constexpr const char* catalogue_name = "catalogue";
inline constexpr const char* returns_name = "returns";
inline constexpr const char* queue_name = "queue";
inline constexpr const char* genres_name = "genres";
inline constexpr const char* shelves_name = "shelves";
inline constexpr const char* loans_name = "loans";
inline constexpr const char* motto_name = "motto";            ///< a ch17::string
inline constexpr const char* std_string_name = "std_string";  ///< a std::string, its buffer on the heap

/// The motto, in both strings: longer than either's small-string buffer, so
/// that each keeps its characters in a buffer of its own.
inline constexpr const char* motto = "It is a truth universally acknowledged, in shared memory too";

/// An author and titles, in the order they are added.
struct author_titles {
  const char* author;
  std::vector<const char*> titles;
};

/// What the parent puts in.
inline const std::vector<author_titles> parent_books{
    {"Austen", {"Emma", "Persuasion", "Pride and Prejudice"}},
    {"Tolstoy", {"War and Peace", "Anna Karenina"}},
    {"Eliot", {"Middlemarch", "Silas Marner"}}};
inline const std::vector<const char*> parent_returns{"Emma", "Middlemarch", "Emma"};
inline const std::vector<int> parent_cards{101, 102, 103};
inline const std::vector<const char*> parent_genres{"novel", "drama", "essay"};
inline const std::vector<std::pair<int, const char*>> parent_shelves{{3, "attic"}, {1, "hall"}};

/// What the child adds: an author, a title to an author already there, a
/// return at each end of the list, a card at each end of the queue, a new
/// genre and one the set has already, a shelf between the two.
inline const std::vector<author_titles> child_books{
    {"Woolf", {"Mrs Dalloway", "To the Lighthouse", "Orlando: A Biography"}},
    {"Eliot", {"Daniel Deronda"}}};
inline constexpr const char* child_first_return = "War and Peace";
inline constexpr const char* child_last_return = "Orlando: A Biography";
inline constexpr int child_first_card = 100, child_last_card = 104;
inline constexpr const char* child_genre = "poetry";
inline constexpr const char* child_repeated_genre = "novel";
inline constexpr int child_shelf = 2;
inline constexpr const char* child_room = "study";

/// The author the parent moves out of the catalogue, onto its stack.
inline constexpr const char* moved_author = "Austen";

/// The library as plain standard containers: what the segment's must hold.
struct plain_library {
  std::map<std::string, std::vector<std::string>> books;
  std::vector<std::string> returns;
  std::vector<int> cards;
  std::set<std::string> genres;
  std::map<int, std::string> shelves;
  std::map<std::string, int> loans;  ///< the returns counted per title
};

inline void add_books(plain_library& library, const std::vector<author_titles>& books) {
  for (const auto& [author, titles] : books)
    for (const char* title : titles) library.books[author].emplace_back(title);
}

/// The library after the parent filled it.
inline plain_library before_child() {
  plain_library library;
  add_books(library, parent_books);
  library.returns.assign(parent_returns.begin(), parent_returns.end());
  library.cards = parent_cards;
  library.genres.insert(parent_genres.begin(), parent_genres.end());
  library.shelves.insert(parent_shelves.begin(), parent_shelves.end());
  for (const char* title : parent_returns) ++library.loans[title];
  return library;
}

/// The library after the child's additions to `library` (by default, the
/// library as the parent filled it).
inline plain_library after_child(plain_library library = before_child()) {
  add_books(library, child_books);
  library.returns.insert(library.returns.begin(), child_first_return);
  library.returns.emplace_back(child_last_return);
  library.cards.insert(library.cards.begin(), child_first_card);
  library.cards.push_back(child_last_card);
  library.genres.insert({child_genre, child_repeated_genre});
  library.shelves.emplace(child_shelf, child_room);
  ++library.loans[child_first_return];
  ++library.loans[child_last_return];
  return library;
}

/// The items of `range`, each written by `write(out, item)`, separated by `separator`.
template <class Range, class Write>
std::string joined(const Range& range, const char* separator, Write write) {
  std::ostringstream out;
  const char* before = "";
  for (const auto& item : range) {
    out << before;
    write(out, item);
    before = separator;
  }
  return out.str();
}

/// The library as text, one line a container, in each container's own order
/// (the loans, which have none, sorted by title): what the child prints of
/// what it reads, and what the parent expects.
template <class Books, class Returns, class Cards, class Genres, class Shelves, class Loans>
std::string view(const Books& books, const Returns& returns, const Cards& cards, const Genres& genres,
                 const Shelves& shelves, const Loans& loans) {
  const auto plain = [](std::ostream& out, const auto& item) { out << item; };
  const auto author = [&](std::ostream& out, const auto& entry) {
    out << entry.first << ": " << joined(entry.second, ", ", plain);
  };
  const auto pair = [](std::ostream& out, const auto& entry) { out << entry.first << " " << entry.second; };
  std::map<std::string, int> sorted_loans;
  for (const auto& [title, count] : loans) sorted_loans[std::string(title.begin(), title.end())] = count;
  return "catalogue " + joined(books, "; ", author) + "\nreturns " + joined(returns, ", ", plain) + "\ncards " +
         joined(cards, " ", plain) + "\ngenres " + joined(genres, " ", plain) + "\nshelves " +
         joined(shelves, ", ", pair) + "\nloans " + joined(sorted_loans, ", ", pair) + "\n";
}

inline std::string view(const plain_library& library) {
  return view(library.books, library.returns, library.cards, library.genres, library.shelves, library.loans);
}

/// Child: the object `found` (what find<T>(name) returned), or a
/// resource_error naming what the segment holds. find<T> trusts the caller on
/// T, but counts the object's bytes in T's: when that count is not 1, the
/// object is not one T (a usage_error, bad input).
template <class T>
T& expect_found(const std::pair<T*, std::size_t>& found, const bi::managed_shared_memory& segment,
                const std::string& segment_name, const char* name) {
  if (!found.first) throw harness::missing_object(segment, segment_name, name);
  if (found.second != 1)
    throw harness::usage_error(harness::text("the object '", name, "' in segment '", segment_name,
                                             "' is not one object of the lesson's type for it"));
  return *found.first;
}

}  // namespace ipclab::ch17
