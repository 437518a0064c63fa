#pragma once
// Writing bytes to a file and making them durable, three ways, for the
// benchmarks: write() then fsync(); a managed_mapped_file's object written in
// place then its flush(); a mapped_region of the file written in place then
// its flush(0, 0, false). Each iteration rewrites the same `size` bytes (the
// benchmark's argument) with a new value, so every one has dirty pages to
// write back.
//
// What each waits for differs, and that is the lesson: managed_mapped_file::
// flush() calls mapped_region::flush() with its default async = true, an
// msync(MS_ASYNC), which only schedules the write-back and returns; fsync()
// and flush(0, 0, false), an msync(MS_SYNC), return once the bytes are on the
// disk.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>
#include <boost/interprocess/file_mapping.hpp>
#include <boost/interprocess/managed_mapped_file.hpp>
#include <boost/interprocess/mapped_region.hpp>

#include "harness/chapter.hpp"
#include "harness/temp_folder.hpp"

namespace ipclab::ch08 {

/// Room for the managed file's own bookkeeping beside its `size`-byte object.
inline constexpr std::size_t managed_file_overhead = 64 << 10;

inline std::size_t durable_size(const benchmark::State& state) { return static_cast<std::size_t>(state.range(0)); }

inline void durable_write_fsync(benchmark::State& state) {
  const auto size = durable_size(state);
  harness::temp_folder folder("bench");
  const std::string path = folder.file("written").string();
  const int fd = ::open(path.c_str(), O_CREAT | O_EXCL | O_WRONLY, 0600);
  if (fd < 0) throw harness::resource_error("cannot create '" + path + "': " + std::strerror(errno));
  std::vector<char> bytes(size);
  char value = 0;
  try {
    for (auto _ : state) {
      std::memset(bytes.data(), ++value, size);
      if (::pwrite(fd, bytes.data(), size, 0) != static_cast<ssize_t>(size))
        throw harness::resource_error(std::string("pwrite failed: ") + std::strerror(errno));
      if (::fsync(fd) != 0) throw harness::resource_error(std::string("fsync failed: ") + std::strerror(errno));
    }
  } catch (...) {
    ::close(fd);
    throw;
  }
  ::close(fd);
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(size));
}

//! [mapped_file_flush]
inline void durable_mapped_file_flush(benchmark::State& state) {
  const auto size = durable_size(state);
  harness::temp_folder folder("bench");
  const std::string path = folder.file("managed").string();
  boost::interprocess::managed_mapped_file file(boost::interprocess::create_only, path.c_str(),
                                                size + managed_file_overhead);
  char* bytes = file.construct<char>("bytes")[size](0);
  char value = 0;
  for (auto _ : state) {
    std::memset(bytes, ++value, size);
    harness::expect(file.flush(), "managed_mapped_file::flush() failed");
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(size));
}
//! [mapped_file_flush]

inline void durable_region_flush_sync(benchmark::State& state) {
  const auto size = durable_size(state);
  harness::temp_folder folder("bench");
  const std::string path = folder.file("mapped").string();
  {
    const int fd = ::open(path.c_str(), O_CREAT | O_EXCL | O_WRONLY, 0600);
    if (fd < 0 || ::ftruncate(fd, static_cast<off_t>(size)) != 0) {
      if (fd >= 0) ::close(fd);
      throw harness::resource_error("cannot create '" + path + "': " + std::strerror(errno));
    }
    ::close(fd);
  }
  boost::interprocess::file_mapping mapping(path.c_str(), boost::interprocess::read_write);
  boost::interprocess::mapped_region region(mapping, boost::interprocess::read_write);
  char* bytes = static_cast<char*>(region.get_address());
  char value = 0;
  for (auto _ : state) {
    std::memset(bytes, ++value, size);
    harness::expect(region.flush(0, 0, false), "mapped_region::flush(0, 0, false) failed");
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(size));
}

}  // namespace ipclab::ch08
