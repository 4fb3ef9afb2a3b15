#include "catalog/routes.hpp"

#include <ecom/catalog/json.hpp>
#include <ecom/platform/error.hpp>
#include <ecom/platform/http/etag.hpp>
#include <ecom/platform/http/query.hpp>

#include <boost/json.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ecom::storefront::catalog {
namespace {

using ecom::catalog::CatalogService;
using ecom::catalog::ListQuery;

// Unknown or repeated parameters are refused rather than ignored: a typo ("limt") must not
// silently give the default answer. attr.<name>=<value> filters may repeat (any of the values).
constexpr std::string_view kAttributes = "attr.*";
constexpr std::string_view kAttributePrefix = "attr.";
constexpr std::array<std::string_view, 10> kListParameters = {
    "limit", "cursor", "category", "q", "sort", "min_price", "max_price", "in_stock", "facets", kAttributes};

// A route that takes no parameters: any is a 400 naming it.
void refuse_parameters(const http::Request& request) {
  http::Params::parse(request.query).allow_only({});
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

// The attr.<name> parameters in order of first appearance, each with its values.
std::vector<std::pair<std::string, std::vector<std::string>>> attribute_filters(const http::Params& params) {
  std::vector<std::pair<std::string, std::vector<std::string>>> filters;
  for (const auto& [name, value] : params.items()) {
    if (!name.starts_with(kAttributePrefix)) {
      continue;
    }
    if (value.empty()) {
      throw core::Error::bad_parameter(name, "must be a non-empty value");
    }
    auto attribute = name.substr(kAttributePrefix.size());
    auto it = std::find_if(filters.begin(), filters.end(), [&](const auto& f) { return f.first == attribute; });
    if (it == filters.end()) {
      filters.emplace_back(std::move(attribute), std::vector<std::string>{});
      it = std::prev(filters.end());
    }
    it->second.push_back(value);
  }
  return filters;
}

std::int64_t parse_amount(const char* name, const std::string& text) {
  std::int64_t value = 0;
  const auto* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end) {
    throw core::Error::bad_parameter(name, "must be an integer amount in minor units");
  }
  return value;
}

std::optional<bool> parse_flag(const char* name, const std::optional<std::string>& text) {
  if (!text) {
    return std::nullopt;
  }
  if (*text != "true" && *text != "false") {
    throw core::Error::bad_parameter(name, "must be true or false");
  }
  return *text == "true";
}

http::Response json(const http::Request& request, const boost::json::value& body) {
  return http::with_etag(request, http::Response::json(200, boost::json::serialize(body)));
}

}  // namespace

void add_routes(http::Router& router, CatalogService& service, const std::string& asset_base_url) {
  // Blocking (the default): each may load from the database or the cache.
  router.get("/api/v1/products", [&service, asset_base_url](http::Request& request) {
    const auto params = http::Params::parse(request.query, {kAttributes});
    params.allow_only(kListParameters);
    ListQuery query;
    if (auto limit = params.get("limit")) {
      query.limit = parse_limit(*limit);
    }
    query.cursor = params.get("cursor");
    query.category = params.get("category");
    query.q = params.get("q");
    if (auto sort = params.get("sort")) {
      query.sort = ecom::catalog::parse_sort(*sort);
      if (!query.sort) {
        throw core::Error::bad_parameter("sort", "must be relevance, newest, price_asc, price_desc or name");
      }
    }
    if (auto min_price = params.get("min_price")) {
      query.min_price = parse_amount("min_price", *min_price);
    }
    if (auto max_price = params.get("max_price")) {
      query.max_price = parse_amount("max_price", *max_price);
    }
    query.in_stock = parse_flag("in_stock", params.get("in_stock"));
    query.attributes = attribute_filters(params);
    query.facets = parse_flag("facets", params.get("facets")).value_or(false);
    return json(request, ecom::catalog::to_json(service.list_products(query), asset_base_url));
  });
  // Cached serialised (product_view), so a read is two cache reads and no JSON work; one this
  // process read before is answered on the I/O thread from its near copy. Any query string goes to
  // the handler, which refuses parameters.
  router.get_with_fast_path(
      "/api/v1/products/{slug}",
      [&service](http::Request& request) -> std::optional<http::Response> {
        if (!request.query.empty()) {
          return std::nullopt;
        }
        auto body = service.cached_product_view(request.param("slug"), "json");
        if (!body) {
          return std::nullopt;
        }
        return http::with_etag(request, http::Response::json(200, std::move(*body)));
      },
      [&service, asset_base_url](http::Request& request) {
        refuse_parameters(request);
        auto body = service.product_view(request.param("slug"), "json", [&](const ecom::catalog::Product& product) {
          return boost::json::serialize(ecom::catalog::to_json(product, asset_base_url));
        });
        return http::with_etag(request, http::Response::json(200, std::move(body)));
      });
  router.get("/api/v1/categories", [&service](http::Request& request) {
    refuse_parameters(request);
    return json(request, ecom::catalog::to_json(service.category_tree()));
  });
  router.get("/api/v1/categories/{slug}", [&service](http::Request& request) {
    refuse_parameters(request);
    return json(request, ecom::catalog::to_json(service.get_category(request.param("slug"))));
  });
}

}  // namespace ecom::storefront::catalog
