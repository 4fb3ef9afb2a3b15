// The storefront's catalog JSON API: product listing and detail, the category tree and one
// category. Every answer carries a strong ETag; If-None-Match gives 304.
#pragma once

#include <ecom/catalog/catalog.hpp>
#include <ecom/platform/http/router.hpp>

namespace ecom::storefront::catalog {

// service must outlive the router.
void add_routes(http::Router& router, ecom::catalog::CatalogService& service);

}  // namespace ecom::storefront::catalog
