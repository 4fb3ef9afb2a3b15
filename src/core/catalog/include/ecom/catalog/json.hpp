// The catalog's JSON shapes, shared by the storefront API and (later) the admin API. Prices are
// {"amount": 1999, "currency": "EUR"}: integer minor units, never a decimal number.
#pragma once

#include <ecom/catalog/types.hpp>

#include <boost/json/value.hpp>

#include <vector>

namespace ecom::catalog {

[[nodiscard]] boost::json::value to_json(const Money& money);
[[nodiscard]] boost::json::value to_json(const Product& product);
[[nodiscard]] boost::json::value to_json(const ProductSummary& summary);
// {"items": [...], "next_cursor": ..., "facets": {...} (only when the page has facets)}.
[[nodiscard]] boost::json::value to_json(const ProductPage& page);
// {"total", "in_stock", "categories": [{"value","label","count"}], "attributes": {"<name>": [...]},
//  "price": {"min": Money, "max": Money} (empty without priced matches)}.
[[nodiscard]] boost::json::value to_json(const Facets& facets);
[[nodiscard]] boost::json::value to_json(const Category& category);
[[nodiscard]] boost::json::value to_json(const std::vector<Category>& tree);

}  // namespace ecom::catalog
