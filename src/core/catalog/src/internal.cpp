#include "internal.hpp"

#include "codec.hpp"

#include <ecom/money/money.hpp>
#include <ecom/platform/error.hpp>
#include <ecom/platform/time.hpp>

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

constexpr const char* kInsertVariant =
    "INSERT INTO variants (product_id, sku, title, options, price_amount, compare_at_amount, currency, "
    "weight_grams, on_hand) VALUES (:product_id, :sku, :title, :options, :price, :compare_at, :currency, :weight, "
    ":on_hand)";
constexpr const char* kPgInsertVariants =
    "INSERT INTO variants (product_id, sku, title, options, price_amount, compare_at_amount, currency, "
    "weight_grams, on_hand) SELECT product_id, sku, title, options, price, compare_at, currency, weight, on_hand "
    "FROM unnest(CAST(:product_id AS bigint[]), CAST(:sku AS text[]), "
    "CAST(:title AS text[]), CAST(:options AS text[]), CAST(:price AS bigint[]), CAST(:compare_at AS bigint[]), "
    "CAST(:currency AS text[]), CAST(:weight AS bigint[]), CAST(:on_hand AS bigint[])) WITH ORDINALITY "
    "AS t(product_id, sku, title, options, price, compare_at, currency, weight, on_hand, n) ORDER BY n";
constexpr const char* kUpdateVariant =
    "UPDATE variants SET sku = :sku, title = :title, options = :options, price_amount = :price,"
    " compare_at_amount = :compare_at, currency = :currency, weight_grams = :weight, on_hand = :on_hand "
    "WHERE id = :id";

// The rows column by column, as both bindings want them.
struct VariantColumns {
  explicit VariantColumns(const std::vector<VariantRow>& rows) {
    for (const auto& r : rows) {
      product_id.push_back(r.product_id);
      sku.push_back(r.sku);
      title.push_back(r.title);
      options.push_back(r.options);
      price.push_back(r.price);
      compare_at.push_back(r.compare_at.value_or(0));
      compare_at_ind.push_back(r.compare_at ? soci::i_ok : soci::i_null);
      currency.push_back(r.currency);
      weight.push_back(r.weight_grams);
      on_hand.push_back(r.on_hand);
    }
  }
  std::vector<long long> product_id;
  std::vector<std::string> sku;
  std::vector<std::string> title;
  std::vector<std::string> options;
  std::vector<long long> price;
  std::vector<long long> compare_at;
  std::vector<soci::indicator> compare_at_ind;
  std::vector<std::string> currency;
  std::vector<long long> weight;
  std::vector<long long> on_hand;
};

}  // namespace

VariantRow variant_row(long long product_id, const NewVariant& variant) {
  VariantRow row;
  row.product_id = product_id;
  row.sku = variant.sku;
  row.title = variant.title;
  row.options = options_to_text(variant.options);
  row.price = variant.price.amount;
  if (variant.compare_at) {
    row.compare_at = variant.compare_at->amount;
  }
  row.currency = variant.price.currency;
  row.weight_grams = variant.weight_grams;
  row.on_hand = variant.on_hand;
  return row;
}

VariantReader::VariantReader(soci::session& sql, const char* query, const long long* product_id) : statement_(sql) {
  statement_.exchange(soci::into(key_));
  statement_.exchange(soci::into(row_.sku));
  statement_.exchange(soci::into(row_.title));
  statement_.exchange(soci::into(row_.options));
  statement_.exchange(soci::into(row_.price));
  statement_.exchange(soci::into(compare_at_, compare_at_ind_));
  statement_.exchange(soci::into(row_.currency));
  statement_.exchange(soci::into(row_.weight_grams));
  statement_.exchange(soci::into(row_.on_hand));
  if (product_id != nullptr) {
    statement_.exchange(soci::use(*product_id, "product_id"));
  }
  statement_.alloc();
  statement_.prepare(query);
  statement_.define_and_bind();
  statement_.execute();
}

bool VariantReader::fetch() {
  if (!statement_.fetch()) {
    return false;
  }
  row_.compare_at = compare_at_ind_ == soci::i_ok ? std::optional<long long>(compare_at_) : std::nullopt;
  return true;
}

