// Chapter 17 - strings and containers in a segment (Boost's doc_cont.cpp and
// doc_complex_map.cpp, rewritten): a library that two processes read and fill.
#include "lesson.hpp"  // the types, the library's data and its view: read its [types] first

using namespace boost::interprocess;
using namespace ipclab;
using harness::fact;

//! [parent]
void parent(const harness::role& me) {
  harness::segment_owner owner(harness::unique_name("ch17"));  // removes the segment on every exit
  managed_shared_memory segment(create_only, owner.c_str(), ch17::segment_size, nullptr,
                                harness::owner_only());
  const std::size_t free_before = segment.get_free_memory();
  //! [todo 1: make the one allocator and construct the catalogue with it]
  const ch17::void_allocator alloc(segment.get_segment_manager());  // converts to every level
  ch17::catalogue& books = *segment.construct<ch17::catalogue>(ch17::catalogue_name)(alloc);
  //! [todo end]
  for (const auto& [author, titles] : ch17::parent_books)  // scoped: each title gets the allocator
    for (const char* title : titles) books[ch17::string(author, alloc)].emplace_back(title);
  auto& returns = *segment.construct<ch17::return_list>(ch17::returns_name)(alloc);
  auto& cards = *segment.construct<ch17::card_queue>(ch17::queue_name)(alloc);
  auto& genres = *segment.construct<ch17::genre_set>(ch17::genres_name)(alloc);
  auto& shelves = *segment.construct<ch17::shelf_map>(ch17::shelves_name)(alloc);
  //! [todo 2: construct the loans from a bucket count, a hash, an equality and the allocator]
  ch17::loan_map& loans = *segment.construct<ch17::loan_map>(ch17::loans_name)(
      ch17::buckets, boost::hash<ch17::string>(), std::equal_to<ch17::string>(), alloc);
  //! [todo end]
  for (const char* title : ch17::parent_returns) returns.emplace_back(title);
  for (const char* title : ch17::parent_returns) ++loans[ch17::string(title, alloc)];
  for (const int card : ch17::parent_cards) cards.push_back(card);
  for (const char* genre : ch17::parent_genres) genres.emplace(genre);
  for (const auto& [shelf, room] : ch17::parent_shelves) shelves.emplace(shelf, room);
  segment.construct<ch17::string>(ch17::motto_name)(ch17::motto, alloc);  // text in the segment
  auto* local = segment.construct<std::string>(ch17::std_string_name)(ch17::motto);  // on our heap
  harness::expect(!segment.belongs_to_segment(local->data()), "the std::string's text is inside");
  me.step("filled segment ", fact("segment", owner.name()), "; the std::string's text is at ",
          fact("std_data", static_cast<const void*>(local->data())), ", on this process's heap");
  const std::string seen = me.run_child({owner.name()});  // reads, prints, then adds
  harness::expect_equal("what the child read", seen, ch17::view(ch17::before_child()));
  const std::string now = ch17::view(books, returns, cards, genres, shelves, loans);
  harness::expect_equal("the library", now, ch17::view(ch17::after_child()), " after the child");
  me.step("the child added books: ", fact("authors", books.size()), " authors, ",
          fact("returns", returns.size()), " returns, ", fact("loans", loans.size()),
          " titles lent");
  {
    ch17::titles& source = books.find(ch17::moved_author)->second;
    const std::size_t free_now = segment.get_free_memory();
    //! [todo 3: move the author's titles into a vector on this stack]
    ch17::titles on_stack(std::move(source));  // takes the buffer: no allocation, source empty
    //! [todo end]
    harness::expect_equal("free memory", segment.get_free_memory(), free_now, " after the move");
    harness::expect(source.empty(), "the moved-from titles are not empty");
    harness::expect(on_stack.get_allocator() == source.get_allocator(), "the allocators differ");
    harness::expect(!segment.belongs_to_segment(&on_stack), "the vector on the stack is inside");
    harness::expect(segment.belongs_to_segment(on_stack.data()), "its elements are not inside");
    me.step("moved ", fact("moved", on_stack.size()), " titles onto the stack; they stay inside");
  }  // on_stack's destructor gives its elements back to the segment
  segment.destroy<std::string>(ch17::std_string_name);  // here, where its heap buffer lives
  segment.destroy<ch17::string>(ch17::motto_name);
  segment.destroy<ch17::catalogue>(ch17::catalogue_name);  // every level, through the allocator
  segment.destroy<ch17::return_list>(ch17::returns_name);
  segment.destroy<ch17::card_queue>(ch17::queue_name);
  segment.destroy<ch17::genre_set>(ch17::genres_name);
  segment.destroy<ch17::shelf_map>(ch17::shelves_name);
  segment.destroy<ch17::loan_map>(ch17::loans_name);
  harness::expect_back_to("free memory", segment.get_free_memory(), free_before, "at the end");
  me.step("destroyed all: free memory is back to ", fact("free_after", segment.get_free_memory()));
}
//! [parent]

