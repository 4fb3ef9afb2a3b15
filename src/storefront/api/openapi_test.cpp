// The OpenAPI document against the real storefront router (storefront::make_router, as main()
// builds it): every route under /api/ is documented and every documented operation exists, the
// documented query parameters are the ones the routes accept, and the answers of a small shop
// match the documented schemas (an undocumented field fails). Also the document's route itself.
#include "api/openapi_routes.hpp"
#include "app.hpp"
#include "catalog/test_catalog.hpp"
#include "http_client.hpp"
#include "test_server.hpp"

#include <ecom/cache/local_cache.hpp>
#include <ecom/platform/http/etag.hpp>

#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <filesystem>
#include <set>
#include <string>
#include <string_view>
#include <vector>

using namespace ecom;
using ecom::catalog::Money;
using ecom::catalog::NewProduct;
using ecom::catalog::NewVariant;
using ecom::catalog::ProductStatus;

namespace {

constexpr std::array<std::string_view, 8> kOperationKeys = {"get",   "put",     "post", "delete",
                                                            "patch", "options", "head", "trace"};

// The router as main() builds it; the HTML pages too when their templates are there.
http::Router real_router(ecom::catalog::CatalogService& service, const storefront::AccountServices& accounts) {
  const std::filesystem::path templates_dir = ECOM_SOURCE_DIR "/web/storefront/templates";
  std::shared_ptr<const web::Templates> templates;
  if (std::filesystem::is_directory(templates_dir)) {
    templates = web::Templates::load(templates_dir);
  }
  return storefront::make_router(storefront::Settings{"Demo", "EUR", "does-not-exist", "/static"},
                                 http::StaticFiles::load("does-not-exist", "/static"), service, std::move(templates),
                                 &accounts);
}

// "{path...}" (a rest parameter) is "{path}" in OpenAPI.
std::string normalised_template(std::string pattern) {
  for (auto at = pattern.find("...}"); at != std::string::npos; at = pattern.find("...}", at)) {
    pattern.erase(at, 3);
  }
  return pattern;
}

// "GET /api/v1/products" for every route under /api/; HEAD is implied by GET, as in the router.
std::set<std::string> served_operations(const http::Router& router) {
  std::set<std::string> out;
  for (const auto& route : router.routes()) {
    if (!route->pattern.starts_with("/api/")) {
      continue;
    }
    out.insert(std::string(http::to_string(route->method)) + " " + normalised_template(route->pattern));
  }
  for (auto it = out.begin(); it != out.end();) {
    const auto head = std::string_view(*it);
    if (head.starts_with("HEAD ") && out.contains("GET " + std::string(head.substr(5)))) {
      it = out.erase(it);
    } else {
      ++it;
    }
  }
  return out;
}

std::set<std::string> documented_operations(const boost::json::object& doc) {
  std::set<std::string> out;
  for (const auto& [path, item] : doc.at("paths").as_object()) {
    for (const auto& [key, operation] : item.as_object()) {
      if (std::find(kOperationKeys.begin(), kOperationKeys.end(), std::string_view(key)) == kOperationKeys.end()) {
        continue;  // "parameters", "summary", ...
      }
      std::string method(key);
      std::transform(method.begin(), method.end(), method.begin(), [](char c) { return static_cast<char>(c - 32); });
      out.insert(method + " " + std::string(path));
    }
  }
  return out;
}

// Resolves "#/components/..." within the document; throws std::out_of_range on a dangling one.
const boost::json::value& resolve(const boost::json::object& doc, const boost::json::value& v) {
  if (!v.is_object() || !v.as_object().contains("$ref")) {
    return v;
  }
  const auto ref = std::string(v.as_object().at("$ref").as_string());
  if (!ref.starts_with("#/")) {
    throw std::out_of_range("only local references are used: " + ref);
  }
  const boost::json::value* node = nullptr;
  const boost::json::object* current = &doc;
  std::string_view rest = std::string_view(ref).substr(2);
  // Bounded by the reference's length: each pass consumes one segment.
  while (!rest.empty()) {
    const auto slash = rest.find('/');
    const auto key = rest.substr(0, slash);
    node = current == nullptr ? nullptr : current->if_contains(key);
    if (node == nullptr) {
      throw std::out_of_range("dangling $ref " + ref);
    }
    current = node->if_object();
    rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
  }
  return resolve(doc, *node);
}

void collect_refs(const boost::json::value& v, std::vector<std::string>& out) {
  if (v.is_object()) {
    for (const auto& [key, child] : v.as_object()) {
      if (key == "$ref" && child.is_string()) {
        out.emplace_back(child.as_string());
      } else {
        collect_refs(child, out);
      }
    }
  } else if (v.is_array()) {
    for (const auto& child : v.as_array()) {
      collect_refs(child, out);
    }
  }
}

bool has_type(const boost::json::value& value, std::string_view type) {
  if (type == "object") {
    return value.is_object();
  }
  if (type == "array") {
    return value.is_array();
  }
  if (type == "string") {
    return value.is_string();
  }
  if (type == "integer") {
    return value.is_int64() || value.is_uint64();
  }
  if (type == "number") {
    return value.is_number();
  }
  if (type == "boolean") {
    return value.is_bool();
  }
  return type == "null" && value.is_null();
}

// The subset of JSON Schema the document uses: $ref, anyOf, type, enum, properties, required,
// additionalProperties, items. Stricter than JSON Schema on purpose: an object with declared
// properties and no additionalProperties may not carry an undeclared member, so a field added to
// an answer but not to the document fails here.
void validate(const boost::json::object& doc, const boost::json::value& value, const boost::json::value& schema_value,
              const std::string& where, std::vector<std::string>& errors) {
  const auto& schema = resolve(doc, schema_value).as_object();
  if (const auto* any_of = schema.if_contains("anyOf")) {
    bool matched = false;
    for (const auto& option : any_of->as_array()) {
      std::vector<std::string> option_errors;
      validate(doc, value, option, where, option_errors);
      matched = matched || option_errors.empty();
    }
    if (!matched) {
      errors.push_back(where + ": matches none of anyOf");
    }
  }
  if (const auto* type = schema.if_contains("type")) {
    bool ok = false;
    if (type->is_string()) {
      ok = has_type(value, type->as_string());
    } else {
      for (const auto& t : type->as_array()) {
        ok = ok || has_type(value, t.as_string());
      }
    }
    if (!ok) {
      errors.push_back(where + ": is not of type " + boost::json::serialize(*type) + ": " +
                       boost::json::serialize(value));
      return;
    }
  }
  if (const auto* allowed = schema.if_contains("enum")) {
    const auto& list = allowed->as_array();
    if (std::find(list.begin(), list.end(), value) == list.end()) {
      errors.push_back(where + ": " + boost::json::serialize(value) + " is not in the enum");
    }
  }
  if (value.is_object()) {
    const auto& object = value.as_object();
    if (const auto* required = schema.if_contains("required")) {
      for (const auto& name : required->as_array()) {
        if (!object.contains(name.as_string())) {
          errors.push_back(where + ": lacks the required member " + std::string(name.as_string()));
        }
      }
    }
    const auto* properties = schema.if_contains("properties");
    const auto* additional = schema.if_contains("additionalProperties");
    for (const auto& [name, member] : object) {
      const auto member_where = where + "." + std::string(name);
      if (properties != nullptr && properties->as_object().contains(name)) {
        validate(doc, member, properties->as_object().at(name), member_where, errors);
      } else if (additional != nullptr && additional->is_object()) {
        validate(doc, member, *additional, member_where, errors);
      } else if (properties != nullptr || additional != nullptr) {
        errors.push_back(member_where + ": is not in the document");
      }
    }
  }
  if (value.is_array()) {
    if (const auto* items = schema.if_contains("items")) {
      std::size_t i = 0;
      for (const auto& item : value.as_array()) {
        validate(doc, item, *items, where + "[" + std::to_string(i++) + "]", errors);
      }
    }
  }
}

boost::json::object the_document() {
  return boost::json::parse(storefront::api::openapi_document()).as_object();
}

// A shop where "shirts" is both a category and a product, so that one concrete path serves every
// "{slug}" template of the document.
struct Shop {
  Shop() {
    auto& service = catalog.writer();
    service.create_category({"clothing", "Clothing", std::nullopt, 1});
    service.create_category({"shirts", "Shirts", "clothing", 1});
    NewProduct shirt;
    shirt.slug = "shirts";
    shirt.title = "Linen shirt";
    shirt.status = ProductStatus::active;
    shirt.category_slugs = {"shirts"};
    shirt.attributes = {{"brand", "Acme"}, {"material", "linen"}};
    const auto id = service.create_product(shirt);
    NewVariant v;
    v.sku = "SHIRT-M";
    v.title = "M / red";
    v.options = {{"size", "M"}, {"colour", "red"}};
    v.price = Money{1999, "EUR"};
    v.compare_at = Money{2499, "EUR"};
    v.on_hand = 2;
    service.add_variant(id, v);
    v.sku = "SHIRT-L";
    v.title = "L / red";
    v.options = {{"size", "L"}, {"colour", "red"}};
    v.compare_at.reset();
    v.on_hand = 0;
    service.add_variant(id, v);
    NewProduct mug;
    mug.slug = "mug";
    mug.title = "Mug";
    mug.status = ProductStatus::active;
    service.create_product(mug);
  }

