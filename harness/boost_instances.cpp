// The one instantiation of the templates that boost_instances.hpp declares.
#define IPCLAB_BOOST_INSTANCE template
#include "harness/boost_instances.hpp"
