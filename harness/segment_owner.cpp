#include "harness/segment_owner.hpp"

namespace ipclab::harness {

boost::interprocess::permissions owner_only() { return boost::interprocess::permissions(0600); }

}  // namespace ipclab::harness
