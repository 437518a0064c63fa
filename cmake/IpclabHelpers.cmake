# The small vocabulary the rest of the build is written in.

option(IPCLAB_PCH "Precompile the Boost.Interprocess headers once for every chapter and test" ON)
# GCC's variable tracking (exact locations of optimised locals, for gdb) takes a
# third of the compile time of these template-heavy units. RelWithDebInfo keeps
# -g (types, lines, backtraces) without it; the debug preset is for stepping.
option(IPCLAB_VAR_TRACKING "Let GCC track optimised variables for the debugger (slower builds)" OFF)
if(NOT IPCLAB_VAR_TRACKING AND CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  add_compile_options($<$<CONFIG:RelWithDebInfo>:-fno-var-tracking>)
endif()
set(IPCLAB_TEST_TIMEOUT 60 CACHE STRING "Default CTest timeout (seconds) of one test")
# Variables every test (and so every process it spawns) runs with, e.g. the
# sanitizer presets' ASAN_OPTIONS. A list of NAME=VALUE.
set(IPCLAB_TEST_ENVIRONMENT "" CACHE STRING "NAME=VALUE;... set for every test")

# ipclab_use_pch(target [FROM holder]): compile `target` with a shared
# precompiled header: the Boost.Interprocess headers of ipclab_pch
# (harness/CMakeLists.txt), or those plus GoogleTest's of another holder
# (tests/CMakeLists.txt), unless the build was configured with
# -DIPCLAB_PCH=OFF (to measure what it saves).
function(ipclab_use_pch target)
  cmake_parse_arguments(PARSE_ARGV 1 P "" "FROM" "")
  if(NOT P_FROM)
    set(P_FROM ipclab_pch)
  endif()
  if(IPCLAB_PCH)
    target_precompile_headers(${target} REUSE_FROM ${P_FROM})
  endif()
endfunction()

# add_chapter(NUMBER 01 TOPIC raw-memory SUMMARY "one line")
#
# Called from chapters/NN-topic/. Builds the chapter's lesson library
# (lesson.cpp: the steps tests call) and its program ipclab-chNN (main.cpp:
# the parent and child roles), and records the chapter in the catalog that
# `ipclab list/run/tour` and the tests read.
function(add_chapter)
  cmake_parse_arguments(PARSE_ARGV 0 CH "" "NUMBER;TOPIC;SUMMARY" "")
  set(lesson ch${CH_NUMBER}_lesson)
  add_library(${lesson} STATIC lesson.cpp)
  target_include_directories(${lesson} PUBLIC ${CMAKE_CURRENT_SOURCE_DIR})
  target_link_libraries(${lesson} PUBLIC ipclab::harness)
  ipclab_use_pch(${lesson})

  set(program ch${CH_NUMBER})
  add_executable(${program} main.cpp)
  set_target_properties(${program} PROPERTIES OUTPUT_NAME ipclab-ch${CH_NUMBER})
  target_link_libraries(${program} PRIVATE ${lesson})
  ipclab_use_pch(${program})

  set_property(GLOBAL APPEND PROPERTY IPCLAB_CHAPTERS
    "{\"${CH_NUMBER}\", \"${CH_TOPIC}\", \"${CH_SUMMARY}\", \"$<TARGET_FILE:${program}>\"}")
  set_property(GLOBAL APPEND PROPERTY IPCLAB_CHAPTER_TARGETS ${program})
  set_property(GLOBAL APPEND PROPERTY IPCLAB_CHAPTER_PAGES "| \\subpage ch${CH_NUMBER} | ${CH_SUMMARY} | `./ipclab run ${CH_NUMBER}` |")
endfunction()

# ipclab_add_exercises(MANIFEST)
#
# One exercise per row of the manifest (chapters/exercises.manifest): the
# starter program ipclab-exNN-starter, built with everything so that the suite
# can prove it compiles and fails its checks; the learner's program ipclab-exNN,
# built only by `ipclab verify` from build/learner/NN-topic.cpp (the verify
# command copies the learner's exercises/NN-topic.cpp there); two tests, the
# starter fails and the reference solution (the chapter program) passes; and a
# row of the catalog.
function(ipclab_add_exercises manifest)
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${manifest})
  file(STRINGS ${manifest} rows REGEX "^[0-9]")
  foreach(row IN LISTS rows)
    if(NOT row MATCHES "^([0-9][0-9])[ \t]+([^ \t]+)[ \t]*$")
      message(FATAL_ERROR "${manifest}: cannot read the row '${row}' (expected: NN CHECKS)")
    endif()
    set(number ${CMAKE_MATCH_1})
    set(checks ${CMAKE_MATCH_2})
    file(GLOB folder LIST_DIRECTORIES true ${PROJECT_SOURCE_DIR}/chapters/${number}-*)
    if(NOT IS_DIRECTORY "${folder}" OR NOT EXISTS ${folder}/exercise.cpp OR NOT EXISTS ${folder}/hint.md)
      message(FATAL_ERROR "${manifest}: exercise ${number} needs chapters/${number}-*/exercise.cpp and hint.md")
    endif()
    get_filename_component(folder_name ${folder} NAME)
    string(REGEX REPLACE "^[0-9]+-" "" topic ${folder_name})
    string(REPLACE "-" "_" suite ${topic})
    set(suite ch${number}_${suite}_test)

    add_executable(ex${number}_starter ${folder}/exercise.cpp)
    set_target_properties(ex${number}_starter PROPERTIES OUTPUT_NAME ipclab-ex${number}-starter)
    target_link_libraries(ex${number}_starter PRIVATE ch${number}_lesson)
    ipclab_use_pch(ex${number}_starter)

    set(staged ${PROJECT_BINARY_DIR}/learner/${folder_name}.cpp)
    if(NOT EXISTS ${staged})
      file(WRITE ${staged} "#include \"${folder}/exercise.cpp\"\n")  # until verify stages the learner's file
    endif()
    add_executable(ex${number} EXCLUDE_FROM_ALL ${staged})
    set_target_properties(ex${number} PROPERTIES OUTPUT_NAME ipclab-ex${number})
    target_link_libraries(ex${number} PRIVATE ch${number}_lesson)
    ipclab_use_pch(ex${number})

    set_property(GLOBAL APPEND PROPERTY IPCLAB_EXERCISES
      "{\"${number}\", \"${topic}\", \"${checks}\", \"${folder}/exercise.cpp\", \"${folder}/hint.md\", \"${staged}\", \"ex${number}\", \"$<TARGET_FILE:ex${number}>\", \"$<TARGET_FILE:${suite}>\"}")

    # The untouched starter fails at its first TODO; the reference solution passes.
    ipclab_add_test(NAME exercise_${number}_starter_fails LABELS exercise TIMEOUT 180
      COMMAND ipclab_cli verify ${number} --program $<TARGET_FILE:ex${number}_starter>
      PASS_REGEX "FAIL  exercise ${number} \\(${topic}\\): its run exited 1\n[^\n]*error: not done yet: TODO 1: ")
    ipclab_add_test(NAME exercise_${number}_solution_passes LABELS exercise TIMEOUT 180
      COMMAND ipclab_cli verify ${number} --program $<TARGET_FILE:ch${number}>)
  endforeach()
