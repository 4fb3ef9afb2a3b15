# Hardening of the optimised builds (release preset, RelWithDebInfo, MinSizeRel): fortified libc
# calls, stack canaries, full RELRO and position-independent executables, applied through
# ecom_build_flags (cmake/EcomWarnings.cmake) to every target of ours. The dev and asan builds are
# left as they are: _FORTIFY_SOURCE needs optimisation (and fights ASan), and changing their flags
# would throw away every worktree's compiler cache for no gain in a debug binary.
# scripts/check-hardening checks a built binary with readelf; docs/operations.md says how.
option(ECOM_HARDENING "Harden optimised builds (fortify, stack protector, RELRO, PIE)" ON)

if(ECOM_HARDENING AND NOT ECOM_SANITIZE AND NOT CMAKE_BUILD_TYPE MATCHES "^(Debug|)$")
  include(CheckPIESupported)
  check_pie_supported(OUTPUT_VARIABLE ecom_pie_output LANGUAGES CXX)
  if(NOT CMAKE_CXX_LINK_PIE_SUPPORTED)
    message(FATAL_ERROR "ECOM_HARDENING: the linker cannot produce PIE executables: ${ecom_pie_output}")
  endif()
  # With policy CMP0083 (NEW since CMake 3.14) this also links executables with -pie.
  set(CMAKE_POSITION_INDEPENDENT_CODE ON)
  # Level 2 rather than 3: GCC 12 supports 3, but 2 is what Debian builds its own packages with.
  # Undefined first, so that a toolchain that predefines another level does not warn.
  target_compile_options(ecom_build_flags INTERFACE -U_FORTIFY_SOURCE -D_FORTIFY_SOURCE=2
                                                    -fstack-protector-strong -fstack-clash-protection)
  target_link_options(ecom_build_flags INTERFACE -Wl,-z,relro,-z,now -Wl,-z,noexecstack)
  message(STATUS "ecom: hardened build (_FORTIFY_SOURCE=2, stack protector, full RELRO, PIE)")
endif()
