# The small vocabulary the rest of the build is written in.

# The default build (Release): -O0 and no debug information for everything
# whose speed nobody measures: the chapters' programs, the exercises' starters
# and learners' programs, the tests and the ipclab program. GCC compiles these
# template-heavy units at -O0 in about three quarters of the time -O1 takes and
# two thirds of what -O2 takes, and debug information costs another sixth;
# GoogleTest names the file and line of a failed check, and the debug preset
# is the one to step through. The harness and the benchmarks, whose speed the
# benchmarks measure, take IPCLAB_MEASURED_BUILD_OPTIONS (-O2).
add_compile_options($<$<CONFIG:Release>:-O0> $<$<CONFIG:Release>:-g0>)
set(IPCLAB_MEASURED_BUILD_OPTIONS $<$<CONFIG:Release>:-O2>)
# gold, which comes with binutils, links the seventy-odd programs in about
# half the time of the default linker.
add_link_options($<$<CONFIG:Release>:-fuse-ld=gold>)

# The headers every chapter, tool and test precompiles once (IPCLAB_PCH):
# Boost.Interprocess dominates their compile time. The tests add GoogleTest's.
# boost_instances.hpp declares the segment's templates instantiated elsewhere.
set(IPCLAB_PCH_HEADERS
  <boost/interprocess/managed_shared_memory.hpp>
  "${PROJECT_SOURCE_DIR}/harness/boost_instances.hpp"
  <boost/interprocess/shared_memory_object.hpp>
  <boost/interprocess/mapped_region.hpp>
  <string> <string_view> <vector> <iostream> <sstream>)

# ipclab_use_pch(target [FROM holder]): compile `target` with a shared
# precompiled header, that of ipclab_pch (harness/CMakeLists.txt) or of
# another holder (tests/CMakeLists.txt), unless IPCLAB_PCH is OFF.
function(ipclab_use_pch target)
  cmake_parse_arguments(PARSE_ARGV 1 P "" "FROM" "")
  if(NOT P_FROM)
    set(P_FROM ipclab_pch)
  endif()
  if(IPCLAB_PCH)
    target_precompile_headers(${target} REUSE_FROM ${P_FROM})
  endif()
endfunction()

# ipclab_cxx_string(VAR value): `value` as a C++ string literal, quotes included.
# A semicolon becomes the escape \073, so that the literal stays one CMake list item.
function(ipclab_cxx_string var value)
  string(REPLACE "\\" "\\\\" value "${value}")
  string(REPLACE "\"" "\\\"" value "${value}")
  string(REPLACE ";" "\\073" value "${value}")
  set(${var} "\"${value}\"" PARENT_SCOPE)
endfunction()

