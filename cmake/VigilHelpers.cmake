# Build helpers shared by every folder: plugins, unit tests, e2e tests, fuzzers, benchmarks.
# Each component registers itself with these so that the top level never needs editing.

# Warnings-as-errors for code written here (not for generated or third-party code).
function(vigil_strict target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Werror -Wno-unused-parameter
                         -Wshadow -Wstrict-prototypes -Wmissing-prototypes)
endfunction()

# vigil_plugin(NAME SOURCES ... [LIBS ...] [INCLUDES ...])
# A dlopen-able plugin: build/plugins/lib<NAME>.so, installed to the plugin directory.
function(vigil_plugin name)
  cmake_parse_arguments(P "" "" "SOURCES;LIBS;INCLUDES" ${ARGN})
  add_library(${name} MODULE ${P_SOURCES})
  vigil_strict(${name})
  target_link_libraries(${name} PRIVATE vigil_sdk ${P_LIBS})
  target_include_directories(${name} PRIVATE ${P_INCLUDES})
  set_target_properties(${name} PROPERTIES
    LIBRARY_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/plugins
    PREFIX "lib")
  install(TARGETS ${name} LIBRARY DESTINATION ${VIGIL_PLUGIN_DIR})
endfunction()

# vigil_unit_test(NAME SOURCES ... [LIBS ...]): a Criterion executable registered with ctest
# under the "unit" label. Criterion prints its own "Synthesis" closing line.
function(vigil_unit_test name)
  cmake_parse_arguments(T "" "" "SOURCES;LIBS;INCLUDES" ${ARGN})
  add_executable(${name} ${T_SOURCES})
  vigil_strict(${name})
  target_link_libraries(${name} PRIVATE ${CRITERION_LIBRARIES} ${T_LIBS})
  target_include_directories(${name} PRIVATE ${CRITERION_INCLUDE_DIRS} ${T_INCLUDES})
  add_test(NAME ${name} COMMAND ${name} --jobs 1 WORKING_DIRECTORY ${CMAKE_BINARY_DIR})
  set_tests_properties(${name} PROPERTIES LABELS unit
    ENVIRONMENT "VIGIL_BUILD_DIR=${CMAKE_BINARY_DIR};VIGIL_SOURCE_DIR=${CMAKE_SOURCE_DIR};VIGIL_SHARED_DIR=${VIGIL_SHARED_DIR}")
endfunction()

# vigil_e2e_test(NAME COMMAND ...): drives the real binary; label "e2e". Exit code 77 = skipped.
function(vigil_e2e_test name)
  cmake_parse_arguments(T "" "TIMEOUT" "COMMAND" ${ARGN})
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 300)
  endif()
  add_test(NAME ${name} COMMAND ${T_COMMAND} WORKING_DIRECTORY ${CMAKE_BINARY_DIR})
  set_tests_properties(${name} PROPERTIES LABELS e2e SKIP_RETURN_CODE 77 TIMEOUT ${T_TIMEOUT}
    ENVIRONMENT "VIGIL_BUILD_DIR=${CMAKE_BINARY_DIR};VIGIL_SOURCE_DIR=${CMAKE_SOURCE_DIR};VIGIL_SHARED_DIR=${VIGIL_SHARED_DIR};VIGIL_BIN=$<TARGET_FILE:vigil>")
endfunction()

# vigil_fuzzer(NAME SOURCES ... [LIBS ...] [CORPUS dir]): a libFuzzer target
# (LLVMFuzzerTestOneInput). With VIGIL_FUZZ=ON and clang it links -fsanitize=fuzzer; otherwise it
# links a small replay main so the target still builds and runs its seed corpus as a "fuzz" test.
function(vigil_fuzzer name)
  cmake_parse_arguments(F "" "CORPUS" "SOURCES;LIBS;INCLUDES" ${ARGN})
  add_executable(${name} ${F_SOURCES})
  vigil_strict(${name})
  target_link_libraries(${name} PRIVATE ${F_LIBS})
  target_include_directories(${name} PRIVATE ${F_INCLUDES})
  if(VIGIL_FUZZ)
    target_compile_options(${name} PRIVATE -fsanitize=fuzzer)
    target_link_options(${name} PRIVATE -fsanitize=fuzzer)
  else()
    target_sources(${name} PRIVATE ${PROJECT_SOURCE_DIR}/tests/fuzz/replay_main.c)
  endif()
  if(F_CORPUS)
    add_test(NAME ${name} COMMAND ${name} ${F_CORPUS})
    set_tests_properties(${name} PROPERTIES LABELS fuzz)
  endif()
endfunction()

# vigil_bench(NAME SOURCES ... [LIBS ...]): built only by the "bench" target, never run by ctest.
function(vigil_bench name)
  cmake_parse_arguments(B "" "" "SOURCES;LIBS;INCLUDES" ${ARGN})
  add_executable(${name} EXCLUDE_FROM_ALL ${B_SOURCES})
  vigil_strict(${name})
  target_link_libraries(${name} PRIVATE ${B_LIBS})
  target_include_directories(${name} PRIVATE ${B_INCLUDES})
  add_dependencies(bench ${name})
endfunction()

# Adds every immediate subfolder of the current folder that has a CMakeLists.txt.
macro(vigil_add_subdirs)
  file(GLOB _children LIST_DIRECTORIES true RELATIVE ${CMAKE_CURRENT_SOURCE_DIR} ${CMAKE_CURRENT_SOURCE_DIR}/*)
  list(SORT _children)
  foreach(_child ${_children})
    if(IS_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}/${_child} AND EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/${_child}/CMakeLists.txt)
      add_subdirectory(${_child})
    endif()
  endforeach()
endmacro()
