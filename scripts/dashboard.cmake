# One configuration of the conformance matrix, as a CTest dashboard run:
#
#   ctest -S scripts/dashboard.cmake,CONFIGURATION
#
# CONFIGURATION is one of
#   gcc         g++ against the installed Boost 1.81 (the default build)
#   clang-16    clang++-16 against the installed Boost 1.81
#   boost-1.74  g++ against Debian's Boost 1.74 Interprocess (downloaded and
#               unpacked, never installed: see the docs' Conformance page)
# It configures and builds build/dashboard/CONFIGURATION (or the folder
# IPCLAB_DASHBOARD_BUILD in the environment names), runs the conformance
# tests (label `conformance`; IPCLAB_DASHBOARD_TESTS=all runs every test)
# with their JUnit results in conformance-junit.xml, and submits to CDash
# when IPCLAB_CDASH_SUBMIT_URL is set in the environment, under the build name
# of the configuration (boost-1.74-gcc-12-debian-12). Without it nothing is
# sent: the results stay in the build folder's Testing/. `ipclab matrix` runs
# this script for each configuration but the one it is built in; a machine
# of a CI farm runs it once a configuration (docs/conformance.md says how).
cmake_minimum_required(VERSION 3.25)

set(configuration "${CTEST_SCRIPT_ARG}")
if(configuration STREQUAL "")
  set(configuration gcc)
endif()
get_filename_component(CTEST_SOURCE_DIRECTORY "${CMAKE_CURRENT_LIST_DIR}/.." ABSOLUTE)
if(DEFINED ENV{IPCLAB_DASHBOARD_BUILD})
  set(CTEST_BINARY_DIRECTORY "$ENV{IPCLAB_DASHBOARD_BUILD}")
else()
  set(CTEST_BINARY_DIRECTORY "${CTEST_SOURCE_DIRECTORY}/build/dashboard/${configuration}")
endif()
set(CTEST_CMAKE_GENERATOR Ninja)
set(CTEST_CONFIGURATION_TYPE Release)
cmake_host_system_information(RESULT CTEST_SITE QUERY HOSTNAME)

set(options -DCMAKE_BUILD_TYPE=Release -DIPCLAB_DOCS=OFF -DCMAKE_DISABLE_FIND_PACKAGE_benchmark=ON)
if(configuration STREQUAL "clang-16")
  list(APPEND options -DCMAKE_CXX_COMPILER=clang++-16)
elseif(configuration STREQUAL "boost-1.74")
  execute_process(COMMAND python3 ${CTEST_SOURCE_DIRECTORY}/tools/conformance.py boost-1.74 ${CTEST_BINARY_DIRECTORY}/..
                  OUTPUT_VARIABLE headers OUTPUT_STRIP_TRAILING_WHITESPACE RESULT_VARIABLE fetched)
  if(NOT fetched EQUAL 0)
    message(FATAL_ERROR "dashboard: Boost 1.74's headers could not be had (apt-get download libboost1.74-dev)")
  endif()
  list(APPEND options -DIPCLAB_INTERPROCESS_DIR=${headers})
elseif(NOT configuration STREQUAL "gcc")
  message(FATAL_ERROR "dashboard: unknown configuration '${configuration}' (gcc, clang-16 or boost-1.74)")
endif()

# Configure once first: the configuration names itself (conformance/configuration.json),
# and that name is the dashboard's build name.
execute_process(COMMAND ${CMAKE_COMMAND} -S ${CTEST_SOURCE_DIRECTORY} -B ${CTEST_BINARY_DIRECTORY} -G Ninja ${options}
                OUTPUT_QUIET RESULT_VARIABLE configured)
if(NOT configured EQUAL 0)
  message(FATAL_ERROR "dashboard: configuring ${CTEST_BINARY_DIRECTORY} failed")
endif()
file(READ ${CTEST_BINARY_DIRECTORY}/conformance/configuration.json about)
string(JSON CTEST_BUILD_NAME GET "${about}" name)

ctest_start(Experimental)
ctest_configure(OPTIONS "${options}")
ctest_build(RETURN_VALUE built NUMBER_ERRORS errors)
if(NOT built EQUAL 0 OR errors GREATER 0)
  message(SEND_ERROR "dashboard: ${CTEST_BUILD_NAME}: the build failed")
endif()
cmake_host_system_information(RESULT cores QUERY NUMBER_OF_LOGICAL_CORES)
if("$ENV{IPCLAB_DASHBOARD_TESTS}" STREQUAL "all")
  ctest_test(PARALLEL_LEVEL ${cores} OUTPUT_JUNIT conformance-junit.xml RETURN_VALUE tested)
else()
  ctest_test(INCLUDE_LABEL "^conformance$" PARALLEL_LEVEL ${cores} OUTPUT_JUNIT conformance-junit.xml
             RETURN_VALUE tested)
endif()
if(DEFINED ENV{IPCLAB_CDASH_SUBMIT_URL} AND NOT "$ENV{IPCLAB_CDASH_SUBMIT_URL}" STREQUAL "")
  set(CTEST_SUBMIT_URL "$ENV{IPCLAB_CDASH_SUBMIT_URL}")
  ctest_submit(RETURN_VALUE submitted)
  message(STATUS "dashboard: ${CTEST_BUILD_NAME} submitted to ${CTEST_SUBMIT_URL}")
else()
  message(STATUS "dashboard: ${CTEST_BUILD_NAME}: no IPCLAB_CDASH_SUBMIT_URL, nothing submitted")
endif()
message(STATUS "dashboard: ${CTEST_BUILD_NAME}: tests ${tested} (0: all passed), results in ${CTEST_BINARY_DIRECTORY}")
