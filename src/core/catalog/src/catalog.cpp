#include "codec.hpp"
#include "cursor.hpp"

#include <ecom/catalog/catalog.hpp>
#include <ecom/platform/error.hpp>
#include <ecom/platform/log.hpp>

#include <soci/soci.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <map>
#include <tuple>

namespace ecom::catalog {
namespace {

using core::Error;
using core::ErrorCode;

constexpr std::size_t kMaxSlugLength = 120;
constexpr const char* kCategoriesTag = "categories";
constexpr const char* kTreeKey = "catalog:categories";

constexpr const char* kSelectProductIdBySlug = "SELECT id FROM products WHERE slug = :slug";
constexpr const char* kSelectProduct =
    "SELECT slug, title, description, status, seo_title, seo_description, created_at, updated_at, version "
    "FROM products WHERE id = :id";
constexpr const char* kSelectVariants =
    "SELECT id, sku, title, options, price_amount, compare_at_amount, currency, weight_grams, on_hand "
    "FROM variants WHERE product_id = :product_id ORDER BY id";
constexpr const char* kSelectProductCategories =
    "SELECT c.id, c.slug, c.name FROM categories c JOIN product_categories pc ON pc.category_id = c.id "
    "WHERE pc.product_id = :product_id ORDER BY c.slug";
constexpr const char* kSelectAttributes =
    "SELECT name, value FROM product_attributes WHERE product_id = :product_id ORDER BY name, value";
constexpr const char* kSelectCategories = "SELECT id, parent_id, slug, name, position FROM categories";
constexpr const char* kSelectCategoryIdBySlug = "SELECT id FROM categories WHERE slug = :slug";
// One statement for every listing: the flags switch the category and cursor conditions off, so the
// text stays a constant and every value is bound. scope is the category and all its descendants.
constexpr const char* kListProducts =
    "WITH RECURSIVE scope(id) AS ("
    " SELECT id FROM categories WHERE slug = :category"
    " UNION ALL"
    " SELECT c.id FROM categories c JOIN scope s ON c.parent_id = s.id) "
    "SELECT p.id, p.slug, p.title, p.created_at,"
    " (SELECT v.price_amount FROM variants v WHERE v.product_id = p.id ORDER BY v.price_amount, v.id LIMIT 1),"
    " (SELECT v.currency FROM variants v WHERE v.product_id = p.id ORDER BY v.price_amount, v.id LIMIT 1) "
    "FROM products p "
    "WHERE p.status = 'active'"
    " AND (:any_category = 1 OR EXISTS (SELECT 1 FROM product_categories pc JOIN scope s ON s.id = pc.category_id"
    " WHERE pc.product_id = p.id))"
    " AND (:from_start = 1 OR p.created_at < :before_at OR (p.created_at = :same_at AND p.id < :before_id)) "
    "ORDER BY p.created_at DESC, p.id DESC "
    "LIMIT :limit";

constexpr const char* kInsertCategory =
    "INSERT INTO categories (parent_id, slug, name, position) VALUES (:parent_id, :slug, :name, :position) "
    "RETURNING id";
constexpr const char* kInsertProduct =
    "INSERT INTO products (slug, title, description, status, seo_title, seo_description, created_at, updated_at) "
    "VALUES (:slug, :title, :description, :status, :seo_title, :seo_description, :created_at, :updated_at) "
    "RETURNING id";
constexpr const char* kInsertProductCategory =
    "INSERT INTO product_categories (product_id, category_id) VALUES (:product_id, :category_id)";
constexpr const char* kInsertAttribute =
    "INSERT INTO product_attributes (product_id, name, value) VALUES (:product_id, :name, :value)";
constexpr const char* kCountSku = "SELECT COUNT(*) FROM variants WHERE sku = :sku";
constexpr const char* kInsertVariant =
    "INSERT INTO variants (product_id, sku, title, options, price_amount, compare_at_amount, currency, "
    "weight_grams, on_hand) VALUES (:product_id, :sku, :title, :options, :price, :compare_at, :currency, :weight, "
    ":on_hand) RETURNING id";
constexpr const char* kUpdateVariantPrice =
    "UPDATE variants SET price_amount = :price, compare_at_amount = :compare_at, currency = :currency "
    "WHERE id = :id RETURNING product_id";
constexpr const char* kTouchProduct =
    "UPDATE products SET version = version + 1, updated_at = :now WHERE id = :id RETURNING id";
constexpr const char* kUpdateProductStatus =
    "UPDATE products SET status = :status, version = version + 1, updated_at = :now WHERE id = :id RETURNING id";

std::string product_tag(std::int64_t id) {
  return "product:" + std::to_string(id);
}

std::int64_t now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Slugs appear in URLs and cache keys: lower-case letters, digits and single dashes.
bool valid_slug(std::string_view slug) {
  if (slug.empty() || slug.size() > kMaxSlugLength || slug.front() == '-' || slug.back() == '-') {
    return false;
  }
  char previous = '\0';
  for (const char c : slug) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (c == '-' && previous != '-');
    if (!ok) {
      return false;
    }
    previous = c;
  }
  return true;
}

bool valid_currency(std::string_view code) {
  return code.size() == 3 && std::all_of(code.begin(), code.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

Error invalid(std::string field, std::string reason) {
  auto message = "invalid " + field + ": " + reason;
  return Error(ErrorCode::unprocessable, std::move(message), {core::FieldError{std::move(field), std::move(reason)}});
}

void check_money(const Money& money, const std::string& field) {
  if (money.amount < 0) {
    throw invalid(field, "must not be negative");
  }
  if (!valid_currency(money.currency)) {
    throw invalid(field, "currency must be an ISO 4217 code of three capital letters");
  }
}

void check_prices(const Money& price, const std::optional<Money>& compare_at) {
  check_money(price, "price");
  if (compare_at) {
    check_money(*compare_at, "compare_at_price");
    if (compare_at->currency != price.currency) {
      throw invalid("compare_at_price", "must be in the price's currency");
    }
  }
}

std::optional<long long> find_id(soci::session& sql, const char* query, const std::string& slug) {
  long long id = 0;
  sql << query, soci::into(id), soci::use(slug, "slug");
  if (!sql.got_data()) {
    return std::nullopt;
  }
  return id;
}

Product load_product(soci::session& sql, long long id) {
  Product p;
  p.id = id;
  std::string status;
  long long created_at = 0;
  long long updated_at = 0;
  long long version = 0;
  sql << kSelectProduct, soci::into(p.slug), soci::into(p.title), soci::into(p.description), soci::into(status),
      soci::into(p.seo_title), soci::into(p.seo_description), soci::into(created_at), soci::into(updated_at),
      soci::into(version), soci::use(id, "id");
  if (!sql.got_data() || status != "active") {
    throw Error(ErrorCode::not_found, "No such product.");
  }
  p.status = ProductStatus::active;
  p.created_at_us = created_at;
  p.updated_at_us = updated_at;
  p.version = version;

  {
    long long vid = 0;
    std::string sku;
    std::string title;
    std::string options;
    long long price = 0;
    long long compare_at = 0;
    soci::indicator compare_at_ind = soci::i_null;
    std::string currency;
    long long weight = 0;
    long long on_hand = 0;
    soci::statement st = (sql.prepare << kSelectVariants, soci::into(vid), soci::into(sku), soci::into(title),
                          soci::into(options), soci::into(price), soci::into(compare_at, compare_at_ind),
                          soci::into(currency), soci::into(weight), soci::into(on_hand), soci::use(id, "product_id"));
    st.execute();
    while (st.fetch()) {
      Variant v;
      v.id = vid;
      v.sku = sku;
      v.title = title;
      v.options = detail::options_from_text(options);
      v.price = Money{price, currency};
      if (compare_at_ind == soci::i_ok) {
        v.compare_at = Money{compare_at, currency};
      }
      v.weight_grams = weight;
      v.on_hand = on_hand;
      p.variants.push_back(std::move(v));
    }
  }
  {
    long long cid = 0;
    std::string slug;
    std::string name;
    soci::statement st = (sql.prepare << kSelectProductCategories, soci::into(cid), soci::into(slug), soci::into(name),
                          soci::use(id, "product_id"));
    st.execute();
    while (st.fetch()) {
      p.categories.push_back(CategoryRef{cid, slug, name});
    }
  }
  {
    std::string name;
    std::string value;
    soci::statement st =
        (sql.prepare << kSelectAttributes, soci::into(name), soci::into(value), soci::use(id, "product_id"));
    st.execute();
    while (st.fetch()) {
      p.attributes.push_back(Attribute{name, value});
    }
  }
  return p;
}

std::vector<Category> load_tree(soci::session& sql) {
  std::vector<Category> flat;
  {
    long long id = 0;
    long long parent = 0;
    soci::indicator parent_ind = soci::i_null;
    std::string slug;
    std::string name;
    long long position = 0;
    soci::statement st = (sql.prepare << kSelectCategories, soci::into(id), soci::into(parent, parent_ind),
                          soci::into(slug), soci::into(name), soci::into(position));
    st.execute();
    while (st.fetch()) {
      Category c;
      c.id = id;
      if (parent_ind == soci::i_ok) {
        c.parent_id = parent;
      }
      c.slug = slug;
      c.name = name;
      c.position = position;
      flat.push_back(std::move(c));
    }
  }
  std::map<std::int64_t, std::vector<Category>> by_parent;  // 0: roots (ids start at 1)
  for (auto& c : flat) {
    by_parent[c.parent_id.value_or(0)].push_back(std::move(c));
  }
  // Built from the leaves up; the depth is bounded by the number of categories.
  auto build = [&](auto& self, std::int64_t parent) -> std::vector<Category> {
    std::vector<Category> nodes;
    auto it = by_parent.find(parent);
    if (it == by_parent.end()) {
      return nodes;
    }
    nodes = std::move(it->second);
    by_parent.erase(it);
    std::sort(nodes.begin(), nodes.end(), [](const Category& a, const Category& b) {
      return std::tie(a.position, a.name, a.id) < std::tie(b.position, b.name, b.id);
    });
    for (auto& node : nodes) {
      node.children = self(self, node.id);
    }
    return nodes;
  };
  return build(build, 0);
}

const Category* find_category(const std::vector<Category>& nodes, std::string_view slug) {
  for (const auto& node : nodes) {
    if (node.slug == slug) {
      return &node;
    }
    if (const auto* found = find_category(node.children, slug)) {
      return found;
    }
  }
  return nullptr;
}

}  // namespace

void declare_config(config::Schema& schema) {
  schema.secret("catalog.cursor_secret",
                "key that signs listing cursors; unset: a random key per process (cursors then fail after a "
                "restart or on another process)");
}

CatalogOptions options_from(const config::Config& config) {
  CatalogOptions options;
  options.cursor_secret = config.string("catalog.cursor_secret");
  return options;
}

CatalogService::CatalogService(db::Database& db, cache::Cache& cache, CatalogOptions options)
    : db_(db), cache_(cache), options_(std::move(options)), cursor_key_(options_.cursor_secret) {
  if (cursor_key_.empty()) {
    log::warn(
        "catalog.cursor_secret is not set: listing cursors are signed with a random per-process key and will not "
        "survive a restart or work across processes; set ECOM_CATALOG_CURSOR_SECRET");
    cursor_key_ = detail::random_key();
  }
}

Product CatalogService::get_product(std::string_view slug, std::string_view client) {
  if (!valid_slug(slug)) {
    throw Error(ErrorCode::not_found, "No such product.");
  }
  const std::string slug_text(slug);
  // Slug to id first (products never change slug yet), so the product itself can be cached
  // under its id's tag, which is all a writer knows.
  const std::string id_text =
      cache::get_or_load(cache_, "catalog:slug:" + slug_text, options_.cache_ttl, {"product-slug:" + slug_text}, [&] {
        return db_.read(client, db::Consistency::any, [&](soci::session& sql) {
          const auto id = find_id(sql, kSelectProductIdBySlug, slug_text);
          if (!id) {
            throw Error(ErrorCode::not_found, "No such product.");
          }
          return std::to_string(*id);
        });
      });
  const long long id = std::stoll(id_text);
  const std::string text =
      cache::get_or_load(cache_, "catalog:product:" + id_text, options_.cache_ttl, {product_tag(id)}, [&] {
        return db_.read(client, db::Consistency::any,
                        [&](soci::session& sql) { return detail::encode_product(load_product(sql, id)); });
      });
  return detail::decode_product(text);
}

std::vector<Category> CatalogService::category_tree(std::string_view client) {
  const std::string text = cache::get_or_load(cache_, kTreeKey, options_.cache_ttl, {kCategoriesTag}, [&] {
    return db_.read(client, db::Consistency::any,
                    [&](soci::session& sql) { return detail::encode_tree(load_tree(sql)); });
  });
  return detail::decode_tree(text);
}

Category CatalogService::get_category(std::string_view slug, std::string_view client) {
  const auto tree = category_tree(client);
  const auto* found = find_category(tree, slug);
  if (found == nullptr) {
    throw Error(ErrorCode::not_found, "No such category.");
  }
  return *found;
}

ProductPage CatalogService::list_products(const ListQuery& query, std::string_view client) {
  if (query.limit < 1 || query.limit > kMaxListLimit) {
    throw Error::bad_parameter("limit", "must be an integer from 1 to " + std::to_string(kMaxListLimit));
  }
  std::optional<detail::CursorPosition> after;
  if (query.cursor) {
    after = detail::decode_cursor(cursor_key_, *query.cursor);
  }
  if (query.category && !valid_slug(*query.category)) {
    throw Error::bad_parameter("category", "no such category");
  }
  return db_.read(client, db::Consistency::any, [&](soci::session& sql) {
    const std::string category = query.category.value_or("");
    if (query.category && !find_id(sql, kSelectCategoryIdBySlug, category)) {
      throw Error::bad_parameter("category", "no such category");
    }
    const int any_category = query.category ? 0 : 1;
    const int from_start = after ? 0 : 1;
    const long long before_at = after ? after->created_at_us : 0;
    const long long before_id = after ? after->id : 0;
    // One row more than asked tells whether another page follows.
    const long long fetch = query.limit + 1;
    long long id = 0;
    std::string slug;
    std::string title;
    long long created_at = 0;
    long long price = 0;
    soci::indicator price_ind = soci::i_null;
    std::string currency;
    soci::indicator currency_ind = soci::i_null;
    soci::statement st =
        (sql.prepare << kListProducts, soci::into(id), soci::into(slug), soci::into(title), soci::into(created_at),
         soci::into(price, price_ind), soci::into(currency, currency_ind), soci::use(category, "category"),
         soci::use(any_category, "any_category"), soci::use(from_start, "from_start"),
         soci::use(before_at, "before_at"), soci::use(before_at, "same_at"), soci::use(before_id, "before_id"),
         soci::use(fetch, "limit"));
    st.execute();
    ProductPage page;
    bool more = false;
    while (st.fetch()) {
      if (page.items.size() == static_cast<std::size_t>(query.limit)) {
        more = true;
        break;
      }
      ProductSummary s{id, slug, title, created_at, std::nullopt};
      if (price_ind == soci::i_ok && currency_ind == soci::i_ok) {
        s.price_from = Money{price, currency};
      }
      page.items.push_back(std::move(s));
    }
    if (more) {
      const auto& last = page.items.back();
      page.next_cursor = detail::encode_cursor(cursor_key_, {last.created_at_us, last.id});
    }
    return page;
  });
}

Category CatalogService::create_category(const NewCategory& category, std::string_view client) {
  if (!valid_slug(category.slug)) {
    throw invalid("slug", "use lower-case letters, digits and single dashes");
  }
  if (category.name.empty()) {
    throw invalid("name", "must not be empty");
  }
  Category created = db_.transact(client, [&](soci::session& sql) {
    if (find_id(sql, kSelectCategoryIdBySlug, category.slug)) {
      throw Error(ErrorCode::conflict, "A category with this slug exists.",
                  {core::FieldError{"slug", "already in use"}});
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
  cache_.invalidate_tag(kCategoriesTag);
  return created;
}

std::int64_t CatalogService::create_product(const NewProduct& product, std::string_view client) {
  if (!valid_slug(product.slug)) {
    throw invalid("slug", "use lower-case letters, digits and single dashes");
  }
  if (product.title.empty()) {
    throw invalid("title", "must not be empty");
  }
  const long long id = db_.transact(client, [&](soci::session& sql) {
    if (find_id(sql, kSelectProductIdBySlug, product.slug)) {
      throw Error(ErrorCode::conflict, "A product with this slug exists.",
                  {core::FieldError{"slug", "already in use"}});
    }
    const std::string status = to_string(product.status);
    const long long now = now_us();
    long long new_id = 0;
    sql << kInsertProduct, soci::use(product.slug, "slug"), soci::use(product.title, "title"),
        soci::use(product.description, "description"), soci::use(status, "status"),
        soci::use(product.seo_title, "seo_title"), soci::use(product.seo_description, "seo_description"),
        soci::use(now, "created_at"), soci::use(now, "updated_at"), soci::into(new_id);
    for (const auto& slug : product.category_slugs) {
      const auto category = find_id(sql, kSelectCategoryIdBySlug, slug);
      if (!category) {
        throw invalid("categories", "no such category: " + slug);
      }
      const long long category_id = *category;
      sql << kInsertProductCategory, soci::use(new_id, "product_id"), soci::use(category_id, "category_id");
    }
    for (const auto& attribute : product.attributes) {
      if (attribute.name.empty()) {
        throw invalid("attributes", "an attribute needs a name");
      }
      sql << kInsertAttribute, soci::use(new_id, "product_id"), soci::use(attribute.name, "name"),
          soci::use(attribute.value, "value");
    }
    return new_id;
  });
  // Nothing cached can hold a new product yet except a "no such slug" miss, which is never cached.
  cache_.invalidate_tag(product_tag(id));
  return id;
}

std::int64_t CatalogService::add_variant(std::int64_t product_id, const NewVariant& variant, std::string_view client) {
  if (variant.sku.empty()) {
    throw invalid("sku", "must not be empty");
  }
  check_prices(variant.price, variant.compare_at);
  if (variant.weight_grams < 0) {
    throw invalid("weight_grams", "must not be negative");
  }
  if (variant.on_hand < 0) {
    throw invalid("on_hand", "must not be negative");
  }
  const long long pid = product_id;
  const long long id = db_.transact(client, [&](soci::session& sql) {
    long long touched = 0;
    const long long now = now_us();
    sql << kTouchProduct, soci::use(now, "now"), soci::use(pid, "id"), soci::into(touched);
    if (!sql.got_data()) {
      throw Error(ErrorCode::not_found, "No such product.");
    }
    long long same_sku = 0;
    sql << kCountSku, soci::into(same_sku), soci::use(variant.sku, "sku");
    if (same_sku > 0) {
      throw Error(ErrorCode::conflict, "A variant with this SKU exists.", {core::FieldError{"sku", "already in use"}});
    }
    const std::string options = detail::options_to_text(variant.options);
    const long long price = variant.price.amount;
    long long compare_at = variant.compare_at ? variant.compare_at->amount : 0;
    soci::indicator compare_at_ind = variant.compare_at ? soci::i_ok : soci::i_null;
    const long long weight = variant.weight_grams;
    const long long on_hand = variant.on_hand;
    long long new_id = 0;
    sql << kInsertVariant, soci::use(pid, "product_id"), soci::use(variant.sku, "sku"),
        soci::use(variant.title, "title"), soci::use(options, "options"), soci::use(price, "price"),
        soci::use(compare_at, compare_at_ind, "compare_at"), soci::use(variant.price.currency, "currency"),
        soci::use(weight, "weight"), soci::use(on_hand, "on_hand"), soci::into(new_id);
    return new_id;
  });
  cache_.invalidate_tag(product_tag(product_id));
  return id;
}

void CatalogService::set_variant_price(std::int64_t variant_id, const Money& price,
                                       const std::optional<Money>& compare_at, std::string_view client) {
  check_prices(price, compare_at);
  const long long vid = variant_id;
  const long long product_id = db_.transact(client, [&](soci::session& sql) {
    const long long amount = price.amount;
    long long compare_amount = compare_at ? compare_at->amount : 0;
    soci::indicator compare_ind = compare_at ? soci::i_ok : soci::i_null;
    long long pid = 0;
    sql << kUpdateVariantPrice, soci::use(amount, "price"), soci::use(compare_amount, compare_ind, "compare_at"),
        soci::use(price.currency, "currency"), soci::use(vid, "id"), soci::into(pid);
    if (!sql.got_data()) {
      throw Error(ErrorCode::not_found, "No such variant.");
    }
    long long touched = 0;
    const long long now = now_us();
    sql << kTouchProduct, soci::use(now, "now"), soci::use(pid, "id"), soci::into(touched);
    return pid;
  });
  cache_.invalidate_tag(product_tag(product_id));
}

void CatalogService::set_product_status(std::int64_t product_id, ProductStatus status, std::string_view client) {
  const long long pid = product_id;
  db_.transact(client, [&](soci::session& sql) {
    const std::string text = to_string(status);
    const long long now = now_us();
    long long touched = 0;
    sql << kUpdateProductStatus, soci::use(text, "status"), soci::use(now, "now"), soci::use(pid, "id"),
        soci::into(touched);
    if (!sql.got_data()) {
      throw Error(ErrorCode::not_found, "No such product.");
    }
  });
  cache_.invalidate_tag(product_tag(product_id));
}

}  // namespace ecom::catalog
