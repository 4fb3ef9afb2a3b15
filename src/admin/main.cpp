// ecom-admin: staff run the shop from here.
#include "home/routes.hpp"

#include <ecom/platform/http/server.hpp>
#include <ecom/platform/http/static_route.hpp>
#include <ecom/platform/process.hpp>

int main(int argc, char** argv) {
  using namespace ecom;
  config::Schema schema;
  // Loopback by default: the admin has no login yet.
  http::declare_server_config(schema, "127.0.0.1", 8081);
  schema.string("static.root", "web", "folder of static assets served under /static");
  int exit_code = 0;
  auto startup =
      process::start(argc, argv, "ecom-admin", "the admin portal and admin API", std::move(schema), exit_code);
  if (!startup) {
    return exit_code;
  }
  return http::serve_until_signal("ecom-admin", startup->config, "admin", [&] {
    auto files = http::StaticFiles::load(startup->config.string("static.root"), "/static");
    http::Router router;
    admin::home::add_routes(router, files);
    http::mount_static(router, files, "/static");
    return router;
  });
}