# add_chapter(NN-topic [BENCHMARK target])
#
# One chapter, from its folder chapters/NN-topic/:
#   main.cpp      the program ipclab-chNN: its parent and child roles, the lesson
#   lesson.hpp    what the program and its tests share (header-only)
#   chapter.json  its metadata: title, summary, the Boost examples it rewrites,
#                 concepts, and, when it has an exercise, the chapter tests
#                 that check a learner's program ("exercise": {"checks": [...]})
#   chapter.md    its page (docs/make_pages.py adds the title, concepts and exercise)
#   hint.md       the hint of its exercise
# The exercise's starter is written from main.cpp by cmake/make_starter.py.
# The chapter joins the catalog the ipclab program and the tests read.
#
# A BENCHMARK chapter (08) has no roles and no exercise: its folder builds
# `target` itself; add_chapter() only gives it its page and its catalog row.
function(add_chapter folder)
  cmake_parse_arguments(PARSE_ARGV 1 CH "" "BENCHMARK" "")
  if(NOT folder MATCHES "^([0-9][0-9])-([a-z0-9-]+)$")
    message(FATAL_ERROR "add_chapter(${folder}): a chapter's folder is named NN-topic")
  endif()
  set(number ${CMAKE_MATCH_1})
  set(topic ${CMAKE_MATCH_2})
  set(dir ${CMAKE_CURRENT_SOURCE_DIR}/${folder})
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${dir}/chapter.json)
  file(READ ${dir}/chapter.json metadata)
  string(JSON title GET "${metadata}" title)
  string(JSON summary GET "${metadata}" summary)
  foreach(field number topic title summary dir)
    ipclab_cxx_string(${field}_literal "${${field}}")
  endforeach()
  set_property(GLOBAL APPEND PROPERTY IPCLAB_CHAPTER_FOLDERS ${dir})
  if(CH_BENCHMARK)
    if(TARGET ${CH_BENCHMARK})
      set_property(GLOBAL APPEND PROPERTY IPCLAB_CATALOG_CHAPTERS
        "{${number_literal}, ${topic_literal}, ${title_literal}, ${summary_literal}, ${dir_literal}, \"$<TARGET_FILE:${CH_BENCHMARK}>\", chapter_kind::benchmark}")
    endif()
    return()
  endif()

  set_property(GLOBAL APPEND PROPERTY IPCLAB_LESSON_FOLDERS ${dir})
  set(lesson ch${number}_lesson)
  add_library(${lesson} INTERFACE)
  target_include_directories(${lesson} INTERFACE ${dir})
  target_link_libraries(${lesson} INTERFACE ipclab::harness)

  set(program ch${number})
  add_executable(${program} ${dir}/main.cpp)
  set_target_properties(${program} PROPERTIES OUTPUT_NAME ipclab-ch${number})
  target_link_libraries(${program} PRIVATE ${lesson})
  ipclab_use_pch(${program})

  set_property(GLOBAL APPEND PROPERTY IPCLAB_CATALOG_CHAPTERS
    "{${number_literal}, ${topic_literal}, ${title_literal}, ${summary_literal}, ${dir_literal}, \"$<TARGET_FILE:${program}>\", chapter_kind::lesson}")
  set_property(GLOBAL APPEND PROPERTY IPCLAB_CHAPTER_TARGETS ${program})

  string(JSON checks_count ERROR_VARIABLE no_exercise LENGTH "${metadata}" exercise checks)
  if(no_exercise)
    return()
  endif()
  if(checks_count EQUAL 0 OR NOT EXISTS ${dir}/hint.md)
    message(FATAL_ERROR "${dir}/chapter.json: an exercise needs checks, and ${folder}/hint.md")
  endif()
  set(checks "")
  math(EXPR last "${checks_count} - 1")
  foreach(i RANGE ${last})
    string(JSON check GET "${metadata}" exercise checks ${i})
    ipclab_cxx_string(check "${check}")
    list(APPEND checks "${check}")
  endforeach()
  list(JOIN checks ", " checks)

  # The starter, written from main.cpp; the suite proves it compiles and fails.
  set(starter ${PROJECT_BINARY_DIR}/exercises/${folder}.cpp)
  add_custom_command(OUTPUT ${starter}
    COMMAND Python3::Interpreter ${PROJECT_SOURCE_DIR}/cmake/make_starter.py ${dir}/main.cpp ${number} ${title}
            ${starter}
    DEPENDS ${dir}/main.cpp ${PROJECT_SOURCE_DIR}/cmake/make_starter.py
    COMMENT "Writing the starter of exercise ${number} from ${folder}/main.cpp"
    VERBATIM)
  add_executable(ex${number}_starter ${starter})
  set_target_properties(ex${number}_starter PROPERTIES OUTPUT_NAME ipclab-ex${number}-starter)
  target_link_libraries(ex${number}_starter PRIVATE ${lesson})
  ipclab_use_pch(ex${number}_starter)

  # The learner's program, built only by `ipclab verify`, which stages the
  # learner's exercises/NN-topic.cpp here first.
  set(staged ${PROJECT_BINARY_DIR}/learner/${folder}.cpp)
  if(NOT EXISTS ${staged})
    file(WRITE ${staged} "#include \"${starter}\"\n")
  endif()
  add_executable(ex${number} EXCLUDE_FROM_ALL ${staged})
  set_target_properties(ex${number} PROPERTIES OUTPUT_NAME ipclab-ex${number})
  target_link_libraries(ex${number} PRIVATE ${lesson})
  add_dependencies(ex${number} ex${number}_starter)
  ipclab_use_pch(ex${number})

  string(REPLACE "-" "_" suite ${topic})
  foreach(field starter staged)
    ipclab_cxx_string(${field}_literal "${${field}}")
  endforeach()
  ipclab_cxx_string(hint_literal "${dir}/hint.md")
  set_property(GLOBAL APPEND PROPERTY IPCLAB_CATALOG_EXERCISES
    "{${number_literal}, ${topic_literal}, {${checks}}, ${starter_literal}, ${hint_literal}, ${staged_literal}, \"ex${number}\", \"$<TARGET_FILE:ex${number}>\", \"$<TARGET_FILE:ch${number}_${suite}_test>\"}")
  set_property(GLOBAL APPEND PROPERTY IPCLAB_EXERCISES ${number})
  set_property(GLOBAL APPEND PROPERTY IPCLAB_STARTERS ${starter})
