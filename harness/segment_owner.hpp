#pragma once
/// \file
/// Who removes a segment: an RAII owner, and the permissions ipclab creates with.

#include <string>

#include <boost/interprocess/permissions.hpp>

namespace ipclab::harness {

/// Removes the named shared memory object when it goes out of scope, however
/// the scope is left (return, exception). Construct it *before* the segment:
/// if creating the segment throws half-way, the name is still removed.
///
/// Unlike the seed's `shm_remove`, it does not remove on construction: with
/// unique names there is nothing stale to remove, and removing a name you did
/// not create would pull a live segment from under its owner.
class segment_owner {
 public:
  /// Takes charge of removing the segment called `name` (it need not exist yet).
  explicit segment_owner(std::string name);
  ~segment_owner();
  segment_owner(const segment_owner&) = delete;
  segment_owner& operator=(const segment_owner&) = delete;

  /// The segment's name.
  const std::string& name() const { return name_; }
  /// The segment's name, for the Boost.Interprocess constructors.
  const char* c_str() const { return name_.c_str(); }

 private:
  std::string name_;
};

/// Owner read-write only (0600). Boost's default, `permissions()`, is 0644:
/// every local user may open and read the segment.
boost::interprocess::permissions owner_only();

}  // namespace ipclab::harness