  std::string concrete(std::string path) const {
    for (auto at = path.find("{slug}"); at != std::string::npos; at = path.find("{slug}")) {
      path.replace(at, 6, "shirts");
    }
    return path;
  }

  test::RawResponse get(const std::string& target,
                        const std::vector<std::pair<std::string, std::string>>& headers = {}) {
    return test::fetch(server.port(), "GET", target, headers);
  }

  storefront::test::TestCatalog catalog;
  identity::PasswordHasher hasher;
  cache::LocalCache accounts_cache{cache::LocalCacheOptions{}};
  identity::CustomerService customers{catalog.database(), hasher, accounts_cache};
  identity::AddressBook addresses{catalog.database()};
  storefront::AccountServices accounts{customers, addresses};
  http::Router router = real_router(catalog.service(), accounts);
  std::set<std::string> served = served_operations(router);
  test::TestServer server{std::move(router)};
};

// The value a probe sends for a documented parameter: its example, else "x".
std::string probe_value(const boost::json::object& parameter) {
  const auto* example = parameter.if_contains("example");
  if (example == nullptr) {
    return "x";
  }
  const auto& v = example->is_array() && !example->as_array().empty() ? example->as_array().front() : *example;
  return v.is_string() ? std::string(v.as_string()) : boost::json::serialize(v);
}

// True when the answer is a 400 refusing parameter `name` as unknown or repeated.
bool refused_as_unknown(const test::RawResponse& res, std::string_view name) {
  if (res.status != 400) {
    return false;
  }
  const auto doc = boost::json::parse(res.body).as_object();
  const auto* errors = doc.if_contains("errors");
  if (errors == nullptr) {
    return false;
  }
  return std::any_of(errors->as_array().begin(), errors->as_array().end(), [&](const boost::json::value& e) {
    return e.as_object().at("name").as_string() == name &&
           (e.as_object().at("reason").as_string() == "unknown parameter" ||
            e.as_object().at("reason").as_string() == "given more than once");
  });
}

}  // namespace

