// A real server on an ephemeral loopback port, spoken to over raw sockets.
#include "http_client.hpp"
#include "test_server.hpp"

#include <ecom/platform/error.hpp>

#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include <atomic>

using namespace ecom;
using test::Connection;
using test::fetch;

namespace {

http::Router basic_router() {
  http::Router r;
  r.get("/hello", [](http::Request&) { return http::Response::json(200, R"({"hello":"world"})"); });
  r.get("/items/{id}", [](http::Request& req) {
    return http::Response::json(200, "{\"id\":\"" + std::string(req.param("id")) + "\"}");
  });
  r.post("/echo", [](http::Request& req) { return http::Response::text(200, req.body); });
  r.get("/missing",
        [](http::Request&) -> http::Response { throw core::Error(core::ErrorCode::not_found, "No such thing."); });
  r.get("/boom", [](http::Request&) -> http::Response { throw std::runtime_error("secret internal detail"); });
  r.get("/client", [](http::Request& req) { return http::Response::text(200, req.client_ip); });
  r.get("/inline", [](http::Request&) { return http::Response::text(200, "inline"); },
        {.execution = http::Execution::inline_io, .permission = ""});
  return r;
}

}  // namespace

TEST_CASE("keep-alive serves several requests on one connection", "[http]") {
  test::TestServer s(basic_router());
  Connection c(s.port());
  for (int i = 0; i < 5; ++i) {
    c.send(test::build_request("GET", "/items/" + std::to_string(i)));
    auto res = c.read_response();
    CHECK(res.status == 200);
    CHECK(res.body == "{\"id\":\"" + std::to_string(i) + "\"}");
    CHECK(res.header("Connection").value_or("") != "close");
  }
}

TEST_CASE("pipelined requests are answered in order", "[http]") {
  test::TestServer s(basic_router());
  Connection c(s.port());
  std::string batch;
  for (int i = 0; i < 10; ++i) {
    // Alternate pool and inline handlers so that different paths must still keep the order.
    batch += test::build_request("GET", i % 2 == 0 ? "/items/" + std::to_string(i) : std::string("/inline"));
  }
  c.send(batch);
  for (int i = 0; i < 10; ++i) {
    auto res = c.read_response();
    REQUIRE(res.status == 200);
    CHECK(res.body == (i % 2 == 0 ? "{\"id\":\"" + std::to_string(i) + "\"}" : std::string("inline")));
  }
}

TEST_CASE("unknown paths get 404 and known paths with another method 405 with Allow", "[http]") {
  test::TestServer s(basic_router());
  auto nf = fetch(s.port(), "GET", "/nowhere");
  CHECK(nf.status == 404);
  CHECK(nf.header("Content-Type") == "application/problem+json");
  auto na = fetch(s.port(), "DELETE", "/hello");
  CHECK(na.status == 405);
  CHECK(na.header("Allow") == "GET, HEAD");
  auto doc = boost::json::parse(na.body).as_object();
  CHECK(doc.at("status").as_int64() == 405);
}

TEST_CASE("HEAD answers the GET headers without a body", "[http]") {
  test::TestServer s(basic_router());
  Connection c(s.port());
  c.send(test::build_request("HEAD", "/hello"));
  auto res = c.read_response(std::chrono::seconds(5), true);
  CHECK(res.status == 200);
  CHECK(res.header("Content-Length") == "17");
  // The next response on the connection must start right away: no stray body bytes.
  c.send(test::build_request("GET", "/hello"));
  CHECK(c.read_response().body == R"({"hello":"world"})");
}

TEST_CASE("domain errors become problem+json and exceptions a 500 without internals", "[http]") {
  test::TestServer s(basic_router());
  auto missing = fetch(s.port(), "GET", "/missing");
  CHECK(missing.status == 404);
  CHECK(boost::json::parse(missing.body).at("detail").as_string() == "No such thing.");

  auto boom = fetch(s.port(), "GET", "/boom");
  CHECK(boom.status == 500);
  CHECK(boom.header("Content-Type") == "application/problem+json");
  CHECK(boom.body.find("secret internal detail") == std::string::npos);
  // The process survived and still answers.
  CHECK(fetch(s.port(), "GET", "/hello").status == 200);

  auto html = fetch(s.port(), "GET", "/missing", {{"Accept", "text/html"}});
  CHECK(html.status == 404);
  CHECK(html.header("Content-Type") == "text/html; charset=utf-8");
  CHECK(html.body.find("No such thing.") != std::string::npos);
}

