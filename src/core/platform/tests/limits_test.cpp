// The limits an edge proxy would otherwise enforce, and the execution model under saturation.
#include "eventually.hpp"
#include "gate.hpp"
#include "http_client.hpp"
#include "test_server.hpp"

#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include <atomic>
#include <thread>

using namespace ecom;
using namespace std::chrono_literals;
using test::Connection;
using test::fetch;

using ecom::test::eventually;

namespace {

http::Router echo_router() {
  http::Router r;
  r.post("/echo", [](http::Request& req) { return http::Response::text(200, std::to_string(req.body.size())); });
  r.get("/hello", [](http::Request&) { return http::Response::text(200, "hello"); });
  return r;
}

}  // namespace

TEST_CASE("a body over the limit gets 413 and the connection closes", "[limits]") {
  auto options = test::test_options();
  options.max_body_bytes = 1024;
  test::TestServer s(echo_router(), options);
  CHECK(fetch(s.port(), "POST", "/echo", {}, std::string(1024, 'x')).body == "1024");

  Connection declared(s.port());
  declared.send(test::build_request("POST", "/echo", {}, std::string(1025, 'x')));
  auto res = declared.read_response();
  CHECK(res.status == 413);
  CHECK(res.header("Content-Type") == "application/problem+json");
  CHECK(declared.closed_by_peer(2s));

  // Chunked bodies have no length up front: the limit applies while reading.
  Connection chunked(s.port());
  std::string chunk(1000, 'y');
  chunked.send("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n3e8\r\n" + chunk + "\r\n3e8\r\n" +
               chunk + "\r\n0\r\n\r\n");
  CHECK(chunked.read_response().status == 413);
}

TEST_CASE("a body on GET larger than its small limit gets 413 while POST keeps the large one", "[limits]") {
  test::TestServer s(echo_router());  // max_body_bytes 1 MiB, max_get_body_bytes 4 KiB
  const std::string big(200 * 1024, 'x');
  Connection declared(s.port());
  declared.send(test::build_request("GET", "/hello", {}, big));
  CHECK(declared.read_response().status == 413);
  CHECK(declared.closed_by_peer(2s));

  Connection chunked(s.port());
  std::string chunk(4000, 'y');
  chunked.send("GET /hello HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\nfa0\r\n" + chunk + "\r\nfa0\r\n" +
               chunk + "\r\n0\r\n\r\n");
  CHECK(chunked.read_response().status == 413);

  CHECK(fetch(s.port(), "GET", "/hello", {}, "small").status == 200);
  CHECK(fetch(s.port(), "POST", "/echo", {}, big).body == std::to_string(big.size()));
}

TEST_CASE("a header over the limit gets 431", "[limits]") {
  auto options = test::test_options();
  options.max_header_bytes = 4096;
  test::TestServer s(echo_router(), options);
  Connection c(s.port());
  c.send(test::build_request("GET", "/hello", {{"X-Big", std::string(8000, 'a')}}));
  auto res = c.read_response();
  CHECK(res.status == 431);
  CHECK(c.closed_by_peer(2s));
  CHECK(fetch(s.port(), "GET", "/hello").status == 200);
}

TEST_CASE("malformed HTTP gets 400 and the connection closes", "[limits]") {
  test::TestServer s(echo_router());
  for (std::string bad :
       {"GARBAGE\r\n\r\n", "GET /hello HTTP/1.1\r\nHost test\r\n\r\n", "GET /hello HTTP/9.9\r\nHost: t\r\n\r\n",
        "GET /%zz HTTP/1.1\r\nHost: t\r\n\r\n", "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: abc\r\n\r\n"}) {
    CAPTURE(bad);
    Connection c(s.port());
    c.send(bad);
    auto res = c.read_response();
    CHECK(res.status == 400);
    CHECK(c.closed_by_peer(2s));
  }
  CHECK(fetch(s.port(), "GET", "/hello").status == 200);
}

