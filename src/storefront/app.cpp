#include "app.hpp"

#include "account/pages.hpp"
#include "account/routes.hpp"
#include "api/openapi_routes.hpp"
#include "catalog/routes.hpp"
#include "home/routes.hpp"
#include "pages/routes.hpp"

#include <ecom/identity/config.hpp>
#include <ecom/mail/mailer.hpp>
#include <ecom/money/money.hpp>
#include <ecom/platform/http/query.hpp>
#include <ecom/platform/http/static_route.hpp>
#include <ecom/storage/media_route.hpp>
#include <ecom/storage/storage.hpp>

#include <algorithm>
#include <string_view>

namespace ecom::storefront {

void declare_config(config::Schema& schema) {
  schema.string("static.root", "web", "folder of static assets served under static.url_prefix")
      .string("static.url_prefix", "/static", "URL path where static assets are served")
      .string("shop.name", "ecom demo shop", "shop name shown on pages and in the API")
      .string("shop.currency", "EUR", "ISO 4217 code of the shop's default currency")
      .string("shop.base_url", "http://localhost:8080",
              "public origin of the shop, http(s)://host[:port] without a trailing slash: canonical URLs, sitemap")
      .string("templates.root", "web/storefront/templates", "folder of the storefront's *.mustache page templates");
  ecom::catalog::declare_config(schema);
  ecom::identity::declare_config(schema);
  ecom::mail::declare_config(schema);
  ecom::storage::declare_config(schema);
}

Settings settings_from(const config::Config& config) {
  Settings s{config.string("shop.name"),     config.string("shop.currency"),
             config.string("static.root"),   config.string("static.url_prefix"),
             config.string("shop.base_url"), ecom::storage::options_from(config).asset_base_url,
             config.string("templates.root")};
  if (!money::is_currency(s.currency)) {
    throw config::ConfigError("shop.currency: expected an active ISO 4217 currency code such as EUR, got \"" +
                              s.currency + "\"");
  }
  if (!s.static_prefix.starts_with('/') || s.static_prefix.ends_with('/') || s.static_prefix.size() < 2) {
    throw config::ConfigError("static.url_prefix: expected a path like \"/static\", got \"" + s.static_prefix + "\"");
  }
  if (!http::is_origin(s.base_url)) {
    throw config::ConfigError("shop.base_url: expected http(s)://host[:port] without a path or trailing slash, got \"" +
                              s.base_url + "\"");
  }
  s.media_root = config.string("storage.root");
  return s;
}

http::Router make_router(const Settings& settings, std::shared_ptr<const http::StaticFiles> files,
                         ecom::catalog::CatalogService& catalog_service,
                         std::shared_ptr<const web::Templates> templates, const AccountServices* accounts) {
  http::Router router;
  home::add_routes(router, settings);
  if (accounts != nullptr) {
    account::add_routes(router, accounts->customers, accounts->addresses);
  }
  catalog::add_routes(router, catalog_service, settings.assets_base_url);
  api::add_routes(router);
  if (templates) {
    const pages::Site site{settings.shop_name,
                           settings.currency,
                           settings.base_url,
                           settings.assets_base_url,
                           files->asset_url("storefront/app.css"),
                           files->asset_url("storefront/app.js")};
    if (accounts != nullptr) {
      account::add_pages(router, site, templates, accounts->customers, accounts->addresses);
    }
    pages::add_routes(router, site, std::move(templates), catalog_service,
                      accounts != nullptr ? &accounts->customers : nullptr);
  }
  if (settings.assets_base_url == storage::kLocalMediaUrl) {
    storage::mount_media(router, settings.media_root, std::string(storage::kLocalMediaUrl));
  }
  http::mount_favicon(router, files, "storefront/favicon.ico");
  http::mount_static(router, std::move(files), settings.static_prefix);
  return router;
}

}  // namespace ecom::storefront
