# Every external dependency, found once. scripts/bootstrap installs them from Debian 12.

find_package(Boost 1.81 CONFIG REQUIRED)   # header-only parts: Interprocess, Process v2, Asio
find_package(Threads REQUIRED)             # Asio and the process-shared mutexes need pthreads
find_package(GTest CONFIG REQUIRED)
include(GoogleTest)                        # gtest_discover_tests()
# The build writes the exercise starters and the docs' pages with Python;
# the docs and bench tests and the benchmark's renderer are Python too.
find_package(Python3 REQUIRED COMPONENTS Interpreter)

# Optional: chapter 08's benchmarks, when Google Benchmark is there.
find_package(benchmark CONFIG)
if(benchmark_FOUND)
  find_program(IPCLAB_GNUPLOT gnuplot REQUIRED)  # the benchmark's plot
else()
  message(STATUS "Google Benchmark not found: no ipclab-bench (scripts/bootstrap installs libbenchmark-dev)")
endif()

# The rendered tutorial (IPCLAB_DOCS).
if(IPCLAB_DOCS)
  find_package(Doxygen 1.9 REQUIRED COMPONENTS dot)
  find_path(IPCLAB_AWESOME_CSS_DIR doxygen-awesome.css PATHS /usr/share/doxygen-awesome-css REQUIRED)
  find_program(IPCLAB_GNUPLOT gnuplot REQUIRED)  # chapter 08's plot on its page
endif()

# Boost.Interprocess calls shm_open/shm_unlink. Before glibc 2.34 they lived in
# librt, hence the classic "link with -lrt"; since 2.34 they are in libc and librt
# is an empty stub. Link rt only where shm_open is not found without it.
include(CheckSymbolExists)
check_symbol_exists(shm_open "sys/mman.h" IPCLAB_SHM_OPEN_IN_LIBC)
if(NOT IPCLAB_SHM_OPEN_IN_LIBC)
  find_library(IPCLAB_RT_LIBRARY rt REQUIRED)
endif()

# One target carries everything a Boost.Interprocess user links.
add_library(ipclab_interprocess INTERFACE)
add_library(ipclab::interprocess ALIAS ipclab_interprocess)
target_link_libraries(ipclab_interprocess INTERFACE Boost::headers Threads::Threads
  $<$<BOOL:${IPCLAB_RT_LIBRARY}>:${IPCLAB_RT_LIBRARY}>)
