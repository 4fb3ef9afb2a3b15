// The admin's OpenAPI document against the real route table (admin::App::make_router, as main()
// builds it): every route under /api/ is documented with its method and every documented
// operation is served; every operation but the public ones declares both security schemes and,
// as x-permission, exactly the permission its route declares (RouteOptions::permission); public
// ones declare security: []. Also the document's route itself, which needs no session.
#include "api/openapi_routes.hpp"
#include "api/test_app.hpp"
#include "http_client.hpp"
#include "test_server.hpp"

#include <ecom/platform/http/etag.hpp>

#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace {

namespace json = boost::json;
using namespace ecom;

constexpr std::array<std::string_view, 8> kOperationKeys = {"get",   "put",     "post", "delete",
                                                            "patch", "options", "head", "trace"};
const std::set<std::string> kSchemes = {"staffCookie", "apiKey"};

json::object the_document() {
  return json::parse(admin::api::openapi_document()).as_object();
}

// "{path...}" (a rest parameter) is "{path}" in OpenAPI.
std::string normalised_template(std::string pattern) {
  for (auto at = pattern.find("...}"); at != std::string::npos; at = pattern.find("...}", at)) {
    pattern.erase(at, 3);
  }
  return pattern;
}

// "GET /api/v1/admin/products" -> the route's declared permission, for every route under /api/.
std::map<std::string, std::string> served_operations(const http::Router& router) {
  std::map<std::string, std::string> out;
  for (const auto& route : router.routes()) {
    if (route->pattern.starts_with("/api/")) {
      out[std::string(http::to_string(route->method)) + " " + normalised_template(route->pattern)] =
          route->options.permission;
    }
  }
  return out;
}

