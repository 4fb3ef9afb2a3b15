// ecom-admin: staff run the shop from here.
#include "app.hpp"

#include <ecom/identity/config.hpp>
#include <ecom/identity/staff.hpp>
#include <ecom/platform/http/server.hpp>
#include <ecom/platform/process.hpp>
#include <ecom/runtime/infrastructure.hpp>

int main(int argc, char** argv) {
  using namespace ecom;
  config::Schema schema;
  // Loopback by default. Every route needs a staff session or an API key (auth::protect), so the
  // admin may listen beyond loopback, with staff.require_totp on (the production config).
  http::declare_server_config(schema, "127.0.0.1", 8081, 9091);
  runtime::declare_config(schema);
  admin::declare_config(schema);
  return process::run(argc, argv, "ecom-admin", "the admin portal and admin API", std::move(schema),
                      [](const config::Config& config) {
                        auto metrics = std::make_shared<metrics::Registry>();
                        runtime::Infrastructure infrastructure(config, metrics);
                        identity::PasswordHasher hasher(identity::hashing_options_from(config));
                        identity::StaffService staff(infrastructure.database(), hasher, infrastructure.cache(),
                                                     identity::staff_options_from(config));
                        admin::App app(config, infrastructure.database(), infrastructure.cache(), staff);
                        http::Server server(http::server_options_from(config, "admin"), app.make_router(), metrics);
                        infrastructure.add_readiness_checks(server);
                        server.start();
                        server.run_until_signal();
                        return 0;
                      });
}
