#include "codec.hpp"
#include "csv.hpp"
#include "internal.hpp"

#include <ecom/catalog/admin.hpp>
#include <ecom/platform/error.hpp>

#include <soci/soci.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <functional>
#include <map>
#include <set>
#include <utility>

namespace ecom::catalog {
namespace {

using core::Error;
using core::ErrorCode;
using detail::find_id;
using detail::invalid;
using detail::now_us;
using detail::product_tag;
using detail::valid_slug;

// Bounds on what staff may store: large enough for any real product, small enough that one request
// cannot fill the database or the cache.
constexpr std::size_t kMaxTitle = 300;
constexpr std::size_t kMaxDescription = 100'000;
constexpr std::size_t kMaxSeoTitle = 300;
constexpr std::size_t kMaxSeoDescription = 1000;
constexpr std::size_t kMaxName = 100;  // attribute and option names, SKUs
constexpr std::size_t kMaxValue = 500;
constexpr std::size_t kMaxListEntries = 100;  // categories, attributes, options of one product or variant
constexpr std::size_t kMaxCategoryName = 200;
constexpr std::size_t kMaxSearch = 200;

constexpr const char* kSelectProductIdBySlug = "SELECT id FROM products WHERE slug = :slug";
constexpr const char* kSelectCategoryIdBySlug = "SELECT id FROM categories WHERE slug = :slug";
constexpr const char* kSelectVersion = "SELECT version FROM products WHERE id = :id";
// Keyset by id; each :pattern placeholder has its own name (SOCI's PostgreSQL backend numbers
// every occurrence). The pattern is lower-cased by the database so both sides fold alike.
constexpr const char* kListProducts =
    "SELECT p.id, p.slug, p.title, p.status, p.version, p.updated_at,"
    " (SELECT COUNT(*) FROM variants v WHERE v.product_id = p.id) "
    "FROM products p WHERE p.id > :after AND (:any_status = 1 OR p.status = :status)"
    " AND (:any_q = 1 OR LOWER(p.title) LIKE LOWER(:p1) ESCAPE '\\' OR LOWER(p.slug) LIKE LOWER(:p2) ESCAPE '\\'"
    " OR EXISTS (SELECT 1 FROM variants v WHERE v.product_id = p.id AND LOWER(v.sku) LIKE LOWER(:p3) ESCAPE '\\')) "
    "ORDER BY p.id LIMIT :limit";
constexpr const char* kInsertProduct =
    "INSERT INTO products (slug, title, description, status, seo_title, seo_description, created_at, updated_at) "
    "VALUES (:slug, :title, :description, :status, :seo_title, :seo_description, :created_at, :updated_at) "
    "RETURNING id";
// The version check and the write in one statement: of two writers holding the same version, the
// second finds the row already at version + 1 (PostgreSQL re-checks the WHERE after waiting for the
// first's row lock; SQLite runs writers one at a time) and changes nothing.
constexpr const char* kUpdateProduct =
    "UPDATE products SET slug = :slug, title = :title, description = :description, status = :status,"
    " seo_title = :seo_title, seo_description = :seo_description, version = version + 1, updated_at = :now "
    "WHERE id = :id AND version = :expected RETURNING version";
constexpr const char* kBumpVersion =
    "UPDATE products SET version = version + 1, updated_at = :now WHERE id = :id AND version = :expected "
    "RETURNING version";
constexpr const char* kDeleteProduct = "DELETE FROM products WHERE id = :id AND version = :expected RETURNING slug";
constexpr const char* kDeleteProductCategories = "DELETE FROM product_categories WHERE product_id = :product_id";
constexpr const char* kInsertProductCategory =
    "INSERT INTO product_categories (product_id, category_id) VALUES (:product_id, :category_id)";
constexpr const char* kDeleteAttributes = "DELETE FROM product_attributes WHERE product_id = :product_id";
constexpr const char* kInsertAttribute =
    "INSERT INTO product_attributes (product_id, name, value) VALUES (:product_id, :name, :value)";
constexpr const char* kSelectSkuOwner = "SELECT id, product_id FROM variants WHERE sku = :sku";
constexpr const char* kDeleteVariant = "DELETE FROM variants WHERE id = :id AND product_id = :product_id RETURNING id";

constexpr const char* kSelectCategory = "SELECT parent_id, slug, name, position FROM categories WHERE id = :id";
constexpr const char* kSelectParent = "SELECT parent_id FROM categories WHERE id = :id";
constexpr const char* kInsertCategory =
    "INSERT INTO categories (parent_id, slug, name, position) VALUES (:parent_id, :slug, :name, :position) "
    "RETURNING id";
constexpr const char* kUpdateCategory =
    "UPDATE categories SET parent_id = :parent_id, slug = :slug, name = :name, position = :position WHERE id = :id";
constexpr const char* kCountChildren = "SELECT COUNT(*) FROM categories WHERE parent_id = :id";
constexpr const char* kCountCategoryProducts = "SELECT COUNT(*) FROM product_categories WHERE category_id = :id";
constexpr const char* kSelectCategoryProducts = "SELECT product_id FROM product_categories WHERE category_id = :id";
constexpr const char* kDeleteCategory = "DELETE FROM categories WHERE id = :id";

// The import's product write: a column missing from the file keeps the stored value (set_* = 0).
constexpr const char* kImportUpdateProduct =
    "UPDATE products SET title = :title,"
    " description = CASE WHEN :set_description = 1 THEN :description ELSE description END,"
    " status = CASE WHEN :set_status = 1 THEN :status ELSE status END,"
    " seo_title = CASE WHEN :set_seo_title = 1 THEN :seo_title ELSE seo_title END,"
    " seo_description = CASE WHEN :set_seo_description = 1 THEN :seo_description ELSE seo_description END,"
    " version = version + 1, updated_at = :now WHERE id = :id";
constexpr const char* kImportUpdateVariant =
    "UPDATE variants SET price_amount = :price, currency = :currency,"
    " title = CASE WHEN :set_title = 1 THEN :title ELSE title END,"
    " options = CASE WHEN :set_options = 1 THEN :options ELSE options END,"
    " compare_at_amount = CASE WHEN :set_compare_at = 1 THEN :compare_at ELSE compare_at_amount END,"
    " weight_grams = CASE WHEN :set_weight = 1 THEN :weight ELSE weight_grams END,"
    " on_hand = CASE WHEN :set_on_hand = 1 THEN :on_hand ELSE on_hand END "
    "WHERE id = :id";

constexpr const char* kExportProducts =
    "SELECT id, slug, title, description, status, seo_title, seo_description FROM products ORDER BY id";
constexpr const char* kExportVariants =
    "SELECT product_id, sku, title, options, price_amount, compare_at_amount, currency, weight_grams, on_hand "
    "FROM variants ORDER BY product_id, id";
constexpr const char* kExportCategories =
    "SELECT pc.product_id, c.slug FROM product_categories pc JOIN categories c ON c.id = pc.category_id "
    "ORDER BY pc.product_id, c.slug";
constexpr const char* kExportAttributes =
    "SELECT product_id, name, value FROM product_attributes ORDER BY product_id, name, value";

// ---------------------------------------------------------------------------------------------
// Validation: each rule names its field.

void check_length(const std::string& value, std::size_t max, const std::string& field) {
  if (value.size() > max) {
    throw invalid(field, "must be at most " + std::to_string(max) + " bytes");
  }
}

void check_slug(const std::string& slug, const std::string& field = "slug") {
  if (!valid_slug(slug)) {
    throw invalid(field, "use lower-case letters, digits and single dashes (at most 120)");
  }
}

void check_title(const std::string& title) {
  if (title.empty()) {
    throw invalid("title", "must not be empty");
  }
  check_length(title, kMaxTitle, "title");
}

void check_attributes(const std::vector<Attribute>& attributes) {
  if (attributes.size() > kMaxListEntries) {
    throw invalid("attributes", "at most " + std::to_string(kMaxListEntries) + " attributes");
  }
  for (const auto& attribute : attributes) {
    if (attribute.name.empty()) {
      throw invalid("attributes", "an attribute needs a name");
    }
    check_length(attribute.name, kMaxName, "attributes");
    check_length(attribute.value, kMaxValue, "attributes");
  }
}

void check_product(const NewProduct& p) {
  check_slug(p.slug);
  check_title(p.title);
  check_length(p.description, kMaxDescription, "description");
  check_length(p.seo_title, kMaxSeoTitle, "seo_title");
  check_length(p.seo_description, kMaxSeoDescription, "seo_description");
  if (p.category_slugs.size() > kMaxListEntries) {
    throw invalid("categories", "at most " + std::to_string(kMaxListEntries) + " categories");
  }
  check_attributes(p.attributes);
}

void check_variant(const NewVariant& v) {
  if (v.sku.empty()) {
    throw invalid("sku", "must not be empty");
  }
  check_length(v.sku, kMaxName, "sku");
  check_length(v.title, kMaxTitle, "title");
  detail::check_prices(v.price, v.compare_at);
  if (v.weight_grams < 0) {
    throw invalid("weight_grams", "must not be negative");
  }
  if (v.on_hand < 0) {
    throw invalid("on_hand", "must not be negative");
  }
  if (v.options.size() > kMaxListEntries) {
    throw invalid("options", "at most " + std::to_string(kMaxListEntries) + " options");
  }
  std::set<std::string> names;
  for (const auto& [name, value] : v.options) {
    if (name.empty()) {
      throw invalid("options", "an option needs a name");
    }
    if (!names.insert(name).second) {
      throw invalid("options", "option " + name + " given twice");
    }
    check_length(name, kMaxName, "options");
    check_length(value, kMaxValue, "options");
  }
}

Error stale(long long current) {
  return Error(ErrorCode::precondition_failed,
               "The product was changed meanwhile (it is now at version " + std::to_string(current) +
                   "): reload it and apply your change again.",
               {core::FieldError{"version", "is not the current version " + std::to_string(current)}});
}

Error no_product() {
  return Error(ErrorCode::not_found, "No such product.");
}

// After a guarded write changed no row: the product is gone (404) or has moved on (412).
[[noreturn]] void throw_guard_failure(soci::session& sql, long long id) {
  long long current = 0;
  sql << kSelectVersion, soci::into(current), soci::use(id, "id");
  if (!sql.got_data()) {
    throw no_product();
  }
  throw stale(current);
}

// Bumps the product's version when it is at expected; else not_found or precondition_failed.
void bump_version(soci::session& sql, long long id, long long expected) {
  const long long now = now_us();
  long long version = 0;
  sql << kBumpVersion, soci::use(now, "now"), soci::use(id, "id"), soci::use(expected, "expected"), soci::into(version);
  if (!sql.got_data()) {
    throw_guard_failure(sql, id);
  }
}

void check_sku_free(soci::session& sql, const std::string& sku, long long except_variant = 0) {
  long long vid = 0;
  long long pid = 0;
  sql << kSelectSkuOwner, soci::into(vid), soci::into(pid), soci::use(sku, "sku");
  if (sql.got_data() && vid != except_variant) {
    throw detail::taken(detail::kVariantSkuKey);
  }
}

void check_slug_free(soci::session& sql, const std::string& slug, long long except_product = 0) {
  const auto found = find_id(sql, kSelectProductIdBySlug, slug);
  if (found && *found != except_product) {
    throw detail::taken(detail::kProductSlugKey);
  }
}

void replace_categories(soci::session& sql, long long id, const std::vector<std::string>& slugs) {
  sql << kDeleteProductCategories, soci::use(id, "product_id");
  std::set<long long> seen;
  for (const auto& slug : slugs) {
    const auto category = find_id(sql, kSelectCategoryIdBySlug, slug);
    if (!category) {
      throw invalid("categories", "no such category: " + slug);
    }
    long long category_id = *category;
    if (seen.insert(category_id).second) {
      sql << kInsertProductCategory, soci::use(id, "product_id"), soci::use(category_id, "category_id");
    }
  }
}

void replace_attributes(soci::session& sql, long long id, const std::vector<Attribute>& attributes) {
  sql << kDeleteAttributes, soci::use(id, "product_id");
  std::set<std::pair<std::string, std::string>> seen;
  for (const auto& a : attributes) {
    if (seen.emplace(a.name, a.value).second) {
      sql << kInsertAttribute, soci::use(id, "product_id"), soci::use(a.name, "name"), soci::use(a.value, "value");
    }
  }
}

// "%", "_" and the escape character itself match literally.
std::string like_pattern(std::string_view text) {
  std::string pattern = "%";
  for (const char c : text) {
    if (c == '%' || c == '_' || c == '\\') {
      pattern.push_back('\\');
    }
    pattern.push_back(c);
  }
  pattern.push_back('%');
  return pattern;
}

// ---------------------------------------------------------------------------------------------
// CSV import.

enum Column : std::size_t {
  col_slug,
  col_title,
  col_description,
  col_status,
  col_seo_title,
  col_seo_description,
  col_categories,
  col_attributes,
  col_sku,
  col_variant_title,
  col_options,
  col_price,
  col_compare_at,
  col_currency,
  col_weight,
  col_on_hand,
  col_count
};

class Problems {
 public:
  void add(std::size_t row, std::string column, std::string message) {
    if (list_.size() >= kMaxImportProblems) {
      truncated_ = true;
      return;
    }
    list_.push_back(ImportProblem{row, std::move(column), std::move(message)});
  }
  [[nodiscard]] bool empty() const { return list_.empty(); }
  [[noreturn]] void raise() { throw ImportError(std::move(list_), truncated_); }
  void raise_if_any() {
    if (!list_.empty()) {
      raise();
    }
  }

