// ecom-worker: runs the event-driven work. It relays the outbox to RabbitMQ and consumes the
// domain events (or, with no broker configured, dispatches the outbox in-process), and serves its
// health endpoints so that orchestration can probe it.
#include "consumers.hpp"

#include <ecom/db/database.hpp>
#include <ecom/db/health_probe.hpp>
#include <ecom/db/migrations.hpp>
#include <ecom/messaging/options.hpp>
#include <ecom/messaging/worker.hpp>
#include <ecom/platform/http/server.hpp>
#include <ecom/platform/process.hpp>

int main(int argc, char** argv) {
  using namespace ecom;
  using namespace std::chrono_literals;
  config::Schema schema;
  http::declare_server_config(schema, "127.0.0.1", 8082, 9092);
  db::declare_config(schema);
  messaging::declare_config(schema);
  return process::run(argc, argv, "ecom-worker", "background worker (outbox relay, event consumers)", std::move(schema),
                      [](const config::Config& config) {
                        auto messaging_options = messaging::options_from(config);
                        db::Database database(db::options_from(config));
                        // Consumers write to their modules' tables: refuse a schema that is behind, ahead or altered.
                        db::Migrator(database).verify();

                        auto metrics = std::make_shared<metrics::Registry>();
                        database.export_metrics(*metrics);
                        messaging::Worker worker(database, messaging_options, workers::consumers(), metrics);
                        http::Server server(http::server_options_from(config, "worker"), http::Router{}, metrics);
                        db::HealthProbe database_probe(database, 2s);
                        server.add_readiness_check("database", database_probe.readiness_check());
                        // A worker without its broker is alive and keeps the events safe in the outbox; restarting it
                        // would not bring the broker back, so the broker is an optional dependency.
                        server.add_readiness_check(
                            "messaging", [&worker] { return worker.healthy(); }, http::Server::Dependency::optional);
                        server.start();
                        worker.start();
                        server.run_until_signal();
                        // The HTTP side is down; now let the handlers finish their in-flight messages.
                        worker.stop();
                        return 0;
                      });
}
