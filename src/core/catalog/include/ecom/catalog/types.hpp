// The catalog's data as the rest of the platform sees it: products with their variants, categories
// and attributes, the category tree, and a page of a product listing. Money is integer minor units
// with an ISO 4217 code, never floating point.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace ecom::catalog {

struct Money {
  std::int64_t amount = 0;  // minor units: 1999 is 19.99 EUR
  std::string currency;     // ISO 4217, e.g. "EUR"

  friend bool operator==(const Money&, const Money&) = default;
};

enum class ProductStatus { draft, active, archived };

struct Variant {
  std::int64_t id = 0;
  std::string sku;
  std::string title;
  // Option values, e.g. {{"colour", "red"}, {"size", "M"}}, sorted by option name.
  std::vector<std::pair<std::string, std::string>> options;
  Money price;
  std::optional<Money> compare_at;
  std::int64_t weight_grams = 0;
  std::int64_t on_hand = 0;
};

// A category as a product refers to it (no children).
struct CategoryRef {
  std::int64_t id = 0;
  std::string slug;
  std::string name;
};

struct Attribute {
  std::string name;
  std::string value;
};

struct Product {
  std::int64_t id = 0;
  std::string slug;
  std::string title;
  std::string description;
  ProductStatus status = ProductStatus::draft;
  std::string seo_title;
  std::string seo_description;
  std::int64_t created_at_us = 0;  // microseconds since the Unix epoch, UTC
  std::int64_t updated_at_us = 0;
  std::int64_t version = 1;
  std::vector<Variant> variants;        // by id
  std::vector<CategoryRef> categories;  // by slug
  std::vector<Attribute> attributes;    // by name, then value
};

// One entry of a listing: enough for a product card.
struct ProductSummary {
  std::int64_t id = 0;
  std::string slug;
  std::string title;
  std::int64_t created_at_us = 0;
  std::optional<Money> price_from;  // the cheapest variant's price; none without variants
};

struct ProductPage {
  std::vector<ProductSummary> items;
  std::optional<std::string> next_cursor;  // absent on the last page
};

// A node of the category tree; children by position, then name.
struct Category {
  std::int64_t id = 0;
  std::optional<std::int64_t> parent_id;
  std::string slug;
  std::string name;
  std::int64_t position = 0;
  std::vector<Category> children;
};

[[nodiscard]] const char* to_string(ProductStatus status) noexcept;
// nullopt for anything but "draft", "active" or "archived".
[[nodiscard]] std::optional<ProductStatus> status_from_string(const std::string& text) noexcept;

}  // namespace ecom::catalog
