// The storefront API's OpenAPI 3.1 description (openapi.json beside this file, embedded into the
// binary at build time) and the route that serves it, GET /api/v1/openapi.json.
#pragma once

#include <ecom/platform/http/router.hpp>

#include <string_view>

namespace ecom::storefront::api {

// The document as checked in; the build fails when it is not valid JSON or not OpenAPI 3.1.
[[nodiscard]] std::string_view openapi_document() noexcept;

void add_routes(http::Router& router);

}  // namespace ecom::storefront::api
