// The storefront's shop-information endpoint. The home page itself is an HTML page like the
// others (pages/routes.hpp).
#pragma once

#include "app.hpp"

#include <ecom/platform/http/router.hpp>

namespace ecom::storefront::home {

void add_routes(http::Router& router, const Settings& settings);

}  // namespace ecom::storefront::home
