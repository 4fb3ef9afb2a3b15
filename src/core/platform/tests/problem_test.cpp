#include <ecom/platform/error.hpp>
#include <ecom/platform/http/problem.hpp>

#include <boost/json.hpp>
#include <catch2/catch.hpp>

using namespace ecom;

TEST_CASE("a domain error becomes RFC 9457 problem+json", "[problem]") {
  http::Request req;
  req.path = "/api/v1/products";
  req.request_id = "req-1";
  auto res = http::error_response(core::Error::bad_parameter("limit", "must be between 1 and 100"), req);
  CHECK(res.status == 400);
  CHECK(res.headers.get("Content-Type") == "application/problem+json");
  auto doc = boost::json::parse(res.body).as_object();
  CHECK(doc.at("status").as_int64() == 400);
  CHECK(doc.at("title").as_string() == "Bad Request");
  CHECK(doc.at("type").as_string() == "/problems/bad-request");
  CHECK(doc.at("instance").as_string() == "/api/v1/products");
  CHECK(doc.at("request_id").as_string() == "req-1");
  CHECK(std::string(doc.at("detail").as_string()).find("limit") != std::string::npos);
  auto errors = doc.at("errors").as_array();
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].at("name").as_string() == "limit");
}

TEST_CASE("every error code maps to its HTTP status", "[problem]") {
  using core::ErrorCode;
  CHECK(core::http_status(ErrorCode::not_found) == 404);
  CHECK(core::http_status(ErrorCode::conflict) == 409);
  CHECK(core::http_status(ErrorCode::precondition_failed) == 412);
  CHECK(core::http_status(ErrorCode::payload_too_large) == 413);
  CHECK(core::http_status(ErrorCode::unprocessable) == 422);
  CHECK(core::http_status(ErrorCode::header_too_large) == 431);
  CHECK(core::http_status(ErrorCode::unavailable) == 503);
  CHECK(core::http_status(ErrorCode::internal) == 500);
}

TEST_CASE("browsers get a readable HTML error page with everything escaped", "[problem]") {
  http::Request req;
  req.path = "/x";
  req.request_id = "r1";
  req.headers.add("Accept", "text/html");
  auto res = http::error_response(
      core::Error(core::ErrorCode::not_found, "No <script>alert(1)</script> here", {{"<b>", "\"quoted\""}}), req);
  CHECK(res.status == 404);
  CHECK(res.headers.get("Content-Type") == "text/html; charset=utf-8");
  CHECK(res.body.find("<script>") == std::string::npos);
  CHECK(res.body.find("&lt;script&gt;alert(1)&lt;/script&gt;") != std::string::npos);
  CHECK(res.body.find("&lt;b&gt;") != std::string::npos);
  CHECK(res.body.find("&quot;quoted&quot;") != std::string::npos);
}

TEST_CASE("the internal error answer carries no internals", "[problem]") {
  http::Request req;
  req.path = "/boom";
  auto res = http::internal_error_response(req);
  CHECK(res.status == 500);
  auto doc = boost::json::parse(res.body).as_object();
  CHECK(doc.at("title").as_string() == "Internal Server Error");
}
