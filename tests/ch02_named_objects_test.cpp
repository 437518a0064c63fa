// Chapter 02, named objects: the lesson across two real processes, and what
// Boost.Interprocess documents (and what its 1.81 headers really do) about
// construct, construct_it, find, find_or_construct and destroy.
#include <cstdint>

#include <boost/interprocess/indexes/map_index.hpp>
#include <gtest/gtest.h>

#include "harness/chapter.hpp"
#include "harness/names.hpp"
#include "harness/segment_owner.hpp"
#include "harness/sweep.hpp"
#include "lesson.hpp"
#include "support.hpp"

using namespace boost::interprocess;
using namespace ipclab;
using ch02::my_type;
using support::as_number;
using support::run_child_role;

namespace {

const std::vector<std::string> lesson_names{ch02::instance_name, ch02::array_name, ch02::array_it_name};

// The parent's setup, for tests whose claim is about the child or about what
// happens to objects once built: the three objects, as the parent builds them.
void construct_lesson_objects(managed_shared_memory& segment) {
  segment.construct<my_type>(ch02::instance_name)(ch02::instance_value.first, ch02::instance_value.second);
  segment.construct<my_type>(ch02::array_name)[ch02::array_length](ch02::array_value.first, ch02::array_value.second);
  segment.construct_it<my_type>(ch02::array_it_name)[ch02::array_it_length](ch02::it_firsts.data(),
                                                                            ch02::it_seconds.data());
}

// The test plays the parent: it owns a fresh segment; the chapter binary is the child.
class NamedObjects : public support::owned_segment_test<ch02::segment_size> {
 protected:
  harness::spawn_result child_run() { return run_child_role("02", {owner.name()}); }
};

// The whole lesson, two processes: exit 0, the child's findings exactly, the
// counts of named objects and the free memory the parent saw, and the segment
// removed by its owner.
TEST(Chapter02Program, ParentRoleExitsZeroPrintsTheThreeObjectsAndLeavesNothing) {
  IPCLAB_CHECKS_THE_CHAPTER();
  const auto run = support::run_parent_role("02");
  ASSERT_TRUE(support::ran_both_roles_and_left_nothing(run));
  EXPECT_EQ(run.out,
            "MyType instance [1]: (3.25, 7)\n"
            "MyType array [10]: (0.5, -1) (0.5, -1) (0.5, -1) (0.5, -1) (0.5, -1) (0.5, -1) (0.5, -1) "
            "(0.5, -1) (0.5, -1) (0.5, -1)\n"
            "MyType array from it [3]: (1.5, 1) (2.5, 2) (3.5, 3)\n");
  EXPECT_EQ(run.out, ch02::expected_output());
  EXPECT_EQ(support::fact(run, "parent", "named_before"), "0");
  EXPECT_EQ(support::fact(run, "parent", "named"), "3");
  EXPECT_EQ(support::fact(run, "child", "named"), "3");
  EXPECT_EQ(support::fact(run, "child", "named_left"), "0");
  EXPECT_EQ(support::fact(run, "parent", "named_left"), "0");
  const auto free_before = support::fact(run, "parent", "free_before");
  ASSERT_FALSE(free_before.empty());
  EXPECT_EQ(support::fact(run, "parent", "free_after"), free_before);
}

// Documented: construct<T>(name)(args) builds one T, construct<T>(name)[n](args)
// n of them, construct_it<T>(name)[n](its) n from iterators, each returning
// the address, and get_num_named_objects() counts the names; find<T>(name)
// returns {that address, length} with length 1 for a single object and n for
// an array; get_instance_name/length/type read the same back from an address.
TEST_F(NamedObjects, FindReturnsEachObjectsAddressAndLengthOneTenThree) {
  IPCLAB_CLAIMS("OBJ-08", "OBJ-15", "OBJ-16", "SEG-23");
  const auto named_before = segment.get_num_named_objects();
  ASSERT_EQ(named_before, 0u);
  const std::vector<const my_type*> built{
      segment.construct<my_type>(ch02::instance_name)(3.25, 7),
      segment.construct<my_type>(ch02::array_name)[10](0.5, -1),
      segment.construct_it<my_type>(ch02::array_it_name)[3](ch02::it_firsts.data(), ch02::it_seconds.data())};
  EXPECT_EQ(segment.get_num_named_objects(), named_before + 3);

  const std::vector<ch02::size_type> lengths{1, 10, 3};
  for (std::size_t i = 0; i < lesson_names.size(); ++i) {
    SCOPED_TRACE(lesson_names[i]);
    ASSERT_NE(built[i], nullptr);
    const auto [object, length] = segment.find<my_type>(lesson_names[i].c_str());
    EXPECT_EQ(object, built[i]);
    EXPECT_EQ(length, lengths[i]);
    EXPECT_TRUE(segment.belongs_to_segment(object));
    EXPECT_EQ(as_number(object) % alignof(my_type), 0u);
    EXPECT_STREQ(managed_shared_memory::get_instance_name(object), lesson_names[i].c_str());
    EXPECT_EQ(managed_shared_memory::get_instance_length(object), lengths[i]);
    EXPECT_EQ(managed_shared_memory::get_instance_type(object), named_type);
  }
}

// Documented: the array form passes the same arguments to every element;
// construct_it takes the i-th value of each iterator for element i.
TEST_F(NamedObjects, ConstructGivesEveryElementItsValueAndConstructItEachItsOwn) {
  IPCLAB_CLAIMS("OBJ-01", "OBJ-06", "OBJ-07");
  const my_type* instance = segment.construct<my_type>(ch02::instance_name)(3.25, 7);
  ASSERT_NE(instance, nullptr);
  EXPECT_EQ(*instance, my_type(3.25, 7));
  const my_type* array = segment.construct<my_type>(ch02::array_name)[10](0.5, -1);
  ASSERT_NE(array, nullptr);
  for (std::size_t i = 0; i < 10; ++i) EXPECT_EQ(array[i], my_type(0.5, -1)) << "element " << i;
  const double firsts[3] = {1.5, 2.5, 3.5};
  const int seconds[3] = {1, 2, 3};
  const my_type* from_it = segment.construct_it<my_type>(ch02::array_it_name)[3](&firsts[0], &seconds[0]);
  ASSERT_NE(from_it, nullptr);
  EXPECT_EQ(from_it[0], my_type(1.5, 1));
  EXPECT_EQ(from_it[1], my_type(2.5, 2));
  EXPECT_EQ(from_it[2], my_type(3.5, 3));
}

// Documented: a named object is found by its name from any process that
// opens the segment; the child sees every element as the parent built it,
// finds the objects by their names in order, and destroys all three.
TEST_F(NamedObjects, ChildFindsEveryObjectByNameAndPrintsItsValues) {
  IPCLAB_CLAIMS("OBJ-18");
  construct_lesson_objects(segment);
  const auto child = child_run();
  ASSERT_TRUE(child.succeeded()) << child.describe() << "\n" << child.err;
  EXPECT_EQ(child.out, ch02::expected_output());
  EXPECT_EQ(support::fact(child, "child", "named"), "3");
  EXPECT_EQ(support::facts_of(child).values("child", "object"), lesson_names);
  EXPECT_EQ(support::fact(child, "child", "named_left"), "0");
}

// Documented: each process may map a managed segment at its own address, and
// find<T> returns the object's place in *that* process's mapping: at the same
// offset from the base as in the creator's, although the bases differ.
TEST_F(NamedObjects, ChildSeesEachObjectAtTheSameOffsetFromItsOwnBase) {
  IPCLAB_CLAIMS("OBJ-08", "OBJ-18");
  construct_lesson_objects(segment);
  std::vector<std::uintptr_t> offsets;
  for (const auto& name : lesson_names)
    offsets.push_back(as_number(segment.find<my_type>(name.c_str()).first) - as_number(segment.get_address()));
  const auto child = child_run();
  ASSERT_TRUE(child.succeeded()) << child.describe() << "\n" << child.err;
  const auto child_base = support::fact(child, "child", "base");
  ASSERT_FALSE(child_base.empty());
  const auto facts = support::facts_of(child);
  const auto objects = facts.values("child", "object");
  const auto addresses = facts.values("child", "address");
  const auto lengths = facts.values("child", "length");
  ASSERT_EQ(objects, lesson_names);
  ASSERT_EQ(addresses.size(), lesson_names.size());
  EXPECT_EQ(lengths, (std::vector<std::string>{"1", "10", "3"}));
  for (std::size_t i = 0; i < lesson_names.size(); ++i) {
    SCOPED_TRACE(lesson_names[i]);
    EXPECT_EQ(as_number(addresses[i]) - as_number(child_base), offsets[i]);
  }
  // ASLR gives every process its own mmap base (see ch01's HandleIsTheOffsetFromTheBaseInEachProcess).
  support::expect_different_bases(as_number(child_base), as_number(segment.get_address()));
}

// Documented: destroy<T>(name) runs the destructors, frees the memory and
// removes the name; afterwards find returns a null address (and, per the
// headers, length 0), the count of named objects is back, and the free memory
// is exactly what it was before construction (iset_index keeps the index
// nodes inside the objects' own blocks, so nothing else stays allocated).
TEST_F(NamedObjects, ChildsDestroyLeavesNoNameAndReturnsTheFreeMemoryExactly) {
  IPCLAB_CLAIMS("OBJ-08", "OBJ-09", "SEG-18", "SEG-19", "SEG-23");
  const auto free_before = segment.get_free_memory();
  const auto named_before = segment.get_num_named_objects();
  construct_lesson_objects(segment);
  ASSERT_LT(segment.get_free_memory(), free_before);
  ASSERT_EQ(segment.get_num_named_objects(), named_before + 3);

  const auto child = child_run();
  ASSERT_TRUE(child.succeeded()) << child.describe() << "\n" << child.err;
  for (const auto& name : lesson_names) {
    const auto [object, length] = segment.find<my_type>(name.c_str());
    EXPECT_EQ(object, nullptr) << name;
    EXPECT_EQ(length, 0u) << name;
  }
  EXPECT_EQ(segment.get_num_named_objects(), named_before);
  EXPECT_EQ(segment.get_free_memory(), free_before);
  EXPECT_TRUE(segment.all_memory_deallocated());
  EXPECT_TRUE(segment.check_sanity());
  // A second destroy of the same names finds nothing.
  for (const auto& name : lesson_names) EXPECT_FALSE(segment.destroy<my_type>(name.c_str())) << name;
}

// Constructing under a taken name fails. The 1.81 reference comment on
// construct (detail/managed_memory_impl.hpp) says "If the name was previously
// used, returns 0", but with managed_shared_memory's default index, iset_index,
// the code (segment_manager.hpp, intrusive branch of
// priv_generic_named_construct) throws interprocess_exception(already_exists_error):
// error code already_exists_error, no native error, what()
// "boost::interprocess_exception::library_error". This test pins the code.
// Names are per segment, not per type: a taken name is taken for every T.
// The existing object, the count and the free memory are untouched, and the
// documented nothrow form returns null.
TEST_F(NamedObjects, ConstructUnderATakenNameThrowsAlreadyExistsError) {
  IPCLAB_CLAIMS("OBJ-02", "OBJ-03");
  construct_lesson_objects(segment);
  const auto free_before = segment.get_free_memory();
  const auto* instance = segment.find<my_type>(ch02::instance_name).first;

  auto expect_already_exists = [](auto&& construct_again, const char* what) {
    try {
      construct_again();
      ADD_FAILURE() << what << " did not throw";
    } catch (const interprocess_exception& e) {
      EXPECT_EQ(e.get_error_code(), already_exists_error) << what;
      EXPECT_EQ(e.get_native_error(), 0) << what;
      EXPECT_STREQ(e.what(), "boost::interprocess_exception::library_error") << what;
    }
  };
  expect_already_exists([&] { segment.construct<my_type>(ch02::instance_name)(9.0, 9); }, "a single object");
  expect_already_exists([&] { segment.construct<my_type>(ch02::array_name)[5](9.0, 9); }, "an array");
  expect_already_exists([&] { segment.construct<int>(ch02::instance_name)(9); }, "another type");
  expect_already_exists(
      [&] {
        const double d[1] = {9.0};
        const int n[1] = {9};
        segment.construct_it<my_type>(ch02::array_it_name)[1](&d[0], &n[0]);
      },
      "construct_it");

  // The nothrow form returns null instead (documented).
  EXPECT_EQ(segment.construct<my_type>(ch02::instance_name, std::nothrow)(9.0, 9), nullptr);

  EXPECT_EQ(segment.find<my_type>(ch02::instance_name).first, instance);
  EXPECT_EQ(*instance, my_type(3.25, 7));
  EXPECT_EQ(segment.find<my_type>(ch02::array_name).second, 10u);
  EXPECT_EQ(segment.get_num_named_objects(), 3u);
  EXPECT_EQ(segment.get_free_memory(), free_before);
  EXPECT_TRUE(segment.check_sanity());
}

// The other half of that difference: the non-intrusive branch of 1.81's
// priv_generic_named_construct (map_index, flat_map_index) does what the
// reference comment says and returns null from the *throwing* construct when
// the name is taken, so the same call throws or returns null depending on the
// segment's index type. This test pins what the headers do.
TEST(NamedObjectsWithMapIndex, ConstructUnderATakenNameReturnsNullInsteadOfThrowing) {
  IPCLAB_CLAIMS("OBJ-04");
  using map_index_memory = basic_managed_shared_memory<char, rbtree_best_fit<mutex_family>, map_index>;
  harness::segment_owner owner(harness::unique_name("ch02test"));
  map_index_memory segment(create_only, owner.c_str(), ch02::segment_size, nullptr, harness::owner_only());
  auto* first = segment.construct<my_type>(ch02::instance_name)(3.25, 7);
  ASSERT_NE(first, nullptr);
  const auto free_before = segment.get_free_memory();
  my_type* second = first;
  EXPECT_NO_THROW(second = segment.construct<my_type>(ch02::instance_name)(9.0, 9));
  EXPECT_EQ(second, nullptr);
  EXPECT_EQ(*first, my_type(3.25, 7));
  EXPECT_EQ(segment.get_num_named_objects(), 1u);
  EXPECT_EQ(segment.get_free_memory(), free_before);
}

// Documented: find_or_construct returns the existing object when the name is
// taken (same address; the constructor arguments are ignored, the value and
// the length stay) and constructs it only when the name is free.
TEST_F(NamedObjects, FindOrConstructReturnsTheExistingObjectUnchanged) {
  IPCLAB_CLAIMS("OBJ-05");
  construct_lesson_objects(segment);
  const auto free_before = segment.get_free_memory();
  const auto* instance = segment.find<my_type>(ch02::instance_name).first;
  const auto* array = segment.find<my_type>(ch02::array_name).first;

  EXPECT_EQ(segment.find_or_construct<my_type>(ch02::instance_name)(9.0, 9), instance);
  EXPECT_EQ(*instance, my_type(3.25, 7));
  EXPECT_EQ(segment.find_or_construct<my_type>(ch02::array_name)[4](9.0, 9), array);
  EXPECT_EQ(segment.find<my_type>(ch02::array_name).second, 10u);
  EXPECT_EQ(array[3], my_type(0.5, -1));
  EXPECT_EQ(segment.get_num_named_objects(), 3u);
  EXPECT_EQ(segment.get_free_memory(), free_before);

  auto* fresh = segment.find_or_construct<my_type>("MyType fresh")(9.0, 9);
  ASSERT_NE(fresh, nullptr);
  EXPECT_EQ(*fresh, my_type(9.0, 9));
  EXPECT_EQ(segment.get_num_named_objects(), 4u);
  EXPECT_LT(segment.get_free_memory(), free_before);
  EXPECT_TRUE(segment.destroy<my_type>("MyType fresh"));
  EXPECT_EQ(segment.get_free_memory(), free_before);
}

// Documented: destroy returns false if the object was not present, and
// changes nothing; find returns a null address for a name never constructed.
TEST_F(NamedObjects, DestroyOfAMissingNameReturnsFalseAndChangesNothing) {
  IPCLAB_CLAIMS("OBJ-08", "OBJ-09");
  construct_lesson_objects(segment);
  const auto free_before = segment.get_free_memory();
  EXPECT_FALSE(segment.destroy<my_type>("MyType nowhere"));
  EXPECT_FALSE(segment.destroy<my_type>("MyType instanc"));  // a prefix of a taken name is another name
  EXPECT_EQ(segment.find<my_type>("MyType nowhere").first, nullptr);
  EXPECT_EQ(segment.find<my_type>("MyType nowhere").second, 0u);
  EXPECT_EQ(segment.get_num_named_objects(), 3u);
  EXPECT_EQ(segment.get_free_memory(), free_before);
  EXPECT_EQ(*segment.find<my_type>(ch02::instance_name).first, my_type(3.25, 7));
}

// The docs present find<T> as typed, but the segment records only the byte
// count of an object (block_header::m_value_bytes), never its type: 1.81's
// priv_generic_find returns the address whatever T is, with length
// m_value_bytes / sizeof(T). So an object built as two uint64_t is found as
// one std::pair<double, int>, and find<char> gives the byte count. (A T whose
// size does not divide the bytes trips a BOOST_ASSERT in a debug build and is
// rounded down otherwise: checked below only where NDEBUG turns it off.)
TEST_F(NamedObjects, FindChecksNoTypeItOnlyDividesTheByteCountBySizeofT) {
  IPCLAB_CHECKS_THE_CHAPTER();
  static_assert(sizeof(my_type) == 16 && sizeof(std::uint64_t) == 8);
  construct_lesson_objects(segment);
  EXPECT_EQ(segment.find<char>(ch02::array_name).second, 10 * sizeof(my_type));
  EXPECT_EQ(segment.find<std::uint64_t>(ch02::array_name).second, 20u);
  EXPECT_EQ(static_cast<void*>(segment.find<std::uint64_t>(ch02::array_name).first),
            static_cast<void*>(segment.find<my_type>(ch02::array_name).first));

  auto* words = segment.construct<std::uint64_t>("two words")[2](0);
  const auto [as_pair, pairs] = segment.find<my_type>("two words");
  EXPECT_EQ(static_cast<void*>(as_pair), static_cast<void*>(words));
  EXPECT_EQ(pairs, 1u);
#ifdef NDEBUG
  auto* one_int = segment.construct<int>("one int")(7);
  const auto [int_as_pair, length] = segment.find<my_type>("one int");
  EXPECT_EQ(static_cast<void*>(int_as_pair), static_cast<void*>(one_int));
  EXPECT_EQ(length, 0u) << "4 bytes / 16 rounds down to 0: found, with length 0";
#endif
}

// Likewise destroy<T> checks no type: destroy<uint64_t> of the pair array
// returns true and frees the whole block (it runs bytes / sizeof(T)
// destructors of the wrong type, harmless here because both are trivial).
TEST_F(NamedObjects, DestroyChecksNoTypeEitherAndFreesTheWholeBlock) {
  IPCLAB_CHECKS_THE_CHAPTER();
  const auto free_before = segment.get_free_memory();
  segment.construct<my_type>(ch02::array_name)[10](0.5, -1);
  EXPECT_TRUE(segment.destroy<std::uint64_t>(ch02::array_name));
  EXPECT_EQ(segment.find<my_type>(ch02::array_name).first, nullptr);
  EXPECT_EQ(segment.get_free_memory(), free_before);
}

// Bad input to the child role, or a segment whose objects are not what the
// lesson built: one clear sentence, a defined exit code, no crash, nothing
// printed, nothing destroyed (the segment as it was), nothing left in /dev/shm.
struct BadInput {
  std::string label;
  std::vector<std::string> args;  // "SEGMENT" is replaced by the test's segment name
  void (*spoil)(managed_shared_memory&);  // changes the lesson's objects before the child runs
  int exit_code;
  std::string sentence;           // what the error line must say ("SEGMENT" replaced too)
};

// A failing case names itself by its label, not by its bytes.
void PrintTo(const BadInput& input, std::ostream* out) { *out << input.label; }

void leave_as_built(managed_shared_memory&) {}

class NamedObjectsBadInput : public NamedObjects, public ::testing::WithParamInterface<BadInput> {};

TEST_P(NamedObjectsBadInput, ChildRejectsItWithOneSentenceAndTheRightExitCode) {
  IPCLAB_CHECKS_THE_CHAPTER();
  construct_lesson_objects(segment);
  GetParam().spoil(segment);
  const auto free_before = segment.get_free_memory();
  const auto named_before = segment.get_num_named_objects();
  const auto args = support::substitute(GetParam().args, "SEGMENT", owner.name());
  const auto sentence = support::substitute(GetParam().sentence, "SEGMENT", owner.name());

  const auto child = run_child_role("02", args);
  EXPECT_TRUE(support::rejected_cleanly(child, GetParam().exit_code, sentence));
  EXPECT_EQ(segment.get_free_memory(), free_before);
  EXPECT_EQ(segment.get_num_named_objects(), named_before);
  EXPECT_TRUE(segment.check_sanity());
}

INSTANTIATE_TEST_SUITE_P(
    Chapter02, NamedObjectsBadInput,
    ::testing::Values(
        BadInput{"NoArguments", {}, leave_as_built, harness::exit_usage, "takes 1 argument but got 0"},
        BadInput{"ExtraArgument", {"SEGMENT", "more"}, leave_as_built, harness::exit_usage,
                 "takes 1 argument but got 2"},
        BadInput{"SegmentDoesNotExist", {"ipclab-ch02-0-0-missing"}, leave_as_built, harness::exit_resource,
                 "cannot open segment 'ipclab-ch02-0-0-missing': No such file or directory"},
        // Documented: find returns a null address for a name that is not there.
        BadInput{"MissingInstance", {"SEGMENT"},
                 [](managed_shared_memory& s) { s.destroy<my_type>(ch02::instance_name); },
                 harness::exit_resource, "segment 'SEGMENT' has no object named 'MyType instance' (it holds 'MyType array', 'MyType array from it')"},
        // The child found the first two but must not destroy them.
        BadInput{"MissingArrayFromIterators", {"SEGMENT"},
                 [](managed_shared_memory& s) { s.destroy<my_type>(ch02::array_it_name); },
                 harness::exit_resource, "segment 'SEGMENT' has no object named 'MyType array from it' (it holds 'MyType array', 'MyType instance')"},
        // Documented: find's second member is the array's length.
        BadInput{"ArrayOfNineNotTen", {"SEGMENT"},
                 [](managed_shared_memory& s) {
                   s.destroy<my_type>(ch02::array_name);
                   s.construct<my_type>(ch02::array_name)[9](0.5, -1);
                 },
                 harness::exit_usage, "object 'MyType array' has 9 elements, expected 10"},
        // Another type whose size is no multiple of 16 bytes: the byte count gives it away.
        BadInput{"InstanceBuiltAsAnInt", {"SEGMENT"},
                 [](managed_shared_memory& s) {
                   s.destroy<my_type>(ch02::instance_name);
                   s.construct<int>(ch02::instance_name)(7);
                 },
                 harness::exit_usage,
                 "object 'MyType instance' holds 4 bytes, not a whole number of std::pair<double, int> "
                 "(16 bytes each): it was built with another type"},
        // Another type of 16 bytes: find<my_type> reports length 1, not 3.
        BadInput{"ArrayFromIteratorsBuiltAsFourInts", {"SEGMENT"},
                 [](managed_shared_memory& s) {
                   s.destroy<my_type>(ch02::array_it_name);
                   s.construct<int>(ch02::array_it_name)[4](1);
                 },
                 harness::exit_usage, "object 'MyType array from it' has 1 elements, expected 3"},
        // Another type of exactly the right size cannot be told apart by find
        // (it checks no type): only the values show it, an invariant (exit 1).
        BadInput{"InstanceBuiltAsTwoWords", {"SEGMENT"},
                 [](managed_shared_memory& s) {
                   s.destroy<my_type>(ch02::instance_name);
                   s.construct<std::uint64_t>(ch02::instance_name)[2](0);
                 },
                 harness::exit_invariant, "element 0 of 'MyType instance' is (0, 0), not (3.25, 7)"},
        BadInput{"WrongValueInTheArrayFromIterators", {"SEGMENT"},
                 [](managed_shared_memory& s) { s.find<my_type>(ch02::array_it_name).first[1].second = 99; },
                 harness::exit_invariant, "element 1 of 'MyType array from it' is (2.5, 99), not (2.5, 2)"}),
    [](const auto& info) { return info.param.label; });

}  // namespace
