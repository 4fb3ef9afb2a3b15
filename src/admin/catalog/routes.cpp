#include "catalog/routes.hpp"

#include <ecom/catalog/json.hpp>
#include <ecom/platform/error.hpp>
#include <ecom/platform/http/json_body.hpp>
#include <ecom/platform/http/problem.hpp>
#include <ecom/platform/http/query.hpp>
#include <ecom/platform/time.hpp>

#include <boost/json.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ecom::admin::catalog {
namespace {

using core::Error;
using core::ErrorCode;
using ecom::catalog::Attribute;
using ecom::catalog::CatalogAdmin;
using ecom::catalog::Money;
using ecom::catalog::Product;
using ecom::catalog::ProductStatus;
using http::allow_only;
using http::json_body;
using http::optional_int;
using http::optional_json_body;
using http::optional_string;
using http::required_string;

constexpr const char* kRead = "catalog.read";
constexpr const char* kWrite = "catalog.write";
constexpr std::string_view kPrefix = "/api/v1/admin";

// ---------------------------------------------------------------------------------------------
// Request parsing: strict, every problem names its field (the generic readers are http/json_body.hpp).

bool is_null(const boost::json::object& o, std::string_view name) {
  const auto* v = o.if_contains(name);
  return v != nullptr && v->is_null();
}

// {"amount": 1999, "currency": "EUR"}
Money money(const boost::json::value& v, const std::string& name) {
  if (!v.is_object()) {
    throw Error::bad_parameter(name, "must be an object {\"amount\": minor units, \"currency\": \"EUR\"}");
  }
  const auto& o = v.as_object();
  for (const auto& field : o) {
    if (field.key() != "amount" && field.key() != "currency") {
      throw Error::bad_parameter(name + "." + std::string(field.key()), "unknown field");
    }
  }
  const auto amount = optional_int(o, "amount", name + ".");
  if (!amount) {
    throw Error::bad_parameter(name + ".amount", "is required (an integer of minor units)");
  }
  return Money{*amount, required_string(o, "currency", name + ".")};
}

std::optional<std::vector<std::string>> opt_strings(const boost::json::object& o, std::string_view name) {
  const auto* v = o.if_contains(name);
  if (v == nullptr) {
    return std::nullopt;
  }
  if (!v->is_array()) {
    throw Error::bad_parameter(std::string(name), "must be an array of strings");
  }
  std::vector<std::string> out;
  for (const auto& item : v->as_array()) {
    if (!item.is_string()) {
      throw Error::bad_parameter(std::string(name), "must be an array of strings");
    }
    out.emplace_back(item.as_string());
  }
  return out;
}

// [{"name": "material", "value": "wool"}, ...]
std::optional<std::vector<Attribute>> opt_attributes(const boost::json::object& o) {
  const auto* v = o.if_contains("attributes");
  if (v == nullptr) {
    return std::nullopt;
  }
  if (!v->is_array()) {
    throw Error::bad_parameter("attributes", "must be an array of {\"name\", \"value\"} objects");
  }
  std::vector<Attribute> out;
  for (const auto& item : v->as_array()) {
    if (!item.is_object()) {
      throw Error::bad_parameter("attributes", "must be an array of {\"name\", \"value\"} objects");
    }
    const auto& a = item.as_object();
    allow_only(a, {"name", "value"});
    out.push_back(Attribute{required_string(a, "name", "attributes."), required_string(a, "value", "attributes.")});
  }
  return out;
}

// {"size": "M", "colour": "red"}
std::optional<std::vector<std::pair<std::string, std::string>>> opt_options(const boost::json::object& o) {
  const auto* v = o.if_contains("options");
  if (v == nullptr) {
    return std::nullopt;
  }
  if (!v->is_object()) {
    throw Error::bad_parameter("options", "must be an object of strings");
  }
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& field : v->as_object()) {
    if (!field.value().is_string()) {
      throw Error::bad_parameter("options." + std::string(field.key()), "must be a string");
    }
    out.emplace_back(std::string(field.key()), std::string(field.value().as_string()));
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::optional<ProductStatus> opt_status(const boost::json::object& o) {
  auto text = optional_string(o, "status");
  if (!text) {
    return std::nullopt;
  }
  auto status = ecom::catalog::status_from_string(*text);
  if (!status) {
    throw Error::bad_parameter("status", "must be draft, active or archived");
  }
  return status;
}

std::optional<std::int64_t> parse_int(std::string_view text) {
  std::int64_t value = 0;
  const auto* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end) {
    return std::nullopt;
  }
  return value;
}

// A path id: anything but a positive integer names no resource.
std::int64_t path_id(const http::Request& request, std::string_view name, const char* what) {
  const auto id = parse_int(request.param(name));
  if (!id || *id <= 0) {
    throw Error(ErrorCode::not_found, std::string("No such ") + what + ".");
  }
  return *id;
}

// The version a change is based on: If-Match: "<version>" or the body's "version" (both: they
// must agree). Neither is 400 naming If-Match: a change that names no version could overwrite
// someone else's without noticing, so it is refused rather than applied.
std::int64_t expected_version(const http::Request& request, const boost::json::object& body) {
  std::optional<std::int64_t> from_header;
  if (const auto header = request.header("If-Match")) {
    std::string_view tag = *header;
    while (!tag.empty() && tag.front() == ' ') {
      tag.remove_prefix(1);
    }
    while (!tag.empty() && tag.back() == ' ') {
      tag.remove_suffix(1);
    }
    if (tag.size() >= 2 && tag.front() == '"' && tag.back() == '"') {
      tag = tag.substr(1, tag.size() - 2);
    }
    from_header = parse_int(tag);
    if (!from_header || *from_header <= 0) {
      throw Error::bad_parameter("If-Match", "must be the product's ETag, e.g. \"3\"");
    }
  }
  const auto from_body = optional_int(body, "version");
  if (from_header && from_body && *from_header != *from_body) {
    throw Error::bad_parameter("version", "differs from If-Match");
  }
  if (from_header) {
    return *from_header;
  }
  if (from_body) {
    return *from_body;
  }
  throw Error::bad_parameter("If-Match",
                             "is required: send the product's ETag (or a \"version\" field) so that a change made "
                             "meanwhile by someone else is not overwritten");
}

// ---------------------------------------------------------------------------------------------
// Responses.

std::string etag(std::int64_t version) {
  return "\"" + std::to_string(version) + "\"";
}

// The storefront's product JSON plus what staff need: each variant's stock count.
http::Response product_response(int status, const Product& product) {
  auto doc = ecom::catalog::to_json(product);
  auto& variants = doc.as_object()["variants"].as_array();
  for (std::size_t i = 0; i < variants.size() && i < product.variants.size(); ++i) {
    variants[i].as_object()["on_hand"] = product.variants[i].on_hand;
  }
  auto response = http::Response::json(status, boost::json::serialize(doc));
  response.headers.set("ETag", etag(product.version));
  response.headers.set("Cache-Control", "no-store");
  if (status == 201) {
    response.headers.set("Location", std::string(kPrefix) + "/products/" + std::to_string(product.id));
  }
  return response;
}

http::Response json_response(int status, const boost::json::value& doc) {
  auto response = http::Response::json(status, boost::json::serialize(doc));
  response.headers.set("Cache-Control", "no-store");
  return response;
}

// ---------------------------------------------------------------------------------------------
// Handlers.

constexpr std::array<std::string_view, 8> kProductFields = {"slug", "title",      "description", "status",
                                                            "seo",  "categories", "attributes",  "version"};

// "seo": {"title": ..., "description": ...}, the shape the product JSON has.
void read_seo(const boost::json::object& body, std::optional<std::string>& title,
              std::optional<std::string>& description) {
  const auto* seo = body.if_contains("seo");
  if (seo == nullptr) {
    return;
  }
  if (!seo->is_object()) {
    throw Error::bad_parameter("seo", "must be an object {\"title\", \"description\"}");
  }
  const auto& o = seo->as_object();
  for (const auto& field : o) {
    if (field.key() != "title" && field.key() != "description") {
      throw Error::bad_parameter("seo." + std::string(field.key()), "unknown field");
    }
  }
  title = optional_string(o, "title", "seo.");
  description = optional_string(o, "description", "seo.");
}

http::Response list_products(CatalogAdmin& admin, const http::Request& request) {
  // Unknown or repeated parameters are refused: a typo must not silently list everything.
  static constexpr std::array<std::string_view, 4> kListParameters = {"q", "status", "limit", "after"};
  const auto params = http::Params::parse(request.query);
  params.allow_only(kListParameters);
  ecom::catalog::AdminListQuery query;
  query.q = params.get("q");
  if (auto status = params.get("status")) {
    query.status = ecom::catalog::status_from_string(*status);
    if (!query.status) {
      throw Error::bad_parameter("status", "must be draft, active or archived");
    }
  }
  if (auto limit = params.get("limit")) {
    const auto value = parse_int(*limit);
    if (!value || *value < 1 || *value > ecom::catalog::kMaxAdminListLimit) {
      throw Error::bad_parameter("limit",
                                 "must be an integer from 1 to " + std::to_string(ecom::catalog::kMaxAdminListLimit));
    }
    query.limit = static_cast<int>(*value);
  }
  if (auto after = params.get("after")) {
    query.after = parse_int(*after);
    if (!query.after || *query.after < 0) {
      throw Error::bad_parameter("after", "must be the next_after of the previous page");
    }
  }
  const auto page = admin.list_products(query, request.client_ip);
  boost::json::array items;
  for (const auto& row : page.items) {
    items.push_back(boost::json::object{
        {"id", row.id},
        {"slug", row.slug},
        {"title", row.title},
        {"status", ecom::catalog::to_string(row.status)},
        {"version", row.version},
        {"updated_at", ecom::time::iso8601_from_us(row.updated_at_us)},
        {"variant_count", row.variant_count},
    });
  }
  boost::json::object doc{{"items", std::move(items)}};
  doc["next_after"] = page.next_after ? boost::json::value(*page.next_after) : boost::json::value(nullptr);
  return json_response(200, doc);
}

http::Response create_product(CatalogAdmin& admin, const http::Request& request) {
  const auto body = json_body(request);
  allow_only(body, kProductFields);
  if (body.contains("version")) {
    throw Error::bad_parameter("version", "a new product has no version yet");
  }
  ecom::catalog::NewProduct p;
  p.slug = required_string(body, "slug");
  p.title = required_string(body, "title");
  p.description = optional_string(body, "description").value_or("");
  p.status = opt_status(body).value_or(ProductStatus::draft);
  std::optional<std::string> seo_title;
  std::optional<std::string> seo_description;
  read_seo(body, seo_title, seo_description);
  p.seo_title = seo_title.value_or("");
  p.seo_description = seo_description.value_or("");
  p.category_slugs = opt_strings(body, "categories").value_or(std::vector<std::string>{});
  p.attributes = opt_attributes(body).value_or(std::vector<Attribute>{});
  return product_response(201, admin.create_product(p, request.client_ip));
}

http::Response update_product(CatalogAdmin& admin, const http::Request& request) {
  const auto id = path_id(request, "id", "product");
  const auto body = json_body(request);
  allow_only(body, kProductFields);
  const auto version = expected_version(request, body);
  ecom::catalog::ProductChanges changes;
  changes.slug = optional_string(body, "slug");
  changes.title = optional_string(body, "title");
  changes.description = optional_string(body, "description");
  changes.status = opt_status(body);
  read_seo(body, changes.seo_title, changes.seo_description);
  changes.category_slugs = opt_strings(body, "categories");
  changes.attributes = opt_attributes(body);
  return product_response(200, admin.update_product(id, changes, version, request.client_ip));
}

http::Response set_status(CatalogAdmin& admin, const http::Request& request, ProductStatus status) {
  const auto id = path_id(request, "id", "product");
  const auto body = optional_json_body(request);
  allow_only(body, {"version"});
  const auto version = expected_version(request, body);
  return product_response(200, admin.set_status(id, status, version, request.client_ip));
}

http::Response delete_product(CatalogAdmin& admin, const http::Request& request) {
  const auto id = path_id(request, "id", "product");
  const auto body = optional_json_body(request);
  allow_only(body, {"version"});
  admin.delete_product(id, expected_version(request, body), request.client_ip);
  return http::Response::empty(204);
}

constexpr std::array<std::string_view, 8> kVariantFields = {
    "sku", "title", "options", "price", "compare_at_price", "weight_grams", "on_hand", "version"};

http::Response add_variant(CatalogAdmin& admin, const http::Request& request) {
  const auto id = path_id(request, "id", "product");
  const auto body = json_body(request);
  allow_only(body, kVariantFields);
  const auto version = expected_version(request, body);
  ecom::catalog::NewVariant v;
  v.sku = required_string(body, "sku");
  v.title = optional_string(body, "title").value_or("");
  v.options = opt_options(body).value_or(std::vector<std::pair<std::string, std::string>>{});
  const auto* price = body.if_contains("price");
  if (price == nullptr) {
    throw Error::bad_parameter("price", "is required");
  }
  v.price = money(*price, "price");
  if (const auto* compare_at = body.if_contains("compare_at_price"); compare_at != nullptr && !compare_at->is_null()) {
    v.compare_at = money(*compare_at, "compare_at_price");
  }
  v.weight_grams = optional_int(body, "weight_grams").value_or(0);
  v.on_hand = optional_int(body, "on_hand").value_or(0);
  return product_response(201, admin.add_variant(id, v, version, request.client_ip));
}

http::Response update_variant(CatalogAdmin& admin, const http::Request& request) {
  const auto id = path_id(request, "id", "product");
  const auto variant_id = path_id(request, "variant_id", "variant");
  const auto body = json_body(request);
  allow_only(body, kVariantFields);
  const auto version = expected_version(request, body);
  ecom::catalog::VariantChanges changes;
  changes.sku = optional_string(body, "sku");
  changes.title = optional_string(body, "title");
  changes.options = opt_options(body);
  if (const auto* price = body.if_contains("price")) {
    changes.price = money(*price, "price");
  }
  if (const auto* compare_at = body.if_contains("compare_at_price")) {
    changes.compare_at =
        compare_at->is_null() ? std::optional<Money>() : std::optional<Money>(money(*compare_at, "compare_at_price"));
  }
  changes.weight_grams = optional_int(body, "weight_grams");
  changes.on_hand = optional_int(body, "on_hand");
  return product_response(200, admin.update_variant(id, variant_id, changes, version, request.client_ip));
}

http::Response delete_variant(CatalogAdmin& admin, const http::Request& request) {
  const auto id = path_id(request, "id", "product");
  const auto variant_id = path_id(request, "variant_id", "variant");
  const auto body = optional_json_body(request);
  allow_only(body, {"version"});
  const auto version = expected_version(request, body);
  return product_response(200, admin.delete_variant(id, variant_id, version, request.client_ip));
}

http::Response create_category(CatalogAdmin& admin, const http::Request& request) {
  const auto body = json_body(request);
  allow_only(body, {"slug", "name", "parent", "position"});
  ecom::catalog::NewCategory c;
  c.slug = required_string(body, "slug");
  c.name = required_string(body, "name");
  if (!is_null(body, "parent")) {
    c.parent_slug = optional_string(body, "parent");
  }
  c.position = optional_int(body, "position").value_or(0);
  const auto created = admin.create_category(c, request.client_ip);
  auto response = json_response(201, ecom::catalog::to_json(created));
  response.headers.set("Location", std::string(kPrefix) + "/categories/" + std::to_string(created.id));
  return response;
}

http::Response update_category(CatalogAdmin& admin, const http::Request& request) {
  const auto id = path_id(request, "id", "category");
  const auto body = json_body(request);
  allow_only(body, {"slug", "name", "parent", "position"});
  ecom::catalog::CategoryChanges changes;
  changes.slug = optional_string(body, "slug");
  changes.name = optional_string(body, "name");
  if (is_null(body, "parent")) {
    changes.parent_slug = std::optional<std::string>();
  } else if (auto parent = optional_string(body, "parent")) {
    changes.parent_slug = std::optional<std::string>(std::move(*parent));
  }
  changes.position = optional_int(body, "position");
  return json_response(200, ecom::catalog::to_json(admin.update_category(id, changes, request.client_ip)));
}

http::Response import_csv(CatalogAdmin& admin, const http::Request& request) {
  if (request.media_type() != "text/csv") {
    throw Error(ErrorCode::unsupported_media, "Send the file as text/csv.");
  }
  try {
    const auto report = admin.import_csv(request.body, request.client_ip);
    return json_response(200, boost::json::object{
                                  {"rows", report.rows},
                                  {"products_created", report.products_created},
                                  {"products_updated", report.products_updated},
                                  {"variants_created", report.variants_created},
                                  {"variants_updated", report.variants_updated},
                              });
  } catch (const ecom::catalog::ImportError& e) {
    // The problem document, with the report in place of the generic field list.
    boost::json::array errors;
    for (const auto& p : e.problems()) {
      errors.push_back(boost::json::object{{"row", p.row}, {"column", p.column}, {"message", p.message}});
    }
    Error refused(e);
    refused.with_member("errors", std::move(errors));
    return http::error_response(refused, request);
  }
}

http::Response export_csv(CatalogAdmin& admin, const http::Request& request) {
  auto response = http::Response::text(200, admin.export_csv(request.client_ip), "text/csv; charset=utf-8");
  response.headers.set("Content-Disposition", "attachment; filename=\"products.csv\"");
  response.headers.set("Cache-Control", "no-store");
  return response;
}

std::string route(std::string_view path) {
  return std::string(kPrefix) + std::string(path);
}

}  // namespace

