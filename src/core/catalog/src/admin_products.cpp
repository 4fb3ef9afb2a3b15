// CatalogAdmin: product and variant commands (create, change, publish, delete; list and read).
#include "admin_rules.hpp"
#include "internal.hpp"

#include <ecom/audit/audit.hpp>
#include <ecom/catalog/admin.hpp>
#include <ecom/catalog/json.hpp>
#include <ecom/platform/error.hpp>

#include <soci/soci.h>

#include <algorithm>
#include <set>
#include <utility>

namespace ecom::catalog {
namespace {

// The audit entry of a change to a product or one of its variants: the object's id and slug or
// SKU, and the whole product before and after (a variant's values are in it).
void audit_change(soci::session& sql, std::string action, std::string type, std::int64_t id, std::string key,
                  const Product* before, const Product* after) {
  audit::record(sql, audit::Change{std::move(action), std::move(type), std::to_string(id), std::move(key),
                                   before != nullptr ? to_json(*before) : boost::json::value(nullptr),
                                   after != nullptr ? to_json(*after) : boost::json::value(nullptr)});
}
void audit_product(soci::session& sql, std::string action, const Product* before, const Product* after) {
  const auto& p = after != nullptr ? *after : *before;
  audit_change(sql, std::move(action), "product", p.id, p.slug, before, after);
}

using core::Error;
using core::ErrorCode;
using namespace detail;  // the shared rules, bounds and statements (admin_rules.hpp, internal.hpp)

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
constexpr const char* kDeleteVariant = "DELETE FROM variants WHERE id = :id AND product_id = :product_id RETURNING id";

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

}  // namespace

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
    auto loaded = detail::load_product(sql, id, false);
    audit_product(sql, "product.create", nullptr, &loaded);
    return loaded;
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
    auto loaded = detail::load_product(sql, pid, false);
    audit_product(sql, "product.update", &current, &loaded);
    return loaded;
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
    const auto before = detail::load_product(sql, pid, false);
    // Variants, categories, attributes and images go with it (ON DELETE CASCADE).
    sql << kDeleteProduct, soci::use(pid, "id"), soci::use(expected, "expected"), soci::into(deleted_slug);
    if (!sql.got_data()) {
      throw_guard_failure(sql, pid);
    }
    audit_product(sql, "product.delete", &before, nullptr);
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
    const auto before = detail::load_product(sql, pid, false);
    bump_version(sql, pid, expected_version);
    check_sku_free(sql, variant.sku);
    detail::insert_variants(sql, db_.backend(), {detail::variant_row(pid, variant)});
    auto loaded = detail::load_product(sql, pid, false);
    const auto added = std::find_if(loaded.variants.begin(), loaded.variants.end(),
                                    [&](const Variant& v) { return v.sku == variant.sku; });
    audit_change(sql, "variant.create", "variant", added != loaded.variants.end() ? added->id : 0, variant.sku, &before,
                 &loaded);
    return loaded;
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
    auto loaded = detail::load_product(sql, pid, false);
    audit_change(sql, "variant.update", "variant", variant_id, merged.sku, &current, &loaded);
    return loaded;
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
    const auto before = detail::load_product(sql, pid, false);
    bump_version(sql, pid, expected_version);
    long long deleted = 0;
    sql << kDeleteVariant, soci::use(vid, "id"), soci::use(pid, "product_id"), soci::into(deleted);
    if (!sql.got_data()) {
      throw Error(ErrorCode::not_found, "No such variant of this product.");
    }
    auto loaded = detail::load_product(sql, pid, false);
    const auto gone = std::find_if(before.variants.begin(), before.variants.end(),
                                   [&](const Variant& v) { return v.id == variant_id; });
    audit_change(sql, "variant.delete", "variant", variant_id, gone != before.variants.end() ? gone->sku : "", &before,
                 &loaded);
    return loaded;
  });
  cache_.invalidate_tag(product_tag(product_id));
  cache_.invalidate_tag(detail::kListingsTag);
  return updated;
}

}  // namespace ecom::catalog
