#include <ecom/platform/http/etag.hpp>

#include <catch2/catch.hpp>

using namespace ecom::http;

TEST_CASE("strong ETags are quoted, stable, and differ with the content", "[etag]") {
  auto a = strong_etag("hello");
  CHECK(a.size() == 34);
  CHECK(a.front() == '"');
  CHECK(a.back() == '"');
  CHECK_FALSE(a.starts_with("W/"));
  CHECK(strong_etag("hello") == a);
  CHECK(strong_etag("hello!") != a);
  // XXH3-128("hello"), canonical (big-endian): the same in every process and on every machine.
  CHECK(a == "\"b5e9c1ad071b3e7fc779cfaa5e523818\"");
}

TEST_CASE("If-None-Match matches lists, weak tags and the wildcard", "[etag]") {
  const std::string tag = "\"abc\"";
  CHECK(if_none_match("\"abc\"", tag));
  CHECK(if_none_match("\"x\", \"abc\"", tag));
  CHECK(if_none_match("W/\"abc\"", tag));
  CHECK(if_none_match("*", tag));
  CHECK_FALSE(if_none_match("\"abd\"", tag));
  CHECK_FALSE(if_none_match("", tag));
  CHECK_FALSE(if_none_match(" , ", tag));
}

TEST_CASE("with_etag answers 304 only for a matching 200", "[etag]") {
  Request req;
  auto fresh = with_etag(req, Response::json(200, "{}"));
  CHECK(fresh.status == 200);
  auto tag = fresh.headers.get("ETag");
  REQUIRE(tag.has_value());

  req.headers.add("If-None-Match", std::string(*tag));
  auto cached = with_etag(req, Response::json(200, "{}"));
  CHECK(cached.status == 304);
  CHECK(cached.body.empty());
  CHECK(cached.headers.get("ETag") == *tag);

  auto changed = with_etag(req, Response::json(200, "{\"a\":1}"));
  CHECK(changed.status == 200);

  auto error = with_etag(req, Response::json(404, "{}"));
  CHECK(error.status == 404);
  CHECK_FALSE(error.headers.has("ETag"));
}