TEST_CASE("OpenAPI: the document is OpenAPI 3.1 JSON whose references all resolve", "[storefront][openapi]") {
  const auto doc = the_document();
  CHECK(std::string_view(doc.at("openapi").as_string()).starts_with("3.1."));
  CHECK_FALSE(doc.at("info").as_object().at("title").as_string().empty());
  CHECK_FALSE(doc.at("info").as_object().at("version").as_string().empty());

  std::vector<std::string> refs;
  collect_refs(doc, refs);
  CHECK(refs.size() > 10);
  for (const auto& ref : refs) {
    INFO(ref);
    CHECK_NOTHROW(resolve(doc, boost::json::value{{"$ref", ref}}));
  }

  std::set<std::string> operation_ids;
  for (const auto& [path, item] : doc.at("paths").as_object()) {
    for (const auto& [method, operation_value] : item.as_object()) {
      INFO(std::string(method) + " " + std::string(path));
      const auto& operation = operation_value.as_object();
      REQUIRE(operation.contains("operationId"));
      CHECK(operation_ids.insert(std::string(operation.at("operationId").as_string())).second);
      // Every operation says who may call it (Redocly's security-defined rule; tests/openapi lints
      // the served document with it): an empty list for the public ones, else schemes that
      // components.securitySchemes declares.
      REQUIRE(operation.contains("security"));
      // Signed-in routes: the customer's own data and signing out; the rest is public.
      const bool signed_in =
          std::string_view(path).starts_with("/api/v1/me") || std::string_view(path).starts_with("/api/v1/auth/logout");
      CHECK(operation.at("security").as_array().empty() == !signed_in);
      for (const auto& requirement : operation.at("security").as_array()) {
        for (const auto& scheme : requirement.as_object()) {
          CHECK(doc.at("components").at("securitySchemes").as_object().contains(scheme.key()));
        }
      }
      REQUIRE(operation.contains("responses"));
      const auto& responses = operation.at("responses").as_object();
      CHECK(std::any_of(responses.begin(), responses.end(),
                        [](const auto& r) { return std::string_view(r.key()).starts_with('2'); }));
      // Every {name} of the path template is a required path parameter, and the other way round.
      std::set<std::string> template_names;
      for (auto open = path.find('{'); open != boost::json::string_view::npos; open = path.find('{', open + 1)) {
        template_names.insert(std::string(path.substr(open + 1, path.find('}', open) - open - 1)));
      }
      std::set<std::string> path_parameters;
      if (const auto* parameters = operation.if_contains("parameters")) {
        for (const auto& p : parameters->as_array()) {
          const auto& parameter = resolve(doc, p).as_object();
          if (parameter.at("in").as_string() == "path") {
            CHECK(parameter.at("required").as_bool());
            path_parameters.insert(std::string(parameter.at("name").as_string()));
          }
        }
      }
      CHECK(template_names == path_parameters);
    }
  }
}