// "GET /api/v1/admin/products" -> its operation object.
std::map<std::string, json::object> documented_operations(const json::object& doc) {
  std::map<std::string, json::object> out;
  for (const auto& [path, item] : doc.at("paths").as_object()) {
    for (const auto& [key, operation] : item.as_object()) {
      if (std::find(kOperationKeys.begin(), kOperationKeys.end(), std::string_view(key)) == kOperationKeys.end()) {
        continue;  // "parameters", "summary", ...
      }
      std::string method(key);
      std::transform(method.begin(), method.end(), method.begin(),
                     [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
      out[method + " " + std::string(path)] = operation.as_object();
    }
  }
  return out;
}

// True when "#/a/b/c" names a node of the document.
bool resolves(const json::object& doc, std::string_view ref) {
  if (!ref.starts_with("#/")) {
    return false;
  }
  const json::value* node = nullptr;
  const json::object* current = &doc;
  std::string_view rest = ref.substr(2);
  // Bounded by the reference's length: each pass consumes one segment.
  while (!rest.empty()) {
    const auto slash = rest.find('/');
    node = current == nullptr ? nullptr : current->if_contains(rest.substr(0, slash));
    if (node == nullptr) {
      return false;
    }
    current = node->if_object();
    rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
  }
  return true;
}

void collect_refs(const json::value& v, std::vector<std::string>& out) {
  if (const auto* object = v.if_object()) {
    for (const auto& [key, child] : *object) {
      if (key == "$ref" && child.is_string()) {
        out.emplace_back(child.as_string());
      } else {
        collect_refs(child, out);
      }
    }
  } else if (const auto* array = v.if_array()) {
    for (const auto& child : *array) {
      collect_refs(child, out);
    }
  }
}

// The schemes of an operation's security requirements, each requirement naming one.
std::set<std::string> schemes_of(const json::array& security) {
  std::set<std::string> out;
  for (const auto& requirement : security) {
    for (const auto& scheme : requirement.as_object()) {
      out.insert(std::string(scheme.key()));
    }
  }
  return out;
}

// The route table and a server for it; the table is read before the server takes the router.
struct Served {
  admin::test::TestApp admin;
  http::Router router = admin.app.make_router();
  std::map<std::string, std::string> operations = served_operations(router);
  test::TestServer server{std::move(router)};
};

}  // namespace

TEST_CASE("admin OpenAPI: the document is OpenAPI 3.1 JSON whose references all resolve", "[admin][openapi]") {
  const auto doc = the_document();
  CHECK(std::string_view(doc.at("openapi").as_string()).starts_with("3.1."));
  CHECK_FALSE(doc.at("info").at("title").as_string().empty());
  const auto& schemes = doc.at("components").at("securitySchemes").as_object();
  CHECK(schemes.at("staffCookie").at("type") == "apiKey");
  CHECK(schemes.at("staffCookie").at("in") == "cookie");
  CHECK(schemes.at("staffCookie").at("name") == "__Host-ecom_staff");
  CHECK(std::string_view(schemes.at("staffCookie").at("description").as_string()).find("X-CSRF-Token") !=
        std::string_view::npos);
  CHECK(schemes.at("apiKey").at("type") == "http");
  CHECK(schemes.at("apiKey").at("scheme") == "bearer");

  std::vector<std::string> refs;
  collect_refs(doc, refs);
  CHECK(refs.size() > 50);
  for (const auto& ref : refs) {
    INFO(ref);
    CHECK(resolves(doc, ref));
  }
  std::set<std::string> operation_ids;
  for (const auto& [op, operation] : documented_operations(doc)) {
    INFO(op);
    REQUIRE(operation.contains("operationId"));
    CHECK(operation_ids.insert(std::string(operation.at("operationId").as_string())).second);
  }
}

TEST_CASE("admin OpenAPI: every /api/ route of the admin is documented, and every documented one exists",
          "[admin][openapi]") {
  Served served;
  const auto documented = documented_operations(the_document());
  REQUIRE(served.operations.contains("GET /api/v1/admin/products"));
  REQUIRE(served.operations.contains("GET /api/v1/admin/openapi.json"));
  for (const auto& [op, permission] : served.operations) {
    if (!documented.contains(op)) {
      FAIL_CHECK("route " << op << " is served but missing from src/admin/api/openapi.json");
    }
  }
  for (const auto& [op, operation] : documented) {
    if (!served.operations.contains(op)) {
      FAIL_CHECK("operation " << op << " is in src/admin/api/openapi.json but no route serves it");
    }
  }
}

TEST_CASE("admin OpenAPI: each operation declares the schemes and the permission of its route", "[admin][openapi]") {
  Served served;
  const auto documented = documented_operations(the_document());
  int public_operations = 0;
  for (const auto& [op, operation] : documented) {
    INFO(op);
    const auto route = served.operations.find(op);
    if (route == served.operations.end()) {
      continue;  // reported by the test above
    }
    REQUIRE(operation.contains("security"));
    const auto& security = operation.at("security").as_array();
    if (route->second == http::kPublicRoute) {
      ++public_operations;
      CHECK(security.empty());
      CHECK_FALSE(operation.contains("x-permission"));
      continue;
    }
    CHECK(schemes_of(security) == kSchemes);
    // One requirement per scheme: either authenticates (both in one would mean "both at once").
    CHECK(security.size() == kSchemes.size());
    REQUIRE(operation.contains("x-permission"));
    CHECK(operation.at("x-permission").as_string() == route->second);
    const auto sentence = "Requires the permission `" + route->second + "`.";
    CHECK(std::string_view(operation.at("description").as_string()).find(sentence) != std::string_view::npos);
    const auto& responses = operation.at("responses").as_object();
    CHECK(responses.contains("401"));
    CHECK(responses.contains("403"));
  }
  // Sign-in, invitations and this document.
  CHECK(public_operations == 3);
}

TEST_CASE("admin OpenAPI: the check sees an undocumented route and a wrong permission", "[admin][openapi]") {
  // The comparison above, on a document with one operation removed and one permission changed.
  Served served;
  auto doc = the_document();
  doc.at("paths").at("/api/v1/admin/staff").as_object().erase("post");
  doc.at("paths").at("/api/v1/admin/products").at("get").as_object()["x-permission"] = "catalog.write";
  const auto documented = documented_operations(doc);
  CHECK_FALSE(documented.contains("POST /api/v1/admin/staff"));
  CHECK(served.operations.contains("POST /api/v1/admin/staff"));
  CHECK(documented.at("GET /api/v1/admin/products").at("x-permission").as_string() !=
        served.operations.at("GET /api/v1/admin/products"));
}

TEST_CASE("admin OpenAPI: GET /api/v1/admin/openapi.json serves the document without a session, with an ETag",
          "[admin][openapi]") {
  Served served;
  const auto res = test::fetch(served.server.port(), "GET", "/api/v1/admin/openapi.json");
  REQUIRE(res.status == 200);
  CHECK(res.header("Content-Type") == "application/json");
  CHECK(res.header("Cache-Control") == "no-cache");
  CHECK(res.body == admin::api::openapi_document());
  const auto etag = res.header("ETag");
  REQUIRE(etag);
  CHECK(*etag == http::strong_etag(res.body));

  const auto again = test::fetch(served.server.port(), "GET", "/api/v1/admin/openapi.json", {{"If-None-Match", *etag}});
  CHECK(again.status == 304);
  CHECK(again.body.empty());
  CHECK(again.header("ETag") == etag);
  // Any other route of the API still needs a caller.
  CHECK(test::fetch(served.server.port(), "GET", "/api/v1/admin/products").status == 401);
}
