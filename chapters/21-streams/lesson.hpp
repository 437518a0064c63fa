#pragma once
/// \file
/// Chapter 21, formatting into a segment: what the program and its tests share.

#include <array>
#include <cstddef>
#include <ios>
#include <iostream>
#include <ostream>
#include <sstream>
#include <string>
#include <string_view>

#include <boost/interprocess/allocators/allocator.hpp>
#include <boost/interprocess/containers/vector.hpp>
#include <boost/interprocess/managed_shared_memory.hpp>
#include <boost/interprocess/streams/vectorstream.hpp>

#include "harness/chapter.hpp"
#include "harness/names.hpp"
#include "harness/segment_owner.hpp"

namespace ipclab::ch21 {

/// The size the parent creates the segment with.
inline constexpr std::size_t segment_size = 64 * 1024;
/// The report: a fixed array of chars in the segment, formatted in place.
inline constexpr std::size_t report_size = 64;
/// The tiny buffer that the fourth reading overflows (its number is cut).
inline constexpr std::size_t tiny_size = 6;
/// What the vectorstream reserves up front, and how many rounds of the four
/// readings it formats: far more than the reservation holds.
inline constexpr std::size_t log_reserve = 256;
inline constexpr unsigned log_rounds = 25;

inline constexpr const char* report_name = "report";
inline constexpr const char* tiny_name = "tiny";
inline constexpr const char* log_name = "log";

//! [types]
/// Chars allocated from the segment: a vector of them lives in the segment,
/// and so does the text it holds.
using segment_manager = boost::interprocess::managed_shared_memory::segment_manager;
using char_allocator = boost::interprocess::allocator<char, segment_manager>;
using shm_text = boost::interprocess::vector<char, char_allocator>;
/// A stream that formats into a shm_text: its vector grows inside the segment.
using shm_vectorstream = boost::interprocess::basic_vectorstream<shm_text>;
//! [types]

//! [reading]
/// One reading, one line: "SAMPLES CELSIUS SENSOR\n". The number comes first,
/// so that a reader that meets the NUL bytes after the last line stops with
/// failbit (a NUL is no digit), not with a sensor named "\0\0\0".
struct reading {
  int samples;
  double celsius;
  std::string_view sensor;
};
inline std::ostream& operator<<(std::ostream& out, const reading& r) {
  return out << r.samples << ' ' << r.celsius << ' ' << r.sensor << '\n';
}
//! [reading]

/// The four readings: the first three go into the report; the fourth
/// overflows the tiny buffer, then is appended to the report.
inline constexpr std::array<reading, 4> readings{
    {{120, 71.5, "boiler"}, {96, -4.25, "intake"}, {8, 180, "stack"}, {4, 250.75, "flue"}}};
inline constexpr std::size_t first_readings = 3;
/// The chars of the first three lines, of the fourth, and of all four.
inline constexpr std::size_t first_chars = 44, fourth_chars = 14;
inline constexpr std::size_t round_chars = first_chars + fourth_chars;
/// What the tiny buffer holds after the overflow: the fourth line, cut.
inline constexpr std::string_view overflowed = "4 250.";
/// How a reader of exactly the text stops: it ran out of chars (eofbit) and
/// its last extraction failed (failbit).
inline constexpr std::ios_base::iostate at_end = std::ios_base::eofbit | std::ios_base::failbit;

/// A reading as a reader parses it back.
struct parsed {
  int samples = 0;
  double celsius = 0;
  std::string sensor;
};

/// What a reader counts of the readings it parsed.
struct tally {
  unsigned count = 0;
  long samples = 0;
  double celsius = 0;  ///< the sum: exact, as every value is a sum of powers of two
  double hottest = -273.15;
  std::string hottest_sensor = "none";

  void add(const parsed& r) {
    ++count;
    samples += r.samples;
    celsius += r.celsius;
    if (r.celsius > hottest) hottest = r.celsius, hottest_sensor = r.sensor;
  }
  /// What the child prints: the tally, and the stream state it stopped in.
  std::string line(std::ios_base::iostate stopped) const {
    return harness::text(count, " readings, ", samples, " samples, ", celsius, " degrees in all, ",
                         "hottest ", hottest_sensor, "; stopped with rdstate ", static_cast<int>(stopped),
                         "\n");
  }
};

/// What the child must print of `rounds` rounds of the four readings,
/// having stopped in `state`.
inline std::string expected(unsigned rounds, std::ios_base::iostate state) {
  tally all;
  for (unsigned round = 0; round < rounds; ++round)
    for (const reading& r : readings) all.add({r.samples, r.celsius, std::string(r.sensor)});
  return all.line(state);
}

/// What a child is asked to do: `parse SEGMENT OBJECT`, OBJECT being the
/// report (a char array) or the log (a shm_text).
struct child_task {
  std::string segment, object;
};

/// The child's arguments, checked before it opens anything.
inline child_task parse_child_args(const harness::role& me) {
  const std::string action = me.args().empty() ? "" : me.args()[0];
  if (action != "parse")
    throw harness::usage_error("the child role takes the action 'parse', not '" + action + "'");
  const auto [verb, segment, object] = me.expect_args("parse", "SEGMENT", "OBJECT");
  if (object != report_name && object != log_name)
    throw harness::usage_error("the object must be 'report' or 'log', not '" + object + "'");
  return {segment, object};
}

/// Child: a resource_error unless the object was found.
template <class Segment>
void expect_found(bool found, const Segment& segment, const std::string& segment_name,
                  const std::string& object) {
  if (!found) throw harness::missing_object(segment, segment_name, object);
}

}  // namespace ipclab::ch21
