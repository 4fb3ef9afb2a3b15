// An in-process server on an ephemeral loopback port for HTTP tests; stopped on destruction.
#pragma once

#include <ecom/platform/http/server.hpp>

#include <cstdint>
#include <memory>

namespace ecom::test {

// Options suited to tests: loopback, port 0, small pools and short timeouts unless overridden.
[[nodiscard]] http::ServerOptions test_options();

class TestServer {
 public:
  explicit TestServer(http::Router router, http::ServerOptions options = test_options());
  ~TestServer();
  TestServer(const TestServer&) = delete;
  TestServer& operator=(const TestServer&) = delete;

  [[nodiscard]] std::uint16_t port() const noexcept { return port_; }
  [[nodiscard]] http::Server& server() noexcept { return *server_; }
  [[nodiscard]] metrics::Registry& metrics() noexcept { return *metrics_; }

 private:
  std::shared_ptr<metrics::Registry> metrics_;
  std::unique_ptr<http::Server> server_;
  std::uint16_t port_ = 0;
};

}  // namespace ecom::test
