// Chapter 14 - mapped files (Boost's doc_managed_mapped_file.cpp and doc_file_mapping.cpp, rewritten): a child
// fills a managed_mapped_file and exits, a later one reads it back; then windows of a plain file.
#include <boost/interprocess/file_mapping.hpp>
#include <boost/interprocess/managed_mapped_file.hpp>
#include <boost/interprocess/mapped_region.hpp>

#include "lesson.hpp"  // and the standard headers: <cstring>, <fstream>, <iostream>, <string>

using namespace boost::interprocess;
using namespace ipclab;
using harness::fact;

//! [create]
void create(const harness::role& me, const std::string& path) {
  //! [todo 1: create the managed file, owner-only, store_size bytes]
  // create_only: a new file of exactly that size, with a segment manager at its start
  managed_mapped_file file = harness::attempt("create the managed file '" + path + "'", [&] {
    return managed_mapped_file(create_only, path.c_str(), ch14::store_size, nullptr, harness::owner_only());
  });
  //! [todo end]
  me.step("created ", path, ": ", fact("size", file.get_size()), " bytes");
  file.construct<int>(ch14::answer_name)(ch14::answer);
  // construct_it copies an array from an iterator: here the motto and its NUL
  file.construct_it<char>(ch14::motto_name)[ch14::motto.size() + 1](std::string(ch14::motto).c_str());
  harness::expect(file.flush(), "flush() failed");  // msync: the bytes are in the file before this process ends
  me.step("constructed answer and motto, flushed; exiting");
}
//! [create]

//! [parent]
void parent(const harness::role& me) {
  harness::temp_folder folder("ch14");  // removes the folder and its files on every exit, and on a signal
  const std::string store = folder.file(ch14::store_name).string();
  me.step("the managed file will be ", fact("segment", store));
  me.run_child({"create", store});  // returns once the creating child has exited
  const auto created = ch14::file_size(store);  // what is on disk, now that the creating child has gone
  harness::expect_equal("the file's size", created, ch14::store_size, "after create_only");
  //! [todo 2: grow the file, which nobody maps now, by grow_by bytes]
  // grow() and shrink_to_fit() are static: they open the file themselves, and nobody may have it mapped
  const bool grown = managed_mapped_file::grow(store.c_str(), ch14::grow_by);
  //! [todo end]
  const auto grown_size = ch14::file_size(store);
  harness::expect(grown && grown_size == ch14::store_size + ch14::grow_by, "grow() left ", grown_size, " bytes");
  //! [todo 3: shrink the file to fit what it holds]
  const bool shrunk = managed_mapped_file::shrink_to_fit(store.c_str());
  //! [todo end]
  harness::expect(shrunk && ch14::file_size(store) < ch14::store_size, "shrink_to_fit() left ", ch14::file_size(store));
  me.step("a child created it with ", fact("created", created), " bytes; grow() made it ",
          fact("grown", grown_size), ", shrink_to_fit() ", fact("shrunk", ch14::file_size(store)));
  const std::string found = me.run_child({"read", store});  // a new process, started after the creator ended
  harness::expect_equal("what the reading child found", found, ch14::found_line(ch14::answer, ch14::motto, 2));
  harness::expect_killed_by(me.spawn_child({"write", store}), SIGSEGV, "the writing child");
  me.step("a later child read both objects back; one that wrote through open_read_only died of SIGSEGV");
  const std::string before = ch14::contents_of(store);
  {
    //! [todo 4: open the file copy-on-write]
    // copy_on_write: a private mapping (MAP_PRIVATE); the pages this process changes are its own copies
    managed_mapped_file draft(open_copy_on_write, store.c_str());
    //! [todo end]
    harness::expect(draft.destroy<char>(ch14::motto_name), "destroy() found no motto in the private view");
    draft.construct<int>("draft")(7);  // both change pages of the private copy only
  }
  harness::expect(ch14::contents_of(store) == before, "a change through open_copy_on_write reached the file");
  harness::expect_equal("what the reading child found", me.run_child({"read", store}), found, "after the draft");
  me.step("destroyed and constructed through open_copy_on_write: the file is unchanged");
  const std::string pages = ch14::create_zero_file(folder, ch14::pages_name, ch14::pages_size);
  //! [todo 5: map a window of the plain file read-write, window_size bytes from window_offset]
  // file_mapping opens an existing file; the region maps only the window (the offset need not be a page multiple)
  file_mapping mapping(pages.c_str(), read_write);
  mapped_region window(mapping, read_write, ch14::window_offset, ch14::window_size);
  //! [todo end]
  std::memcpy(window.get_address(), ch14::shared_text.data(), ch14::shared_text.size());
  harness::expect(window.flush(0, 0, false), "a synchronous flush() failed");  // msync(MS_SYNC): in the file now
  harness::expect_equal("the file's bytes at the window", ch14::shown_in_file(pages, ch14::window_offset,
                        ch14::window_size), ch14::window_with(ch14::shared_text), "after flush()");
  me.step("wrote '", ch14::shared_text, "' at byte ", fact("offset", ch14::window_offset), " of ", pages,
          " (pages of ", fact("page_size", mapped_region::get_page_size()), " bytes) and flushed it");
  mapped_region draft(mapping, copy_on_write);  // the whole file again, privately
  std::memcpy(static_cast<char*>(draft.get_address()) + ch14::window_offset, ch14::private_text.data(),
              ch14::private_text.size());
  const std::string seen = me.run_child(ch14::peek_args(pages));  // "peek FILE 5000 32"
  harness::expect_equal("what the peeking child saw", seen, ch14::window_with(ch14::shared_text) + "\n");
  me.step("this process's private view holds '", fact("private", static_cast<char*>(draft.get_address()) +
          ch14::window_offset), "'; another process sees '", fact("peeked", seen.substr(0, seen.find('.'))), "'");
}
//! [parent]

