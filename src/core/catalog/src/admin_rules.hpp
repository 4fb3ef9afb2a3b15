// What CatalogAdmin's use cases share (admin_products.cpp, admin_categories.cpp, admin_csv.cpp):
// the bounds on what staff may store, the rules that check them (each naming its field), and the
// statements more than one use case runs. Private to the module.
#pragma once

#include "internal.hpp"

#include <ecom/catalog/admin.hpp>

#include <cstddef>
#include <string>
#include <vector>

namespace ecom::catalog::detail {

// Bounds on what staff may store: large enough for any real product, small enough that one request
// cannot fill the database or the cache.
inline constexpr std::size_t kMaxTitle = 300;
inline constexpr std::size_t kMaxDescription = 100'000;
inline constexpr std::size_t kMaxSeoTitle = 300;
inline constexpr std::size_t kMaxSeoDescription = 1000;
inline constexpr std::size_t kMaxName = 100;  // attribute and option names, SKUs
inline constexpr std::size_t kMaxValue = 500;
inline constexpr std::size_t kMaxListEntries = 100;  // categories, attributes, options of one product or variant
inline constexpr std::size_t kMaxCategoryName = 200;
inline constexpr std::size_t kMaxSearch = 200;  // characters of an admin list query

inline constexpr const char* kSelectProductIdBySlug = "SELECT id FROM products WHERE slug = :slug";
inline constexpr const char* kSelectCategoryIdBySlug = "SELECT id FROM categories WHERE slug = :slug";
inline constexpr const char* kInsertProduct =
    "INSERT INTO products (slug, title, description, status, seo_title, seo_description, created_at, updated_at) "
    "VALUES (:slug, :title, :description, :status, :seo_title, :seo_description, :created_at, :updated_at) "
    "RETURNING id";
inline constexpr const char* kDeleteProductCategories = "DELETE FROM product_categories WHERE product_id = :product_id";
inline constexpr const char* kInsertProductCategory =
    "INSERT INTO product_categories (product_id, category_id) VALUES (:product_id, :category_id)";
inline constexpr const char* kDeleteAttributes = "DELETE FROM product_attributes WHERE product_id = :product_id";
inline constexpr const char* kInsertAttribute =
    "INSERT INTO product_attributes (product_id, name, value) VALUES (:product_id, :name, :value)";
inline constexpr const char* kSelectSkuOwner = "SELECT id, product_id FROM variants WHERE sku = :sku";

// Validation: each rule throws unprocessable naming its field (FieldError::name).
void check_length(const std::string& value, std::size_t max, const std::string& field);
void check_slug(const std::string& slug, const std::string& field = "slug");
void check_title(const std::string& title);
void check_attributes(const std::vector<Attribute>& attributes);
void check_product(const NewProduct& product);
// Fields: sku, title, price, compare_at_price, price.currency, compare_at_price.currency,
// weight_grams, on_hand, options.
void check_variant(const NewVariant& variant);

}  // namespace ecom::catalog::detail
