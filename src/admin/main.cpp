// ecom-admin: staff run the shop from here.
#include "catalog/image_routes.hpp"
#include "catalog/routes.hpp"
#include "home/routes.hpp"
#include "pages/routes.hpp"

#include <ecom/catalog/admin.hpp>
#include <ecom/platform/http/server.hpp>
#include <ecom/platform/http/static_route.hpp>
#include <ecom/platform/process.hpp>
#include <ecom/runtime/infrastructure.hpp>

int main(int argc, char** argv) {
  using namespace ecom;
  config::Schema schema;
  // Loopback by default: the admin has no login yet.
  http::declare_server_config(schema, "127.0.0.1", 8081, 9091);
  runtime::declare_config(schema);
  schema.string("static.root", "web", "folder of static assets served under /static");
  admin::catalog::declare_image_config(schema);
  return process::run(
      argc, argv, "ecom-admin", "the admin portal and admin API", std::move(schema), [](const config::Config& config) {
        auto metrics = std::make_shared<metrics::Registry>();
        runtime::Infrastructure infrastructure(config, metrics);
        auto files = http::StaticFiles::load(config.string("static.root"), "/static");
        catalog::CatalogAdmin catalog_admin(infrastructure.database(), infrastructure.cache());
        http::Router router;
        admin::home::add_routes(router, files);
        admin::catalog::add_routes(router, catalog_admin);
        admin::catalog::ImageRoutes image_routes(config, infrastructure.database(), infrastructure.cache());
        image_routes.add_to(router);
        admin::pages::add_routes(router, config, files, catalog_admin, image_routes.service());
        http::mount_favicon(router, files, "admin/favicon.ico");
        http::mount_static(router, files, "/static");
        http::Server server(http::server_options_from(config, "admin"), std::move(router), metrics);
        infrastructure.add_readiness_checks(server);
        server.start();
        server.run_until_signal();
        return 0;
      });
}
