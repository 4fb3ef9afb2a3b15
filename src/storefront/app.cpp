#include "app.hpp"

#include "catalog/routes.hpp"
#include "home/routes.hpp"

#include <ecom/platform/http/static_route.hpp>

#include <algorithm>

namespace ecom::storefront {

void declare_config(config::Schema& schema) {
  schema.string("static.root", "web", "folder of static assets served under static.url_prefix")
      .string("static.url_prefix", "/static", "URL path where static assets are served")
      .string("shop.name", "ecom demo shop", "shop name shown on pages and in the API")
      .string("shop.currency", "EUR", "ISO 4217 code of the shop's default currency");
  ecom::catalog::declare_config(schema);
}

Settings settings_from(const config::Config& config) {
  Settings s{config.string("shop.name"), config.string("shop.currency"), config.string("static.root"),
             config.string("static.url_prefix")};
  if (s.currency.size() != 3 ||
      !std::all_of(s.currency.begin(), s.currency.end(), [](char c) { return c >= 'A' && c <= 'Z'; })) {
    throw config::ConfigError("shop.currency: expected an ISO 4217 code of three capital letters, got \"" + s.currency +
                              "\"");
  }
  if (!s.static_prefix.starts_with('/') || s.static_prefix.ends_with('/') || s.static_prefix.size() < 2) {
    throw config::ConfigError("static.url_prefix: expected a path like \"/static\", got \"" + s.static_prefix + "\"");
  }
  return s;
}

http::Router make_router(const Settings& settings, std::shared_ptr<const http::StaticFiles> files,
                         ecom::catalog::CatalogService& catalog_service) {
  http::Router router;
  home::add_routes(router, settings, files);
  catalog::add_routes(router, catalog_service);
  http::mount_static(router, std::move(files), settings.static_prefix);
  return router;
}

}  // namespace ecom::storefront
