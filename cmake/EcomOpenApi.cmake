# OpenAPI documents compiled into the binaries that serve them (the storefront's and the admin's),
# so that a binary needs no file beside it. Two uses of one file:
#
#   include(EcomOpenApi)  then  ecom_embed_openapi(TARGET t INPUT api/openapi.json
#                                                  NAMESPACE ecom::x::api::generated)
#     adds to target t a generated header openapi_document.hpp (on its private include path) that
#     defines NAMESPACE::kOpenApiDocument, remade whenever the document changes.
#
#   cmake -DINPUT=... -DOUTPUT=... -DNAMESPACE=... -DSOURCE_NAME=... -P EcomOpenApi.cmake
#     the build step itself. A document that is not valid JSON, or not OpenAPI 3.1, fails the
#     build here rather than at a client's first request.
if(NOT CMAKE_SCRIPT_MODE_FILE)
  function(ecom_embed_openapi)
    cmake_parse_arguments(arg "" "TARGET;INPUT;NAMESPACE" "" ${ARGN})
    if(NOT arg_TARGET OR NOT arg_INPUT OR NOT arg_NAMESPACE)
      message(FATAL_ERROR "ecom_embed_openapi: TARGET, INPUT and NAMESPACE are required")
    endif()
    set(script "${CMAKE_CURRENT_FUNCTION_LIST_FILE}")
    set(input "${CMAKE_CURRENT_SOURCE_DIR}/${arg_INPUT}")
    file(RELATIVE_PATH source_name "${PROJECT_SOURCE_DIR}" "${input}")
    set(generated_dir "${CMAKE_CURRENT_BINARY_DIR}/generated")
    set(output "${generated_dir}/openapi_document.hpp")
    add_custom_command(
      OUTPUT "${output}"
      COMMAND ${CMAKE_COMMAND} -DINPUT=${input} -DOUTPUT=${output} -DNAMESPACE=${arg_NAMESPACE}
              -DSOURCE_NAME=${source_name} -P ${script}
      DEPENDS "${input}" "${script}"
      COMMENT "Embedding ${source_name}"
      VERBATIM)
    target_sources(${arg_TARGET} PRIVATE "${output}")
    target_include_directories(${arg_TARGET} PRIVATE "${generated_dir}")
  endfunction()
  return()
endif()

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
set(header "// Generated from ${SOURCE_NAME} by cmake/EcomOpenApi.cmake: do not edit.
#pragma once

#include <string_view>

// 65,536 characters is the least a compiler must take in one literal; GCC and Clang take far more,
// and a document may be longer (clang-tidy's overlength-strings would refuse it otherwise).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored \"-Woverlength-strings\"

namespace ${NAMESPACE} {

inline constexpr std::string_view kOpenApiDocument = R\"openapi(${content})openapi\";

}  // namespace ${NAMESPACE}

#pragma GCC diagnostic pop
")
# Rewritten only when it changes, so that an unchanged document recompiles nothing.
file(WRITE "${OUTPUT}.tmp" "${header}")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.tmp")
