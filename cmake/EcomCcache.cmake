# ccache makes the second build (and CI's rebuilds) cheap on 2 cores.
find_program(ECOM_CCACHE ccache)
if(ECOM_CCACHE AND NOT CMAKE_CXX_COMPILER_LAUNCHER)
  set(CMAKE_CXX_COMPILER_LAUNCHER "${ECOM_CCACHE}")
endif()
