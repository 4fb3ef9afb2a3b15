#include <ecom/platform/http/dispatcher.hpp>
#include <ecom/platform/http/message.hpp>

#include <catch2/catch.hpp>

using namespace ecom::http;

TEST_CASE("query parameters are found by name and decoded", "[message]") {
  Request r;
  r.query = "q=red+shoe&limit=20&empty&cursor=a%2Fb";
  CHECK(r.query_param("q") == "red shoe");
  CHECK(r.query_param("limit") == "20");
  CHECK(r.query_param("empty") == "");
  CHECK(r.query_param("cursor") == "a/b");
  CHECK_FALSE(r.query_param("missing").has_value());
}

TEST_CASE("headers compare names case-insensitively and set replaces", "[message]") {
  Headers h;
  h.add("Content-Type", "text/plain");
  h.add("X-A", "1");
  h.add("x-a", "2");
  CHECK(h.get("content-type") == "text/plain");
  CHECK(h.get("X-A") == "1");
  h.set("X-a", "3");
  CHECK(h.get("x-a") == "3");
  CHECK(h.fields().size() == 2);
  h.erase("CONTENT-TYPE");
  CHECK_FALSE(h.has("Content-Type"));
}

TEST_CASE("browsers get HTML errors, API clients JSON", "[message]") {
  Request r;
  CHECK_FALSE(r.wants_html());
  r.headers.set("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8");
  CHECK(r.wants_html());
  r.headers.set("Accept", "application/json, text/html;q=0.1");
  CHECK_FALSE(r.wants_html());
  r.headers.set("Accept", "*/*");
  CHECK_FALSE(r.wants_html());
}

TEST_CASE("request ids are accepted only when well-formed", "[message]") {
  CHECK(valid_request_id("abc-123_X.y"));
  CHECK_FALSE(valid_request_id(""));
  CHECK_FALSE(valid_request_id(std::string(129, 'a')));
  CHECK_FALSE(valid_request_id("has space"));
  CHECK_FALSE(valid_request_id("inject\r\nX: y"));
  auto a = generate_request_id();
  auto b = generate_request_id();
  CHECK(a.size() == 32);
  CHECK(valid_request_id(a));
  CHECK(a != b);
}
