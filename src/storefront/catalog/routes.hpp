// The storefront's catalog JSON API: product listing and detail, the category tree and one
// category. Every answer carries a strong ETag; If-None-Match gives 304.
#pragma once

#include <ecom/catalog/catalog.hpp>
#include <ecom/platform/http/router.hpp>

#include <string>

namespace ecom::storefront::catalog {

// service must outlive the router.
// asset_base_url (assets.base_url) turns image paths into the URLs the JSON shows.
void add_routes(http::Router& router, ecom::catalog::CatalogService& service,
                const std::string& asset_base_url = "/media");

}  // namespace ecom::storefront::catalog
