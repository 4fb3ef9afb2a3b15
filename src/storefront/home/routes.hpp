// The storefront's home page and its shop-information endpoint. The catalog pages replace the
// home page's placeholder body once the catalog module exists.
#pragma once

#include "app.hpp"

#include <ecom/platform/http/router.hpp>
#include <ecom/platform/http/static_files.hpp>

#include <memory>

namespace ecom::storefront::home {

void add_routes(http::Router& router, const Settings& settings, std::shared_ptr<const http::StaticFiles> files);

}  // namespace ecom::storefront::home
