#include <ecom/platform/http/router.hpp>

#include <catch2/catch.hpp>

using ecom::http::Match;
using ecom::http::Method;
using ecom::http::Request;
using ecom::http::Response;
using ecom::http::Router;

namespace {

ecom::http::Handler tag(int n) {
  return [n](Request&) { return Response::text(200, std::to_string(n)); };
}

std::string run(const Match& m) {
  Request r;
  return m.route->handler(r).body;
}

}  // namespace

TEST_CASE("router matches literal paths and extracts parameters", "[router]") {
  Router r;
  r.get("/api/v1/products", tag(1));
  r.get("/api/v1/products/{slug}", tag(2));
  r.get("/api/v1/categories/{slug}/products/{id}", tag(3));

  auto list = r.match(Method::get, "/api/v1/products");
  REQUIRE(list.kind == Match::Kind::found);
  CHECK(run(list) == "1");
  CHECK(list.route->pattern == "/api/v1/products");

  auto one = r.match(Method::get, "/api/v1/products/red-shoe");
  REQUIRE(one.kind == Match::Kind::found);
  CHECK(run(one) == "2");
  REQUIRE(one.params.size() == 1);
  CHECK(one.params[0] == std::pair<std::string, std::string>{"slug", "red-shoe"});

  auto nested = r.match(Method::get, "/api/v1/categories/shoes/products/42");
  REQUIRE(nested.kind == Match::Kind::found);
  CHECK(nested.params.size() == 2);
  CHECK(nested.params[1].second == "42");
}

TEST_CASE("router answers not found for unknown paths, empty segments and trailing slashes", "[router]") {
  Router r;
  r.get("/api/v1/products/{slug}", tag(1));
  CHECK(r.match(Method::get, "/api/v1/products").kind == Match::Kind::not_found);
  CHECK(r.match(Method::get, "/api/v1/products/").kind == Match::Kind::not_found);
  CHECK(r.match(Method::get, "/api/v1/products/a/b").kind == Match::Kind::not_found);
  CHECK(r.match(Method::get, "/nope").kind == Match::Kind::not_found);
  CHECK(r.match(Method::get, "").kind == Match::Kind::not_found);
}

TEST_CASE("router gives 405 with the allowed methods for a known path", "[router]") {
  Router r;
  r.get("/cart", tag(1));
  r.post("/cart", tag(2));
  r.add(Method::del, "/cart/{line}", tag(3));

  auto m = r.match(Method::put, "/cart");
  CHECK(m.kind == Match::Kind::method_not_allowed);
  CHECK(m.allow == "GET, HEAD, POST");

  auto d = r.match(Method::get, "/cart/7");
  CHECK(d.kind == Match::Kind::method_not_allowed);
  CHECK(d.allow == "DELETE");

  CHECK(run(r.match(Method::post, "/cart")) == "2");
}

TEST_CASE("HEAD is served by the GET route unless a HEAD route exists", "[router]") {
  Router r;
  r.get("/a", tag(1));
  r.get("/b", tag(2));
  r.add(Method::head, "/b", tag(3));
  CHECK(run(r.match(Method::head, "/a")) == "1");
  CHECK(run(r.match(Method::head, "/b")) == "3");
}

TEST_CASE("a literal segment wins over a parameter, a parameter over a rest segment", "[router]") {
  Router r;
  r.get("/p/{slug}", tag(1));
  r.get("/p/new", tag(2));
  r.get("/static/{path...}", tag(3));
  r.get("/static/special/{name}", tag(4));
  CHECK(run(r.match(Method::get, "/p/new")) == "2");
  CHECK(run(r.match(Method::get, "/p/old")) == "1");
  auto rest = r.match(Method::get, "/static/css/site/app.css");
  CHECK(run(rest) == "3");
  CHECK(rest.params[0].second == "css/site/app.css");
  CHECK(run(r.match(Method::get, "/static/special/x")) == "4");
  CHECK(r.match(Method::get, "/static/").kind == Match::Kind::not_found);
}

TEST_CASE("router rejects malformed and duplicate patterns", "[router]") {
  Router r;
  CHECK_THROWS_AS(r.get("no-slash", tag(1)), std::invalid_argument);
  CHECK_THROWS_AS(r.get("/a/{}", tag(1)), std::invalid_argument);
  CHECK_THROWS_AS(r.get("/a/x{id}", tag(1)), std::invalid_argument);
  CHECK_THROWS_AS(r.get("/a/{rest...}/b", tag(1)), std::invalid_argument);
  CHECK_THROWS_AS(r.get("/a/{bad-name}", tag(1)), std::invalid_argument);
  r.get("/a/{id}", tag(1));
  CHECK_THROWS_AS(r.get("/a/{id}", tag(2)), std::invalid_argument);
  CHECK_NOTHROW(r.post("/a/{id}", tag(2)));
}
