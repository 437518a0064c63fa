#pragma once
/// \file
/// The Boost.Interprocess release under test (IPCLAB_INTERPROCESS_VERSION, as
/// BOOST_VERSION counts: 108100 is 1.81), and the names an older release lacks.
///
/// The conformance matrix builds the same code against Boost 1.74's
/// Interprocess. Where 1.81 code names something 1.74 does not have, this
/// header supplies the name, never the behaviour: 1.74 never reports
/// `not_recoverable`, and the tests that expect it there read from the claims
/// catalogue that 1.74 differs.

#include <boost/interprocess/errors.hpp>

#ifndef IPCLAB_INTERPROCESS_VERSION
#error "IPCLAB_INTERPROCESS_VERSION is not defined: link ipclab::interprocess"
#endif

#if IPCLAB_INTERPROCESS_VERSION < 107800
namespace boost::interprocess {
/// Added by Boost 1.78 with robust mutexes (boost/interprocess/errors.hpp: 25).
inline constexpr error_code_t not_recoverable = static_cast<error_code_t>(25);
}  // namespace boost::interprocess
#endif
