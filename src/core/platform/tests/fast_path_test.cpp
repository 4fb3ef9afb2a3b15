// A route's fast path (FastHandler): answered on the I/O thread before the blocking handler, with
// the same headers, metrics and error mapping; a declined fast path leaves the handler to answer.
#include "eventually.hpp"
#include "gate.hpp"
#include "http_client.hpp"
#include "test_server.hpp"

#include <ecom/platform/error.hpp>
#include <ecom/platform/http/dispatcher.hpp>

#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include <atomic>
#include <thread>

using namespace ecom;
using namespace std::chrono_literals;
using test::Connection;
using test::fetch;

namespace {

struct Calls {
  std::atomic<int> fast{0};
  std::atomic<int> blocking{0};
};

// /p/{slug}: "hot" is answered by the fast path, "missing" and "boom" throw from it, anything else
// is declined and goes to the blocking handler, which waits at the gate when the slug is "slow".
http::Router fast_router(const std::shared_ptr<test::Gate>& gate, const std::shared_ptr<Calls>& calls) {
  http::Router r;
  r.get_with_fast_path(
      "/p/{slug}",
      [calls](http::Request& req) -> std::optional<http::Response> {
        ++calls->fast;
        if (req.param("slug") == "missing") {
          throw core::Error(core::ErrorCode::not_found, "No such product.");
        }
        if (req.param("slug") == "boom") {
          throw std::runtime_error("secret internal detail");
        }
        if (req.param("slug") != "hot") {
          return std::nullopt;
        }
        auto res = http::Response::text(200, "from memory");
        res.headers.set("Cache-Control", "no-cache");
        return res;
      },
      [gate, calls](http::Request& req) {
        ++calls->blocking;
        if (req.param("slug") == "slow") {
          gate->wait();
        }
        return http::Response::text(200, "from the pool");
      });
  return r;
}

}  // namespace

TEST_CASE("a fast path answers on the I/O thread while every pool thread is busy", "[http][fast]") {
  auto gate = std::make_shared<test::Gate>();
  auto calls = std::make_shared<Calls>();
  auto options = test::test_options();
  options.pool_threads = 1;
  options.pool_queue = 0;
  test::TestServer s(fast_router(gate, calls), options);

  // The only pool thread is held: a blocking answer is impossible until the gate opens.
  Connection held(s.port());
  held.send(test::build_request("GET", "/p/slow"));
  REQUIRE(gate->wait_entered(1));

  auto hot = fetch(s.port(), "GET", "/p/hot");
  CHECK(hot.status == 200);
  CHECK(hot.body == "from memory");
  // The same finishing as any answer: request id, security headers, the handler's own headers.
  CHECK(hot.header("X-Request-Id").value_or("").size() == 32);
  CHECK(hot.header("X-Content-Type-Options") == "nosniff");
  CHECK(hot.header("X-Frame-Options") == "DENY");
  CHECK(hot.header("Cache-Control") == "no-cache");
  Connection head(s.port());
  head.send(test::build_request("HEAD", "/p/hot"));
  auto head_res = head.read_response(5s, true);
  CHECK(head_res.status == 200);
  CHECK(head_res.header("Content-Length") == "11");
  CHECK(head_res.body.empty());

  // Declined: the blocking handler must run, and the full pool says so.
  auto cold = fetch(s.port(), "GET", "/p/cold");
  CHECK(cold.status == 503);
  CHECK(calls->blocking == 1);  // only the held request

  gate->release();
  CHECK(held.read_response().body == "from the pool");
  // The pool thread counts itself free just after its answer is handed over, so the answer can
  // arrive first: wait (bounded) until it is free, or the next request may find the pool full.
  test::require_eventually("the pool thread is free", [&] {
    return fetch(s.port(), "GET", "/metrics").body.find("http_pool_busy_threads 0\n") != std::string::npos;
  });
  auto after = fetch(s.port(), "GET", "/p/cold");
  CHECK(after.status == 200);
  CHECK(after.body == "from the pool");
  CHECK(calls->blocking == 2);
  CHECK(calls->fast == 5);  // slow, hot, HEAD hot, cold, cold: tried first every time

  const auto metrics = fetch(s.port(), "GET", "/metrics").body;
  // slow, hot, HEAD hot and the second cold: 200; the first cold: 503. One route label for both paths.
  CHECK(metrics.find(R"(http_requests_total{route="/p/{slug}",method="GET",status="200"} 3)") != std::string::npos);
  CHECK(metrics.find(R"(http_requests_total{route="/p/{slug}",method="HEAD",status="200"} 1)") != std::string::npos);
  CHECK(metrics.find(R"(http_requests_total{route="/p/{slug}",method="GET",status="503"} 1)") != std::string::npos);
}

TEST_CASE("errors thrown by a fast path are mapped like the handler's", "[http][fast]") {
  auto gate = std::make_shared<test::Gate>();
  auto calls = std::make_shared<Calls>();
  test::TestServer s(fast_router(gate, calls));
  auto missing = fetch(s.port(), "GET", "/p/missing");
  CHECK(missing.status == 404);
  CHECK(missing.header("Content-Type") == "application/problem+json");
  CHECK(boost::json::parse(missing.body).at("detail").as_string() == "No such product.");
  CHECK(missing.header("X-Request-Id").has_value());

  auto boom = fetch(s.port(), "GET", "/p/boom");
  CHECK(boom.status == 500);
  CHECK(boom.body.find("secret") == std::string::npos);
  // An answer from the fast path, error or not, never reaches the blocking handler.
  CHECK(calls->blocking == 0);
}

TEST_CASE("the dispatcher runs a fast path only where a route has one", "[http][fast]") {
  auto calls = std::make_shared<Calls>();
  auto router = fast_router(std::make_shared<test::Gate>(), calls);
  router.get("/plain", [](http::Request&) { return http::Response::text(200, "plain"); });
  http::Dispatcher dispatcher(std::move(router), {}, nullptr);

  http::Request plain;
  plain.method = http::Method::get;
  plain.path = "/plain";
  auto plan = dispatcher.route(plain);
  REQUIRE(plan.route != nullptr);
  CHECK_FALSE(dispatcher.invoke_fast(*plan.route, plain));

  http::Request hot;
  hot.method = http::Method::get;
  hot.path = "/p/hot";
  plan = dispatcher.route(hot);
  REQUIRE(plan.route != nullptr);
  auto answer = dispatcher.invoke_fast(*plan.route, hot);
  REQUIRE(answer);
  CHECK(answer->body == "from memory");

  http::Request cold;
  cold.method = http::Method::get;
  cold.path = "/p/cold";
  plan = dispatcher.route(cold);
  REQUIRE(plan.route != nullptr);
  CHECK_FALSE(dispatcher.invoke_fast(*plan.route, cold));
  CHECK(dispatcher.invoke(*plan.route, cold).body == "from the pool");
  CHECK(calls->fast == 2);
}