endfunction()

# ipclab_write_catalog(): the data of the catalog (harness/catalog.cpp), one
# file of chapter rows and one of exercise rows, from the add_chapter() calls.
function(ipclab_write_catalog)
  foreach(kind CHAPTERS EXERCISES)
    get_property(rows GLOBAL PROPERTY IPCLAB_CATALOG_${kind})
    list(JOIN rows ",\n" rows)
    string(TOLOWER ${kind} name)
    file(GENERATE OUTPUT ${PROJECT_BINARY_DIR}/generated/ipclab/catalog_${name}.inc CONTENT
"// Written by ipclab_write_catalog() from chapters/*/chapter.json. Do not edit.
${rows}
")
  endforeach()
  get_property(programs GLOBAL PROPERTY IPCLAB_CHAPTER_TARGETS)
  add_dependencies(ipclab_catalog ${programs})  # whoever reads the catalog runs them
endfunction()

# ipclab_add_gtest(NAME n SOURCES a.cpp... LIBRARIES l... LABELS l... [TIMEOUT s] [RESOURCE_LOCK r [UNLOCKED regex]] [CLAIMS])
#
# One GoogleTest program, its cases discovered as CTest tests, each with labels,
# a timeout, and the /dev/shm sweep fixture around the whole suite. With
# CLAIMS, its tests name the claims they check (tests/claims.hpp): each test
# that names some also gets the labels `conformance` and its claim IDs. The
# tests whose names match UNLOCKED do not take the RESOURCE_LOCK.
function(ipclab_add_gtest)
  cmake_parse_arguments(PARSE_ARGV 0 T "CLAIMS" "NAME;TIMEOUT;RESOURCE_LOCK;UNLOCKED" "SOURCES;LIBRARIES;LABELS")
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
  set(claims "")
  if(T_CLAIMS)
    set_property(GLOBAL APPEND PROPERTY IPCLAB_CLAIMING_SOURCES ${T_SOURCES})
    set_property(GLOBAL APPEND PROPERTY IPCLAB_CLAIMING_TARGETS ${T_NAME})
    # A discovered test is BINARY.[INSTANCE/]Suite.Name[/PARAM]; its claims are those of Suite.Name.
    set(claims "
include(\"${IPCLAB_CLAIMS_LABELS}\")
foreach(test IN LISTS ${T_NAME}_TESTS)
  string(REGEX REPLACE \"^[^.]*\\\\.([^/.]*/)?([^/]*)(/.*)?$\" \"\\\\2\" name \"\${test}\")
  if(DEFINED \"ipclab_claims_\${name}\")
    set_tests_properties(\"\${test}\" PROPERTIES LABELS \"${T_LABELS};conformance;\${ipclab_claims_\${name}}\")
  endif()
endforeach()")
  endif()
  # The lock is set test by test: CTest keeps a lock that is set to "" later.
  if(NOT T_UNLOCKED)
    set(T_UNLOCKED "^$")  # matches no test's name
  endif()
  set(locks "
foreach(test IN LISTS ${T_NAME}_TESTS)
  if(NOT \"\${test}\" MATCHES \"${T_UNLOCKED}\")
    set_tests_properties(\"\${test}\" PROPERTIES RESOURCE_LOCK \"${T_RESOURCE_LOCK}\")
  endif()
endforeach()")
  # gtest_discover_tests' PROPERTIES flattens a list of labels, so the
  # properties are set by a script CTest runs after the discovered tests load.
  set(properties_script ${CMAKE_CURRENT_BINARY_DIR}/${T_NAME}_properties.cmake)
  file(WRITE ${properties_script}
"if(${T_NAME}_TESTS)
  set_tests_properties(\${${T_NAME}_TESTS} PROPERTIES
    LABELS \"${T_LABELS}\" TIMEOUT ${T_TIMEOUT} FIXTURES_REQUIRED ipclab_shm
    ENVIRONMENT \"${IPCLAB_TEST_ENVIRONMENT}\")${claims}${locks}
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
