// Graceful shutdown: stop accepting, /readyz 503, in-flight requests finish within the bound.
#include "eventually.hpp"
#include "gate.hpp"
#include "http_client.hpp"
#include "test_server.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <future>
#include <memory>

using namespace ecom;
using namespace std::chrono_literals;
using test::Connection;

TEST_CASE("graceful shutdown lets an in-flight request finish and refuses new work", "[shutdown]") {
  test::Gate slow;  // holds /slow until released (bounded: 10 s)
  http::Router r;
  r.get("/slow", [&](http::Request&) {
    slow.wait();
    return http::Response::text(200, "finished");
  });
  r.get("/hello", [](http::Request&) { return http::Response::text(200, "hello"); });
  auto options = test::test_options();
  options.shutdown_timeout = 5s;
  // The half-sent request below must outlive the steps in between, however slow a loaded CI
  // machine makes them; header timeouts are tested elsewhere.
  options.read_header_timeout = 30s;
  test::TestServer s(std::move(r), options);

  Connection in_flight(s.port());
  in_flight.send(test::build_request("GET", "/slow"));
  Connection idle(s.port());
  idle.send(test::build_request("GET", "/hello"));
  REQUIRE(idle.read_response().status == 200);
  Connection late(s.port());
  // One whole request first, so the server has surely accepted this connection (one still in
  // the listen backlog would be reset when the listener closes).
  late.send(test::build_request("GET", "/hello"));
  REQUIRE(late.read_response().status == 200);
  late.send("GET /readyz HTTP/1.1\r\nHost: t\r\n");  // header not finished yet
  REQUIRE(slow.wait_entered(1));

  auto stopping = std::async(std::launch::async, [&] { s.server().stop(); });
  test::require_eventually("the server is draining", [&] { return s.server().draining(); });

  // The idle keep-alive connection is closed; new connections are no longer accepted.
  CHECK(idle.closed_by_peer(2s));
  bool refused = false;
  try {
    Connection fresh(s.port());
    fresh.send(test::build_request("GET", "/hello"));
    (void)fresh.read_response(1s);
  } catch (const test::TestError&) {
    refused = true;
  }
  CHECK(refused);

  // A request finishing on an existing connection sees the server not ready any more.
  late.send("\r\n");
  auto readyz = late.read_response();
  CHECK(readyz.status == 503);
  CHECK(readyz.header("Connection") == "close");

  CHECK(stopping.wait_for(100ms) == std::future_status::timeout);  // still waiting for /slow
  slow.release();
  auto res = in_flight.read_response();
  CHECK(res.status == 200);
  CHECK(res.body == "finished");
  CHECK(res.header("Connection") == "close");
  CHECK(stopping.wait_for(5s) == std::future_status::ready);
}

TEST_CASE("shutdown is bounded when a handler never finishes", "[shutdown]") {
  // Shared with the handler, whose pool thread the bounded stop leaves behind: it outlives the test
  // body if it must, and says when the handler has let go of it.
  struct Stuck {
    test::Gate gate;  // bounded: 10 s
    std::atomic<bool> left{false};
  };
  auto stuck = std::make_shared<Stuck>();
  http::Router r;
  r.get("/stuck", [stuck](http::Request&) {
    const auto keep = stuck;  // alive even if the router goes first
    keep->gate.wait();
    keep->left = true;
    return http::Response::text(200, "late");
  });
  auto options = test::test_options();
  options.shutdown_timeout = 300ms;
  test::TestServer s(std::move(r), options);
  Connection c(s.port());
  c.send(test::build_request("GET", "/stuck"));
  REQUIRE(stuck->gate.wait_entered(1));
  auto start = std::chrono::steady_clock::now();
  s.server().stop();
  auto took = std::chrono::steady_clock::now() - start;
  CHECK(took < 2s);
  stuck->gate.release();
  // The detached pool thread leaves the handler before the server it runs in goes away.
  test::require_eventually("the stuck handler returned", [&] { return stuck->left.load(); });
}
