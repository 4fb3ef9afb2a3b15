#include "test_server.hpp"

#include <ecom/platform/log.hpp>

namespace ecom::test {

http::ServerOptions test_options() {
  http::ServerOptions o;
  o.name = "test";
  o.address = "127.0.0.1";
  o.port = 0;
  o.io_threads = 2;
  o.pool_threads = 2;
  o.pool_queue = 2;
  o.read_header_timeout = std::chrono::milliseconds(1000);
  o.idle_timeout = std::chrono::milliseconds(2000);
  o.body_timeout = std::chrono::milliseconds(1000);
  o.shutdown_timeout = std::chrono::milliseconds(3000);
  o.dispatcher.access_log = false;
  o.allowed_hosts = {"test", "t"};  // what test::build_request and the raw-socket tests send
  return o;
}

TestServer::TestServer(http::Router router, http::ServerOptions options)
    : metrics_(std::make_shared<metrics::Registry>()),
      server_(std::make_unique<http::Server>(std::move(options), std::move(router), metrics_)) {
  port_ = server_->start();
}

TestServer::~TestServer() {
  server_->stop();
}

}  // namespace ecom::test