TEST_CASE("every answer carries a request id and the security headers", "[http]") {
  test::TestServer s(basic_router());
  auto res = fetch(s.port(), "GET", "/hello");
  auto id = res.header("X-Request-Id");
  REQUIRE(id.has_value());
  CHECK(id->size() == 32);
  CHECK(res.header("X-Content-Type-Options") == "nosniff");
  CHECK(res.header("Referrer-Policy") == "strict-origin-when-cross-origin");
  CHECK(res.header("Content-Security-Policy").value_or("").find("default-src 'self'") != std::string::npos);

  auto kept = fetch(s.port(), "GET", "/hello", {{"X-Request-Id", "client-abc.1"}});
  CHECK(kept.header("X-Request-Id") == "client-abc.1");
  auto replaced = fetch(s.port(), "GET", "/hello", {{"X-Request-Id", "bad id with spaces"}});
  CHECK(replaced.header("X-Request-Id") != "bad id with spaces");
  CHECK(replaced.header("X-Request-Id")->size() == 32);
}

TEST_CASE("CORS headers only for configured origins, preflight answered", "[http]") {
  auto options = test::test_options();
  options.dispatcher.cors_origins = {"https://shop.example"};
  test::TestServer s(basic_router(), options);
  auto allowed = fetch(s.port(), "GET", "/hello", {{"Origin", "https://shop.example"}});
  CHECK(allowed.header("Access-Control-Allow-Origin") == "https://shop.example");
  CHECK(allowed.header("Vary").value_or("").find("Origin") != std::string::npos);
  auto other = fetch(s.port(), "GET", "/hello", {{"Origin", "https://evil.example"}});
  CHECK_FALSE(other.header("Access-Control-Allow-Origin").has_value());
  auto preflight = fetch(s.port(), "OPTIONS", "/echo",
                         {{"Origin", "https://shop.example"}, {"Access-Control-Request-Method", "POST"}});
  CHECK(preflight.status == 204);
  CHECK(preflight.header("Access-Control-Allow-Methods") == "POST");
  CHECK(preflight.header("Access-Control-Allow-Origin") == "https://shop.example");
}

TEST_CASE("request bodies reach the handler", "[http]") {
  test::TestServer s(basic_router());
  auto res = fetch(s.port(), "POST", "/echo", {{"Content-Type", "text/plain"}}, "hello body");
  CHECK(res.status == 200);
  CHECK(res.body == "hello body");
}

TEST_CASE("X-Forwarded-For is used only behind a trusted proxy", "[http]") {
  {
    test::TestServer s(basic_router());
    CHECK(fetch(s.port(), "GET", "/client", {{"X-Forwarded-For", "198.51.100.7"}}).body == "127.0.0.1");
  }
  auto options = test::test_options();
  options.trusted_proxies = {"127.0.0.1"};
  test::TestServer s(basic_router(), options);
  CHECK(fetch(s.port(), "GET", "/client", {{"X-Forwarded-For", "198.51.100.7"}}).body == "198.51.100.7");
  // The client's forged field first, the proxy's own field after it: the walk sees both.
  CHECK(fetch(s.port(), "GET", "/client", {{"X-Forwarded-For", "6.6.6.6"}, {"X-Forwarded-For", "198.51.100.7"}}).body ==
        "198.51.100.7");
}

