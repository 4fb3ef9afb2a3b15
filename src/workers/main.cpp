// ecom-worker: consumes domain events and runs the background work. Until the messaging core
// lands it only serves its health endpoints, so that orchestration can already probe it.
#include <ecom/platform/http/server.hpp>
#include <ecom/platform/process.hpp>

int main(int argc, char** argv) {
  using namespace ecom;
  config::Schema schema;
  http::declare_server_config(schema, "127.0.0.1", 8082);
  int exit_code = 0;
  auto startup = process::start(argc, argv, "ecom-worker", "background worker (event consumers, reports)",
                                std::move(schema), exit_code);
  if (!startup) {
    return exit_code;
  }
  return http::serve_until_signal("ecom-worker", startup->config, "worker", [] { return http::Router{}; });
}
