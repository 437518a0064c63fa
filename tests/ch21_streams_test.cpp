// Chapter 21, formatting into a segment: obufferstream, ibufferstream and
// bufferstream over a char array in a segment (in place, across processes,
// overflowing, re-pointed), and basic_vectorstream over a vector and a string
// that live in the segment (reserve, growth, vector(), swap_vector).
#include <algorithm>
#include <cstdint>
#include <functional>
#include <ios>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <boost/interprocess/containers/string.hpp>
#include <boost/interprocess/managed_shared_memory.hpp>
#include <boost/interprocess/streams/bufferstream.hpp>
#include <boost/interprocess/streams/vectorstream.hpp>
#include <gtest/gtest.h>

#include "harness/chapter.hpp"
#include "lesson.hpp"
#include "support.hpp"

using namespace boost::interprocess;
using namespace ipclab;
using support::run_child_role;
using std::ios_base;

namespace {

using shm_string = boost::interprocess::basic_string<char, std::char_traits<char>, ch21::char_allocator>;

// The text the lesson formats: `rounds` rounds of the four readings, as the
// standard stream writes it (the tests' reference, in the heap).
std::string reference_text(unsigned rounds, std::size_t readings = 4) {
  std::ostringstream heap;
  for (unsigned round = 0; round < rounds; ++round)
    for (std::size_t i = 0; i < readings; ++i) heap << ch21::readings[i];
  return heap.str();
}

// The test plays the parent: a fresh segment of the lesson's size.
class Streams : public support::owned_segment_test<ch21::segment_size> {
 protected:
  ch21::char_allocator chars{segment.get_segment_manager()};