TEST_CASE("health, readiness and Prometheus metrics", "[http]") {
  test::TestServer s(basic_router());
  CHECK(fetch(s.port(), "GET", "/healthz").status == 200);
  CHECK(fetch(s.port(), "GET", "/readyz").status == 200);
  (void)fetch(s.port(), "GET", "/items/1");
  (void)fetch(s.port(), "GET", "/items/2");
  (void)fetch(s.port(), "GET", "/nowhere");
  auto m = fetch(s.port(), "GET", "/metrics");
  CHECK(m.status == 200);
  CHECK(m.header("Content-Type").value_or("").starts_with("text/plain; version=0.0.4"));
  // Route templates, not raw paths, label the series.
  CHECK(m.body.find(R"(http_requests_total{route="/items/{id}",method="GET",status="200"} 2)") != std::string::npos);
  CHECK(m.body.find(R"(route="unmatched",method="GET",status="404")") != std::string::npos);
  CHECK(m.body.find("/items/1") == std::string::npos);
  CHECK(m.body.find("http_request_duration_seconds_bucket{route=\"/items/{id}\",le=\"+Inf\"} 2") != std::string::npos);
  CHECK(m.body.find("http_open_connections ") != std::string::npos);
  CHECK(m.body.find("http_pool_queue_depth ") != std::string::npos);

  std::atomic<bool> ready{false};
  s.server().add_readiness_check("database", [&ready] { return ready.load(); });
  auto not_ready = fetch(s.port(), "GET", "/readyz");
  CHECK(not_ready.status == 503);
  CHECK(not_ready.body.find("database") != std::string::npos);
  ready = true;
  CHECK(fetch(s.port(), "GET", "/readyz").status == 200);
}

TEST_CASE("a header value with CR or LF never reaches the wire", "[http]") {
  http::Router r;
  r.get("/split", [](http::Request&) {
    auto res = http::Response::text(200, "ok");
    res.headers.add("X-Injected", "a\r\nSet-Cookie: stolen=1");
    res.headers.add("X-Fine", "yes");
    return res;
  });
  test::TestServer s(std::move(r));
  auto res = fetch(s.port(), "GET", "/split");
  CHECK(res.status == 200);
  CHECK_FALSE(res.header("Set-Cookie").has_value());
  CHECK_FALSE(res.header("X-Injected").has_value());
  CHECK(res.header("X-Fine") == "yes");
}

