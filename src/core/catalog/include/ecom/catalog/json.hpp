// The catalog's JSON shapes, shared by the storefront API and the admin API. Prices are
// {"amount": 1999, "currency": "EUR"}: integer minor units, never a decimal number.
#pragma once

#include <ecom/catalog/types.hpp>

#include <boost/json/value.hpp>

#include <string_view>
#include <vector>

namespace ecom::catalog {

[[nodiscard]] boost::json::value to_json(const Money& money);
// A product's "images" (by position) are {"path", "alt", "width", "height"}; with an asset base URL
// (assets.base_url: "/media" or "https://cdn.example/media") they are {"url", "alt", "width",
// "height"} instead, url being base + "/" + path: the storefront's public shape.
[[nodiscard]] boost::json::value to_json(const Product& product);
[[nodiscard]] boost::json::value to_json(const Product& product, std::string_view asset_base_url);
[[nodiscard]] boost::json::value to_json(const Image& image, std::string_view asset_base_url = {});
// A summary's "image" (its product's first, or null) takes the same shapes as a product's images.
[[nodiscard]] boost::json::value to_json(const ProductSummary& summary, std::string_view asset_base_url = {});
// {"items": [...], "next_cursor": ..., "facets": {...} (only when the page has facets)}.
[[nodiscard]] boost::json::value to_json(const ProductPage& page, std::string_view asset_base_url = {});
// {"total", "in_stock", "categories": [{"value","label","count"}], "attributes": {"<name>": [...]},
//  "price": {"min": Money, "max": Money} (empty without priced matches)}.
[[nodiscard]] boost::json::value to_json(const Facets& facets);
[[nodiscard]] boost::json::value to_json(const Category& category);
[[nodiscard]] boost::json::value to_json(const std::vector<Category>& tree);

}  // namespace ecom::catalog
