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

# The Boost.Interprocess under test: the installed one, or, for the
# conformance matrix, another release's headers (IPCLAB_INTERPROCESS_DIR, a
# folder holding boost/version.hpp and the boost/ headers of that release).
# Only Interprocess and what it is built on (Container, Intrusive, Move) come
# from there, ahead of the installed ones; everything else, Boost.Process and
# Asio included, stays the installed release's.
set(IPCLAB_INTERPROCESS_DIR "" CACHE PATH "Headers of another Boost release whose Interprocess to test")
if(IPCLAB_INTERPROCESS_DIR)
  file(STRINGS ${IPCLAB_INTERPROCESS_DIR}/boost/version.hpp version_line REGEX "^#define BOOST_VERSION [0-9]+")
  string(REGEX REPLACE ".* " "" IPCLAB_INTERPROCESS_VERSION "${version_line}")
  set(IPCLAB_INTERPROCESS_INCLUDE ${PROJECT_BINARY_DIR}/interprocess-under-test)
  foreach(library interprocess container intrusive move)
    file(MAKE_DIRECTORY ${IPCLAB_INTERPROCESS_INCLUDE}/boost)
    file(CREATE_LINK ${IPCLAB_INTERPROCESS_DIR}/boost/${library} ${IPCLAB_INTERPROCESS_INCLUDE}/boost/${library}
         SYMBOLIC)
  endforeach()
else()
  math(EXPR IPCLAB_INTERPROCESS_VERSION "${Boost_VERSION_MAJOR} * 100000 + ${Boost_VERSION_MINOR} * 100")
endif()
math(EXPR minor "${IPCLAB_INTERPROCESS_VERSION} / 100 % 1000")
math(EXPR major "${IPCLAB_INTERPROCESS_VERSION} / 100000")
set(IPCLAB_INTERPROCESS_RELEASE "${major}.${minor}")

# One target carries everything a Boost.Interprocess user links. The code
# learns the release under test from IPCLAB_INTERPROCESS_VERSION (BOOST_VERSION
# is the installed release's, whichever Interprocess is under test).
add_library(ipclab_interprocess INTERFACE)
add_library(ipclab::interprocess ALIAS ipclab_interprocess)
if(IPCLAB_INTERPROCESS_INCLUDE)
  target_include_directories(ipclab_interprocess SYSTEM BEFORE INTERFACE ${IPCLAB_INTERPROCESS_INCLUDE})
endif()
target_compile_definitions(ipclab_interprocess INTERFACE IPCLAB_INTERPROCESS_VERSION=${IPCLAB_INTERPROCESS_VERSION})
target_link_libraries(ipclab_interprocess INTERFACE Boost::headers Threads::Threads
  $<$<BOOL:${IPCLAB_RT_LIBRARY}>:${IPCLAB_RT_LIBRARY}>)
