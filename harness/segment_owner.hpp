#pragma once
/// \file
/// Who removes a named object: an RAII owner, and the permissions ipclab creates with.

#include <string>

#include <boost/interprocess/permissions.hpp>
#include <boost/interprocess/shared_memory_object.hpp>

#include "harness/signals.hpp"

namespace ipclab::harness {

/// Removes the named object (a segment, a named mutex, a named semaphore:
/// any `Object` with a static `remove(const char*)`) when it goes out of
/// scope, however the scope is left (return, exception). Construct it
/// *before* the object: if creating the object throws half-way, the name is
/// still removed. A signal that stops the process (SIGINT, SIGTERM, SIGHUP,
/// SIGPIPE) removes it too, once install_signal_cleanup() has run (see
/// signals.hpp); only SIGKILL leaves it to the sweep.
///
/// Unlike the `shm_remove` of Boost's examples (doc_ipc_message.cpp and
/// others), it does not remove on construction: with
/// unique names there is nothing stale to remove, and removing a name you did
/// not create would pull a live object from under its owner.
template <class Object>
class owner {
 public:
  /// Takes charge of removing the object called `name` (it need not exist yet).
  explicit owner(std::string name) : name_(std::move(name)) { remove_on_signal(name_); }
  ~owner() {
    Object::remove(name_.c_str());
    forget_on_signal(name_);
  }
  owner(const owner&) = delete;
  owner& operator=(const owner&) = delete;

  /// The object's name.
  const std::string& name() const { return name_; }
  /// The object's name, for the Boost.Interprocess constructors.
  const char* c_str() const { return name_.c_str(); }

 private:
  std::string name_;
};

/// The owner of a shared memory segment (managed or not).
using segment_owner = owner<boost::interprocess::shared_memory_object>;

/// Owner read-write only (0600). Boost's default, `permissions()`, is 0644:
/// every local user may open and read the segment.
boost::interprocess::permissions owner_only();

}  // namespace ipclab::harness
