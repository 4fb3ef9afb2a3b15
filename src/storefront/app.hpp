// The storefront application: its configuration keys and its routes, kept out of main() so that
// tests build the very same router.
#pragma once

#include <ecom/catalog/catalog.hpp>
#include <ecom/identity/addresses.hpp>
#include <ecom/identity/customers.hpp>
#include <ecom/platform/config.hpp>
#include <ecom/platform/http/router.hpp>
#include <ecom/platform/http/static_files.hpp>
#include <ecom/web/templates.hpp>

#include <memory>
#include <string>

namespace ecom::storefront {

struct Settings {
  std::string shop_name;
  std::string currency;  // ISO 4217
  std::string static_root;
  std::string static_prefix;
  std::string base_url = "http://localhost:8080";  // shop.base_url: canonical URLs, sitemap
  std::string assets_base_url = "/media";          // assets.base_url: product images
  std::string templates_root = "web/storefront/templates";
  std::string media_root = "var/media";  // storage.root: served under /media when assets.base_url is "/media"
};

// The identity services behind the account routes.
struct AccountServices {
  identity::CustomerService& customers;
  identity::AddressBook& addresses;
};

void declare_config(config::Schema& schema);
// Throws config::ConfigError on values the schema cannot check (a currency code's shape).
[[nodiscard]] Settings settings_from(const config::Config& config);
// catalog_service (and the account services) must outlive the router. Without templates (API-only
// tests) the HTML pages are not mounted; main() always loads them (web::Templates::load fails
// start-up on a broken one). Without accounts the account routes are not mounted (tests of other
// features); with both, the account pages are mounted and every page's header shows who is signed in.
[[nodiscard]] http::Router make_router(const Settings& settings, std::shared_ptr<const http::StaticFiles> files,
                                       ecom::catalog::CatalogService& catalog_service,
                                       std::shared_ptr<const web::Templates> templates = nullptr,
                                       const AccountServices* accounts = nullptr);

}  // namespace ecom::storefront
