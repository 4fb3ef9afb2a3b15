# ecom_add_module(NAME <name> SOURCES ... DEPENDS ...)
# One library per module: include/ is the public surface, src/ stays private.
function(ecom_add_module)
  cmake_parse_arguments(M "" "NAME" "SOURCES;DEPENDS;PRIVATE_DEPENDS" ${ARGN})
  add_library(ecom_${M_NAME} STATIC ${M_SOURCES})
  add_library(ecom::${M_NAME} ALIAS ecom_${M_NAME})
  target_include_directories(ecom_${M_NAME} PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/include
                                            PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/src)
  target_link_libraries(ecom_${M_NAME} PUBLIC ${M_DEPENDS} PRIVATE ecom_build_flags ${M_PRIVATE_DEPENDS})
endfunction()

# --- linker ---------------------------------------------------------------------------------------
# Linking some forty test executables and four binaries is a large part of a build on 2 cores, and
# GNU ld is the slowest of the three linkers Debian has. mold (scripts/deps installs it), else lld,
# else the compiler's default. ECOM_LINKER=default|mold|lld chooses by hand.
set(ECOM_LINKER "auto" CACHE STRING "Linker: auto (mold, then lld, then the default), mold, lld or default")
if(NOT ECOM_LINKER STREQUAL "default")
  include(CheckLinkerFlag)
  set(_ecom_linkers mold lld)
  if(NOT ECOM_LINKER STREQUAL "auto")
    set(_ecom_linkers ${ECOM_LINKER})
  endif()
  foreach(_ecom_ld IN LISTS _ecom_linkers)
    check_linker_flag(CXX "-fuse-ld=${_ecom_ld}" ECOM_HAS_LD_${_ecom_ld})
    if(ECOM_HAS_LD_${_ecom_ld})
      add_link_options("-fuse-ld=${_ecom_ld}")
      message(STATUS "ecom: linking with ${_ecom_ld}")
      break()
    endif()
  endforeach()
endif()

# --- tests ----------------------------------------------------------------------------------------
# Every test file includes Catch2, and most include Boost.JSON or SOCI: a quarter of a test file's
# compile time is spent parsing those before a line of ours. They are precompiled once, in
# ecom_test_pch, and every test target reuses that header (REUSE_FROM) instead of building its
# own. The PCH target links what the tests link, so that its compile flags and definitions are
# theirs and GCC accepts the header for all of them.
option(ECOM_TEST_PCH "Precompile Catch2, Boost.JSON and SOCI for the test targets" ON)
# GCC 12 at -O1 reports std::string concatenations in test files as out of bounds once the header
# is precompiled (-Warray-bounds and -Wstringop-overflow false positives in libstdc++'s inlined
# memcpy, of the family of GCC bug 105329, fixed in GCC 13); off for the tests only, where ASan
# covers real overflows.
set(ECOM_PCH_WARNING_FLAGS "")
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  set(ECOM_PCH_WARNING_FLAGS -Wno-array-bounds -Wno-stringop-overflow)
endif()

function(_ecom_test_pch)
  if(TARGET ecom_test_pch)
    return()
  endif()
  add_library(ecom_test_pch STATIC ${PROJECT_SOURCE_DIR}/tests/support/pch.cpp)
  target_link_libraries(ecom_test_pch PRIVATE ecom_build_flags ecom::platform Catch2::Catch2 SOCI::core)
  target_precompile_headers(ecom_test_pch PRIVATE <catch2/catch.hpp> <boost/json.hpp> <soci/soci.h>)
  target_compile_options(ecom_test_pch PRIVATE ${ECOM_PCH_CCACHE_FLAGS})
endfunction()

# ecom_add_test(NAME <name> SOURCES ... DEPENDS ... [LABELS ...] [SERIAL] [NO_PCH])
# SERIAL: the tests stop or restart a shared server mid-test, so ctest runs them alone.
# NO_PCH: the target's compile definitions differ from the shared precompiled header's (GCC then
# says "cmake_pch.hxx.gch: not used because `X' is defined", an error with -Werror), for example
# hiredis's -D_FILE_OFFSET_BITS=64, or a module that does not link ecom::platform.
function(ecom_add_test)
  cmake_parse_arguments(T "SERIAL;NO_PCH" "NAME" "SOURCES;DEPENDS;LABELS" ${ARGN})
  add_executable(${T_NAME} ${T_SOURCES})
  target_link_libraries(${T_NAME} PRIVATE ecom_build_flags ecom_test_main ${T_DEPENDS})
  if(ECOM_TEST_PCH AND NOT T_NO_PCH)
    _ecom_test_pch()
    target_precompile_headers(${T_NAME} REUSE_FROM ecom_test_pch)
    target_compile_options(${T_NAME} PRIVATE ${ECOM_PCH_CCACHE_FLAGS} ${ECOM_PCH_WARNING_FLAGS})
  endif()
  if(T_SERIAL)
    catch_discover_tests(${T_NAME} PROPERTIES LABELS "${T_LABELS}" TIMEOUT 120 RUN_SERIAL TRUE)
  else()
    catch_discover_tests(${T_NAME} PROPERTIES LABELS "${T_LABELS}" TIMEOUT 120)
  endif()
endfunction()