//! [child]
void child(const harness::role& me) {
  const auto [name] = me.expect_args("SEGMENT");
  managed_shared_memory segment = harness::attempt("open segment '" + name + "'", [&] {
    return managed_shared_memory(open_only, name.c_str());
  });
  // find<T> trusts T; a missing name is a resource_error that lists the names the segment holds
  const auto found = [&](auto pair, const char* object) -> auto& {
    return ch17::expect_found(pair, segment, name, object);
  };
  //! [todo 4: find the catalogue]
  ch17::catalogue& books = found(segment.find<ch17::catalogue>(ch17::catalogue_name),
                                 ch17::catalogue_name);
  //! [todo end]
  auto& returns = found(segment.find<ch17::return_list>(ch17::returns_name), ch17::returns_name);
  auto& cards = found(segment.find<ch17::card_queue>(ch17::queue_name), ch17::queue_name);
  auto& genres = found(segment.find<ch17::genre_set>(ch17::genres_name), ch17::genres_name);
  auto& shelves = found(segment.find<ch17::shelf_map>(ch17::shelves_name), ch17::shelves_name);
  auto& loans = found(segment.find<ch17::loan_map>(ch17::loans_name), ch17::loans_name);
  const auto& motto = found(segment.find<ch17::string>(ch17::motto_name), ch17::motto_name);
  // Only the std::string's members are read: its pointer names the parent's heap, not ours
  const auto& foreign = found(segment.find<std::string>(ch17::std_string_name),
                              ch17::std_string_name);
  me.step("mapped at ", fact("base", segment.get_address()), "; the motto's text is inside: ",
          fact("motto_inside", segment.belongs_to_segment(motto.data())), "; the std::string's ",
          "pointer, ", fact("std_data", static_cast<const void*>(foreign.data())), ", is inside: ",
          fact("std_inside", segment.belongs_to_segment(foreign.data())));
  std::cout << ch17::view(books, returns, cards, genres, shelves, loans) << std::flush;
  const ch17::void_allocator alloc(segment.get_segment_manager());  // this process's mapping
  //! [todo 5: add the child's books to the catalogue]
  for (const auto& [author, titles] : ch17::child_books)
    for (const char* title : titles) books[ch17::string(author, alloc)].emplace_back(title);
  //! [todo end]
  returns.emplace_front(ch17::child_first_return);
  returns.emplace_back(ch17::child_last_return);
  ++loans[ch17::string(ch17::child_first_return, alloc)];
  ++loans[ch17::string(ch17::child_last_return, alloc)];
  cards.push_front(ch17::child_first_card);
  cards.push_back(ch17::child_last_card);
  const bool added = genres.emplace(ch17::child_genre).second;
  const bool repeated = genres.emplace(ch17::child_repeated_genre).second;  // a set keeps one
  shelves.emplace(ch17::child_shelf, ch17::child_room);  // flat_map: slides "attic" up one slot
  me.step("added ", fact("authors", books.size()), " authors' books; genre added ",
          fact("genre_added", added), ", repeated one added ", fact("repeated_added", repeated));
}
//! [child]

int main(int argc, char** argv) { return harness::run_chapter(argc, argv, parent, child); }