//! [child]
void child(const harness::role& me) {
  const ch14::child_task task = ch14::parse_child_args(me);  // checked before anything opens
  if (task.action == "create") return create(me, task.file);
  if (task.action == "peek") {
    const file_mapping mapping = harness::attempt("open a file mapping of '" + task.file + "'",
                                                  [&] { return file_mapping(task.file.c_str(), read_only); });
    ch14::check_window(task);  // a mapping past the end of the file maps, but touching it there is SIGBUS
    const mapped_region window(mapping, read_only, task.offset, task.length);
    me.step("mapped ", fact("length", window.get_size()), " bytes of ", task.file, " from byte ", task.offset);
    std::cout << ch14::shown(window.get_address(), window.get_size()) << "\n" << std::flush;
    return;
  }
  managed_mapped_file file = harness::attempt("open the managed file '" + task.file + "' read-only",
      [&] { return managed_mapped_file(open_read_only, task.file.c_str()); });  // mapped PROT_READ
  me.step("opened ", task.file, " read-only: ", fact("bytes", file.get_size()), " bytes");
  if (task.action == "write") {
    file.construct<int>("intruder")(1);  // it locks the segment's mutex first: a write to a read-only page
    throw harness::invariant_error("construct() through open_read_only did not fault");
  }
  // find() takes no lock in a read-only view; get_num_named_objects() would lock: count with the iterators
  const auto answer = file.find<int>(ch14::answer_name);
  const auto motto = file.find<char>(ch14::motto_name);  // the array and its length
  ch14::expect_found(answer, file, task.file, ch14::answer_name);
  ch14::expect_found(motto, file, task.file, ch14::motto_name);
  const auto named = std::distance(file.named_begin(), file.named_end());
  const std::string text(motto.first, ::strnlen(motto.first, motto.second));
  me.step("found answer ", fact("answer", *answer.first), ", motto '", text, "', ", fact("named", named), " objects");
  std::cout << ch14::found_line(*answer.first, text, named) << std::flush;
}
//! [child]

int main(int argc, char** argv) { return harness::run_chapter(argc, argv, parent, child); }
