// The admin's whole route table, assembled once: what main() serves, and what the role-matrix
// test walks (auth/guard_test.cpp), so the test sees every route a shop does.
#pragma once

#include "catalog/image_routes.hpp"

#include <ecom/cache/cache.hpp>
#include <ecom/catalog/admin.hpp>
#include <ecom/db/database.hpp>
#include <ecom/identity/api_keys.hpp>
#include <ecom/identity/staff.hpp>
#include <ecom/platform/config.hpp>
#include <ecom/platform/http/router.hpp>

#include <optional>

namespace ecom::admin {

// The admin's own keys (static.root, admin.base_url, the image keys, staff.*, identity.*); the
// server's and the infrastructure's are declared by main().
void declare_config(config::Schema& schema);

class App {
 public:
  // db, cache and staff must outlive the App; the App must outlive the router it makes.
  App(const config::Config& config, db::Database& db, cache::Cache& cache, identity::StaffService& staff);

  // Every route, each behind its permission (auth::protect). Call once. Throws
  // std::invalid_argument when a route's permission is missing or unknown, web::TemplateError for
  // a broken template.
  [[nodiscard]] http::Router make_router();

 private:
  const config::Config& config_;
  db::Database& db_;
  identity::StaffService& staff_;
  identity::ApiKeyService keys_;
  ecom::catalog::CatalogAdmin catalog_;
  admin::catalog::ImageRoutes image_routes_;
};

}  // namespace ecom::admin
