#include <ecom/platform/http/dispatcher.hpp>
#include <ecom/platform/http/message.hpp>

#include <catch2/catch.hpp>

#include <chrono>
#include <string>
#include <utility>
#include <vector>

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

TEST_CASE("the media type is read once: parameters, spaces and case removed", "[message]") {
  Request r;
  CHECK(r.media_type().empty());
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"application/json", "application/json"},
      {"Application/JSON; charset=utf-8", "application/json"},
      {" text/csv ;header=present", "text/csv"},
      {"application/x-www-form-urlencoded\t", "application/x-www-form-urlencoded"},
      {"IMAGE/PNG", "image/png"},
      {"  ", ""},
      {";charset=utf-8", ""},
  };
  for (const auto& [header, type] : cases) {
    INFO(header);
    r.headers.set("Content-Type", header);
    CHECK(r.media_type() == type);
  }
  // A longer type that merely starts with a known one is not that type.
  r.headers.set("Content-Type", "application/jsonx");
  CHECK(r.media_type() != "application/json");
}

TEST_CASE("cookies are read from every Cookie field, bearer tokens from Authorization", "[http][message]") {
  Request r;
  r.headers.add("Cookie", "theme=dark; __Host-ecom_session=abc123 ;lang=en");
  r.headers.add("cookie", "cart=7; theme=light");
  CHECK(r.cookie("__Host-ecom_session") == "abc123");
  CHECK(r.cookie("lang") == "en");
  CHECK(r.cookie("cart") == "7");
  CHECK(r.cookie("theme") == "dark");  // the first of two
  CHECK_FALSE(r.cookie("ecom_session"));
  CHECK_FALSE(r.cookie("the"));
  CHECK_FALSE(Request{}.cookie("theme"));

  Request b;
  CHECK_FALSE(b.bearer_token());
  b.headers.set("Authorization", "Bearer tok-en_1");
  CHECK(b.bearer_token() == "tok-en_1");
  b.headers.set("Authorization", "bearer  tok ");
  CHECK(b.bearer_token() == "tok");
  b.headers.set("Authorization", "Basic dXNlcjpwdw==");
  CHECK_FALSE(b.bearer_token());
  b.headers.set("Authorization", "Bearer ");
  CHECK_FALSE(b.bearer_token());
}

TEST_CASE("session cookies are Secure, HttpOnly, SameSite=Lax, for the whole site", "[http][message]") {
  CHECK(session_cookie("__Host-s", "v1", std::chrono::seconds(3600)) ==
        "__Host-s=v1; Path=/; Max-Age=3600; Secure; HttpOnly; SameSite=Lax");
  CHECK(session_cookie("__Host-s", "", std::chrono::seconds(0)) ==
        "__Host-s=; Path=/; Max-Age=0; Secure; HttpOnly; SameSite=Lax");
}