TEST_CASE("HTTP/1.0 clients get their connection closed unless they ask for keep-alive", "[http]") {
  test::TestServer s(basic_router());
  Connection c(s.port());
  c.send("GET /hello HTTP/1.0\r\n\r\n");
  auto res = c.read_response();
  CHECK(res.status == 200);
  CHECK(c.closed_by_peer(std::chrono::seconds(2)));

  Connection k(s.port());
  k.send("GET /hello HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
  CHECK(k.read_response().header("Connection") == "keep-alive");
  k.send("GET /hello HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
  CHECK(k.read_response().status == 200);
}

TEST_CASE("an optional dependency down reports degraded but stays ready", "[http]") {
  test::TestServer s(basic_router());
  std::atomic<bool> cache_up{false};
  s.server().add_readiness_check(
      "cache", [&cache_up] { return cache_up.load(); }, http::Server::Dependency::optional);
  auto res = fetch(s.port(), "GET", "/readyz");
  CHECK(res.status == 200);
  CHECK(res.body.find("degraded") != std::string::npos);
  CHECK(res.body.find("cache") != std::string::npos);
  cache_up = true;
  CHECK(fetch(s.port(), "GET", "/readyz").body == R"({"status":"ready"})");
}

TEST_CASE("metrics can be rendered after the server that registered gauges is gone", "[http]") {
  auto registry = std::make_shared<metrics::Registry>();
  {
    http::Server server(test::test_options(), http::Router{}, registry);
    server.start();
    server.stop();
  }
  // The gauges hold the pool weakly: a registry that outlives its server reads 0, not freed memory.
  auto text = registry->render();
  CHECK(text.find("http_pool_queue_depth 0\n") != std::string::npos);
  CHECK(text.find("http_pool_busy_threads 0\n") != std::string::npos);
}

TEST_CASE("a Host that is not allowed is refused before routing", "[http][hosts]") {
  test::TestServer s(basic_router());
  const auto port = std::to_string(s.port());
  auto request = [&](const std::string& head) {
    Connection c(s.port());
    c.send(head + "\r\n");
    auto res = c.read_response();
    return res;
  };
  // A rebinding page: its own name, resolved to 127.0.0.1.
  auto rebound = request("GET /hello HTTP/1.1\r\nHost: attacker.example:" + port + "\r\n");
  CHECK(rebound.status == 400);
  CHECK(rebound.header("Connection") == "close");
  CHECK(rebound.body.find("world") == std::string::npos);
  CHECK(request("GET /hello HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n").status == 200);
  CHECK(request("GET /hello HTTP/1.1\r\nHost: localhost:" + port + "\r\n").status == 200);
  CHECK(request("GET /hello HTTP/1.1\r\nHost: test\r\n").status == 200);
  // The absolute form's authority wins over the Host header.
  CHECK(request("GET http://attacker.example/hello HTTP/1.1\r\nHost: test\r\n").status == 400);
  CHECK(request("GET http://test/hello HTTP/1.1\r\nHost: attacker.example\r\n").status == 200);
  CHECK(request("GET /hello HTTP/1.1\r\n").status == 400);
  CHECK(request("GET /hello HTTP/1.1\r\nHost: test\r\nHost: attacker.example\r\n").status == 400);
  // Probes call by address: health stays answerable.
  CHECK(request("GET /healthz HTTP/1.1\r\nHost: 10.1.2.3:" + port + "\r\n").status == 200);
}

TEST_CASE("metrics and dependency names live on the operations listener only", "[http][ops]") {
  auto options = test::test_options();
  options.ops = http::ServerOptions::OpsListener{"127.0.0.1", 0};
  test::TestServer s(basic_router(), options);
  const auto ops = s.server().ops_port();
  REQUIRE(ops != 0);
  REQUIRE(ops != s.port());
  CHECK(fetch(s.port(), "GET", "/metrics").status == 404);
  auto m = fetch(ops, "GET", "/metrics");
  CHECK(m.status == 200);
  CHECK(m.body.find("http_requests_total") != std::string::npos);
  CHECK(fetch(ops, "GET", "/hello").status == 404);  // the shop's routes are not served there
  // Prometheus scrapes by whatever address it was given; the public port still checks Host.
  Connection scrape(ops);
  scrape.send("GET /metrics HTTP/1.1\r\nHost: 10.1.2.3:9090\r\n\r\n");
  CHECK(scrape.read_response().status == 200);

  std::atomic<bool> ready{false};
  s.server().add_readiness_check("database", [&ready] { return ready.load(); });
  auto public_ready = fetch(s.port(), "GET", "/readyz");
  CHECK(public_ready.status == 503);
  CHECK(public_ready.body.find("database") == std::string::npos);
  auto ops_ready = fetch(ops, "GET", "/readyz");
  CHECK(ops_ready.status == 503);
  CHECK(ops_ready.body.find("database") != std::string::npos);
  CHECK(fetch(s.port(), "GET", "/healthz").status == 200);
  ready = true;
  CHECK(fetch(s.port(), "GET", "/readyz").status == 200);
}

TEST_CASE("without an operations listener the main listener keeps metrics (in-process use)", "[http][ops]") {
  test::TestServer s(basic_router());
  CHECK(s.server().ops_port() == 0);
  CHECK(fetch(s.port(), "GET", "/metrics").status == 200);
}

TEST_CASE("security headers: form-action, HSTS when asked, Vary: Accept on error pages", "[http][security]") {
  {
    test::TestServer s(basic_router());
    auto ok = fetch(s.port(), "GET", "/hello");
    CHECK(ok.header("Content-Security-Policy").value_or("").find("form-action 'self'") != std::string::npos);
    CHECK_FALSE(ok.header("Strict-Transport-Security").has_value());
    // The error answer is an HTML page or problem+json depending on Accept: caches must know.
    auto missing = fetch(s.port(), "GET", "/missing", {{"Accept", "text/html"}});
    CHECK(missing.status == 404);
    CHECK(missing.header("Vary").value_or("").find("Accept") != std::string::npos);
    CHECK(fetch(s.port(), "GET", "/nowhere").header("Vary").value_or("").find("Accept") != std::string::npos);
  }
  auto options = test::test_options();
  options.dispatcher.strict_transport_security = true;
  test::TestServer s(basic_router(), options);
  CHECK(fetch(s.port(), "GET", "/hello").header("Strict-Transport-Security") == "max-age=63072000; includeSubDomains");
}

TEST_CASE("CORS with \"*\" answers \"*\" and never echoes the caller's origin", "[http][security]") {
  auto options = test::test_options();
  options.dispatcher.cors_origins = {"*"};
  test::TestServer s(basic_router(), options);
  auto any = fetch(s.port(), "GET", "/hello", {{"Origin", "https://evil.example"}});
  CHECK(any.header("Access-Control-Allow-Origin") == "*");
}