TEST_CASE("OpenAPI: every /api/ route of the storefront is documented, and every documented one exists",
          "[storefront][openapi]") {
  Shop shop;
  const auto documented = documented_operations(the_document());
  REQUIRE(shop.served.contains("GET /api/v1/products"));
  REQUIRE(shop.served.contains("GET /api/v1/openapi.json"));
  for (const auto& op : shop.served) {
    if (!documented.contains(op)) {
      FAIL_CHECK("route " << op << " is served but missing from src/storefront/api/openapi.json");
    }
  }
  for (const auto& op : documented) {
    if (!shop.served.contains(op)) {
      FAIL_CHECK("operation " << op << " is in src/storefront/api/openapi.json but no route serves it");
    }
  }
}

TEST_CASE("OpenAPI: the routes accept every documented query parameter", "[storefront][openapi]") {
  Shop shop;
  const auto doc = the_document();
  // The probe can fail: an undocumented name is refused.
  REQUIRE(refused_as_unknown(shop.get("/api/v1/products?limt=2"), "limt"));
  int probes = 0;
  for (const auto& [path, item] : doc.at("paths").as_object()) {
    const auto* get = item.as_object().if_contains("get");
    if (get == nullptr || !get->as_object().contains("parameters")) {
      continue;
    }
    for (const auto& p : get->as_object().at("parameters").as_array()) {
      const auto& parameter = resolve(doc, p).as_object();
      if (parameter.at("in").as_string() != "query") {
        continue;
      }
      std::string name(parameter.at("name").as_string());
      if (const auto at = name.find("{name}"); at != std::string::npos) {
        name.replace(at, 6, "brand");  // attr.{name} stands for attr.brand, attr.colour, ...
      }
      const auto target = shop.concrete(std::string(path)) + "?" + name + "=" + probe_value(parameter);
      INFO(target);
      const auto res = shop.get(target);
      CHECK_FALSE(refused_as_unknown(res, name));
      CHECK(res.status != 500);
      ++probes;
    }
  }
  CHECK(probes >= 10);
}

