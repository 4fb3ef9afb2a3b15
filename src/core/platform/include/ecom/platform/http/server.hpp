// The HTTP server shared by ecom-storefront, ecom-admin and ecom-worker: Boost.Beast over Asio
// with C++20 coroutines, N I/O threads, a bounded pool for blocking handlers, limits that an edge
// proxy would otherwise enforce, a Host allow-list, /healthz and /readyz, /metrics on a loopback
// operations listener, and graceful shutdown.
#pragma once

#include <ecom/platform/config.hpp>
#include <ecom/platform/http/dispatcher.hpp>
#include <ecom/platform/http/router.hpp>
#include <ecom/platform/metrics.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace ecom::http {

struct ServerOptions {
  std::string name = "ecom";
  std::string address = "127.0.0.1";
  std::uint16_t port = 8080;   // 0 = ephemeral (tests)
  std::size_t io_threads = 0;  // 0 = one per core
  std::size_t pool_threads = 8;
  std::size_t pool_queue = 64;  // waiting blocking requests beyond the busy threads; then 503
  std::size_t max_header_bytes = 16 * 1024;
  std::size_t max_body_bytes = 1024 * 1024;
  // GET, HEAD, OPTIONS and DELETE: no route reads their body, so a large one is only load.
  std::size_t max_get_body_bytes = 4 * 1024;
  std::size_t max_connections = 10000;
  // Open connections from one client address (the socket's peer; trusted proxies are not
  // counted); beyond it a new one gets 503 and is closed. 0: no cap.
  std::size_t max_connections_per_address = 0;
  std::chrono::milliseconds read_header_timeout{10'000};  // from the first byte to the end of the header
  std::chrono::milliseconds body_timeout{30'000};         // to read the whole body
  std::chrono::milliseconds idle_timeout{60'000};         // a keep-alive connection waiting for a request
  std::chrono::milliseconds write_timeout{30'000};
  std::chrono::milliseconds shutdown_timeout{10'000};  // in-flight requests get this long to finish
  std::vector<std::string> trusted_proxies;
  // Names this server answers to besides localhost, 127.0.0.1 and [::1] (see AllowedHosts); any
  // other Host is 400 before routing, except on /healthz and /readyz, which probes call by address.
  std::vector<std::string> allowed_hosts;
  // The operations listener: /metrics and /readyz with the names of failing dependencies, for
  // Prometheus and operators, on loopback by default, never on the public port. The main listener
  // then keeps /healthz and a /readyz without names for probes and load balancers. nullopt (the
  // in-process tests): everything stays on the main listener. server_options_from always sets it.
  struct OpsListener {
    std::string address = "127.0.0.1";
    std::uint16_t port = 0;  // 0 = ephemeral (tests)
  };
  std::optional<OpsListener> ops;
  DispatcherOptions dispatcher;
};

// Declares the http.* keys (with per-binary defaults for address, port and the operations
// listener's port) and reads them back.
void declare_server_config(config::Schema& schema, std::string_view default_address, std::int64_t default_port,
                           std::int64_t default_ops_port);
[[nodiscard]] ServerOptions server_options_from(const config::Config& config, std::string name);

class Server {
 public:
  Server(ServerOptions options, Router router, std::shared_ptr<metrics::Registry> metrics);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // /readyz answers 503 while a required check returns false, and 200 "degraded" while only
  // optional ones do (the cache: slower, not broken). Checks run on the I/O thread, so they must
  // not block: read state that a background probe keeps current (see db::HealthProbe).
  enum class Dependency { required, optional };
  void add_readiness_check(std::string name, std::function<bool()> check, Dependency dependency = Dependency::required);

  // Binds and starts the I/O threads and the pool; returns the bound port. Throws std::system_error
  // when the address cannot be bound.
  std::uint16_t start();
  // Graceful stop: /readyz turns 503, the listener closes, idle connections close, in-flight
  // requests get shutdown_timeout to finish, then everything stops. Safe to call from any thread,
  // more than once. Returns after every thread has joined.
  void stop();
  // Blocks until a signal (SIGTERM, SIGINT) arrives, then stop()s. For main(), under process::run
  // (which blocks those signals before any thread starts, so none is lost or fatal).
  void run_until_signal();

  [[nodiscard]] std::uint16_t port() const noexcept;
  // The operations listener's bound port; 0 when there is none.
  [[nodiscard]] std::uint16_t ops_port() const noexcept;
  [[nodiscard]] bool draining() const noexcept;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ecom::http
