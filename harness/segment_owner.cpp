#include "harness/segment_owner.hpp"

#include <boost/interprocess/shared_memory_object.hpp>

namespace ipclab::harness {

segment_owner::segment_owner(std::string name) : name_(std::move(name)) {}

segment_owner::~segment_owner() { boost::interprocess::shared_memory_object::remove(name_.c_str()); }

boost::interprocess::permissions owner_only() { return boost::interprocess::permissions(0600); }

}  // namespace ipclab::harness
