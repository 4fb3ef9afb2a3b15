// ecom-storefront: customers browse and buy here.
#include "app.hpp"

#include <ecom/platform/http/server.hpp>
#include <ecom/platform/process.hpp>

int main(int argc, char** argv) {
  using namespace ecom;
  config::Schema schema;
  http::declare_server_config(schema, "0.0.0.0", 8080);
  storefront::declare_config(schema);
  int exit_code = 0;
  auto startup = process::start(argc, argv, "ecom-storefront", "the storefront (pages and JSON API)", std::move(schema),
                                exit_code);
  if (!startup) {
    return exit_code;
  }
  return http::serve_until_signal("ecom-storefront", startup->config, "storefront", [&] {
    auto settings = storefront::settings_from(startup->config);
    return storefront::make_router(settings, http::StaticFiles::load(settings.static_root, settings.static_prefix));
  });
}