TEST_CASE("a Transfer-Encoding other than chunked gets 400 and the connection closes", "[limits]") {
  test::TestServer s(echo_router());
  // The smuggled request must never be answered: the connection closes after the 400.
  const std::string smuggled = "GET /hello HTTP/1.1\r\nHost: t\r\n\r\n";
  for (std::string coding : {"Transfer-Encoding: gzip\r\n", "Transfer-Encoding: chunked, gzip\r\n",
                             "Transfer-Encoding: chunked\r\nTransfer-Encoding: gzip\r\n",
                             // Chunked is the only coding decoded: a gzip body would reach handlers still compressed.
                             "Transfer-Encoding: gzip, chunked\r\n"}) {
    CAPTURE(coding);
    Connection c(s.port());
    c.send("POST /echo HTTP/1.1\r\nHost: t\r\n" + coding + "\r\n" + smuggled);
    auto res = c.read_response();
    CHECK(res.status == 400);
    CHECK(res.header("Connection") == "close");
    CHECK(c.closed_by_peer(2s));
  }
  for (std::string coding : {"chunked", "Chunked"}) {
    CAPTURE(coding);
    Connection c(s.port());
    c.send("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: " + coding + "\r\n\r\n5\r\nhello\r\n0\r\n\r\n");
    auto res = c.read_response();
    CHECK(res.status == 200);
    CHECK(res.body == "5");
  }
}

TEST_CASE("a slow client is cut off and cannot pin a connection", "[limits]") {
  auto options = test::test_options();
  options.read_header_timeout = 500ms;
  options.idle_timeout = 800ms;
  test::TestServer s(echo_router(), options);

  SECTION("a header that never completes") {
    Connection c(s.port());
    c.send("GET /hello HTTP/1.1\r\nHo");
    CHECK(c.closed_by_peer(3s));
  }
  SECTION("a header trickled one byte at a time (slow loris)") {
    Connection c(s.port());
    std::string req = test::build_request("GET", "/hello", {{"X-Pad", std::string(100, 'p')}});
    auto start = std::chrono::steady_clock::now();
    bool cut = false;
    for (std::size_t i = 0; i < req.size() && !cut; ++i) {  // bounded by the request length
      try {
        c.send(std::string_view(&req[i], 1));
      } catch (const test::TestError&) {
        cut = true;
      }
      if (!cut && c.closed_by_peer(100ms)) {
        cut = true;
      }
    }
    CHECK(cut);
    CHECK(std::chrono::steady_clock::now() - start < 3s);
  }
  SECTION("a connection that never sends anything") {
    Connection c(s.port());
    CHECK(c.closed_by_peer(3s));
  }
  SECTION("an idle keep-alive connection") {
    Connection c(s.port());
    c.send(test::build_request("GET", "/hello"));
    CHECK(c.read_response().status == 200);
    CHECK(c.closed_by_peer(3s));
  }
  CHECK(fetch(s.port(), "GET", "/hello").status == 200);
}

TEST_CASE("with every pool thread busy, /healthz answers at once and the queue is bounded", "[limits]") {
  auto gate = std::make_shared<test::Gate>();
  http::Router r;
  r.get("/slow", [gate](http::Request&) {
    gate->wait();
    return http::Response::text(200, "done");
  });
  auto options = test::test_options();
  options.pool_threads = 2;
  options.pool_queue = 2;
  test::TestServer s(std::move(r), options);

  std::vector<std::unique_ptr<Connection>> held;
  for (int i = 0; i < 4; ++i) {  // 2 running + 2 queued
    held.push_back(std::make_unique<Connection>(s.port()));
    held.back()->send(test::build_request("GET", "/slow"));
  }
  REQUIRE(gate->wait_entered(2));
  REQUIRE(eventually(
      [&] { return fetch(s.port(), "GET", "/metrics").body.find("http_pool_queue_depth 2\n") != std::string::npos; }));

  auto start = std::chrono::steady_clock::now();
  auto health = fetch(s.port(), "GET", "/healthz");
  CHECK(health.status == 200);
  CHECK(std::chrono::steady_clock::now() - start < 500ms);

  auto rejected = fetch(s.port(), "GET", "/slow");
  CHECK(rejected.status == 503);
  CHECK(rejected.header("Retry-After") == "1");
  CHECK(boost::json::parse(rejected.body).at("status").as_int64() == 503);

  gate->release();
  for (auto& c : held) {
    auto res = c->read_response();
    CHECK(res.status == 200);
    CHECK(res.body == "done");
  }
  CHECK(fetch(s.port(), "GET", "/metrics").body.find(R"(http_rejected_total{reason="pool_full"} 1)") !=
        std::string::npos);
}