void insert_variants(soci::session& sql, db::Backend backend, const std::vector<VariantRow>& rows) {
  if (rows.empty()) {
    return;
  }
  VariantColumns c(rows);
  if (backend == db::Backend::sqlite) {
    soci::statement st = (sql.prepare << kInsertVariant, soci::use(c.product_id, "product_id"), soci::use(c.sku, "sku"),
                          soci::use(c.title, "title"), soci::use(c.options, "options"), soci::use(c.price, "price"),
                          soci::use(c.compare_at, c.compare_at_ind, "compare_at"), soci::use(c.currency, "currency"),
                          soci::use(c.weight, "weight"), soci::use(c.on_hand, "on_hand"));
    st.execute(true);
    return;
  }
  const std::string product_id = pg_array(c.product_id);
  const std::string sku = pg_array(c.sku);
  const std::string title = pg_array(c.title);
  const std::string options = pg_array(c.options);
  const std::string price = pg_array(c.price);
  const std::string compare_at = pg_array(c.compare_at, &c.compare_at_ind);
  const std::string currency = pg_array(c.currency);
  const std::string weight = pg_array(c.weight);
  const std::string on_hand = pg_array(c.on_hand);
  sql << kPgInsertVariants, soci::use(product_id, "product_id"), soci::use(sku, "sku"), soci::use(title, "title"),
      soci::use(options, "options"), soci::use(price, "price"), soci::use(compare_at, "compare_at"),
      soci::use(currency, "currency"), soci::use(weight, "weight"), soci::use(on_hand, "on_hand");
}

void update_variant(soci::session& sql, long long id, const VariantRow& row) {
  long long compare_at = row.compare_at.value_or(0);
  soci::indicator compare_at_ind = row.compare_at ? soci::i_ok : soci::i_null;
  sql << kUpdateVariant, soci::use(row.sku, "sku"), soci::use(row.title, "title"), soci::use(row.options, "options"),
      soci::use(row.price, "price"), soci::use(compare_at, compare_at_ind, "compare_at"),
      soci::use(row.currency, "currency"), soci::use(row.weight_grams, "weight"), soci::use(row.on_hand, "on_hand"),
      soci::use(id, "id");
}

std::string pg_array(const std::vector<std::string>& values) {
  std::string out = "{";
  for (std::size_t i = 0; i < values.size(); ++i) {
    out += i == 0 ? "\"" : ",\"";
    for (const char ch : values[i]) {
      if (ch == '"' || ch == '\\') {
        out += '\\';
      }
      out += ch;
    }
    out += '"';
  }
  out += '}';
  return out;
}

std::string pg_array(const std::vector<long long>& values, const std::vector<soci::indicator>* nulls) {
  std::string out = "{";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i > 0) {
      out += ',';
    }
    if (nulls != nullptr && (*nulls)[i] == soci::i_null) {
      out += "NULL";
    } else {
      out += std::to_string(values[i]);
    }
  }
  out += '}';
  return out;
}

std::string product_tag(std::int64_t id) {
  return "product:" + std::to_string(id);
}

std::string product_slug_tag(std::string_view slug) {
  return "product-slug:" + std::string(slug);
}

std::int64_t now_us() {
  return time::now_us();
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

core::Error invalid(std::string field, std::string reason) {
  return Error::invalid_field(std::move(field), std::move(reason));
}

void check_money(const Money& money, const std::string& field) {
  if (money.amount < 0) {
    throw invalid(field, "must not be negative");
  }
  if (!money::is_currency(money.currency)) {
    throw invalid(field + ".currency", std::string(kCurrencyReason));
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
    VariantReader variants(sql, kSelectVariants, &id);
    while (variants.fetch()) {
      const VariantRow& r = variants.row();
      Variant v;
      v.id = variants.key();
      v.sku = r.sku;
      v.title = r.title;
      v.options = detail::options_from_text(r.options);
      v.price = Money{r.price, r.currency};
      if (r.compare_at) {
        v.compare_at = Money{*r.compare_at, r.currency};
      }
      v.weight_grams = r.weight_grams;
      v.on_hand = r.on_hand;
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
