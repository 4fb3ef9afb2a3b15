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
[[nodiscard]] boost::json::value to_json(const ProductPage& page);
[[nodiscard]] boost::json::value to_json(const Category& category);
[[nodiscard]] boost::json::value to_json(const std::vector<Category>& tree);

}  // namespace ecom::catalog
