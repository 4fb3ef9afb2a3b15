// The catalog's data as the rest of the platform sees it: products with their variants, categories
// and attributes, the category tree, and a page of a product listing. Money is integer minor units
// with an ISO 4217 code, never floating point.
#pragma once

#include <ecom/money/money.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace ecom::catalog {

// The platform-wide money type (ecom/money/money.hpp), so carts, orders and payments share it.
using Money = ecom::money::Money;

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

// A product image. path is the storage key ("products/12/3f2a....png"); the page's URL is the
// asset base URL (assets.base_url) followed by "/" and the path, so a CDN can front the files.
// width and height are in pixels, read from the file at upload.
struct Image {
  std::int64_t id = 0;
  std::string path;
  std::string alt;
  std::int64_t width = 0;
  std::int64_t height = 0;
  std::int64_t position = 0;
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
  std::vector<Image> images;            // by position, then id
};

// One entry of a listing: enough for a product card.
struct ProductSummary {
  std::int64_t id = 0;
  std::string slug;
  std::string title;
  std::int64_t created_at_us = 0;
  std::optional<Money> price_from;  // the cheapest variant's price; none without variants
  std::optional<Image> image;       // the first image; none without images
};

// One value of a facet and how many products of the listing have it.
struct FacetValue {
  std::string value;  // a category slug or an attribute value
  std::string label;  // a category name; the value again for attributes
  std::int64_t count = 0;
};

// Counts over every product the listing's search and filters match (all pages, not just one).
struct Facets {
  std::int64_t total = 0;     // products matched
  std::int64_t in_stock = 0;  // of which some variant has stock
  // The sub-categories of the listing's category (the root categories without one) that hold
  // matching products, in tree order; a product counts in every sub-category it sits in.
  std::vector<FacetValue> categories;
  // Attribute name -> its values among the matches, by name, then value.
  std::vector<std::pair<std::string, std::vector<FacetValue>>> attributes;
  // The lowest and highest cheapest-variant price among the matches; none without priced matches.
  std::optional<Money> min_price;
  std::optional<Money> max_price;
};

struct ProductPage {
  std::vector<ProductSummary> items;
  std::optional<std::string> next_cursor;  // absent on the last page
  std::optional<Facets> facets;            // when the query asked for them
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
