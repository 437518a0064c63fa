// Chapter 20 - offset_ptr in depth, and what no pointer carries (Boost's doc_offset_ptr.cpp).
#include <boost/interprocess/managed_shared_memory.hpp>
#include <boost/interprocess/offset_ptr.hpp>
#include "lesson.hpp"  // and the standard headers: <algorithm>, <csignal>, <cstdint>, <type_traits>

using namespace boost::interprocess;
using namespace ipclab;
using harness::fact;

//! [parent]
void parent(const harness::role& me) {
  harness::segment_owner owner(harness::unique_name("ch20"));  // removes it on every exit
  managed_shared_memory segment(create_only, owner.c_str(), ch20::segment_size, nullptr,
                                harness::owner_only());
  me.step("created segment ", fact("segment", owner.name()), " at ", segment.get_address());
  // Its allocator hands out offset_ptr<void>: each process may map it elsewhere (not so fixed_)
  static_assert(std::is_same_v<decltype(segment)::segment_manager::void_pointer, offset_ptr<void>>);
  static_assert(std::is_same_v<fixed_managed_shared_memory::segment_manager::void_pointer, void*>);
  offset_ptr<int> none;  // null is stored as offset 1: offset 0 means "points at itself"
  auto& self = *segment.construct<offset_ptr<char>>("self")();
  self = reinterpret_cast<char*>(&self) + 1;  // so the byte just past itself reads as null
  harness::expect(!none && !self && self.get() == nullptr, "offset 1 is not null");
  me.step("null is offset ", fact("null_offset", none.get_offset()), "; the byte past itself",
          " is null: ", fact("past_itself_null", !self));
  int* stored = segment.construct_it<int>(ch20::numbers_name)[ch20::length](&ch20::numbers[0]);
  offset_ptr<int> first = stored, last = first + ch20::length;  // iterators, as int* are
  //! [todo 1: sort the numbers in the segment through the offset_ptr range first..last]
  std::sort(first, last);  // a random-access iterator: every std algorithm takes it
  //! [todo end]
  harness::expect_equal("the sorted numbers", ch20::line_of(first, last), ch20::sorted_line);
  const offset_ptr<int> at = std::lower_bound(first, last, 25);  // binary search, in the segment
  harness::expect(at - first == 4 && at[-1] == 19 && at[1] == 42, "lower_bound(25) missed 25");
  harness::expect(first < at && first <= at && last > at && last >= at && at != first,
                  "offset_ptr comparisons disagree with the order of the addresses");
  me.step("sorted ", fact("sorted", ch20::line_of(first, last)), " in place; 25 is at ",
          fact("index", at - first), ", after ", at[-1]);
  auto* copies = segment.construct<offset_ptr<int>>(ch20::copies_name)[2](at);  // side by side
  harness::expect(copies[0] == at && copies[1] == at, "a copy elsewhere points elsewhere");
  me.step("two copies of one offset_ptr, 8 bytes apart, point at ", *copies[1], "; offsets",
          " differ by ", fact("offsets_apart", copies[0].get_offset() - copies[1].get_offset()));
  offset_ptr<ch20::mark> marked = segment.construct<ch20::mark>("mark")();
  //! [todo 2: convert marked to an offset_ptr to its base ch20::tagged, implicitly]
  offset_ptr<ch20::tagged> tag = marked;  // derived to base: the address moves, as with mark*
  //! [todo end]
  offset_ptr<const ch20::mark> read_only = marked;  // T to const T, implicitly
  offset_ptr<void> untyped = marked;  // T to void, implicitly
  //! [todo 3: cast tag down with static_pointer_cast, all 4 parameters named: 1.81 has no defaults]
  offset_ptr<ch20::mark> back = static_pointer_cast<ch20::mark, ptrdiff_t, uintptr_t, 0>(tag);
  //! [todo end]
  harness::expect(back == marked && untyped.get() == read_only.get(), "a cast moved the address");
  harness::expect(const_pointer_cast<ch20::mark, ptrdiff_t, uintptr_t, 0>(read_only) == back,
                  "const_pointer_cast moved the address");
  const auto shift = reinterpret_pointer_cast<char, ptrdiff_t, uintptr_t, 0>(tag).get() -
                     reinterpret_cast<char*>(marked.get());  // mark* to tagged* moves it
  harness::expect_equal("tagged's place in a mark", shift, sizeof(ch20::point));  // after point
  offset_ptr<ch20::shape> any = segment.construct<ch20::square>(ch20::square_name)();
  //! [todo 4: ask dynamic_pointer_cast whether any points to a ch20::square]
  offset_ptr<ch20::square> found = dynamic_pointer_cast<ch20::square, ptrdiff_t, uintptr_t, 0>(any);
  //! [todo end]
  harness::expect(found && !dynamic_pointer_cast<ch20::circle, ptrdiff_t, uintptr_t, 0>(any),
                  "dynamic_pointer_cast did not tell a square from a circle");
  me.step("tagged sits ", fact("base_shift", shift), " bytes into a mark; the four casts agree ",
          "with raw pointers, and ", fact("corners", found->corners()), " corners here");
  ch20::visits& visits = *segment.construct<ch20::visits>(ch20::visits_name)();
  visits.count();  // here 1 in this process, in_segment 1
  const ch20::alias& alias = *segment.construct<ch20::alias>(ch20::alias_name)(7);
  const auto value_at = segment.get_handle_from_address(&alias.value);  // its offset in the segment
  const std::string visit = ch20::visit_line(2, 3, &alias.value, value_at);  // ref: our address
  harness::expect_equal("what the visitor printed", me.run_child({"visit", owner.name()}), visit);
  harness::expect_equal("visits::here", ch20::visits::here, 1, ": the child's count reached it");
  me.step("a child counted 2 visits: here is still ", fact("here", ch20::visits::here),
          ", the segment says ", fact("in_segment", visits.in_segment));
  const std::uintptr_t ours = ch20::vptr_of(*any);  // where this process's square vtable sits
  auto& caller_vptr = *segment.construct<std::uintptr_t>(ch20::caller_vptr_name)(0);
  const harness::spawn_result call = me.spawn_child({"call", owner.name()});
  if (caller_vptr != ours)  // its code, and its virtual tables, sit elsewhere: the call faults
    harness::expect_killed_by(call, SIGSEGV, "the calling child");
  else  // ASLR is off: both processes loaded the program at one address
    ch20::expect_call_ran(call);
  me.step("the square's vptr is ", fact("vptr", ch20::as_address(ours)), ", the child's ",
          fact("child_vptr", ch20::as_address(caller_vptr)), ": ", fact("call", call.describe()));
}
//! [parent]
//! [child]
void child(const harness::role& me) {
  const ch20::child_task task = ch20::parse_child_args(me);  // checked before anything opens
  managed_shared_memory segment = harness::attempt("open segment '" + task.segment + "'",
      [&] { return managed_shared_memory(open_only, task.segment.c_str()); });
  me.step("opened segment ", task.segment, " at ", fact("base", segment.get_address()));
  if (task.action == "visit") {
    auto& visits = ch20::expect_found(segment.find<ch20::visits>(ch20::visits_name).first,
                                      segment, task.segment, ch20::visits_name);
    const auto& alias = ch20::expect_found(segment.find<ch20::alias>(ch20::alias_name).first,
                                           segment, task.segment, ch20::alias_name);
    //! [todo 5: count two visits]
    visits.count();  // this process's `here` goes from 0, not from the parent's 1
    visits.count();
    //! [todo end]
    const int* ref = &alias.ref;  // the address the reference holds: never read through here
    me.step("counted 2 visits: here ", fact("here", ch20::visits::here), ", in the segment ",
            fact("in_segment", visits.in_segment));
    me.step("ref holds ", fact("ref", ref), ", in this mapping: ", fact("ref_in_segment",
            segment.belongs_to_segment(ref)), "; link leads to ", fact("link", alias.link.get()));
    std::cout << ch20::visit_line(ch20::visits::here, visits.in_segment, ref,
                                  segment.get_handle_from_address(alias.link.get())) << std::flush;
    return;
  }
  const ch20::shape& shape = ch20::expect_found(segment.find<ch20::square>(ch20::square_name).first,
                                                segment, task.segment, ch20::square_name);
  auto& caller_vptr = ch20::expect_found(segment.find<std::uintptr_t>(ch20::caller_vptr_name).first,
                                         segment, task.segment, ch20::caller_vptr_name);
  const ch20::square own;  // built here: its vptr points into this process's code
  caller_vptr = ch20::vptr_of(own);  // told to the parent through the segment, before the call
  me.step("the stored vptr is ", fact("stored_vptr", ch20::as_address(ch20::vptr_of(shape))),
          ", this process's ", fact("own_vptr", ch20::as_address(caller_vptr)), "; calling");
  std::cout << ch20::call_line(ch20::corners_of(shape)) << std::flush;  // through the stored vptr
}
//! [child]

int main(int argc, char** argv) { return harness::run_chapter(argc, argv, parent, child); }
