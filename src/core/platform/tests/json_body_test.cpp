// The strict JSON body readers (http/json_body.hpp): each refusal is the right code and names
// what it refuses.
#include <ecom/platform/error.hpp>
#include <ecom/platform/http/json_body.hpp>

#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include <functional>
#include <string>

using namespace ecom;

namespace {

http::Request with_body(std::string body, std::string type = "application/json") {
  http::Request r;
  r.headers.add("Content-Type", std::move(type));
  r.body = std::move(body);
  return r;
}

std::pair<core::ErrorCode, std::string> refusal(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const core::Error& e) {
    return {e.code(), e.details().empty() ? "" : e.details()[0].name + ": " + e.details()[0].reason};
  }
  FAIL("no core::Error was thrown");
  return {core::ErrorCode::internal, ""};
}

}  // namespace

TEST_CASE("json_body: an object, or 415 / 400 saying what is wrong", "[http][json]") {
  CHECK(http::json_body(with_body(R"({"a": 1})")).at("a").as_int64() == 1);
  CHECK(http::json_body(with_body(R"({"a": 1})", "application/json; charset=utf-8")).contains("a"));
  CHECK(refusal([] { (void)http::json_body(with_body("{}", "text/plain")); }).first ==
        core::ErrorCode::unsupported_media);
  CHECK(refusal([] { (void)http::json_body(with_body("{")); }).first == core::ErrorCode::bad_request);
  CHECK(refusal([] { (void)http::json_body(with_body("[1]")); }).first == core::ErrorCode::bad_request);
  CHECK(refusal([] { (void)http::json_body(with_body("")); }).first == core::ErrorCode::bad_request);
  CHECK(http::optional_json_body(with_body("")).empty());
}

TEST_CASE("json_body: members by name and type, unknown members refused", "[http][json]") {
  const auto o = boost::json::parse(R"({"email": "a@b.c", "n": 3, "x": true})").as_object();
  CHECK(http::required_string(o, "email") == "a@b.c");
  CHECK_FALSE(http::optional_string(o, "name"));
  CHECK(http::optional_int(o, "n") == 3);
  CHECK(refusal([&] { (void)http::required_string(o, "name"); }) ==
        std::pair{core::ErrorCode::bad_request, std::string("name: is required")});
  CHECK(refusal([&] { (void)http::optional_string(o, "n", "address."); }) ==
        std::pair{core::ErrorCode::bad_request, std::string("address.n: must be a string")});
  CHECK(refusal([&] { (void)http::optional_int(o, "email"); }) ==
        std::pair{core::ErrorCode::bad_request, std::string("email: must be an integer")});
  CHECK(refusal([&] {
          http::allow_only(o, {"email", "n"});
        }) == std::pair{core::ErrorCode::bad_request, std::string("x: unknown field")});
  CHECK_NOTHROW(http::allow_only(o, {"email", "n", "x"}));
}
