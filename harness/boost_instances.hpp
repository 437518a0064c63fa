#pragma once
// The class templates behind managed_shared_memory, instantiated once, in
// boost_instances.cpp, instead of in every chapter and test that uses a
// segment: each of those units would otherwise generate the same code for
// the segment manager, its best-fit allocator and their red-black trees.
// Every unit includes this through the precompiled header; without it (the
// IPCLAB_PCH=OFF build) a unit instantiates them itself, which is as correct
// and only slower to compile.
#include <boost/interprocess/managed_shared_memory.hpp>

#ifndef IPCLAB_BOOST_INSTANCE
#define IPCLAB_BOOST_INSTANCE extern template
#endif

//! \cond
namespace ipclab::boost_instances {
using void_pointer = boost::interprocess::offset_ptr<void>;
using best_fit = boost::interprocess::rbtree_best_fit<boost::interprocess::mutex_family, void_pointer, 0>;
using tree_nodes = boost::intrusive::rbtree_node_traits<void_pointer, true>;
}  // namespace ipclab::boost_instances

IPCLAB_BOOST_INSTANCE class boost::interprocess::rbtree_best_fit<boost::interprocess::mutex_family,
                                                                 ipclab::boost_instances::void_pointer, 0>;
IPCLAB_BOOST_INSTANCE class boost::intrusive::bstree_algorithms_base<ipclab::boost_instances::tree_nodes>;
IPCLAB_BOOST_INSTANCE class boost::intrusive::bstree_algorithms<ipclab::boost_instances::tree_nodes>;
IPCLAB_BOOST_INSTANCE class boost::intrusive::rbtree_algorithms<ipclab::boost_instances::tree_nodes>;
IPCLAB_BOOST_INSTANCE class boost::interprocess::segment_manager<char, ipclab::boost_instances::best_fit,
                                                                 boost::interprocess::iset_index>;
IPCLAB_BOOST_INSTANCE class boost::interprocess::basic_managed_shared_memory<
    char, ipclab::boost_instances::best_fit, boost::interprocess::iset_index>;
//! \endcond
