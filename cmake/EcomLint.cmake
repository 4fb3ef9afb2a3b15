# Lint checks run by ctest (label "lint"), so `ctest --preset dev` and CI catch them like any test.
# `ctest --preset dev -L lint` runs only these; `-LE lint` skips them.

# Formatting: clang-format --dry-run --Werror over every C++ file (scripts/check-format --fix repairs).
add_test(NAME format_check COMMAND ${CMAKE_SOURCE_DIR}/scripts/check-format WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
set_tests_properties(format_check PROPERTIES LABELS lint TIMEOUT 120)

# clang-tidy over the .cpp files under src/ that include neither Boost.Beast nor Boost.Asio (see
# scripts/check-tidy for why), with this build's compile_commands.json, two files at a time.
# Measured: 88 files in 250 s on 2 cores with tests included, so test folders are left out now.
# Keep it under about 4 minutes; when the code base outgrows
# that, check only the files changed since main instead of dropping the test.
add_test(NAME tidy_check COMMAND ${CMAKE_SOURCE_DIR}/scripts/check-tidy ${CMAKE_BINARY_DIR}
         WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
# RUN_SERIAL: its two clang-tidy processes would otherwise compete with the timing-sensitive HTTP tests.
set_tests_properties(tidy_check PROPERTIES LABELS lint TIMEOUT 600 RUN_SERIAL TRUE)

# Module boundaries (scripts/check-architecture, rules in docs/architecture.md): private headers,
# front ends without SQL, each table named only by its module, layered acyclic dependencies.
add_test(NAME architecture_check COMMAND ${CMAKE_SOURCE_DIR}/scripts/check-architecture ${CMAKE_SOURCE_DIR}
         WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
set_tests_properties(architecture_check PROPERTIES LABELS lint TIMEOUT 60)
# The checker itself: the tree passes, and a copy with one planted violation of each rule fails
# naming that rule, file and line.
add_test(NAME architecture_check_test
         COMMAND ${CMAKE_SOURCE_DIR}/tests/architecture/check_architecture_test.py ${CMAKE_SOURCE_DIR}
         WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
set_tests_properties(architecture_check_test PROPERTIES LABELS lint TIMEOUT 300)

# Test names without ';': ctest would split such a name and never run the test.
add_test(NAME test_names_check COMMAND ${CMAKE_SOURCE_DIR}/scripts/check-test-names WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
set_tests_properties(test_names_check PROPERTIES LABELS lint TIMEOUT 60)
