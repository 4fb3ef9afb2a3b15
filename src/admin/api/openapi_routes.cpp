#include "api/openapi_routes.hpp"

#include "openapi_document.hpp"

#include <ecom/platform/http/etag.hpp>

#include <string>
#include <utility>

namespace ecom::admin::api {

std::string_view openapi_document() noexcept {
  return generated::kOpenApiDocument;
}

void add_routes(http::Router& router) {
  // A constant: the body and its tag are computed once and served from the I/O thread. Public, so
  // auth::protect leaves it as it is (inline, no session read).
  auto response = http::Response::json(200, std::string(openapi_document()));
  const std::string etag = http::strong_etag(response.body);
  response.headers.set("ETag", etag);
  // Revalidated on every use: a new binary may serve a new document under the same URL.
  response.headers.set("Cache-Control", "no-cache");
  router.get(
      std::string(kOpenApiPath),
      [response = std::move(response), etag](http::Request& request) {
        if (const auto header = request.header("If-None-Match"); header && http::if_none_match(*header, etag)) {
          auto not_modified = http::Response::empty(304);
          not_modified.headers.set("ETag", etag);
          not_modified.headers.set("Cache-Control", "no-cache");
          return not_modified;
        }
        return response;
      },
      http::RouteOptions{.execution = http::Execution::inline_io, .permission = std::string(http::kPublicRoute)});
}

}  // namespace ecom::admin::api
