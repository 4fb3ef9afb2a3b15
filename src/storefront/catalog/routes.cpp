#include "catalog/routes.hpp"

#include <ecom/catalog/json.hpp>
#include <ecom/platform/error.hpp>
#include <ecom/platform/http/etag.hpp>

#include <boost/json.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <set>
#include <span>
#include <string>
#include <string_view>

namespace ecom::storefront::catalog {
namespace {

using ecom::catalog::CatalogService;
using ecom::catalog::ListQuery;

constexpr std::array<std::string_view, 3> kListParameters = {"limit", "cursor", "category"};

// Unknown or repeated parameters are refused rather than ignored: a typo ("limt") must not
// silently give the default answer.
void check_parameter_names(const http::Request& request, std::span<const std::string_view> allowed) {
  std::set<std::string, std::less<>> seen;
  std::string_view rest = request.query;
  // Bounded by the query's length: each pass consumes at least one character.
  while (!rest.empty()) {
    const auto amp = rest.find('&');
    const auto pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
    if (pair.empty()) {
      continue;
    }
    const auto raw_name = pair.substr(0, pair.find('='));
    auto name = http::percent_decode(raw_name, true).value_or(std::string(raw_name));
    if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
      throw core::Error::bad_parameter(std::move(name), "unknown parameter");
    }
    if (!seen.insert(name).second) {
      throw core::Error::bad_parameter(std::move(name), "given more than once");
    }
  }
}

int parse_limit(const std::string& text) {
  int value = 0;
  const auto* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end || value < 1 || value > ecom::catalog::kMaxListLimit) {
    throw core::Error::bad_parameter("limit",
                                     "must be an integer from 1 to " + std::to_string(ecom::catalog::kMaxListLimit));
  }
  return value;
}

http::Response json(const http::Request& request, const boost::json::value& body) {
  return http::with_etag(request, http::Response::json(200, boost::json::serialize(body)));
}

}  // namespace

void add_routes(http::Router& router, CatalogService& service) {
  // Blocking (the default): each may load from the database or the cache.
  router.get("/api/v1/products", [&service](http::Request& request) {
    check_parameter_names(request, kListParameters);
    ListQuery query;
    if (auto limit = request.query_param("limit")) {
      query.limit = parse_limit(*limit);
    }
    query.cursor = request.query_param("cursor");
    query.category = request.query_param("category");
    return json(request, ecom::catalog::to_json(service.list_products(query)));
  });
  router.get("/api/v1/products/{slug}", [&service](http::Request& request) {
    check_parameter_names(request, {});
    return json(request, ecom::catalog::to_json(service.get_product(request.param("slug"))));
  });
  router.get("/api/v1/categories", [&service](http::Request& request) {
    check_parameter_names(request, {});
    return json(request, ecom::catalog::to_json(service.category_tree()));
  });
  router.get("/api/v1/categories/{slug}", [&service](http::Request& request) {
    check_parameter_names(request, {});
    return json(request, ecom::catalog::to_json(service.get_category(request.param("slug"))));
  });
}

}  // namespace ecom::storefront::catalog