  // Whether [p, p + n) lies inside this process's mapping of the segment.
  bool in_segment(const void* p, std::size_t n) const {
    const auto* base = static_cast<const char*>(segment.get_address());
    const auto* at = static_cast<const char*>(p);
    return at >= base && at + n <= base + segment.get_size();
  }
};

// ---------------------------------------------------------------------------
// The lesson end to end.

TEST(Chapter21Program, ParentRoleExitsZeroAndItsChildrenReportEveryStage) {
  IPCLAB_CHECKS_THE_CHAPTER();
  const auto run = support::run_parent_role("21");
  ASSERT_TRUE(support::ran_both_roles_and_left_nothing(run));
  const auto facts = support::facts_of(run);
  EXPECT_EQ(facts.values("parent", "written"), std::vector<std::string>{"44"});
  EXPECT_EQ(facts.values("parent", "state"),
            std::vector<std::string>{std::to_string(ios_base::badbit | ios_base::failbit)});
  EXPECT_EQ(facts.values("parent", "kept"), std::vector<std::string>{"6"});
  EXPECT_EQ(facts.values("parent", "appended"), std::vector<std::string>{"14"});
  EXPECT_EQ(facts.values("parent", "log_size"), std::vector<std::string>{"1450"});
  EXPECT_EQ(facts.values("parent", "heap_size"), std::vector<std::string>{"1450"});
  EXPECT_EQ(facts.values("child", "readings"), (std::vector<std::string>{"4", "100"}));
  EXPECT_EQ(facts.values("child", "stopped"), (std::vector<std::string>{"4", "6"}));
  EXPECT_EQ(run.out, "4 readings, 228 samples, 498 degrees in all, hottest flue; stopped with rdstate 4\n"
                     "100 readings, 5700 samples, 12450 degrees in all, hottest flue; stopped with rdstate 6\n");
}

// The lesson's constants agree with what the standard stream formats.
TEST(Chapter21Lesson, TheReadingsFormatToTheCharCountsTheLessonStates) {
  IPCLAB_CHECKS_THE_CHAPTER();
  EXPECT_EQ(reference_text(1, ch21::first_readings), "120 71.5 boiler\n96 -4.25 intake\n8 180 stack\n");
  EXPECT_EQ(reference_text(1, ch21::first_readings).size(), ch21::first_chars);
  EXPECT_EQ(reference_text(1).size(), ch21::round_chars);
  EXPECT_LE(ch21::round_chars, ch21::report_size) << "the four lines must fit the report";
  EXPECT_EQ(reference_text(1).substr(ch21::first_chars, ch21::tiny_size), ch21::overflowed);
  EXPECT_GT(ch21::log_rounds * ch21::round_chars, ch21::log_reserve) << "the log must outgrow its reservation";
}

// ---------------------------------------------------------------------------
// bufferstream over a segment's array.

// Documented: an obufferstream formats into the array it is given, here one
// constructed in the segment: the chars are there, tellp() counts them, the
// array's other bytes are untouched, and buffer() returns the same array and
// length.
TEST_F(Streams, AnObufferstreamFormatsIntoTheSegmentsArrayAndTellpCountsTheChars) {
  IPCLAB_CLAIMS("STRM-01");
  const std::size_t free_before = segment.get_free_memory();
  char* report = segment.construct<char>(ch21::report_name)[ch21::report_size]('#');
  const std::size_t free_built = segment.get_free_memory();
  obufferstream out(report, ch21::report_size);
  EXPECT_EQ(out.tellp(), 0);
  out << ch21::readings[0] << ch21::readings[1] << ch21::readings[2];
  EXPECT_EQ(out.rdstate(), ios_base::goodbit);
  EXPECT_EQ(out.tellp(), std::streampos(ch21::first_chars));
  EXPECT_EQ(std::string_view(report, ch21::first_chars), reference_text(1, 3));
  EXPECT_EQ(std::count(report + ch21::first_chars, report + ch21::report_size, '#'),
            std::ptrdiff_t(ch21::report_size - ch21::first_chars)) << "bytes past the text were written";
  EXPECT_EQ(out.buffer().first, report);
  EXPECT_EQ(out.buffer().second, ch21::report_size);
  EXPECT_EQ(segment.get_free_memory(), free_built) << "formatting allocated from the segment";
  EXPECT_LT(free_built, free_before);
}

// Documented: another process parses the array in place with an
// ibufferstream and gets the exact values; over the whole array, the NUL
// bytes after the text stop it with failbit alone (a NUL is neither a digit
// nor the end). The lesson's child, on a report this test formats.
TEST_F(Streams, AChildParsesTheReportInPlaceAndStopsAtTheNulsWithFailbitAlone) {
  IPCLAB_CLAIMS("STRM-02");
  char* report = segment.construct<char>(ch21::report_name)[ch21::report_size](0);
  obufferstream out(report, ch21::report_size);
  for (const auto& r : ch21::readings) out << r;
  ASSERT_TRUE(out.good());
  const auto child = run_child_role("21", {"parse", owner.name(), ch21::report_name});
  ASSERT_TRUE(child.succeeded()) << child.describe() << "\n" << child.err;
  EXPECT_EQ(child.out, "4 readings, 228 samples, 498 degrees in all, hottest flue; stopped with rdstate 4\n");
  EXPECT_EQ(child.out, ch21::expected(1, ios_base::failbit));
  EXPECT_EQ(support::fact(child, "child", "stopped"), std::to_string(ios_base::failbit));
  // Two readings and a NUL-free tail: the child names the hottest of those it read.
  std::fill_n(report, ch21::report_size, '\0');
  out.buffer(report, ch21::report_size);
  out << ch21::readings[2] << ch21::readings[1];
  const auto two = run_child_role("21", {"parse", owner.name(), ch21::report_name});
  EXPECT_EQ(two.out, "2 readings, 104 samples, 175.75 degrees in all, hottest stack; stopped with rdstate 4\n");
}

// Documented: an ibufferstream over exactly the text reads every value and,
// asked once more, stops with eofbit and failbit; over a text ending in a
// number, the last value sets eofbit alone and the values are exact.
TEST(StreamsInProcess, AnIbufferstreamOverExactlyTheTextStopsWithEofbitAndFailbit) {
  IPCLAB_CLAIMS("STRM-02");
  const std::string text = reference_text(1);
  ibufferstream in(text.data(), text.size());
  ch21::tally tally;
  for (ch21::parsed r; in >> r.samples >> r.celsius >> r.sensor;) tally.add(r);
  EXPECT_EQ(in.rdstate(), ch21::at_end);
  EXPECT_EQ(tally.line(in.rdstate()), ch21::expected(1, ch21::at_end));
  const char numbers[] = "-4.25 96";
  ibufferstream last(numbers, sizeof numbers - 1);
  double celsius = 0;
  int samples = 0;
  last >> celsius >> samples;
  EXPECT_EQ(celsius, -4.25);
  EXPECT_EQ(samples, 96);
  EXPECT_EQ(last.rdstate(), ios_base::eofbit);
  EXPECT_EQ(last.buffer().first, numbers);
  EXPECT_EQ(last.buffer().second, sizeof numbers - 1);
}

// Documented (doc_bufferstream): an insertion that does not fit a fixed buffer
// writes the chars that fit and sets badbit, and only badbit: bad() and
// fail() are true, eof() false; tellp() then returns -1, while the buffer's
// own position is its length. Strings, numbers and a single char alike. An
// insertion after it is refused by its sentry, which adds failbit (a
// reading: its 250.75 overflows, the ' ' and the name after it add failbit).
TEST_F(Streams, AnInsertionThatOverflowsWritesWhatFitsAndSetsBadbitAlone) {
  IPCLAB_CLAIMS("STRM-03");
  char* tiny = segment.construct<char>(ch21::tiny_name)[ch21::tiny_size]('.');
  struct attempt {
    std::string what;
    std::function<void(std::ostream&)> insert;
    std::string_view kept;
    ios_base::iostate state;
  };
  const std::vector<attempt> attempts{
      {"a string", [](std::ostream& o) { o << "overflowing"; }, "overfl", ios_base::badbit},
      {"an int", [](std::ostream& o) { o << 123456789; }, "123456", ios_base::badbit},
      {"a double", [](std::ostream& o) { o << 0.125 << 1.5; }, "0.1251", ios_base::badbit},
      {"chars", [](std::ostream& o) { o << "abcde" << 'f' << 'g'; }, "abcdef", ios_base::badbit},
      {"a reading", [](std::ostream& o) { o << ch21::readings[3]; }, ch21::overflowed,
       ios_base::badbit | ios_base::failbit},
      {"a string, then a char", [](std::ostream& o) { o << "overflowing" << '!'; }, "overfl",
       ios_base::badbit | ios_base::failbit}};
  for (const auto& [what, insert, kept, state] : attempts) {
    SCOPED_TRACE(what);
    std::fill_n(tiny, ch21::tiny_size, '.');
    obufferstream small(tiny, ch21::tiny_size);
    insert(small);
    EXPECT_EQ(small.rdstate(), state);
    EXPECT_TRUE(small.bad());
    EXPECT_TRUE(small.fail());
    EXPECT_FALSE(small.eof());
    EXPECT_EQ(small.tellp(), std::streampos(-1));
    EXPECT_EQ(small.rdbuf()->pubseekoff(0, ios_base::cur, ios_base::out), std::streampos(ch21::tiny_size));
    EXPECT_EQ(std::string_view(tiny, ch21::tiny_size), kept);
    EXPECT_EQ(small.buffer().first, tiny);
    EXPECT_EQ(small.buffer().second, ch21::tiny_size);
  }
}

// Documented: the buffer's last char can be written; only the char after it
// fails. Six chars into six stay good with tellp() 6, the seventh sets badbit.
TEST_F(Streams, AnExactFitStaysGoodAndOnlyTheNextCharSetsBadbit) {
  IPCLAB_CLAIMS("STRM-03");
  char* tiny = segment.construct<char>(ch21::tiny_name)[ch21::tiny_size]('.');
  obufferstream small(tiny, ch21::tiny_size);
  small << "abc" << 123;
  EXPECT_EQ(small.rdstate(), ios_base::goodbit);
  EXPECT_EQ(small.tellp(), std::streampos(6));
  small << 'x';
  EXPECT_EQ(small.rdstate(), ios_base::badbit);
  EXPECT_EQ(std::string_view(tiny, ch21::tiny_size), "abc123");
  obufferstream none(tiny, 0);  // a zero-length buffer: the first char fails
  none << 'y';
  EXPECT_EQ(none.rdstate(), ios_base::badbit);
  EXPECT_EQ(tiny[0], 'a');
}

// Documented (std::basic_ios::exceptions): with exceptions(badbit) the
// overflow throws std::ios_base::failure instead of passing in silence; the
// chars that fit are in the buffer all the same, and the state is badbit.
TEST_F(Streams, WithExceptionsOnBadbitAnOverflowThrowsIosBaseFailure) {
  IPCLAB_CLAIMS("STRM-03");
  char* tiny = segment.construct<char>(ch21::tiny_name)[ch21::tiny_size]('.');
  obufferstream small(tiny, ch21::tiny_size);
  small.exceptions(ios_base::badbit);
  small << "abc";  // fits: nothing thrown
  std::string caught = "nothing";
  try {
    small << 4567;
  } catch (const ios_base::failure&) {
    caught = "std::ios_base::failure";
  }
  EXPECT_EQ(caught, "std::ios_base::failure");
  EXPECT_TRUE(small.bad());
  EXPECT_EQ(std::string_view(tiny, ch21::tiny_size), "abc456");
}

// Documented: once bad, a stream writes nothing more, even what would fit
// after a seek: the refused insertion adds failbit. After clear() and a seek
// it writes again.
TEST_F(Streams, ABadStreamWritesNothingUntilClear) {
  IPCLAB_CLAIMS("STRM-04");
  char* tiny = segment.construct<char>(ch21::tiny_name)[ch21::tiny_size]('.');
  obufferstream small(tiny, ch21::tiny_size);
  small << "toolong!";
  ASSERT_EQ(small.rdstate(), ios_base::badbit);
  small.rdbuf()->pubseekpos(0, ios_base::out);
  small << "ab";
  EXPECT_EQ(std::string_view(tiny, ch21::tiny_size), "toolon") << "a bad stream wrote";
  EXPECT_EQ(small.rdstate(), ios_base::badbit | ios_base::failbit);
  small.clear();
  small.seekp(0);
  small << "ab";
  EXPECT_EQ(small.rdstate(), ios_base::goodbit);
  EXPECT_EQ(small.tellp(), std::streampos(2));
  EXPECT_EQ(std::string_view(tiny, ch21::tiny_size), "abolon");
}

// Documented: buffer(ptr, size) points the stream at another array and
// resets its position to that array's start; it does not clear the state,
// so a bad stream stays bad until clear(). The lesson appends that way.
TEST_F(Streams, BufferPtrSizeRepointsTheStreamAndResetsItsPositionButKeepsItsState) {
  IPCLAB_CLAIMS("STRM-05");
  char* report = segment.construct<char>(ch21::report_name)[ch21::report_size](0);
  char* tiny = segment.construct<char>(ch21::tiny_name)[ch21::tiny_size]('.');
  obufferstream out(report, ch21::report_size);
  out << ch21::readings[0];
  ASSERT_EQ(out.tellp(), std::streampos(16));
  out.buffer(tiny, ch21::tiny_size);  // good: writes from tiny's start
  EXPECT_EQ(out.buffer().first, tiny);
  EXPECT_EQ(out.buffer().second, ch21::tiny_size);
  EXPECT_EQ(out.tellp(), 0);
  out << "xy";
  EXPECT_EQ(std::string_view(tiny, 2), "xy");
  out << "abcde";  // overflows tiny
  ASSERT_EQ(out.rdstate(), ios_base::badbit);
  EXPECT_EQ(std::string_view(tiny, ch21::tiny_size), "xyabcd");
  out.buffer(report + 16, ch21::report_size - 16);
  EXPECT_EQ(out.rdstate(), ios_base::badbit) << "buffer() cleared the state";
  out << ch21::readings[1];
  EXPECT_EQ(report[16], '\0') << "a bad stream wrote after buffer()";
  out.clear();
  out << ch21::readings[1];
  EXPECT_EQ(out.tellp(), std::streampos(16));
  EXPECT_EQ(std::string_view(report, 32), reference_text(1, 2));
  // A bufferstream re-pointed reads the new array from its start.
  const char other[] = "7 8";
  bufferstream both(report, ch21::report_size);
  int first = 0;
  both >> first;
  EXPECT_EQ(first, 120);
  both.buffer(const_cast<char*>(other), 3);
  both >> first;
  EXPECT_EQ(first, 7);
}

// ---------------------------------------------------------------------------
// vectorstream over a vector in the segment.

// Documented: a basic_vectorstream over a boost::interprocess::vector with
// the segment's allocator keeps its text in the segment: reserve(n) takes at
// least n bytes from it at once (capacity >= n), formatting past the
// capacity grows the vector there again, and vector() holds exactly the
// chars written.
TEST_F(Streams, AVectorstreamsVectorReservesAndGrowsInsideTheSegment) {
  IPCLAB_CLAIMS("STRM-06");
  const std::size_t free_before = segment.get_free_memory();
  ch21::shm_vectorstream grower(chars);
  EXPECT_EQ(segment.get_free_memory(), free_before) << "an empty vector allocated";
  EXPECT_EQ(grower.vector().capacity(), 0u);
  grower.reserve(ch21::log_reserve);
  const std::size_t free_reserved = segment.get_free_memory();
  EXPECT_GE(grower.vector().capacity(), ch21::log_reserve);
  EXPECT_LE(free_reserved + ch21::log_reserve, free_before);
  EXPECT_TRUE(in_segment(grower.vector().data(), grower.vector().capacity()));
  EXPECT_EQ(grower.vector().size(), 0u);
  EXPECT_EQ(grower.tellp(), 0);
  grower << reference_text(1);
  EXPECT_EQ(segment.get_free_memory(), free_reserved) << "58 chars fit the reservation";
  EXPECT_EQ(grower.vector().size(), ch21::round_chars);
  for (unsigned round = 1; round < ch21::log_rounds; ++round)
    for (const auto& r : ch21::readings) grower << r;
  EXPECT_LT(segment.get_free_memory(), free_reserved);
  EXPECT_EQ(grower.tellp(), std::streampos(ch21::log_rounds * ch21::round_chars));
  const auto& text = grower.vector();
  EXPECT_EQ(text.size(), ch21::log_rounds * ch21::round_chars);
  EXPECT_GE(text.capacity(), text.size());
  EXPECT_TRUE(in_segment(text.data(), text.capacity()));
  EXPECT_EQ(std::string(text.begin(), text.end()), reference_text(ch21::log_rounds));
  EXPECT_EQ(grower.vector().get_allocator().get_segment_manager(), segment.get_segment_manager());
}

// Documented: swap_vector(v) gives v the formatted text without copying it
// (v's data() is the block the stream wrote, its size the chars written),
// gives the stream v's old contents, and resets the stream's position.
TEST_F(Streams, SwapVectorHandsTheTextOverWithoutACopyAndResetsThePosition) {
  IPCLAB_CLAIMS("STRM-07");
  auto* log = segment.construct<ch21::shm_text>(ch21::log_name)(chars);
  log->assign({'o', 'l', 'd'});
  ch21::shm_vectorstream grower(chars);
  grower.reserve(ch21::log_reserve);
  grower << reference_text(2);
  const char* formatted = grower.vector().data();
  const std::size_t free_before = segment.get_free_memory();
  grower.swap_vector(*log);
  EXPECT_EQ(log->data(), formatted);
  EXPECT_EQ(log->size(), 2 * ch21::round_chars);
  EXPECT_GE(log->capacity(), ch21::log_reserve) << "the reservation went with the text";
  EXPECT_EQ(std::string(log->begin(), log->end()), reference_text(2));
  EXPECT_EQ(segment.get_free_memory(), free_before) << "swap_vector allocated or freed";
  EXPECT_EQ(std::string(grower.vector().begin(), grower.vector().end()), "old");
  EXPECT_EQ(grower.tellp(), 0);
  grower << "new";  // writes over the old contents from the start
  EXPECT_EQ(std::string(grower.vector().begin(), grower.vector().end()), "new");
}

// The lesson's child reads the swapped log from another process, exactly to
// its end: eofbit and failbit, every reading of every round.
TEST_F(Streams, AChildReadsTheSwappedLogToItsExactEnd) {
  IPCLAB_CLAIMS("STRM-06", "STRM-07");
  auto* log = segment.construct<ch21::shm_text>(ch21::log_name)(chars);
  ch21::shm_vectorstream grower(chars);
  for (unsigned round = 0; round < 3; ++round)
    for (const auto& r : ch21::readings) grower << r;
  grower.swap_vector(*log);
  const auto child = run_child_role("21", {"parse", owner.name(), ch21::log_name});
  ASSERT_TRUE(child.succeeded()) << child.describe() << "\n" << child.err;
  EXPECT_EQ(child.out, "12 readings, 684 samples, 1494 degrees in all, hottest flue; stopped with rdstate 6\n");
  EXPECT_EQ(child.out, ch21::expected(3, ch21::at_end));
  EXPECT_EQ(support::fact(child, "child", "readings"), "12");
}

// 1.81 against its doc comment: reserve() "resets the stream to the first
// position", says the comment; the code keeps the write position, so the next
// insertion appends. But the text then counts the old capacity: vector()
// gives the chars written, then NULs up to the capacity the vector had before
// reserve(), unless vector() was called before reserve() (it trims the text).
TEST_F(Streams, ReserveAfterWritingKeepsThePositionButPadsTheTextToTheOldCapacity) {
  IPCLAB_CLAIMS("STRM-08");
  ch21::shm_vectorstream grower(chars);
  grower << "hello " << 42;
  EXPECT_EQ(grower.tellp(), std::streampos(8));
  grower.reserve(4 * ch21::log_reserve);
  EXPECT_EQ(grower.tellp(), std::streampos(8)) << "reserve() reset the position";
  grower << '!';
  EXPECT_EQ(grower.tellp(), std::streampos(9));
  const std::string padded(grower.vector().begin(), grower.vector().end());
  EXPECT_GT(padded.size(), 9u) << "the text is no longer padded";
  EXPECT_LT(padded.size(), 4 * ch21::log_reserve);
  EXPECT_EQ(padded.substr(0, 9), "hello 42!");
  EXPECT_EQ(padded.find_first_not_of('\0', 9), std::string::npos) << "the padding is not NULs";
  EXPECT_GE(grower.vector().capacity(), 4 * ch21::log_reserve);
  // vector() before reserve() trims the vector to the chars written: no padding.
  ch21::shm_vectorstream trimmed(chars);
  trimmed << "hello " << 42;
  EXPECT_EQ(trimmed.vector().size(), 8u);
  trimmed.reserve(4 * ch21::log_reserve);
  trimmed << '!';
  EXPECT_EQ(std::string(trimmed.vector().begin(), trimmed.vector().end()), "hello 42!");
}

// Documented: the vector type may be a boost::interprocess::basic_string in
// the segment: a basic_ovectorstream formats into it, vector() is the string
// (c_str() ends with a NUL), and swap_vector hands it to a named string.
TEST_F(Streams, AVectorstreamFormatsIntoAnInterprocessStringInTheSegment) {
  IPCLAB_CLAIMS("STRM-09");
  basic_ovectorstream<shm_string> out(chars);
  out << ch21::readings[2] << ch21::readings[3];
  EXPECT_EQ(out.rdstate(), ios_base::goodbit);
  EXPECT_STREQ(out.vector().c_str(), "8 180 stack\n4 250.75 flue\n");
  EXPECT_EQ(out.vector().size(), 26u);
  auto* named = segment.construct<shm_string>("text")(chars);
  const char* formatted = out.vector().data();
  out.swap_vector(*named);
  EXPECT_EQ(named->data(), formatted);
  EXPECT_EQ(std::string_view(named->data(), named->size()), "8 180 stack\n4 250.75 flue\n");
  EXPECT_TRUE(in_segment(named->data(), named->size()));
  EXPECT_TRUE(out.vector().empty());
}

// Against std::ostringstream: the same text, but in the process heap; the
// segment's free memory does not move, and str() is a copy.
TEST_F(Streams, StdOstringstreamFormatsTheSameTextOutsideTheSegment) {
  IPCLAB_CLAIMS("STRM-06");
  const std::size_t free_before = segment.get_free_memory();
  std::ostringstream heap;
  for (const auto& r : ch21::readings) heap << r;
  EXPECT_EQ(segment.get_free_memory(), free_before);
  const std::string copy = heap.str();
  EXPECT_FALSE(in_segment(copy.data(), copy.size()));
  ch21::shm_vectorstream shared(chars);
  for (const auto& r : ch21::readings) shared << r;
  EXPECT_LT(segment.get_free_memory(), free_before);
  EXPECT_EQ(std::string(shared.vector().begin(), shared.vector().end()), copy);
}

// ---------------------------------------------------------------------------
// Bad input to the child role: one clear sentence, a defined exit code,
// nothing left in /dev/shm, the test's segment unchanged. SEGMENT, EMPTY (a
// segment without report or log) and MISSING are replaced by the test's names.
using BadInput = support::bad_input;

class StreamsBadInput : public Streams, public ::testing::WithParamInterface<BadInput> {
 protected:
  harness::segment_owner empty_owner{harness::unique_name("ch21test")};
  managed_shared_memory empty{create_only, empty_owner.c_str(), ch21::segment_size, nullptr,
                              harness::owner_only()};
  harness::segment_owner missing_owner{harness::unique_name("ch21test")};  // never created
};

TEST_P(StreamsBadInput, ChildRejectsItWithOneSentenceAndTheRightExitCode) {
  IPCLAB_CHECKS_THE_CHAPTER();
  segment.construct<char>(ch21::report_name)[ch21::report_size](0);
  const std::size_t free_before = segment.get_free_memory();
  auto args = support::substitute(GetParam().args, "SEGMENT", owner.name());
  args = support::substitute(args, "EMPTY", empty_owner.name());
  args = support::substitute(args, "MISSING", missing_owner.name());
  auto sentence = support::substitute(GetParam().sentence, "EMPTY", empty_owner.name());
  sentence = support::substitute(sentence, "MISSING", missing_owner.name());
  const auto child = run_child_role("21", args);
  EXPECT_TRUE(support::rejected_cleanly(child, GetParam().exit_code, sentence));
  EXPECT_EQ(segment.get_free_memory(), free_before);
  EXPECT_EQ(segment.get_num_named_objects(), 1u);
  EXPECT_EQ(empty.get_num_named_objects(), 0u);
}

INSTANTIATE_TEST_SUITE_P(
    Chapter21, StreamsBadInput,
    ::testing::Values(
        BadInput{"NoAction", {}, harness::exit_usage, "takes the action 'parse', not ''"},
        BadInput{"UnknownAction", {"format", "SEGMENT", "report"}, harness::exit_usage, "not 'format'"},
        BadInput{"ParseWithoutObject", {"parse", "SEGMENT"}, harness::exit_usage, "takes 3 arguments but got 2"},
        BadInput{"ParseWithAnExtraArgument", {"parse", "SEGMENT", "report", "log"}, harness::exit_usage,
                 "takes 3 arguments but got 4"},
        BadInput{"UnknownObject", {"parse", "SEGMENT", "tiny"}, harness::exit_usage,
                 "the object must be 'report' or 'log', not 'tiny'"},
        BadInput{"SegmentNameWithASlash", {"parse", "a/b", "report"}, harness::exit_usage, "contains '/'"},
        BadInput{"BadObjectIsReportedBeforeAMissingSegment", {"parse", "MISSING", "x"}, harness::exit_usage,
                 "not 'x'"},
        BadInput{"ParseAMissingSegment", {"parse", "MISSING", "report"}, harness::exit_resource,
                 "cannot open segment 'MISSING': No such file or directory"},
        BadInput{"ParseASegmentWithoutAReport", {"parse", "EMPTY", "report"}, harness::exit_resource,
                 "segment 'EMPTY' has no object named 'report' (it holds no named object)"},
        BadInput{"ParseASegmentWithoutALog", {"parse", "SEGMENT", "log"}, harness::exit_resource,
                 "has no object named 'log' (it holds 'report')"}),
    [](const auto& info) { return info.param.label; });

}  // namespace
