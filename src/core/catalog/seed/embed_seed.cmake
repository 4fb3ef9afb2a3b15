# Turns the demo catalog's data (demo_catalog.json) into a C++ header, so that ecomctl seed needs
# no file beside it. Run at build time:
#   cmake -DINPUT=demo_catalog.json -DOUTPUT=demo_catalog.hpp -P embed_seed.cmake
# A file that is not valid JSON, or lacks a part the seed draws from, fails the build here.
file(READ "${INPUT}" content)
foreach(key adjectives brands colours qualities uses departments)
  string(JSON length ERROR_VARIABLE json_error LENGTH "${content}" ${key})
  if(json_error)
    message(FATAL_ERROR "${INPUT}: not a valid demo catalog: ${json_error}")
  endif()
  if(length EQUAL 0)
    message(FATAL_ERROR "${INPUT}: \"${key}\" must not be empty")
  endif()
endforeach()
# The raw string literal ends at )seed"; the data must not contain that sequence.
string(FIND "${content}" ")seed\"" delimiter_at)
if(NOT delimiter_at EQUAL -1)
  message(FATAL_ERROR "${INPUT}: contains )seed\" which would end the embedded string early")
endif()
set(header "// Generated from src/core/catalog/seed/demo_catalog.json by embed_seed.cmake: do not edit.
#pragma once

#include <string_view>

namespace ecom::catalog::generated {

inline constexpr std::string_view kDemoCatalog = R\"seed(${content})seed\";

}  // namespace ecom::catalog::generated
")
# Rewritten only when it changes, so that unchanged data recompiles nothing.
file(WRITE "${OUTPUT}.tmp" "${header}")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.tmp")