TEST_CASE("OpenAPI: the answers match the documented schemas", "[storefront][openapi]") {
  Shop shop;
  const auto doc = the_document();
  const auto schema_of = [&](const std::string& path, const std::string& status, const std::string& media_type) {
    const auto& responses = doc.at("paths").at(path).at("get").at("responses").as_object();
    REQUIRE(responses.contains(status));
    return resolve(doc, responses.at(status)).at("content").at(media_type).at("schema");
  };
  struct Case {
    std::string path;  // the documented template
    std::string target;
    std::string status;
  };
  const std::vector<Case> cases = {
      {"/api/v1/store", "/api/v1/store", "200"},
      {"/api/v1/products", "/api/v1/products", "200"},
      {"/api/v1/products", "/api/v1/products?facets=true&limit=1", "200"},
      {"/api/v1/products", "/api/v1/products?facets=true&q=mug", "200"},  // no priced match: "price": {}
      {"/api/v1/products", "/api/v1/products?limit=0", "400"},
      {"/api/v1/products/{slug}", "/api/v1/products/shirts", "200"},
      {"/api/v1/products/{slug}", "/api/v1/products/nothing-here", "404"},
      {"/api/v1/categories", "/api/v1/categories", "200"},
      {"/api/v1/categories/{slug}", "/api/v1/categories/clothing", "200"},
      {"/api/v1/categories/{slug}", "/api/v1/categories/nothing-here", "404"},
  };
  for (const auto& c : cases) {
    INFO(c.target);
    const auto res = shop.get(c.target);
    REQUIRE(std::to_string(res.status) == c.status);
    const auto media_type = c.status == "200" ? std::string("application/json") : "application/problem+json";
    CHECK(res.header("Content-Type") == media_type);
    std::vector<std::string> errors;
    validate(doc, boost::json::parse(res.body), schema_of(c.path, c.status, media_type), "body", errors);
    for (const auto& e : errors) {
      FAIL_CHECK(e);
    }
  }
}

TEST_CASE("OpenAPI: the schema check fails on an undocumented member or a wrong type", "[storefront][openapi]") {
  const auto doc = the_document();
  const boost::json::value money{{"$ref", "#/components/schemas/Money"}};
  std::vector<std::string> errors;
  validate(doc, boost::json::parse(R"({"amount": 1999, "currency": "EUR"})"), money, "m", errors);
  CHECK(errors.empty());
  validate(doc, boost::json::parse(R"({"amount": 19.99, "currency": "EUR"})"), money, "m", errors);
  CHECK(errors.size() == 1);
  validate(doc, boost::json::parse(R"({"amount": 1999, "currency": "EUR", "cents": true})"), money, "m", errors);
  CHECK(errors.size() == 2);
  validate(doc, boost::json::parse(R"({"amount": 1999})"), money, "m", errors);
  CHECK(errors.size() == 3);
}

TEST_CASE("OpenAPI: GET /api/v1/openapi.json serves the embedded document with an ETag", "[storefront][openapi]") {
  Shop shop;
  const auto res = shop.get("/api/v1/openapi.json");
  REQUIRE(res.status == 200);
  CHECK(res.header("Content-Type") == "application/json");
  CHECK(res.body == storefront::api::openapi_document());
  CHECK(boost::json::parse(res.body).as_object().at("openapi").as_string().starts_with("3.1."));
  const auto etag = res.header("ETag");
  REQUIRE(etag);
  CHECK(*etag == http::strong_etag(res.body));

  const auto again = shop.get("/api/v1/openapi.json", {{"If-None-Match", *etag}});
  CHECK(again.status == 304);
  CHECK(again.body.empty());
  CHECK(again.header("ETag") == etag);
  CHECK(shop.get("/api/v1/openapi.json", {{"If-None-Match", "\"other\""}}).status == 200);
}
