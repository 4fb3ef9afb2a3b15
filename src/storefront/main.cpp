// ecom-storefront: customers browse and buy here.
#include "app.hpp"

#include <ecom/identity/config.hpp>
#include <ecom/mail/mailer.hpp>
#include <ecom/platform/http/server.hpp>
#include <ecom/platform/process.hpp>
#include <ecom/runtime/infrastructure.hpp>

int main(int argc, char** argv) {
  using namespace ecom;
  config::Schema schema;
  http::declare_server_config(schema, "0.0.0.0", 8080, 9090);
  runtime::declare_config(schema);
  storefront::declare_config(schema);
  return process::run(
      argc, argv, "ecom-storefront", "the storefront (pages and JSON API)", std::move(schema),
      [](const config::Config& config) {
        auto settings = storefront::settings_from(config);
        auto metrics = std::make_shared<metrics::Registry>();
        runtime::Infrastructure infrastructure(config, metrics);
        catalog::CatalogService catalog_service(infrastructure.database(), infrastructure.cache(),
                                                catalog::options_from(config));
        identity::PasswordHasher hasher(identity::hashing_options_from(config));
        // Reset and verification links leave from the mailer's own thread, never the request's.
        const auto mailer = mail::make_mailer(mail::options_from(config));
        identity::AccountMail account_mail;
        account_mail.mailer = mailer.get();
        account_mail.base_url = settings.base_url;
        account_mail.shop_name = settings.shop_name;
        identity::CustomerService customers(
            infrastructure.database(), hasher, infrastructure.cache(),
            identity::CustomerOptions{
                identity::customer_sessions_from(config), identity::throttle_rules_from(config), {}, account_mail});
        identity::AddressBook addresses(infrastructure.database());
        const storefront::AccountServices accounts{customers, addresses};
        auto files = http::StaticFiles::load(settings.static_root, settings.static_prefix);
        auto templates = web::Templates::load(settings.templates_root);
        auto server_options = http::server_options_from(config, "storefront");
        server_options.allowed_hosts.push_back(settings.base_url);  // the shop's own name
        server_options.dispatcher.strict_transport_security = settings.base_url.starts_with("https://");
        http::Server server(
            std::move(server_options),
            storefront::make_router(settings, std::move(files), catalog_service, std::move(templates), &accounts),
            metrics);
        infrastructure.add_readiness_checks(server);
        server.start();
        server.run_until_signal();
        return 0;
      });
}
