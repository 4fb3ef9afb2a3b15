#include "api/openapi_routes.hpp"

#include "openapi_document.hpp"

#include <ecom/platform/http/etag.hpp>

#include <string>
#include <utility>

namespace ecom::storefront::api {

std::string_view openapi_document() noexcept {
  return generated::kOpenApiDocument;
}

void add_routes(http::Router& router) {
  // A constant: the body and its tag are computed once and served from the I/O thread.
  auto response = http::Response::json(200, std::string(openapi_document()));
  const std::string etag = http::strong_etag(response.body);
  response.headers.set("ETag", etag);
  router.get(
      "/api/v1/openapi.json",
      [response = std::move(response), etag](http::Request& request) {
        if (const auto header = request.header("If-None-Match"); header && http::if_none_match(*header, etag)) {
          auto not_modified = http::Response::empty(304);
          not_modified.headers.set("ETag", etag);
          return not_modified;
        }
        return response;
      },
      http::RouteOptions{.execution = http::Execution::inline_io, .permission = ""});
}

}  // namespace ecom::storefront::api
