#pragma once
/// \file
/// Text from values, for narrated steps and the sentences of failed checks:
/// `text("free memory ", 65312, " at ", address)` is "free memory 65312 at 0x7f...".

#include <sstream>
#include <string>
#include <string_view>
#include <type_traits>

namespace ipclab::harness {

/// A value that a narrated step shows to people and also reports, apart from
/// the narration, as a fact for machines: see fact() and role::step().
template <class T>
struct fact_value {
  std::string_view key;  ///< what the value is, e.g. "base"
  const T& value;        ///< the value itself
};

/// Marks a value shown in a narrated step as the fact `key`:
/// `me.step("mapped at ", fact("base", segment.get_address()))` prints the
/// address in the line, and reports `base 0x7f...` to a test that asked for
/// facts. Tests read facts, never the wording of a step.
template <class T>
fact_value<T> fact(std::string_view key, const T& value) {
  return {key, value};
}

namespace detail {

/// Streams one part of text() to `out`.
template <class T>
void put(std::ostream& out, const T& value) {
  using plain = std::remove_cv_t<T>;
  if constexpr (std::is_same_v<plain, bool>)
    out << (value ? "true" : "false");
  else if constexpr (std::is_same_v<plain, unsigned char> || std::is_same_v<plain, signed char>)
    out << static_cast<int>(value);  // a byte is a number here, not a character
  else if constexpr (std::is_pointer_v<plain> && !std::is_same_v<std::remove_cv_t<std::remove_pointer_t<plain>>, char>)
    out << static_cast<const void*>(value);  // any pointer but a C string: its address
  else
    out << value;
}

/// Streams a fact's value: a fact shows in the text like any other part.
template <class T>
void put(std::ostream& out, const fact_value<T>& fact) {
  put(out, fact.value);
}

}  // namespace detail

/// The parts streamed one after the other. Pointers print as addresses, but a
/// `char` pointer is a C string and prints as the text it points to (cast it
/// to `void*` for its address); `bool` prints as true/false, a byte as a number.
template <class... Parts>
std::string text(const Parts&... parts) {
  std::ostringstream out;
  (detail::put(out, parts), ...);
  return out.str();
}

}  // namespace ipclab::harness
