#include "lesson.hpp"

#include <cstring>

#include "harness/chapter.hpp"

namespace ipclab::ch07 {
namespace bip = boost::interprocess;

//! [construct]
shared_counter& construct_counter(managed_shared_memory& segment) {
  return *segment.construct<shared_counter>(counter_name)();  // the mutex starts unlocked, the counts at 0
}
//! [construct]

managed_shared_memory open_segment(const std::string& name) {
  return harness::attempt("open segment '" + name + "'",
                          [&] { return managed_shared_memory(bip::open_only, name.c_str()); });
}

shared_counter& find_counter(managed_shared_memory& segment, const std::string& segment_name) {
  auto* counter = segment.find<shared_counter>(counter_name).first;
  if (!counter)
    throw harness::resource_error("segment '" + segment_name + "' holds no counter named '" + counter_name + "'");
  return *counter;
}

//! [open_named_mutex]
named_mutex open_named_mutex(const std::string& name) {
  // A named_mutex lives outside any segment, as its own name (on Linux, the
  // POSIX semaphore /dev/shm/sem.NAME): open it by that name.
  return harness::attempt("open named mutex '" + name + "'",
                          [&] { return named_mutex(bip::open_only, name.c_str()); });
}
//! [open_named_mutex]

unsigned long parse_iterations(std::string_view text) {
  const auto iterations = harness::parse_number(text, "number of iterations", 1'000'000'000);
  if (iterations == 0) throw harness::usage_error("the number of iterations must be at least 1, not 0");
  return static_cast<unsigned long>(iterations);
}

mutex_kind parse_mutex_kind(std::string_view text) {
  if (text == "process-mutex") return mutex_kind::process_mutex;
  if (text == "named-mutex") return mutex_kind::named_mutex;
  throw harness::usage_error("the mutex kind is 'process-mutex' or 'named-mutex', not '" + std::string(text) + "'");
}

std::size_t block_size(unsigned long round) { return 16 + (round * 97) % 2000; }

//! [use_a_block]
void use_a_block(managed_shared_memory& segment, unsigned long round, unsigned char mark) {
  const auto size = block_size(round);
  auto* block = static_cast<unsigned char*>(segment.allocate(size, std::nothrow));
  if (!block)
    throw harness::resource_error("the segment has no free block of " + std::to_string(size) + " bytes (" +
                                  std::to_string(segment.get_free_memory()) + " bytes free)");
  std::memset(block, mark, size);
  std::size_t intact = 0;
  while (intact < size && block[intact] == mark) ++intact;
  segment.deallocate(block);  // before the check, so that a failed check leaks nothing
  harness::expect(intact == size, "byte " + std::to_string(intact) + " of a " + std::to_string(size) +
                                      "-byte block changed while this process held it");
}
//! [use_a_block]

boost::posix_time::ptime deadline_after(std::chrono::milliseconds wait) {
  return boost::posix_time::microsec_clock::universal_time() + boost::posix_time::milliseconds(wait.count());
}

}  // namespace ipclab::ch07
