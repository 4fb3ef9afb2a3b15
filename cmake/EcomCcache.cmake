# ccache makes the second build (and CI's rebuilds) cheap on 2 cores.
#
# The test targets use a precompiled header (cmake/EcomModule.cmake). ccache caches compilations
# that use one only with sloppiness pch_defines,time_macros (set here for every compile ccache
# runs, whatever the user's ccache.conf says) and, for GCC, -fpch-preprocess on the compiles that
# include it (ECOM_PCH_CCACHE_FLAGS, added by ecom_add_test).
find_program(ECOM_CCACHE ccache)
set(ECOM_PCH_CCACHE_FLAGS "")
if(ECOM_CCACHE AND NOT CMAKE_CXX_COMPILER_LAUNCHER)
  set(CMAKE_CXX_COMPILER_LAUNCHER "${CMAKE_COMMAND};-E;env;CCACHE_SLOPPINESS=pch_defines,time_macros;${ECOM_CCACHE}")
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    set(ECOM_PCH_CCACHE_FLAGS -fpch-preprocess)
  endif()
endif()