endfunction()

# Writes the chapter table (number, topic, summary, program path) as a C++
# source compiled into ipclab::catalog.
function(ipclab_write_catalog)
  get_property(rows GLOBAL PROPERTY IPCLAB_CHAPTERS)
  get_property(programs GLOBAL PROPERTY IPCLAB_CHAPTER_TARGETS)
  get_property(exercises GLOBAL PROPERTY IPCLAB_EXERCISES)
  list(JOIN rows ",\n    " rows)
  list(JOIN exercises ",\n    " exercises)
  set(source ${PROJECT_BINARY_DIR}/generated/catalog.cpp)
  file(GENERATE OUTPUT ${source} CONTENT
"// Generated by ipclab_write_catalog() from the add_chapter() calls. Do not edit.
#include \"harness/catalog.hpp\"
namespace ipclab::harness {
const std::vector<chapter_entry>& catalog() {
  static const std::vector<chapter_entry> chapters{
    ${rows}};
  return chapters;
}
const std::vector<exercise_entry>& exercises() {
  static const std::vector<exercise_entry> all{
    ${exercises}};
  return all;
}
const chapter_entry* find_chapter(std::string_view number) {
  const std::string wanted = number.size() == 1 ? \"0\" + std::string(number) : std::string(number);
  for (const auto& chapter : catalog())
    if (chapter.number == wanted) return &chapter;
  return nullptr;
}
const exercise_entry* find_exercise(std::string_view number) {
  const std::string wanted = number.size() == 1 ? \"0\" + std::string(number) : std::string(number);
  for (const auto& exercise : exercises())
    if (exercise.number == wanted) return &exercise;
  return nullptr;
}
}  // namespace ipclab::harness
")
  add_library(ipclab_catalog STATIC ${source})
  add_library(ipclab::catalog ALIAS ipclab_catalog)
  target_link_libraries(ipclab_catalog PUBLIC ipclab::harness)
  # Whoever reads the catalog runs the chapter programs: build them first.
  add_dependencies(ipclab_catalog ${programs})
endfunction()

# ipclab_add_gtest(NAME n SOURCES a.cpp... LIBRARIES l... LABELS l... [TIMEOUT s] [RESOURCE_LOCK r])
#
# One GoogleTest program, its cases discovered as CTest tests, each with labels,
# a timeout, and the /dev/shm sweep fixture around the whole suite.
function(ipclab_add_gtest)
  cmake_parse_arguments(PARSE_ARGV 0 T "" "NAME;TIMEOUT;RESOURCE_LOCK" "SOURCES;LIBRARIES;LABELS")
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT ${IPCLAB_TEST_TIMEOUT})
  endif()
  add_executable(${T_NAME} ${T_SOURCES})
  target_link_libraries(${T_NAME} PRIVATE ${T_LIBRARIES} ipclab::catalog GTest::gtest GTest::gtest_main)
  ipclab_use_pch(${T_NAME} FROM ipclab_test_support)
  gtest_discover_tests(${T_NAME}
    TEST_PREFIX "${T_NAME}."
    TEST_LIST ${T_NAME}_TESTS
    NO_PRETTY_VALUES
    DISCOVERY_TIMEOUT 30)
  # gtest_discover_tests' PROPERTIES flattens a list of labels, so the
  # properties are set by a script CTest runs after the discovered tests load.
  set(properties_script ${CMAKE_CURRENT_BINARY_DIR}/${T_NAME}_properties.cmake)
  file(WRITE ${properties_script}
"if(${T_NAME}_TESTS)
  set_tests_properties(\${${T_NAME}_TESTS} PROPERTIES
    LABELS \"${T_LABELS}\" TIMEOUT ${T_TIMEOUT} FIXTURES_REQUIRED ipclab_shm RESOURCE_LOCK \"${T_RESOURCE_LOCK}\"
    ENVIRONMENT \"${IPCLAB_TEST_ENVIRONMENT}\")
endif()
")
  set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES ${properties_script})
endfunction()

# ipclab_add_test(NAME n COMMAND ... LABELS l... [TIMEOUT s] [PASS_REGEX r])
# A plain command as a CTest test, with the same labels, timeout and fixture.
function(ipclab_add_test)
  cmake_parse_arguments(PARSE_ARGV 0 T "" "NAME;TIMEOUT;PASS_REGEX" "COMMAND;LABELS")
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT ${IPCLAB_TEST_TIMEOUT})
  endif()
  add_test(NAME ${T_NAME} COMMAND ${T_COMMAND})
  set_tests_properties(${T_NAME} PROPERTIES LABELS "${T_LABELS}" TIMEOUT ${T_TIMEOUT}
    FIXTURES_REQUIRED ipclab_shm ENVIRONMENT "${IPCLAB_TEST_ENVIRONMENT}")
  if(T_PASS_REGEX)
    set_tests_properties(${T_NAME} PROPERTIES PASS_REGULAR_EXPRESSION "${T_PASS_REGEX}")
  endif()
endfunction()
