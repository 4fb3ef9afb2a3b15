#include "internal.hpp"

#include "codec.hpp"

#include <ecom/platform/error.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <map>
#include <tuple>

namespace ecom::catalog::detail {
namespace {

using core::Error;
using core::ErrorCode;

constexpr std::size_t kMaxSlugLength = 120;

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
constexpr const char* kSelectImages =
    "SELECT id, path, alt, width, height, position FROM product_images WHERE product_id = :product_id "
    "ORDER BY position, id";
constexpr const char* kSelectFirstImage =
    "SELECT id, path, alt, width, height, position FROM product_images WHERE product_id = :product_id "
    "ORDER BY position, id LIMIT 1";

}  // namespace

std::string product_tag(std::int64_t id) {
  return "product:" + std::to_string(id);
}

std::string product_slug_tag(std::string_view slug) {
  return "product-slug:" + std::string(slug);
}

std::int64_t now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

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

core::Error invalid(std::string field, std::string reason) {
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

Product load_product(soci::session& sql, long long id, bool active_only) {
  Product p;
  p.id = id;
  std::string status;
  long long created_at = 0;
  long long updated_at = 0;
  long long version = 0;
  sql << kSelectProduct, soci::into(p.slug), soci::into(p.title), soci::into(p.description), soci::into(status),
      soci::into(p.seo_title), soci::into(p.seo_description), soci::into(created_at), soci::into(updated_at),
      soci::into(version), soci::use(id, "id");
  const auto parsed = status_from_string(status);
  if (!sql.got_data() || !parsed || (active_only && *parsed != ProductStatus::active)) {
    throw Error(ErrorCode::not_found, "No such product.");
  }
  p.status = *parsed;
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
  p.images = ImageQuery(sql, false).images_of(id);
  return p;
}

ImageQuery::ImageQuery(soci::session& sql, bool first_only)
    : statement_((sql.prepare << (first_only ? kSelectFirstImage : kSelectImages), soci::into(id_),
                  soci::into(row_.path), soci::into(row_.alt), soci::into(width_), soci::into(height_),
                  soci::into(position_), soci::use(product_id_, "product_id"))) {}

std::vector<Image> ImageQuery::images_of(long long product_id) {
  product_id_ = product_id;
  statement_.execute();
  std::vector<Image> images;
  while (statement_.fetch()) {
    row_.id = id_;
    row_.width = width_;
    row_.height = height_;
    row_.position = position_;
    images.push_back(row_);
  }
  return images;
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

core::Error taken(std::string_view constraint) {
  struct Guarded {
    std::string_view constraint;
    const char* field;
    const char* message;
  };
  static constexpr std::array<Guarded, 4> kGuarded{{
      {kProductSlugKey, "slug", "A product with this slug exists."},
      {kVariantSkuKey, "sku", "A variant with this SKU exists."},
      {kCategorySlugKey, "slug", "A category with this slug exists."},
      {kImagePathKey, "image", "The product already has this image."},
  }};
  for (const auto& g : kGuarded) {
    if (g.constraint == constraint) {
      return Error(ErrorCode::conflict, g.message, {core::FieldError{g.field, "already in use"}});
    }
  }
  return db::UniqueViolation(std::string(constraint));
}

void set_attribute_facet(Facets& facets, const std::string& name, std::vector<FacetValue> values) {
  auto it = std::find_if(facets.attributes.begin(), facets.attributes.end(),
                         [&](const auto& attribute) { return attribute.first == name; });
  if (it == facets.attributes.end()) {
    it = facets.attributes.emplace(
        std::lower_bound(facets.attributes.begin(), facets.attributes.end(), name,
                         [](const auto& attribute, const std::string& key) { return attribute.first < key; }),
        name, std::vector<FacetValue>{});
  }
  it->second = std::move(values);
}

}  // namespace ecom::catalog::detail
