// Graceful shutdown: stop accepting, /readyz 503, in-flight requests finish within the bound.
#include "http_client.hpp"
#include "test_server.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <future>
#include <thread>

using namespace ecom;
using namespace std::chrono_literals;
using test::Connection;

TEST_CASE("graceful shutdown lets an in-flight request finish and refuses new work", "[shutdown]") {
  std::atomic<bool> entered{false};
  std::atomic<bool> release{false};
  http::Router r;
  r.get("/slow", [&](http::Request&) {
    entered = true;
    for (int i = 0; i < 500 && !release; ++i) {  // bounded: at most 5 s
      std::this_thread::sleep_for(10ms);
    }
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
  for (int i = 0; i < 500 && !entered; ++i) {
    std::this_thread::sleep_for(10ms);
  }
  REQUIRE(entered);

  auto stopping = std::async(std::launch::async, [&] { s.server().stop(); });
  for (int i = 0; i < 500 && !s.server().draining(); ++i) {
    std::this_thread::sleep_for(10ms);
  }
  REQUIRE(s.server().draining());

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
  release = true;
  auto res = in_flight.read_response();
  CHECK(res.status == 200);
  CHECK(res.body == "finished");
  CHECK(res.header("Connection") == "close");
  CHECK(stopping.wait_for(5s) == std::future_status::ready);
}

TEST_CASE("shutdown is bounded when a handler never finishes", "[shutdown]") {
  std::atomic<bool> release{false};
  http::Router r;
  r.get("/stuck", [&](http::Request&) {
    for (int i = 0; i < 1000 && !release; ++i) {  // bounded: at most 10 s
      std::this_thread::sleep_for(10ms);
    }
    return http::Response::text(200, "late");
  });
  auto options = test::test_options();
  options.shutdown_timeout = 300ms;
  test::TestServer s(std::move(r), options);
  Connection c(s.port());
  c.send(test::build_request("GET", "/stuck"));
  std::this_thread::sleep_for(100ms);
  auto start = std::chrono::steady_clock::now();
  s.server().stop();
  auto took = std::chrono::steady_clock::now() - start;
  CHECK(took < 2s);
  release = true;
  std::this_thread::sleep_for(50ms);  // let the detached pool thread leave the handler before `release` dies
}
