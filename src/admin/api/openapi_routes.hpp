// The admin API's OpenAPI 3.1 description (openapi.json beside this file, embedded into the binary
// at build time by cmake/EcomOpenApi.cmake) and the route that serves it,
// GET /api/v1/admin/openapi.json. The route is public: a client learns how to sign in from it.
#pragma once

#include <ecom/platform/http/router.hpp>

#include <string_view>

namespace ecom::admin::api {

inline constexpr std::string_view kOpenApiPath = "/api/v1/admin/openapi.json";

// The document as checked in; the build fails when it is not valid JSON or not OpenAPI 3.1.
[[nodiscard]] std::string_view openapi_document() noexcept;

void add_routes(http::Router& router);

}  // namespace ecom::admin::api
