// Chapter 21 - formatting straight into a segment (Boost's doc_bufferstream.cpp and
// doc_vectorstream.cpp, rewritten).
#include <boost/interprocess/managed_shared_memory.hpp>
#include <boost/interprocess/streams/bufferstream.hpp>
#include <boost/interprocess/streams/vectorstream.hpp>
#include "lesson.hpp"  // and the standard headers: <array>, <ios>, <iostream>, <sstream>, <string>

using namespace boost::interprocess;
using namespace ipclab;
using harness::fact;
using std::ios_base;

//! [parent]
void parent(const harness::role& me) {
  harness::segment_owner owner(harness::unique_name("ch21"));  // removes the segment on every exit
  managed_shared_memory segment(create_only, owner.c_str(), ch21::segment_size, nullptr,
                                harness::owner_only());
  //! [todo 1: construct the report: ch21::report_size chars named ch21::report_name, all zero]
  char* report = segment.construct<char>(ch21::report_name)[ch21::report_size](0);
  //! [todo end]
  obufferstream out(report, ch21::report_size);  // formats into the segment: no heap, no copy
  for (std::size_t i = 0; i < ch21::first_readings; ++i) out << ch21::readings[i];
  harness::expect(out.good(), "the report overflowed its ", ch21::report_size, " chars");
  const auto written = static_cast<std::size_t>(out.tellp());  // the put position: chars so far
  me.step("formatted ", ch21::first_readings, " readings into the report in ",
          fact("segment", owner.name()), ": ", fact("written", written), " chars");
  char* tiny = segment.construct<char>(ch21::tiny_name)[ch21::tiny_size]('.');
  obufferstream small(tiny, ch21::tiny_size);
  small << ch21::readings[3];  // 14 chars into 6: a fixed buffer cannot grow
  // The insert of 250.75 set badbit; the inserts after it were refused, and each set failbit.
  harness::expect_equal("the state", small.rdstate(), ios_base::badbit | ios_base::failbit);
  harness::expect_equal("tellp() once bad", small.tellp(), std::streampos(-1));  // no position
  const auto kept = small.rdbuf()->pubseekoff(0, ios_base::cur, ios_base::out);  // the buffer's
  harness::expect_equal("the tiny buffer", std::string_view(tiny, ch21::tiny_size),
                        ch21::overflowed);  // the fourth line, cut in its number
  me.step("the tiny buffer overflowed: rdstate ", fact("state", small.rdstate()), ", ",
          fact("kept", kept), " chars kept");
  //! [todo 2: re-point the stream at the report's free tail, after its `written` chars]
  small.buffer(report + written, ch21::report_size - written);
  //! [todo end]
  harness::expect(small.bad(), "buffer() cleared badbit");  // re-points the stream, not its state
  small.clear();
  small << ch21::readings[3];
  harness::expect(small.good(), "the fourth reading does not fit after the report's text");
  me.step("re-pointed the stream after the report; the fourth reading took ",
          fact("appended", small.tellp()), " chars");
  const std::string parsed = me.run_child({"parse", owner.name(), ch21::report_name});
  harness::expect_equal("what the child parsed", parsed, ch21::expected(1, ios_base::failbit));
  me.step("a child parsed the report in place; the NULs after it stopped it with failbit alone");
  auto* log = segment.construct<ch21::shm_text>(ch21::log_name)(segment.get_segment_manager());
  const std::size_t free_before = segment.get_free_memory();
  //! [todo 3: a vectorstream whose vector allocates from the segment]
  ch21::shm_vectorstream grower(ch21::char_allocator(segment.get_segment_manager()));
  //! [todo end]
  grower.reserve(ch21::log_reserve);  // one allocation up front, from the segment
  const std::size_t free_reserved = segment.get_free_memory();
  harness::expect(free_reserved + ch21::log_reserve <= free_before, "reserve() took no memory");
  for (unsigned round = 0; round < ch21::log_rounds; ++round)
    for (const ch21::reading& r : ch21::readings) grower << r;  // outgrows the reservation
  harness::expect(segment.get_free_memory() < free_reserved, "the vector grew outside the segment");
  const char* formatted = grower.vector().data();  // vector() trims it to the chars written
  //! [todo 4: swap the formatted text into the segment's named log]
  grower.swap_vector(*log);
  //! [todo end]
  harness::expect(log->data() == formatted, "swap_vector() copied the text");  // it moved the block
  harness::expect(grower.vector().empty(), "the stream kept text after swap_vector()");
  me.step("formatted ", ch21::log_rounds, " rounds into a vector in the segment; the log took its ",
          fact("log_size", log->size()), " chars without a copy");
  const std::string read = me.run_child({"parse", owner.name(), ch21::log_name});
  harness::expect_equal("what the child read", read,
                        ch21::expected(ch21::log_rounds, ch21::at_end));  // eofbit: no NUL after it
  const std::size_t free_now = segment.get_free_memory();
  std::ostringstream heap;  // the standard stream: the same text, in this process's heap
  for (unsigned round = 0; round < ch21::log_rounds; ++round)
    for (const ch21::reading& r : ch21::readings) heap << r;
  harness::expect_equal("the heap's text", heap.str(), std::string(log->begin(), log->end()));
  harness::expect_back_to("free memory", segment.get_free_memory(), free_now,
                          "after formatting with std::ostringstream");
  me.step("std::ostringstream made the same ", fact("heap_size", heap.str().size()),
          " chars, and took nothing from the segment");
}
//! [parent]

//! [child]
void child(const harness::role& me) {
  const ch21::child_task task = ch21::parse_child_args(me);  // checked before anything opens
  managed_shared_memory segment = harness::attempt("open segment '" + task.segment + "'", [&] {
    return managed_shared_memory(open_only, task.segment.c_str());
  });
  std::pair<const char*, std::size_t> text{nullptr, 0};
  if (task.object == ch21::report_name) {
    //! [todo 5: find the report: its address, and its length in chars]
    text = segment.find<char>(ch21::report_name);  // the whole array: the NULs after the text too
    //! [todo end]
  } else if (const auto* log = segment.find<ch21::shm_text>(ch21::log_name).first) {
    text = {log->data(), log->size()};  // exactly the text: nothing after it
  }
  ch21::expect_found(text.first != nullptr, segment, task.segment, task.object);
  ibufferstream in(text.first, text.second);  // reads the segment's chars in place: no copy
  ch21::tally tally;
  for (ch21::parsed r; in >> r.samples >> r.celsius >> r.sensor;) tally.add(r);
  me.step("parsed ", fact("readings", tally.count), " readings of the ", task.object,
          "; stopped with rdstate ", fact("stopped", static_cast<int>(in.rdstate())));
  std::cout << tally.line(in.rdstate()) << std::flush;
}
//! [child]

int main(int argc, char** argv) { return harness::run_chapter(argc, argv, parent, child); }
