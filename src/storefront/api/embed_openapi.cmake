# Turns the OpenAPI document into a C++ header so that the storefront binary is self-contained.
# Run at build time: cmake -DINPUT=openapi.json -DOUTPUT=openapi_document.hpp -P embed_openapi.cmake
# A document that is not valid JSON, or not OpenAPI 3.1, fails the build here rather than at a
# client's first request.
file(READ "${INPUT}" content)
string(JSON version ERROR_VARIABLE json_error GET "${content}" openapi)
if(json_error)
  message(FATAL_ERROR "${INPUT}: not a valid OpenAPI document: ${json_error}")
endif()
if(NOT version MATCHES "^3\\.1\\.[0-9]+$")
  message(FATAL_ERROR "${INPUT}: \"openapi\" must be 3.1.x, got \"${version}\"")
endif()
# The raw string literal ends at )openapi"; the document must not contain that sequence.
string(FIND "${content}" ")openapi\"" delimiter_at)
if(NOT delimiter_at EQUAL -1)
  message(FATAL_ERROR "${INPUT}: contains )openapi\" which would end the embedded string early")
endif()
set(header "// Generated from src/storefront/api/openapi.json by embed_openapi.cmake: do not edit.
#pragma once

#include <string_view>

namespace ecom::storefront::api::generated {

inline constexpr std::string_view kOpenApiDocument = R\"openapi(${content})openapi\";

}  // namespace ecom::storefront::api::generated
")
# Rewritten only when it changes, so that an unchanged document recompiles nothing.
file(WRITE "${OUTPUT}.tmp" "${header}")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.tmp")
