# Warnings and sanitizers applied to every target of ours through ecom_target_defaults().
add_library(ecom_build_flags INTERFACE)
target_compile_options(ecom_build_flags INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast -Wcast-align
  -Wunused -Woverloaded-virtual -Wconversion -Wsign-conversion
  -Wdouble-promotion -Wformat=2 -Wimplicit-fallthrough)
if(ECOM_WERROR)
  target_compile_options(ecom_build_flags INTERFACE -Werror)
endif()
if(ECOM_SANITIZE)
  # vptr checks need the typeinfo of every polymorphic class they meet; Debian's SOCI libraries do
  # not export it for their backend classes, so linking would fail.
  target_compile_options(ecom_build_flags INTERFACE -fsanitize=address,undefined -fno-sanitize=vptr
                                                    -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  target_link_options(ecom_build_flags INTERFACE -fsanitize=address,undefined -fno-sanitize=vptr)
endif()
# Asio: use the std coroutine support, and no deprecated interfaces.
target_compile_definitions(ecom_build_flags INTERFACE BOOST_ASIO_NO_DEPRECATED BOOST_ASIO_HAS_CO_AWAIT
                                                      BOOST_JSON_NO_LIB BOOST_URL_NO_LIB)
# GCC 12's -Wrestrict reports std::string::assign inlined at -O2/-O3 as an overlapping memcpy:
# a libstdc++ false positive (GCC bug 105329), fixed in GCC 13. Only the optimised builds need it
# (and clang-tidy, which reads the dev build's flags, does not know the option).
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  target_compile_options(ecom_build_flags INTERFACE $<$<CONFIG:Release,RelWithDebInfo,MinSizeRel>:-Wno-restrict>)
endif()
