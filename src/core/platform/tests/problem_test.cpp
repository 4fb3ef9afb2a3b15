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

TEST_CASE("an error that says when to retry answers Retry-After, JSON and HTML alike", "[problem]") {
  http::Request json_request;
  json_request.path = "/api/v1/auth/login";
  http::Request page_request;
  page_request.path = "/account/sign-in";
  page_request.headers.add("Accept", "text/html");
  const auto limited =
      core::Error(core::ErrorCode::too_many_requests, "Too many attempts.").with_retry_after(std::chrono::seconds(900));
  for (const auto* request : {&json_request, &page_request}) {
    const auto r = http::error_response(limited, *request);
    CHECK(r.status == 429);
    CHECK(r.headers.get("Retry-After") == "900");
  }
  // Never 0 (a client would retry at once), and none when the error does not say.
  const auto soon = core::Error(core::ErrorCode::unavailable, "busy").with_retry_after(std::chrono::seconds(0));
  CHECK(http::error_response(soon, json_request).headers.get("Retry-After") == "1");
  CHECK_FALSE(
      http::error_response(core::Error(core::ErrorCode::unavailable, "busy"), json_request).headers.get("Retry-After"));
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