void add_routes(http::Router& router, CatalogAdmin& admin) {
  CatalogAdmin* a = &admin;
  const http::RouteOptions read{.permission = kRead};
  const http::RouteOptions write{.permission = kWrite};
  router.get(
      route("/products"), [a](http::Request& r) { return list_products(*a, r); }, read);
  router.post(
      route("/products"), [a](http::Request& r) { return create_product(*a, r); }, write);
  router.get(
      route("/products/{id}"),
      [a](http::Request& r) { return product_response(200, a->get_product(path_id(r, "id", "product"), r.client_ip)); },
      read);
  router.add(
      http::Method::patch, route("/products/{id}"), [a](http::Request& r) { return update_product(*a, r); }, write);
  router.add(
      http::Method::del, route("/products/{id}"), [a](http::Request& r) { return delete_product(*a, r); }, write);
  router.post(
      route("/products/{id}/publish"), [a](http::Request& r) { return set_status(*a, r, ProductStatus::active); },
      write);
  router.post(
      route("/products/{id}/unpublish"), [a](http::Request& r) { return set_status(*a, r, ProductStatus::draft); },
      write);
  router.post(
      route("/products/{id}/variants"), [a](http::Request& r) { return add_variant(*a, r); }, write);
  router.add(
      http::Method::patch, route("/products/{id}/variants/{variant_id}"),
      [a](http::Request& r) { return update_variant(*a, r); }, write);
  router.add(
      http::Method::del, route("/products/{id}/variants/{variant_id}"),
      [a](http::Request& r) { return delete_variant(*a, r); }, write);
  router.get(
      route("/products.csv"), [a](http::Request& r) { return export_csv(*a, r); }, read);
  router.post(
      route("/products.csv"), [a](http::Request& r) { return import_csv(*a, r); }, write);
  router.get(
      route("/categories"),
      [a](http::Request& r) { return json_response(200, ecom::catalog::to_json(a->category_tree(r.client_ip))); },
      read);
  router.post(
      route("/categories"), [a](http::Request& r) { return create_category(*a, r); }, write);
  router.add(
      http::Method::patch, route("/categories/{id}"), [a](http::Request& r) { return update_category(*a, r); }, write);
  router.add(
      http::Method::del, route("/categories/{id}"),
      [a](http::Request& r) {
        a->delete_category(path_id(r, "id", "category"), r.client_ip);
        return http::Response::empty(204);
      },
      write);
}

}  // namespace ecom::admin::catalog
