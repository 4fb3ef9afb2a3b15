// What the client sees apart from what the log gets: a server error answers a generic sentence with
// the request id and logs its cause; a client error shows its message, its field list and its
// extension members. And the one table behind status, title, type and "is it the client's?".
#include "captured_log.hpp"

#include <ecom/platform/error.hpp>
#include <ecom/platform/http/dispatcher.hpp>
#include <ecom/platform/http/problem.hpp>

#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include <stdexcept>
#include <string>

using namespace ecom;
using core::Error;
using core::ErrorCode;

namespace {

constexpr std::string_view kCanary = "canary-7f3e-db1.internal:5432";

http::Dispatcher canary_dispatcher() {
  http::Router router;
  router.get("/internal", [](http::Request&) -> http::Response {
    throw Error(ErrorCode::internal, "hashing failed on " + std::string(kCanary));
  });
  router.get("/unavailable", [](http::Request&) -> http::Response {
    throw Error(ErrorCode::unavailable, "The database cannot be reached.")
        .with_log_text("cannot connect to the database " + std::string(kCanary) + ": connection refused");
  });
  router.get("/exception", [](http::Request&) -> http::Response {
    throw std::runtime_error("std::bad_alloc near " + std::string(kCanary));
  });
  router.get("/conflict", [](http::Request&) -> http::Response {
    throw Error(ErrorCode::conflict, "That slug is taken.")
        .with_log_text("unique violation on products_slug_key at " + std::string(kCanary));
  });
  return http::Dispatcher(std::move(router), {}, nullptr);
}

http::Response call(const http::Dispatcher& dispatcher, const std::string& path, bool html) {
  http::Request req;
  req.method = http::Method::get;
  req.method_text = "GET";
  req.path = path;
  req.headers.add("X-Request-Id", "req-" + path.substr(1));
  if (html) {
    req.headers.add("Accept", "text/html,application/xhtml+xml");
  }
  auto plan = dispatcher.route(req);
  REQUIRE(plan.route != nullptr);
  return dispatcher.invoke(*plan.route, req);
}

}  // namespace

TEST_CASE("a server error answers a generic detail with the request id and logs its cause", "[error][problem]") {
  const auto dispatcher = canary_dispatcher();
  const auto path = GENERATE(as<std::string>{}, "/internal", "/unavailable", "/exception");
  const bool html = GENERATE(false, true);
  const std::string request_id = "req-" + path.substr(1);
  INFO(path << (html ? " as HTML" : " as JSON"));

  test::CapturedLog log;
  const auto res = call(dispatcher, path, html);

  CHECK(res.status == (path == "/unavailable" ? 503 : 500));
  CHECK(res.body.find(kCanary) == std::string::npos);
  CHECK(res.body.find("canary") == std::string::npos);
  CHECK(res.body.find(request_id) != std::string::npos);
  if (html) {
    CHECK(res.headers.get("Content-Type") == "text/html; charset=utf-8");
  } else {
    const auto doc = boost::json::parse(res.body).as_object();
    const std::string detail(doc.at("detail").as_string());
    const auto code = path == "/unavailable" ? ErrorCode::unavailable : ErrorCode::internal;
    CHECK(detail == std::string(core::generic_detail(code)) + " Reference: " + request_id + ".");
    CHECK(doc.at("request_id").as_string() == request_id);
  }
  // The log line carries the cause under the same request id.
  CHECK(log.has_line_with({kCanary, request_id}));
}

TEST_CASE("a client error shows its message and logs the cause it carries", "[error][problem]") {
  const auto dispatcher = canary_dispatcher();
  test::CapturedLog log;
  const auto res = call(dispatcher, "/conflict", false);
  CHECK(res.status == 409);
  CHECK(boost::json::parse(res.body).at("detail").as_string() == "That slug is taken.");
  CHECK(res.body.find("canary") == std::string::npos);
  CHECK(log.has_line_with({kCanary, "req-conflict", "That slug is taken."}));
}

TEST_CASE("an error keeps client text and log text apart", "[error]") {
  Error plain(ErrorCode::not_found, "No such product.");
  CHECK(plain.log_text() == "No such product.");
  CHECK_FALSE(plain.has_log_text());
  CHECK(std::string(plain.what()) == "No such product.");

  const auto split = Error(ErrorCode::unavailable, "The database cannot be reached.")
                         .with_log_text("cannot connect to the database postgresql://ecom@db1/shop: refused");
  CHECK(split.message() == "The database cannot be reached.");
  CHECK(split.log_text() == "cannot connect to the database postgresql://ecom@db1/shop: refused");
  CHECK(std::string(split.what()) == split.log_text());
  CHECK(http::client_detail(split, "r9") ==
        std::string(core::generic_detail(ErrorCode::unavailable)) + " Reference: r9.");
  CHECK(http::client_detail(plain, "r9") == "No such product.");
}