 private:
  std::vector<ImportProblem> list_;
  bool truncated_ = false;
};

struct ImportVariant {
  std::size_t row = 0;
  NewVariant variant;
  long long existing_id = 0;  // 0: a new variant
};

struct ImportProduct {
  std::size_t first_row = 0;
  const csv::Record* first = nullptr;  // the row whose product columns every other row must repeat
  NewProduct fields;
  bool status_given = false;
  long long existing_id = 0;  // 0: a new product
  std::vector<ImportVariant> variants;
};

// Splits "a=1|b=2" into pairs; nullopt (with a reason) when a piece has no name or no "=".
std::optional<std::vector<std::pair<std::string, std::string>>> parse_pairs(std::string_view cell,
                                                                            std::string& reason) {
  std::vector<std::pair<std::string, std::string>> pairs;
  if (cell.empty()) {
    return pairs;
  }
  std::size_t start = 0;
  // Each pass consumes one piece and the "|" after it.
  while (start <= cell.size()) {
    const auto bar = cell.find('|', start);
    const auto piece = cell.substr(start, bar == std::string_view::npos ? std::string_view::npos : bar - start);
    const auto eq = piece.find('=');
    if (eq == std::string_view::npos || eq == 0) {
      reason = "expected name=value pairs separated by |, got \"" + std::string(piece) + "\"";
      return std::nullopt;
    }
    pairs.emplace_back(std::string(piece.substr(0, eq)), std::string(piece.substr(eq + 1)));
    if (bar == std::string_view::npos) {
      break;
    }
    start = bar + 1;
  }
  if (pairs.size() > kMaxListEntries) {
    reason = "at most " + std::to_string(kMaxListEntries) + " pairs";
    return std::nullopt;
  }
  return pairs;
}

std::vector<std::string> split_bars(std::string_view cell) {
  std::vector<std::string> parts;
  if (cell.empty()) {
    return parts;
  }
  std::size_t start = 0;
  while (true) {
    const auto bar = cell.find('|', start);
    parts.emplace_back(cell.substr(start, bar == std::string_view::npos ? std::string_view::npos : bar - start));
    if (bar == std::string_view::npos) {
      return parts;
    }
    start = bar + 1;
  }
}

std::optional<long long> parse_count(std::string_view cell) {
  long long value = 0;
  const auto* end = cell.data() + cell.size();
  auto [ptr, ec] = std::from_chars(cell.data(), end, value);
  if (cell.empty() || ec != std::errc() || ptr != end || value < 0) {
    return std::nullopt;
  }
  return value;
}

std::string join_pairs(const std::vector<std::pair<std::string, std::string>>& pairs) {
  std::string out;
  for (const auto& [name, value] : pairs) {
    if (!out.empty()) {
      out.push_back('|');
    }
    out += name;
    out += "=";
    out += value;
  }
  return out;
}

// Turns a product Error thrown by the shared checks into a problem at (row, its field's column).
void add_error(Problems& problems, std::size_t row, const Error& e, const std::string& fallback_column) {
  std::string column = e.details().empty() ? fallback_column : e.details().front().name;
  if (column == "compare_at_price" || column == "price") {
    // check_prices names price/compare_at_price; the currency is a column of its own.
    if (e.details().front().reason.find("currency must") != std::string::npos) {
      column = "currency";
    }
  }
  problems.add(row, std::move(column), e.details().empty() ? e.message() : e.details().front().reason);
}

}  // namespace

ImportError::ImportError(std::vector<ImportProblem> problems, bool truncated)
    : core::Error(ErrorCode::unprocessable, "The CSV file has " + std::string(truncated ? "more than " : "") +
                                                std::to_string(problems.size()) + " problem(s); nothing was imported."),
      problems_(std::move(problems)) {}

const std::vector<std::string>& csv_columns() {
  static const std::vector<std::string> kColumns = {
      "slug",         "title",  "description",   "status",  "seo_title", "seo_description",  "categories",
      "attributes",   "sku",    "variant_title", "options", "price",     "compare_at_price", "currency",
      "weight_grams", "on_hand"};
  return kColumns;
}

CatalogAdmin::CatalogAdmin(db::Database& db, cache::Cache& cache) : db_(db), cache_(cache) {}

AdminProductPage CatalogAdmin::list_products(const AdminListQuery& query, std::string_view client) {
  if (query.limit < 1 || query.limit > kMaxAdminListLimit) {
    throw Error::bad_parameter("limit", "must be an integer from 1 to " + std::to_string(kMaxAdminListLimit));
  }
  if (query.q && query.q->size() > kMaxSearch) {
    throw Error::bad_parameter("q", "must be at most " + std::to_string(kMaxSearch) + " characters");
  }
  const long long after = query.after.value_or(0);
  const int any_status = query.status ? 0 : 1;
  const std::string status = query.status ? to_string(*query.status) : "";
  const int any_q = query.q && !query.q->empty() ? 0 : 1;
  const std::string pattern = like_pattern(query.q.value_or(""));
  const int limit = query.limit + 1;  // one more tells whether a next page exists
  return db_.read(client, db::Consistency::strong, [&](soci::session& sql) {
    AdminProductPage page;
    AdminProductRow row;
    std::string status_text;
    long long id = 0;
    long long version = 0;
    long long updated_at = 0;
    long long variants = 0;
    soci::statement st = (sql.prepare << kListProducts, soci::into(id), soci::into(row.slug), soci::into(row.title),
                          soci::into(status_text), soci::into(version), soci::into(updated_at), soci::into(variants),
                          soci::use(after, "after"), soci::use(any_status, "any_status"), soci::use(status, "status"),
                          soci::use(any_q, "any_q"), soci::use(pattern, "p1"), soci::use(pattern, "p2"),
                          soci::use(pattern, "p3"), soci::use(limit, "limit"));
    st.execute();
    while (st.fetch()) {
      row.id = id;
      row.status = status_from_string(status_text).value_or(ProductStatus::draft);
      row.version = version;
      row.updated_at_us = updated_at;
      row.variant_count = variants;
      page.items.push_back(row);
    }
    if (page.items.size() > static_cast<std::size_t>(query.limit)) {
      page.items.pop_back();
      page.next_after = page.items.back().id;
    }
    return page;
  });
}

Product CatalogAdmin::get_product(std::int64_t id, std::string_view client) {
  return db_.read(client, db::Consistency::strong,
                  [&](soci::session& sql) { return detail::load_product(sql, id, false); });
}

Product CatalogAdmin::create_product(const NewProduct& product, std::string_view client) {
  check_product(product);
  Product created = detail::write(db_, client, [&](soci::session& sql) {
    check_slug_free(sql, product.slug);
    const std::string status = to_string(product.status);
    const long long now = now_us();
    long long id = 0;
    sql << kInsertProduct, soci::use(product.slug, "slug"), soci::use(product.title, "title"),
        soci::use(product.description, "description"), soci::use(status, "status"),
        soci::use(product.seo_title, "seo_title"), soci::use(product.seo_description, "seo_description"),
        soci::use(now, "created_at"), soci::use(now, "updated_at"), soci::into(id);
    replace_categories(sql, id, product.category_slugs);
    replace_attributes(sql, id, product.attributes);
    return detail::load_product(sql, id, false);
  });
  // Nothing cached holds a new product (a slug miss is never cached), but a listing may now show it.
  cache_.invalidate_tag(detail::kListingsTag);
  return created;
}

Product CatalogAdmin::update_product(std::int64_t id, const ProductChanges& changes, std::int64_t expected_version,
                                     std::string_view client) {
  std::string old_slug;
  Product updated = detail::write(db_, client, [&](soci::session& sql) {
    const long long pid = id;
    Product current = detail::load_product(sql, pid, false);
    if (current.version != expected_version) {
      throw stale(current.version);
    }
    old_slug = current.slug;
    NewProduct merged;
    merged.slug = changes.slug.value_or(current.slug);
    merged.title = changes.title.value_or(current.title);
    merged.description = changes.description.value_or(current.description);
    merged.status = changes.status.value_or(current.status);
    merged.seo_title = changes.seo_title.value_or(current.seo_title);
    merged.seo_description = changes.seo_description.value_or(current.seo_description);
    if (changes.category_slugs) {
      merged.category_slugs = *changes.category_slugs;
    }
    if (changes.attributes) {
      merged.attributes = *changes.attributes;
    }
    check_product(merged);
    if (merged.slug != current.slug) {
      check_slug_free(sql, merged.slug, pid);
    }
    const std::string status = to_string(merged.status);
    const long long now = now_us();
    const long long expected = expected_version;
    long long version = 0;
    sql << kUpdateProduct, soci::use(merged.slug, "slug"), soci::use(merged.title, "title"),
        soci::use(merged.description, "description"), soci::use(status, "status"),
        soci::use(merged.seo_title, "seo_title"), soci::use(merged.seo_description, "seo_description"),
        soci::use(now, "now"), soci::use(pid, "id"), soci::use(expected, "expected"), soci::into(version);
    if (!sql.got_data()) {
      throw_guard_failure(sql, pid);
    }
    if (changes.category_slugs) {
      replace_categories(sql, pid, merged.category_slugs);
    }
    if (changes.attributes) {
      replace_attributes(sql, pid, merged.attributes);
    }
    return detail::load_product(sql, pid, false);
  });
  cache_.invalidate_tag(product_tag(id));
  if (updated.slug != old_slug) {
    // The old slug must stop resolving to this product; the new one was a miss, never cached.
    cache_.invalidate_tag(detail::product_slug_tag(old_slug));
  }
  cache_.invalidate_tag(detail::kListingsTag);
  return updated;
}

Product CatalogAdmin::set_status(std::int64_t id, ProductStatus status, std::int64_t expected_version,
                                 std::string_view client) {
  ProductChanges changes;
  changes.status = status;
  return update_product(id, changes, expected_version, client);
}

void CatalogAdmin::delete_product(std::int64_t id, std::int64_t expected_version, std::string_view client) {
  const std::string slug = detail::write(db_, client, [&](soci::session& sql) {
    const long long pid = id;
    const long long expected = expected_version;
    std::string deleted_slug;
    // Variants, categories, attributes and images go with it (ON DELETE CASCADE).
    sql << kDeleteProduct, soci::use(pid, "id"), soci::use(expected, "expected"), soci::into(deleted_slug);
    if (!sql.got_data()) {
      throw_guard_failure(sql, pid);
    }
    return deleted_slug;
  });
  cache_.invalidate_tag(product_tag(id));
  cache_.invalidate_tag(detail::product_slug_tag(slug));
  cache_.invalidate_tag(detail::kListingsTag);
}

Product CatalogAdmin::add_variant(std::int64_t product_id, const NewVariant& variant, std::int64_t expected_version,
                                  std::string_view client) {
  check_variant(variant);
  Product updated = detail::write(db_, client, [&](soci::session& sql) {
    const long long pid = product_id;
    bump_version(sql, pid, expected_version);
    check_sku_free(sql, variant.sku);
    detail::insert_variants(sql, db_.backend(), {detail::variant_row(pid, variant)});
    return detail::load_product(sql, pid, false);
  });
  cache_.invalidate_tag(product_tag(product_id));
  cache_.invalidate_tag(detail::kListingsTag);
  return updated;
}

Product CatalogAdmin::update_variant(std::int64_t product_id, std::int64_t variant_id, const VariantChanges& changes,
                                     std::int64_t expected_version, std::string_view client) {
  Product updated = detail::write(db_, client, [&](soci::session& sql) {
    const long long pid = product_id;
    bump_version(sql, pid, expected_version);
    const Product current = detail::load_product(sql, pid, false);
    const auto it = std::find_if(current.variants.begin(), current.variants.end(),
                                 [&](const Variant& v) { return v.id == variant_id; });
    if (it == current.variants.end()) {
      throw Error(ErrorCode::not_found, "No such variant of this product.");
    }
    NewVariant merged;
    merged.sku = changes.sku.value_or(it->sku);
    merged.title = changes.title.value_or(it->title);
    merged.options = changes.options.value_or(it->options);
    merged.price = changes.price.value_or(it->price);
    merged.compare_at = changes.compare_at.value_or(it->compare_at);
    merged.weight_grams = changes.weight_grams.value_or(it->weight_grams);
    merged.on_hand = changes.on_hand.value_or(it->on_hand);
    check_variant(merged);
    if (merged.sku != it->sku) {
      check_sku_free(sql, merged.sku, variant_id);
    }
    detail::update_variant(sql, variant_id, detail::variant_row(pid, merged));
    return detail::load_product(sql, pid, false);
  });
  cache_.invalidate_tag(product_tag(product_id));
  cache_.invalidate_tag(detail::kListingsTag);
  return updated;
}

Product CatalogAdmin::delete_variant(std::int64_t product_id, std::int64_t variant_id, std::int64_t expected_version,
                                     std::string_view client) {
  Product updated = detail::write(db_, client, [&](soci::session& sql) {
    const long long pid = product_id;
    const long long vid = variant_id;
    bump_version(sql, pid, expected_version);
    long long deleted = 0;
    sql << kDeleteVariant, soci::use(vid, "id"), soci::use(pid, "product_id"), soci::into(deleted);
    if (!sql.got_data()) {
      throw Error(ErrorCode::not_found, "No such variant of this product.");
    }
    return detail::load_product(sql, pid, false);
  });
  cache_.invalidate_tag(product_tag(product_id));
  cache_.invalidate_tag(detail::kListingsTag);
  return updated;
}

std::vector<Category> CatalogAdmin::category_tree(std::string_view client) {
  return db_.read(client, db::Consistency::strong, [&](soci::session& sql) { return detail::load_tree(sql); });
}

Category CatalogAdmin::create_category(const NewCategory& category, std::string_view client) {
  check_slug(category.slug);
  if (category.name.empty()) {
    throw invalid("name", "must not be empty");
  }
  check_length(category.name, kMaxCategoryName, "name");
  Category created = detail::write(db_, client, [&](soci::session& sql) {
    if (find_id(sql, kSelectCategoryIdBySlug, category.slug)) {
      throw detail::taken(detail::kCategorySlugKey);
    }
    long long parent = 0;
    soci::indicator parent_ind = soci::i_null;
    if (category.parent_slug) {
      const auto found = find_id(sql, kSelectCategoryIdBySlug, *category.parent_slug);
      if (!found) {
        throw invalid("parent", "no such category");
      }
      parent = *found;
      parent_ind = soci::i_ok;
    }
    const long long position = category.position;
    long long id = 0;
    sql << kInsertCategory, soci::use(parent, parent_ind, "parent_id"), soci::use(category.slug, "slug"),
        soci::use(category.name, "name"), soci::use(position, "position"), soci::into(id);
    Category c;
    c.id = id;
    if (parent_ind == soci::i_ok) {
      c.parent_id = parent;
    }
    c.slug = category.slug;
    c.name = category.name;
    c.position = category.position;
    return c;
  });
  cache_.invalidate_tag(detail::kCategoriesTag);
  cache_.invalidate_tag(detail::kListingsTag);
  return created;
}

Category CatalogAdmin::update_category(std::int64_t id, const CategoryChanges& changes, std::string_view client) {
  if (changes.slug) {
    check_slug(*changes.slug);
  }
  if (changes.name) {
    if (changes.name->empty()) {
      throw invalid("name", "must not be empty");
    }
    check_length(*changes.name, kMaxCategoryName, "name");
  }
  std::vector<long long> products;  // whose cached copies name this category
  Category updated = detail::write(db_, client, [&](soci::session& sql) {
    const long long cid = id;
    Category c;
    c.id = id;
    long long parent = 0;
    soci::indicator parent_ind = soci::i_null;
    long long position = 0;
    sql << kSelectCategory, soci::into(parent, parent_ind), soci::into(c.slug), soci::into(c.name),
        soci::into(position), soci::use(cid, "id");
    if (!sql.got_data()) {
      throw Error(ErrorCode::not_found, "No such category.");
    }
    const bool renamed = (changes.slug && *changes.slug != c.slug) || (changes.name && *changes.name != c.name);
    if (changes.slug && *changes.slug != c.slug) {
      if (find_id(sql, kSelectCategoryIdBySlug, *changes.slug)) {
        throw detail::taken(detail::kCategorySlugKey);
      }
      c.slug = *changes.slug;
    }
    if (changes.name) {
      c.name = *changes.name;
    }
    if (changes.position) {
      position = *changes.position;
    }
    if (changes.parent_slug) {
      if (!*changes.parent_slug) {
        parent_ind = soci::i_null;
      } else {
        const auto found = find_id(sql, kSelectCategoryIdBySlug, **changes.parent_slug);
        if (!found) {
          throw invalid("parent", "no such category");
        }
        // The new parent must not be the category or below it: walk up from the new parent. The
        // tree has no cycle before this change, so the walk ends at a root.
        long long walk = *found;
        while (true) {
          if (walk == cid) {
            throw invalid("parent", "a category cannot move below itself or one of its descendants");
          }
          long long up = 0;
          soci::indicator up_ind = soci::i_null;
          sql << kSelectParent, soci::into(up, up_ind), soci::use(walk, "id");
          if (!sql.got_data() || up_ind != soci::i_ok) {
            break;
          }
          walk = up;
        }
        parent = *found;
        parent_ind = soci::i_ok;
      }
    }
    sql << kUpdateCategory, soci::use(parent, parent_ind, "parent_id"), soci::use(c.slug, "slug"),
        soci::use(c.name, "name"), soci::use(position, "position"), soci::use(cid, "id");
    if (renamed) {
      long long pid = 0;
      soci::statement st = (sql.prepare << kSelectCategoryProducts, soci::into(pid), soci::use(cid, "id"));
      st.execute();
      while (st.fetch()) {
        products.push_back(pid);
      }
    }
    if (parent_ind == soci::i_ok) {
      c.parent_id = parent;
    }
    c.position = position;
    return c;
  });
  cache_.invalidate_tag(detail::kCategoriesTag);
  for (const auto pid : products) {
    cache_.invalidate_tag(product_tag(pid));
  }
  cache_.invalidate_tag(detail::kListingsTag);
  return updated;
}

void CatalogAdmin::delete_category(std::int64_t id, std::string_view client) {
  detail::write(db_, client, [&](soci::session& sql) {
    const long long cid = id;
    long long children = 0;
    long long products = 0;
    {
      long long parent = 0;
      soci::indicator parent_ind = soci::i_null;
      std::string slug;
      std::string name;
      long long position = 0;
      sql << kSelectCategory, soci::into(parent, parent_ind), soci::into(slug), soci::into(name), soci::into(position),
          soci::use(cid, "id");
      if (!sql.got_data()) {
        throw Error(ErrorCode::not_found, "No such category.");
      }
    }
    sql << kCountChildren, soci::into(children), soci::use(cid, "id");
    if (children > 0) {
      throw Error(ErrorCode::conflict, "The category has sub-categories: move or delete them first.");
    }
    sql << kCountCategoryProducts, soci::into(products), soci::use(cid, "id");
    if (products > 0) {
      throw Error(ErrorCode::conflict,
                  "The category holds " + std::to_string(products) + " product(s): take them out of it first.");
    }
    sql << kDeleteCategory, soci::use(cid, "id");
  });
  cache_.invalidate_tag(detail::kCategoriesTag);
  cache_.invalidate_tag(detail::kListingsTag);
}

// ---------------------------------------------------------------------------------------------

ImportReport CatalogAdmin::import_csv(std::string_view text, std::string_view client) {
  Problems problems;
  csv::Limits limits;
  limits.max_records = kMaxImportRows + 1;
  auto parsed = csv::parse(text, limits);
  for (const auto& e : parsed.errors) {
    problems.add(e.record, "", e.message);
  }
  problems.raise_if_any();
  auto& records = parsed.records;
  if (records.empty()) {
    problems.add(1, "", "the file is empty: the first row must name the columns");
    problems.raise();
  }

  // The header: known names, each once; slug and title required.
  const auto& names = csv_columns();
  std::array<std::optional<std::size_t>, col_count> index{};
  for (std::size_t i = 0; i < records.front().size(); ++i) {
    const auto& name = records.front()[i];
    const auto it = std::find(names.begin(), names.end(), name);
    if (it == names.end()) {
      problems.add(1, name, "unknown column");
      continue;
    }
    auto& slot = index.at(static_cast<std::size_t>(it - names.begin()));
    if (slot) {
      problems.add(1, name, "column given twice");
    }
    slot = i;
  }
  for (const auto column : {col_slug, col_title}) {
    if (!index.at(column)) {
      problems.add(1, names.at(column), "required column missing");
    }
  }
  const bool variants_possible = index.at(col_sku).has_value();
  if (!variants_possible) {
    for (const auto column :
         {col_variant_title, col_options, col_price, col_compare_at, col_currency, col_weight, col_on_hand}) {
      if (index.at(column)) {
        problems.add(1, names.at(column), "needs the sku column");
      }
    }
  }
  problems.raise_if_any();

  const auto has = [&](Column c) { return index.at(c).has_value(); };
  // Row by row: every cell checked, products grouped by slug in order of first appearance.
  std::vector<ImportProduct> products;
  std::map<std::string, std::size_t, std::less<>> by_slug;
  std::map<std::string, std::size_t, std::less<>> sku_rows;
  std::size_t data_rows = 0;
  for (std::size_t r = 1; r < records.size(); ++r) {
    const auto& record = records[r];
    const std::size_t row = r + 1;
    if (record.size() == 1 && record.front().empty()) {
      continue;  // a blank line
    }
    ++data_rows;
    if (record.size() != records.front().size()) {
      problems.add(
          row, "",
          "has " + std::to_string(record.size()) + " fields; the header has " + std::to_string(records.front().size()));
      continue;
    }
    const auto cell = [&](Column c) -> const std::string& { return record.at(*index.at(c)); };
    const std::string& slug = cell(col_slug);
    if (!valid_slug(slug)) {
      problems.add(row, "slug", "use lower-case letters, digits and single dashes (at most 120)");
      continue;
    }
    auto [at, inserted] = by_slug.emplace(slug, products.size());
    if (inserted) {
      ImportProduct p;
      p.first_row = row;
      p.first = &record;
      p.fields.slug = slug;
      p.fields.title = cell(col_title);
      const auto check = [&](const std::function<void()>& fn, const char* column) {
        try {
          fn();
        } catch (const Error& e) {
          add_error(problems, row, e, column);
        }
      };
      check([&] { check_title(p.fields.title); }, "title");
      if (has(col_description)) {
        p.fields.description = cell(col_description);
        check([&] { check_length(p.fields.description, kMaxDescription, "description"); }, "description");
      }
      if (has(col_status) && !cell(col_status).empty()) {
        const auto status = status_from_string(cell(col_status));
        if (!status) {
          problems.add(row, "status", "must be draft, active or archived");
        } else {
          p.fields.status = *status;
          p.status_given = true;
        }
      }
      if (has(col_seo_title)) {
        p.fields.seo_title = cell(col_seo_title);
        check([&] { check_length(p.fields.seo_title, kMaxSeoTitle, "seo_title"); }, "seo_title");
      }
      if (has(col_seo_description)) {
        p.fields.seo_description = cell(col_seo_description);
        check([&] { check_length(p.fields.seo_description, kMaxSeoDescription, "seo_description"); },
              "seo_description");
      }
      if (has(col_categories)) {
        p.fields.category_slugs = split_bars(cell(col_categories));
        for (const auto& category : p.fields.category_slugs) {
          if (!valid_slug(category)) {
            problems.add(row, "categories", "not a category slug: \"" + category + "\"");
          }
        }
        if (p.fields.category_slugs.size() > kMaxListEntries) {
          problems.add(row, "categories", "at most " + std::to_string(kMaxListEntries) + " categories");
        }
      }
      if (has(col_attributes)) {
        std::string reason;
        if (auto pairs = parse_pairs(cell(col_attributes), reason)) {
          for (auto& [name, value] : *pairs) {
            p.fields.attributes.push_back(Attribute{std::move(name), std::move(value)});
          }
          check([&] { check_attributes(p.fields.attributes); }, "attributes");
        } else {
          problems.add(row, "attributes", reason);
        }
      }
      products.push_back(std::move(p));
    } else {
      // Later rows of a product repeat its columns exactly: a differing cell is a mistake, not an
      // update that one of the rows would silently win.
      const auto& first = products.at(at->second);
      for (const auto c : {col_title, col_description, col_status, col_seo_title, col_seo_description, col_categories,
                           col_attributes}) {
        if (has(c) && cell(c) != first.first->at(*index.at(c))) {
          problems.add(row, names.at(c),
                       "differs from row " + std::to_string(first.first_row) + " of the same product");
        }
      }
    }
    auto& product = products.at(at->second);

    if (!variants_possible) {
      continue;
    }
    const std::string& sku = cell(col_sku);
    if (sku.empty()) {
      for (const auto c :
           {col_variant_title, col_options, col_price, col_compare_at, col_currency, col_weight, col_on_hand}) {
        if (has(c) && !cell(c).empty()) {
          problems.add(row, "sku", "required when the row has variant columns (" + names.at(c) + ")");
          break;
        }
      }
      continue;
    }
    const auto [sku_at, sku_new] = sku_rows.emplace(sku, row);
    if (!sku_new) {
      problems.add(row, "sku", "given twice (also on row " + std::to_string(sku_at->second) + ")");
    }
    ImportVariant v;
    v.row = row;
    v.variant.sku = sku;
    if (sku.size() > kMaxName) {
      problems.add(row, "sku", "must be at most " + std::to_string(kMaxName) + " bytes");
    }
    if (has(col_variant_title)) {
      v.variant.title = cell(col_variant_title);
      if (v.variant.title.size() > kMaxTitle) {
        problems.add(row, "variant_title", "must be at most " + std::to_string(kMaxTitle) + " bytes");
      }
    }
    if (has(col_options)) {
      std::string reason;
      if (auto pairs = parse_pairs(cell(col_options), reason)) {
        std::sort(pairs->begin(), pairs->end());
        v.variant.options = std::move(*pairs);
      } else {
        problems.add(row, "options", reason);
      }
    }
    bool money_ok = true;
    const auto amount = [&](Column c, bool required) -> std::optional<long long> {
      if (!has(c) || cell(c).empty()) {
        if (required) {
          problems.add(row, names.at(c), "required for a variant");
          money_ok = false;
        }
        return std::nullopt;
      }
      auto value = parse_count(cell(c));
      if (!value) {
        problems.add(row, names.at(c), "must be a whole number of minor units, 0 or more (1999 is 19.99)");
        money_ok = false;
      }
      return value;
    };
    const auto price = amount(col_price, true);
    const auto compare_at = amount(col_compare_at, false);
    std::string currency = has(col_currency) ? cell(col_currency) : "";
    if (currency.empty()) {
      problems.add(row, "currency", "required for a variant");
    } else if (!detail::valid_currency(currency)) {
      problems.add(row, "currency", "must be an ISO 4217 code of three capital letters");
    } else if (money_ok && price) {
      v.variant.price = Money{*price, currency};
      if (compare_at) {
        v.variant.compare_at = Money{*compare_at, currency};
      }
    }
    for (const auto c : {col_weight, col_on_hand}) {
      if (has(c) && !cell(c).empty()) {
        const auto value = parse_count(cell(c));
        if (!value) {
          problems.add(row, names.at(c), "must be a whole number, 0 or more");
        } else {
          (c == col_weight ? v.variant.weight_grams : v.variant.on_hand) = *value;
        }
      }
    }
    std::set<std::string> option_names;
    for (const auto& [name, value] : v.variant.options) {
      if (!option_names.insert(name).second) {
        problems.add(row, "options", "option " + name + " given twice");
      } else if (name.size() > kMaxName || value.size() > kMaxValue) {
        problems.add(
            row, "options",
            "option names are at most " + std::to_string(kMaxName) + " bytes, values " + std::to_string(kMaxValue));
      }
    }
    product.variants.push_back(std::move(v));
  }
  if (data_rows == 0) {
    problems.add(1, "", "the file has no rows below the header");
  }
  problems.raise_if_any();

  ImportReport report;
  report.rows = data_rows;
  std::vector<long long> updated_ids;
  detail::write(db_, client, [&](soci::session& sql) {
    // Checks against the database (every one before any write): categories exist, and each SKU is
    // new or already belongs to the row's product.
    std::map<std::string, long long, std::less<>> categories;
    {
      long long id = 0;
      std::string slug;
      soci::statement st = (sql.prepare << "SELECT id, slug FROM categories", soci::into(id), soci::into(slug));
      st.execute();
      while (st.fetch()) {
        categories.emplace(slug, id);
      }
    }
    std::string lookup_slug;
    long long found_id = 0;
    soci::statement find_product =
        (sql.prepare << kSelectProductIdBySlug, soci::into(found_id), soci::use(lookup_slug, "slug"));
    std::string lookup_sku;
    long long sku_variant = 0;
    long long sku_product = 0;
    soci::statement find_sku = (sql.prepare << kSelectSkuOwner, soci::into(sku_variant), soci::into(sku_product),
                                soci::use(lookup_sku, "sku"));
    for (auto& p : products) {
      lookup_slug = p.fields.slug;
      if (find_product.execute(true)) {
        p.existing_id = found_id;
      }
      for (const auto& category : p.fields.category_slugs) {
        if (valid_slug(category) && !categories.contains(category)) {
          problems.add(p.first_row, "categories", "no such category: " + category);
        }
      }
      for (auto& v : p.variants) {
        lookup_sku = v.variant.sku;
        if (!find_sku.execute(true)) {
          continue;
        }
        if (p.existing_id == 0 || sku_product != p.existing_id) {
          problems.add(v.row, "sku", "already used by another product's variant");
        } else {
          v.existing_id = sku_variant;
        }
      }
    }
    problems.raise_if_any();

    // The writes: one prepared statement of each kind, bound to the variables below and executed
    // once per product or variant, so 10,000 rows cost 10,000 executions, not parses.
    const long long now = now_us();
    long long product_id = 0;
    long long new_id = 0;
    std::string slug;
    std::string title;
    std::string description;
    std::string status;
    std::string seo_title;
    std::string seo_description;
    int set_description = has(col_description) ? 1 : 0;
    int set_status = 0;
    int set_seo_title = has(col_seo_title) ? 1 : 0;
    int set_seo_description = has(col_seo_description) ? 1 : 0;
    soci::statement insert_product = (sql.prepare << kInsertProduct, soci::use(slug, "slug"), soci::use(title, "title"),
                                      soci::use(description, "description"), soci::use(status, "status"),
                                      soci::use(seo_title, "seo_title"), soci::use(seo_description, "seo_description"),
                                      soci::use(now, "created_at"), soci::use(now, "updated_at"), soci::into(new_id));
    soci::statement update_product =
        (sql.prepare << kImportUpdateProduct, soci::use(title, "title"), soci::use(set_description, "set_description"),
         soci::use(description, "description"), soci::use(set_status, "set_status"), soci::use(status, "status"),
         soci::use(set_seo_title, "set_seo_title"), soci::use(seo_title, "seo_title"),
         soci::use(set_seo_description, "set_seo_description"), soci::use(seo_description, "seo_description"),
         soci::use(now, "now"), soci::use(product_id, "id"));
    soci::statement delete_categories = (sql.prepare << kDeleteProductCategories, soci::use(product_id, "product_id"));
    long long category_id = 0;
    soci::statement insert_category = (sql.prepare << kInsertProductCategory, soci::use(product_id, "product_id"),
                                       soci::use(category_id, "category_id"));
    soci::statement delete_attributes = (sql.prepare << kDeleteAttributes, soci::use(product_id, "product_id"));
    std::string attribute_name;
    std::string attribute_value;
    soci::statement insert_attribute = (sql.prepare << kInsertAttribute, soci::use(product_id, "product_id"),
                                        soci::use(attribute_name, "name"), soci::use(attribute_value, "value"));

    long long variant_id = 0;
    std::string sku;
    std::string variant_title;
    std::string options;
    long long price = 0;
    long long compare_at = 0;
    soci::indicator compare_at_ind = soci::i_null;
    std::string currency;
    long long weight = 0;
    long long on_hand = 0;
    int set_variant_title = has(col_variant_title) ? 1 : 0;
    int set_options = has(col_options) ? 1 : 0;
    int set_compare_at = has(col_compare_at) ? 1 : 0;
    int set_weight = has(col_weight) && variants_possible ? 1 : 0;
    int set_on_hand = has(col_on_hand) && variants_possible ? 1 : 0;
    std::vector<detail::VariantRow> new_variants;  // inserted together once their products exist
    soci::statement update_variant =
        (sql.prepare << kImportUpdateVariant, soci::use(price, "price"), soci::use(currency, "currency"),
         soci::use(set_variant_title, "set_title"), soci::use(variant_title, "title"),
         soci::use(set_options, "set_options"), soci::use(options, "options"),
         soci::use(set_compare_at, "set_compare_at"), soci::use(compare_at, compare_at_ind, "compare_at"),
         soci::use(set_weight, "set_weight"), soci::use(weight, "weight"), soci::use(set_on_hand, "set_on_hand"),
         soci::use(on_hand, "on_hand"), soci::use(variant_id, "id"));

    for (const auto& p : products) {
      slug = p.fields.slug;
      title = p.fields.title;
      description = p.fields.description;
      status = to_string(p.fields.status);
      set_status = p.status_given ? 1 : 0;
      seo_title = p.fields.seo_title;
      seo_description = p.fields.seo_description;
      if (p.existing_id != 0) {
        product_id = p.existing_id;
        update_product.execute(true);
        updated_ids.push_back(product_id);
        ++report.products_updated;
      } else {
        insert_product.execute(true);
        product_id = new_id;
        ++report.products_created;
      }
      if (has(col_categories)) {
        delete_categories.execute(true);
        std::set<long long> seen;
        for (const auto& category : p.fields.category_slugs) {
          category_id = categories.at(category);
          if (seen.insert(category_id).second) {
            insert_category.execute(true);
          }
        }
      }
      if (has(col_attributes)) {
        delete_attributes.execute(true);
        std::set<std::pair<std::string, std::string>> seen;
        for (const auto& a : p.fields.attributes) {
          if (seen.emplace(a.name, a.value).second) {
            attribute_name = a.name;
            attribute_value = a.value;
            insert_attribute.execute(true);
          }
        }
      }
      for (const auto& v : p.variants) {
        sku = v.variant.sku;
        variant_title = v.variant.title;
        options = detail::options_to_text(v.variant.options);
        price = v.variant.price.amount;
        currency = v.variant.price.currency;
        compare_at = v.variant.compare_at ? v.variant.compare_at->amount : 0;
        compare_at_ind = v.variant.compare_at ? soci::i_ok : soci::i_null;
        weight = v.variant.weight_grams;
        on_hand = v.variant.on_hand;
        if (v.existing_id != 0) {
          variant_id = v.existing_id;
          update_variant.execute(true);
          ++report.variants_updated;
        } else {
          new_variants.push_back(detail::variant_row(product_id, v.variant));
          ++report.variants_created;
        }
      }
    }
    detail::insert_variants(sql, db_.backend(), new_variants);
  });
  for (const auto id : updated_ids) {
    cache_.invalidate_tag(product_tag(id));
  }
  cache_.invalidate_tag(detail::kListingsTag);
  return report;
}

std::string CatalogAdmin::export_csv(std::string_view client) {
  // One transaction: the four reads see one state of the catalog, not a change half-way.
  return db_.transact(client, [&](soci::session& sql) {
    std::map<long long, std::vector<std::string>> categories;
    {
      long long pid = 0;
      std::string slug;
      soci::statement st = (sql.prepare << kExportCategories, soci::into(pid), soci::into(slug));
      st.execute();
      while (st.fetch()) {
        categories[pid].push_back(slug);
      }
    }
    std::map<long long, std::vector<std::pair<std::string, std::string>>> attributes;
    {
      long long pid = 0;
      std::string name;
      std::string value;
      soci::statement st = (sql.prepare << kExportAttributes, soci::into(pid), soci::into(name), soci::into(value));
      st.execute();
      while (st.fetch()) {
        attributes[pid].emplace_back(name, value);
      }
    }
    std::map<long long, std::vector<csv::Record>> variants;  // the variant columns of each row
    {
      long long pid = 0;
      std::string sku;
      std::string title;
      std::string options;
      long long price = 0;
      long long compare_at = 0;
      soci::indicator compare_at_ind = soci::i_null;
      std::string currency;
      long long weight = 0;
      long long on_hand = 0;
      soci::statement st = (sql.prepare << kExportVariants, soci::into(pid), soci::into(sku), soci::into(title),
                            soci::into(options), soci::into(price), soci::into(compare_at, compare_at_ind),
                            soci::into(currency), soci::into(weight), soci::into(on_hand));
      st.execute();
      while (st.fetch()) {
        variants[pid].push_back({sku, title, join_pairs(detail::options_from_text(options)), std::to_string(price),
                                 compare_at_ind == soci::i_ok ? std::to_string(compare_at) : "", currency,
                                 std::to_string(weight), std::to_string(on_hand)});
      }
    }
    std::string out;
    csv::append_record(out, csv_columns());
    long long id = 0;
    std::string slug;
    std::string title;
    std::string description;
    std::string status;
    std::string seo_title;
    std::string seo_description;
    soci::statement st =
        (sql.prepare << kExportProducts, soci::into(id), soci::into(slug), soci::into(title), soci::into(description),
         soci::into(status), soci::into(seo_title), soci::into(seo_description));
    st.execute();
    const csv::Record no_variant(8);
    while (st.fetch()) {
      std::string category_cell;
      for (const auto& c : categories[id]) {
        category_cell += (category_cell.empty() ? "" : "|") + c;
      }
      const std::string attribute_cell = join_pairs(attributes[id]);
      const auto& rows = variants[id];
      const auto write = [&](const csv::Record& variant) {
        csv::Record record = {slug,      title,           description,   status,
                              seo_title, seo_description, category_cell, attribute_cell};
        record.insert(record.end(), variant.begin(), variant.end());
        csv::append_record(out, record);
      };
      if (rows.empty()) {
        write(no_variant);
      }
      for (const auto& row : rows) {
        write(row);
      }
    }
    return out;
  });
}

}  // namespace ecom::catalog
