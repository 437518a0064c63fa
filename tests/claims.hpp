#pragma once
// Which documented behaviours of Boost.Interprocess a test checks: the claims
// of tests/claims.toml, named by ID as the first statement of the test:
//
//   TEST_F(RawMemory, ChildsDeallocateReturnsTheFreeMemoryExactly) {
//     IPCLAB_CLAIMS("SEG-06", "SEG-18");
//     ...
//
// An ID the catalogue does not hold does not compile. A test of a chapter's
// program rather than of Boost begins with IPCLAB_CHECKS_THE_CHAPTER() instead.
// The build (tools/conformance.py index) fails on a test in a claiming suite
// that begins with neither, and gives every test that names claims the CTest
// labels `conformance` and its claim IDs.

#include <initializer_list>
#include <string_view>

namespace ipclab::support {

/// What the catalogue expects of a claim in the Boost release under test.
enum class expected { holds, differs, unsupported };

struct claim_expectation {
  std::string_view id;
  std::string_view result;  ///< "holds", "differs" or "unsupported"
};

/// Every claim of the catalogue with its expectation for this build's Boost
/// release (IPCLAB_INTERPROCESS_VERSION), written by tools/conformance.py.
inline constexpr claim_expectation claim_expectations[] = {
#include "claim_expectations.inc"
};

/// A claim ID, checked when compiling: an ID the catalogue does not hold is
/// not a constant expression, and the build stops at the test that names it.
struct claim_id {
  consteval claim_id(const char* id) : id(id) {
    bool known = false;
    for (const auto& claim : claim_expectations) known = known || claim.id == std::string_view(id);
    if (!known) throw "not an ID of tests/claims.toml";
  }
  std::string_view id;
};

/// Records the test's claims (the property `claims` of its XML result).
void name_claims(std::initializer_list<claim_id> claims);

/// What the catalogue expects of `id` in the Boost release under test: a test
/// asserts the release's behaviour from this, so that a catalogue that
/// expects the wrong thing fails the run.
expected expectation(claim_id id);

}  // namespace ipclab::support

#define IPCLAB_CLAIMS(...) ::ipclab::support::name_claims({__VA_ARGS__})
#define IPCLAB_CHECKS_THE_CHAPTER() ::testing::Test::RecordProperty("claims", "")