TEST_CASE("problem documents take extension members without re-parsing", "[error][problem]") {
  http::Request req;
  req.path = "/admin/api/v1/import";
  req.request_id = "r1";
  boost::json::array rows{boost::json::object{{"row", 3}, {"column", "price"}, {"message", "not a number"}}};
  auto refused = Error(ErrorCode::unprocessable, "The file has errors.", {{"file", "has errors"}})
                     .with_member("errors", rows)
                     .with_member("truncated", false);
  const auto doc = boost::json::parse(http::error_response(refused, req).body).as_object();
  CHECK(doc.at("status").as_int64() == 422);
  CHECK(doc.at("errors") == rows);  // the member replaces the generic field list
  CHECK(doc.at("truncated") == false);

  // A copy shares the members until one of them adds its own.
  Error copy = refused;
  copy.with_member("extra", 1);
  CHECK(refused.members()->if_contains("extra") == nullptr);
  CHECK(copy.members()->if_contains("errors") != nullptr);

  // The standard members belong to the HTTP layer.
  CHECK_THROWS_AS(Error(ErrorCode::conflict, "x").with_member("status", 200), std::invalid_argument);
  CHECK_THROWS_AS(Error(ErrorCode::conflict, "x").with_member("detail", "y"), std::invalid_argument);

  // A server error shows neither its members nor its field list.
  auto failed = Error(ErrorCode::internal, "boom", {{"dsn", "postgresql://secret-host"}})
                    .with_member("query", "SELECT secret_column");
  const auto body = http::error_response(failed, req).body;
  CHECK(body.find("secret") == std::string::npos);
  CHECK_FALSE(boost::json::parse(body).as_object().contains("errors"));
}

TEST_CASE("one table gives every code its status, title and type, and says whose error it is", "[error]") {
  struct Row {
    ErrorCode code;
    int status;
    std::string_view title;
    std::string_view type;
  };
  const std::vector<Row> rows{
      {ErrorCode::bad_request, 400, "Bad Request", "/problems/bad-request"},
      {ErrorCode::unauthorized, 401, "Unauthorized", "/problems/unauthorized"},
      {ErrorCode::forbidden, 403, "Forbidden", "/problems/forbidden"},
      {ErrorCode::not_found, 404, "Not Found", "/problems/not-found"},
      {ErrorCode::method_not_allowed, 405, "Method Not Allowed", "/problems/method-not-allowed"},
      {ErrorCode::conflict, 409, "Conflict", "/problems/conflict"},
      {ErrorCode::gone, 410, "Gone", "/problems/gone"},
      {ErrorCode::precondition_failed, 412, "Precondition Failed", "/problems/precondition-failed"},
      {ErrorCode::payload_too_large, 413, "Content Too Large", "/problems/payload-too-large"},
      {ErrorCode::unsupported_media, 415, "Unsupported Media Type", "/problems/unsupported-media-type"},
      {ErrorCode::unprocessable, 422, "Unprocessable Content", "/problems/unprocessable"},
      {ErrorCode::too_many_requests, 429, "Too Many Requests", "/problems/too-many-requests"},
      {ErrorCode::header_too_large, 431, "Request Header Fields Too Large", "/problems/header-too-large"},
      {ErrorCode::internal, 500, "Internal Server Error", "/problems/internal"},
      {ErrorCode::unavailable, 503, "Service Unavailable", "/problems/unavailable"},
  };
  for (const auto& row : rows) {
    INFO(row.title);
    CHECK(core::http_status(row.code) == row.status);
    CHECK(core::title(row.code) == row.title);
    CHECK(core::type_uri(row.code) == row.type);
    CHECK(core::is_client_error(row.code) == (row.status < 500));
    CHECK(core::generic_detail(row.code).empty() == core::is_client_error(row.code));
  }
  // A number that is no code reads as an internal error, never as the client's.
  const auto stray = static_cast<ErrorCode>(99);
  CHECK(core::http_status(stray) == 500);
  CHECK_FALSE(core::is_client_error(stray));
}
