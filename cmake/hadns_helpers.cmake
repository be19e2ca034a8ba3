# One place that gives every hadns target its warnings, standard and
# sanitizers, so folders only say what they build and what they link.

set(HADNS_WARNINGS -Wall -Wextra -Wno-missing-field-initializers)

if(HADNS_SANITIZE)
  set(HADNS_SANITIZE_FLAGS -fsanitize=${HADNS_SANITIZE} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_compile_options(${HADNS_SANITIZE_FLAGS})
  add_link_options(${HADNS_SANITIZE_FLAGS})
endif()
if(HADNS_FUZZ)
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()

# Aggregate targets, so that tools/test builds only what a pass runs:
# hadns_tsan_tests (every test labelled tsan and what it starts) and
# hadns_fuzzers (every libFuzzer target).
add_custom_target(hadns_tsan_tests)
add_custom_target(hadns_fuzzers)

# hadns_library(NAME SOURCES ... LIBS ...)
function(hadns_library name)
  cmake_parse_arguments(A "" "" "SOURCES;LIBS" ${ARGN})
  add_library(${name} STATIC ${A_SOURCES})
  target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR})
  target_compile_options(${name} PRIVATE ${HADNS_WARNINGS})
  target_link_libraries(${name} PUBLIC ${A_LIBS})
endfunction()

# hadns_executable(NAME SOURCES ... LIBS ...)
function(hadns_executable name)
  cmake_parse_arguments(A "" "" "SOURCES;LIBS" ${ARGN})
  add_executable(${name} ${A_SOURCES})
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR})
  target_compile_options(${name} PRIVATE ${HADNS_WARNINGS})
  target_link_libraries(${name} PRIVATE ${A_LIBS})
endfunction()

# hadns_test(NAME SOURCES ... LIBS ... LABELS ...): a GoogleTest binary
# registered with ctest test by test.
function(hadns_test name)
  cmake_parse_arguments(A "" "" "SOURCES;LIBS;LABELS" ${ARGN})
  add_executable(${name} ${A_SOURCES})
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR})
  target_compile_options(${name} PRIVATE ${HADNS_WARNINGS})
  target_link_libraries(${name} PRIVATE ${A_LIBS} GTest::gtest GTest::gmock GTest::gtest_main)
  target_compile_definitions(${name} PRIVATE
    HADNS_SOURCE_DIR="${PROJECT_SOURCE_DIR}" HADNS_BINARY_DIR="${PROJECT_BINARY_DIR}")
  # gtest_discover_tests cannot carry a list-valued property: one label per
  # test binary (the given one, else "unit").
  set(label unit)
  if(A_LABELS)
    list(GET A_LABELS 0 label)
  endif()
  if("tsan" IN_LIST A_LABELS)
    add_dependencies(hadns_tsan_tests ${name})
  endif()
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60 PROPERTIES LABELS ${label})
endfunction()
