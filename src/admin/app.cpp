#include "app.hpp"

#include "api/openapi_routes.hpp"
#include "audit/routes.hpp"
#include "auth/guard.hpp"
#include "auth/routes.hpp"
#include "catalog/routes.hpp"
#include "pages/customer_pages.hpp"
#include "pages/identity_pages.hpp"
#include "pages/routes.hpp"
#include "pages/session_pages.hpp"
#include "staff/api_key_routes.hpp"
#include "staff/routes.hpp"

#include <ecom/identity/config.hpp>
#include <ecom/platform/http/static_files.hpp>
#include <ecom/platform/http/static_route.hpp>
#include <ecom/web/templates.hpp>

#include <filesystem>

namespace ecom::admin {

void declare_config(config::Schema& schema) {
  identity::declare_config(schema);
  identity::declare_staff_config(schema);
  schema.string("static.root", "web", "folder of static assets served under /static");
  schema.string("admin.base_url", "", "the admin's own URL (https://admin.example.com), for invitation links");
  schema.integer("admin.api_key_requests_per_minute", 600, 0, 1'000'000,
                 "requests one API key may make a minute (429 with Retry-After beyond); 0 = no limit");
  admin::catalog::declare_image_config(schema);
}

App::App(const config::Config& config, db::Database& db, cache::Cache& cache, identity::StaffService& staff)
    : config_(config), db_(db), staff_(staff), keys_(db), catalog_(db, cache), image_routes_(config, db, cache) {}

http::Router App::make_router() {
  const std::filesystem::path root = config_.string("static.root");
  auto files = http::StaticFiles::load(root, "/static");
  http::Router router;
  auth::add_routes(router, staff_);
  staff::add_routes(router, staff_, config_.string("admin.base_url"));
  staff::add_api_key_routes(router, keys_);
  audit::add_routes(router, db_);
  admin::catalog::add_routes(router, catalog_);
  image_routes_.add_to(router);
  pages::add_routes(router, config_, files, catalog_, image_routes_.service());
  const auto templates = web::Templates::load(root / "admin" / "templates");
  pages::add_session_routes(router, files, templates, staff_);
  pages::add_customer_routes(router, files, templates, db_);
  pages::add_identity_routes(router, files, templates,
                             pages::IdentityServices{staff_, keys_, db_, config_.string("admin.base_url")});
  http::mount_favicon(router, files, "admin/favicon.ico");
  http::mount_static(router, files, "/static");
  api::add_routes(router);
  // Last: the table is complete, and every route now needs its permission.
  const auto key_rate = static_cast<std::uint32_t>(config_.integer("admin.api_key_requests_per_minute"));
  auth::protect(router, staff_, staff::key_authenticator(keys_), http::RateLimit{key_rate, 0});
  return router;
}

}  // namespace ecom::admin
