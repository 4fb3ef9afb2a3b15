// The storefront application: its configuration keys and its routes, kept out of main() so that
// tests build the very same router.
#pragma once

#include <ecom/catalog/catalog.hpp>
#include <ecom/platform/config.hpp>
#include <ecom/platform/http/router.hpp>
#include <ecom/platform/http/static_files.hpp>

#include <memory>
#include <string>

namespace ecom::storefront {

struct Settings {
  std::string shop_name;
  std::string currency;  // ISO 4217
  std::string static_root;
  std::string static_prefix;
};

void declare_config(config::Schema& schema);
// Throws config::ConfigError on values the schema cannot check (a currency code's shape).
[[nodiscard]] Settings settings_from(const config::Config& config);
// catalog_service must outlive the router.
[[nodiscard]] http::Router make_router(const Settings& settings, std::shared_ptr<const http::StaticFiles> files,
                                       ecom::catalog::CatalogService& catalog_service);

}  // namespace ecom::storefront