TEST_CASE("connections beyond the maximum are refused and the server stays healthy", "[limits]") {
  auto options = test::test_options();
  options.max_connections = 2;
  test::TestServer s(echo_router(), options);
  auto a = std::make_unique<Connection>(s.port());
  Connection b(s.port());
  a->send(test::build_request("GET", "/hello"));
  CHECK(a->read_response().status == 200);
  b.send(test::build_request("GET", "/hello"));
  CHECK(b.read_response().status == 200);

  Connection third(s.port());
  auto refused = third.read_response();
  CHECK(refused.status == 503);
  CHECK(third.closed_by_peer(2s));

  a.reset();  // frees a slot
  CHECK(eventually([&] {
    try {
      return fetch(s.port(), "GET", "/hello").status == 200;
    } catch (const test::TestError&) {
      return false;
    }
  }));
}

TEST_CASE("no socket is leaked after errors, refusals and timeouts", "[limits]") {
  auto options = test::test_options();
  options.max_body_bytes = 16;
  options.read_header_timeout = 300ms;
  test::TestServer s(echo_router(), options);
  {
    Connection bad(s.port());
    bad.send("NONSENSE\r\n\r\n");
    (void)bad.read_response();
    Connection big(s.port());
    big.send(test::build_request("POST", "/echo", {}, std::string(100, 'x')));
    (void)big.read_response();
    Connection slow(s.port());
    slow.send("GET /hel");
    CHECK(slow.closed_by_peer(3s));
    Connection ok(s.port());
    ok.send(test::build_request("GET", "/hello"));
    (void)ok.read_response();
  }
  // Every connection above is closed on both sides: the server holds none of them.
  CHECK(eventually([&] { return s.metrics().open_connections() == 0; }));
}

TEST_CASE("connections beyond the per-address cap are refused, other addresses and freed slots are not", "[limits]") {
  auto options = test::test_options();
  options.max_connections_per_address = 2;
  test::TestServer s(echo_router(), options);
  auto a = std::make_unique<Connection>(s.port());
  Connection b(s.port());
  a->send(test::build_request("GET", "/hello"));
  CHECK(a->read_response().status == 200);
  b.send(test::build_request("GET", "/hello"));
  CHECK(b.read_response().status == 200);
  Connection third(s.port());
  CHECK(third.read_response().status == 503);
  CHECK(third.closed_by_peer(2s));
  a.reset();
  CHECK(eventually([&] {
    try {
      return fetch(s.port(), "GET", "/hello").status == 200;
    } catch (const test::TestError&) {
      return false;
    }
  }));

  // A trusted proxy carries many clients: it is never capped.
  auto proxied = test::test_options();
  proxied.max_connections_per_address = 1;
  proxied.trusted_proxies = {"127.0.0.1"};
  test::TestServer behind(echo_router(), proxied);
  Connection one(behind.port());
  Connection two(behind.port());
  one.send(test::build_request("GET", "/hello"));
  two.send(test::build_request("GET", "/hello"));
  CHECK(one.read_response().status == 200);
  CHECK(two.read_response().status == 200);
}

TEST_CASE("requests beyond the per-address rate get 429 with Retry-After, static files do not count", "[limits]") {
  http::Router router = echo_router();
  router.get("/static/{path...}", [](http::Request&) { return http::Response::text(200, "asset"); },
             {.execution = http::Execution::inline_io, .permission = "public", .rate_limited = false});
  auto options = test::test_options();
  options.dispatcher.rate_limit = http::RateLimit{60, 3};
  options.trusted_proxies = {"127.0.0.1"};
  test::TestServer s(std::move(router), options);
  for (int i = 0; i < 3; ++i) {
    CHECK(fetch(s.port(), "GET", "/hello").status == 200);
  }
  const auto limited = fetch(s.port(), "GET", "/hello");
  CHECK(limited.status == 429);
  CHECK(limited.header("Retry-After") == "1");
  CHECK(limited.header("Content-Type") == "application/problem+json");
  for (int i = 0; i < 5; ++i) {
    CHECK(fetch(s.port(), "GET", "/static/app.css").status == 200);
  }
  // Behind the trusted proxy each client has a bucket of its own.
  CHECK(fetch(s.port(), "GET", "/hello", {{"X-Forwarded-For", "198.51.100.7"}}).status == 200);
}
