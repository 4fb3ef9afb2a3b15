// Demo data: see seed.hpp. Rows go in through prepared statements with bound values, one
// transaction per batch of products (SQLite: SOCI bulk binding of vectors; PostgreSQL: one
// unnest() of bound arrays per table), with product ids assigned here so that variants, categories
// and attributes can refer to their product without reading ids back row by row. Variants go in
// through the catalog's one variant insert (detail::insert_variants).
#include "demo_catalog.hpp"
#include "internal.hpp"

#include <ecom/catalog/seed.hpp>
#include <ecom/platform/error.hpp>
#include <ecom/storage/placeholder.hpp>
#include <ecom/storage/sizes.hpp>

#include <boost/json.hpp>
#include <fmt/format.h>
#include <soci/soci.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ecom::catalog {
namespace {

using core::Error;
using core::ErrorCode;
using detail::now_us;
using detail::pg_array;

constexpr const char* kCountProducts = "SELECT COUNT(*) FROM products";
constexpr const char* kCountCategories = "SELECT COUNT(*) FROM categories";
constexpr const char* kMaxProductId = "SELECT COALESCE(MAX(id), 0) FROM products";
constexpr const char* kFindCategory = "SELECT id FROM categories WHERE slug = :slug";
constexpr const char* kInsertCategory =
    "INSERT INTO categories (parent_id, slug, name, position) VALUES (:parent_id, :slug, :name, :position)";
constexpr const char* kInsertProduct =
    "INSERT INTO products (id, slug, title, description, status, seo_title, seo_description, created_at, "
    "updated_at, version) VALUES (:id, :slug, :title, :description, :status, :seo_title, :seo_description, "
    ":created_at, :updated_at, 1)";
constexpr const char* kInsertProductCategory =
    "INSERT INTO product_categories (product_id, category_id) VALUES (:product_id, :category_id)";
constexpr const char* kInsertAttribute =
    "INSERT INTO product_attributes (product_id, name, value) VALUES (:product_id, :name, :value)";
constexpr const char* kInsertImage =
    "INSERT INTO product_images (product_id, path, alt, width, height, position, created_at) "
    "VALUES (:product_id, :path, :alt, :width, :height, :position, :created_at)";
// PostgreSQL: one statement per table and batch, each column bound as one array literal. SOCI's
// bulk binding would send a round trip per row, which alone takes most of a minute at 100,000
// products.
constexpr const char* kPgInsertProducts =
    "INSERT INTO products (id, slug, title, description, status, seo_title, seo_description, created_at, "
    "updated_at, version) SELECT id, slug, title, description, status, seo_title, seo_description, created_at, "
    "created_at, 1 FROM unnest(CAST(:id AS bigint[]), CAST(:slug AS text[]), CAST(:title AS text[]), "
    "CAST(:description AS text[]), CAST(:status AS text[]), CAST(:seo_title AS text[]), "
    "CAST(:seo_description AS text[]), CAST(:created_at AS bigint[])) "
    "AS t(id, slug, title, description, status, seo_title, seo_description, created_at)";
constexpr const char* kPgInsertProductCategories =
    "INSERT INTO product_categories (product_id, category_id) SELECT * FROM unnest(CAST(:product_id AS bigint[]), "
    "CAST(:category_id AS bigint[]))";
constexpr const char* kPgInsertAttributes =
    "INSERT INTO product_attributes (product_id, name, value) SELECT * FROM unnest(CAST(:product_id AS bigint[]), "
    "CAST(:name AS text[]), CAST(:value AS text[]))";
constexpr const char* kPgInsertImages =
    "INSERT INTO product_images (product_id, path, alt, width, height, position, created_at) "
    "SELECT product_id, path, alt, :width, :height, position, created_at FROM unnest(CAST(:product_id AS bigint[]), "
    "CAST(:path AS text[]), CAST(:alt AS text[]), CAST(:position AS bigint[]), CAST(:created_at AS bigint[])) "
    "AS t(product_id, path, alt, position, created_at)";
// Explicit ids do not move PostgreSQL's sequences; later inserts by the admin would collide.
constexpr const char* kSyncProductSequence =
    "SELECT setval(pg_get_serial_sequence('products', 'id'), (SELECT MAX(id) FROM products))";

// About 3,500 variant and 3,000 attribute rows per transaction: large enough that commits do not
// dominate, small enough that a failure loses little and locks are held briefly.
constexpr std::int64_t kBatchProducts = 1000;
constexpr std::uint64_t kDraftPercent = 4;
constexpr std::uint64_t kCompareAtPercent = 12;
constexpr std::uint64_t kOutOfStockPercent = 15;
constexpr int kMaxVariants = 6;
constexpr std::string_view kCurrency = "EUR";
constexpr std::uint64_t kMaxImages = 3;

// Placeholder colours: muted shades that read as product photography backdrops.
constexpr std::array<storage::Rgb, kPlaceholderCount> kPlaceholderColours{{{196, 164, 132},
                                                                           {120, 144, 156},
                                                                           {161, 136, 127},
                                                                           {129, 199, 132},
                                                                           {100, 181, 246},
                                                                           {240, 98, 146},
                                                                           {255, 183, 77},
                                                                           {149, 117, 205},
                                                                           {77, 182, 172},
                                                                           {224, 224, 224},
                                                                           {66, 66, 66},
                                                                           {229, 115, 115}}};

std::string placeholder_key(std::size_t index) {
  return fmt::format("placeholders/seed-{:02}.png", index + 1);
}

// Writes the placeholder files that are missing; the same bytes every time.
void ensure_placeholders(storage::Storage& store) {
  for (std::size_t i = 0; i < kPlaceholderColours.size(); ++i) {
    const auto key = placeholder_key(i);
    const auto c = kPlaceholderColours[i];
    // Lighter towards the bottom: halfway to white.
    const storage::Rgb bottom{static_cast<std::uint8_t>((c.r + 255) / 2), static_cast<std::uint8_t>((c.g + 255) / 2),
                              static_cast<std::uint8_t>((c.b + 255) / 2)};
    storage::put_placeholder(store, key, kPlaceholderSide, c, bottom);
  }
}

// splitmix64: image choices come from the seed and the product id, not from the generator's
// stream, so products, prices and stock stay what they were before images existed.
std::uint64_t mix64(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30U)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27U)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31U);
}

using Words = std::vector<std::string>;

struct Leaf {
  std::string slug;
  std::string name;
  Words nouns;
  Words materials;
  Words sizes;
  std::int64_t price_min = 0;  // minor units
  std::int64_t price_max = 0;
  std::int64_t weight_min = 0;  // grams
  std::int64_t weight_max = 0;
};

struct Department {
  std::string slug;
  std::string name;
  std::string sku_prefix;
  std::vector<Leaf> leaves;
};

// What the generator draws from: the category tree and the words of titles and descriptions. It is
// data (seed/demo_catalog.json, compiled in by seed/embed_seed.cmake), not code; the generator
// draws from each list by position, so a changed list changes every catalog a seed makes.
struct DemoData {
  Words adjectives;
  Words brands;
  Words colours;
  Words qualities;
  Words uses;
  std::vector<Department> departments;
};

Words words_of(const boost::json::value& value) {
  Words out;
  for (const auto& word : value.as_array()) {
    out.emplace_back(word.as_string());
  }
  return out;
}

DemoData parse_demo(std::string_view text) {
  const auto doc = boost::json::parse(text).as_object();
  DemoData data{words_of(doc.at("adjectives")), words_of(doc.at("brands")), words_of(doc.at("colours")),
                words_of(doc.at("qualities")),  words_of(doc.at("uses")),   {}};
  for (const auto& d : doc.at("departments").as_array()) {
    const auto& dept = d.as_object();
    Department& out = data.departments.emplace_back();
    out.slug = dept.at("slug").as_string();
    out.name = dept.at("name").as_string();
    out.sku_prefix = dept.at("sku_prefix").as_string();
    for (const auto& l : dept.at("leaves").as_array()) {
      const auto& leaf = l.as_object();
      out.leaves.push_back(Leaf{std::string(leaf.at("slug").as_string()), std::string(leaf.at("name").as_string()),
                                words_of(leaf.at("nouns")), words_of(leaf.at("materials")), words_of(leaf.at("sizes")),
                                leaf.at("price_min").as_int64(), leaf.at("price_max").as_int64(),
                                leaf.at("weight_min").as_int64(), leaf.at("weight_max").as_int64()});
    }
  }
  return data;
}

// The build checked the JSON's shape (embed_seed.cmake); parsed once.
const DemoData& demo() {
  static const DemoData kData = parse_demo(generated::kDemoCatalog);
  return kData;
}

const std::vector<Department>& departments() {
  return demo().departments;
}

// std::uniform_int_distribution differs between standard libraries; plain modulo on the 64-bit
// output is the same everywhere, and its bias is negligible for the small ranges used here.
std::uint64_t bounded(std::mt19937_64& rng, std::uint64_t n) {
  return n == 0 ? 0 : rng() % n;
}

std::int64_t in_range(std::mt19937_64& rng, std::int64_t lo, std::int64_t hi) {
  return lo + static_cast<std::int64_t>(bounded(rng, static_cast<std::uint64_t>(hi - lo + 1)));
}

template <typename Container>
std::string_view pick(std::mt19937_64& rng, const Container& words) {
  return words[bounded(rng, words.size())];
}

// Prices end in .99 or .49, as real shops' do.
std::int64_t shop_price(std::int64_t minor) {
  const std::int64_t euros = minor / 100;
  return euros * 100 + (minor % 100 < 50 ? 49 : 99);
}

std::string slugify(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool dash = false;
  for (const char ch : text) {
    const bool alnum = (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9');
    const bool upper = ch >= 'A' && ch <= 'Z';
    if (alnum || upper) {
      if (dash && !out.empty()) {
        out += '-';
      }
      out += upper ? static_cast<char>(ch - 'A' + 'a') : ch;
      dash = false;
    } else {
      dash = true;
    }
  }
  return out;
}

struct LeafRef {
  const Department* department = nullptr;
  const Leaf* leaf = nullptr;
  long long category_id = 0;
};

long long ensure_category(soci::session& sql, const std::string& slug, std::string_view name,
                          soci::indicator parent_ind, long long parent_id, int position) {
  long long id = 0;
  sql << kFindCategory, soci::into(id), soci::use(slug, "slug");
  if (sql.got_data()) {
    return id;
  }
  const std::string name_text(name);
  sql << kInsertCategory, soci::use(parent_id, parent_ind, "parent_id"), soci::use(slug, "slug"),
      soci::use(name_text, "name"), soci::use(position, "position");
  sql << kFindCategory, soci::into(id), soci::use(slug, "slug");
  return id;
}

// Sub-category slugs carry their department's ("clothing-shirts") so they stay unique in the tree.
std::vector<LeafRef> ensure_tree(db::Database& db) {
  return db.transact("", [](soci::session& sql) {
    std::vector<LeafRef> leaves;
    int dept_position = 0;
    for (const auto& dept : departments()) {
      const long long dept_id = ensure_category(sql, std::string(dept.slug), dept.name, soci::i_null, 0, dept_position);
      ++dept_position;
      int leaf_position = 0;
      for (const auto& leaf : dept.leaves) {
        const std::string slug = fmt::format("{}-{}", dept.slug, leaf.slug);
        const long long id = ensure_category(sql, slug, leaf.name, soci::i_ok, dept_id, leaf_position);
        ++leaf_position;
        leaves.push_back(LeafRef{&dept, &leaf, id});
      }
    }
    return leaves;
  });
}

// One batch of rows, column by column, as SOCI's bulk binding wants them.
struct Batch {
  std::vector<long long> product_id;
  std::vector<std::string> slug;
  std::vector<std::string> title;
  std::vector<std::string> description;
  std::vector<std::string> status;
  std::vector<std::string> seo_title;
  std::vector<std::string> seo_description;
  std::vector<long long> created_at;

  std::vector<long long> link_product;
  std::vector<long long> link_category;

  std::vector<detail::VariantRow> variants;

  std::vector<long long> attribute_product;
  std::vector<std::string> attribute_name;
  std::vector<std::string> attribute_value;

  std::vector<long long> image_product;
  std::vector<std::string> image_path;
  std::vector<std::string> image_alt;
  std::vector<long long> image_width;
  std::vector<long long> image_height;
  std::vector<long long> image_position;
  std::vector<long long> image_created_at;
};

struct Generator {
  std::mt19937_64 rng;
  const std::vector<LeafRef>& leaves;
  std::uint64_t seed = 1;
  bool append = false;
  std::int64_t first_created_us = 0;
  bool images = false;

  // 1-3 distinct placeholders per product; the first is the listing image.
  void add_images(Batch& b, long long id, const std::string& title, std::int64_t created) const {
    const std::uint64_t h = mix64(seed * 0x100000001B3ULL ^ static_cast<std::uint64_t>(id));
    const std::uint64_t count = 1 + h % kMaxImages;
    // Steps of 5 through 12 colours: a product's 2-3 images are always different files.
    const std::uint64_t first = (h >> 16U) % kPlaceholderColours.size();
    for (std::uint64_t k = 0; k < count; ++k) {
      b.image_product.push_back(id);
      b.image_path.push_back(placeholder_key((first + k * 5) % kPlaceholderColours.size()));
      b.image_alt.push_back(k == 0 ? title : fmt::format("{}, view {}", title, k + 1));
      b.image_width.push_back(kPlaceholderSide);
      b.image_height.push_back(kPlaceholderSide);
      b.image_position.push_back(static_cast<long long>(k));
      b.image_created_at.push_back(created);
    }
  }

  void product(Batch& b, long long id, std::int64_t index) {
    const LeafRef& ref = leaves[bounded(rng, leaves.size())];
    const Leaf& leaf = *ref.leaf;
    const std::string_view brand = pick(rng, demo().brands);
    const std::string_view adjective = pick(rng, demo().adjectives);
    const std::string_view material = pick(rng, leaf.materials);
    const std::string_view noun = pick(rng, leaf.nouns);
    // The colour attribute is the first variant's colour, so a colour filter finds what is on sale.
    const std::size_t colour_start = bounded(rng, demo().colours.size());
    const std::string_view colour = demo().colours[colour_start];
    const std::string title = fmt::format("{} {} {} {}", brand, adjective, material, noun);
    // The id is the running number; an appended batch also names its seed, as the brief for
    // --append asks, so that two seedings are told apart in the admin.
    const std::string slug =
        append ? fmt::format("{}-s{}-{}", slugify(title), seed, id) : fmt::format("{}-{}", slugify(title), id);
    // Each draw is its own statement: the order of evaluation of function arguments is
    // unspecified, and the catalog must be the same whichever compiler built ecomctl.
    const std::size_t quality = bounded(rng, demo().qualities.size());
    const std::string_view use = pick(rng, demo().uses);
    const std::size_t second = (quality + 1 + bounded(rng, demo().qualities.size() - 1)) % demo().qualities.size();
    const std::string first_sentence =
        fmt::format("A {} {} in {} from {}.", demo().qualities[quality], noun, material, brand);
    const std::string description =
        fmt::format("{} Made for {}, it is {} and built to last.", first_sentence, use, demo().qualities[second]);
    const bool draft = bounded(rng, 100) < kDraftPercent;
    const std::int64_t created = first_created_us + index * 1'000'000;  // one second apart, oldest first

    b.product_id.push_back(id);
    b.slug.push_back(slug);
    b.title.push_back(title);
    b.description.push_back(description);
    b.status.emplace_back(draft ? "draft" : "active");
    b.seo_title.push_back(fmt::format("{} | {}", title, ref.leaf->name));
    b.seo_description.push_back(first_sentence);
    b.created_at.push_back(created);
    b.link_product.push_back(id);
    b.link_category.push_back(ref.category_id);
    if (images) {
      add_images(b, id, title, created);
    }

    // By name, then value, like the primary key.
    const std::array<std::pair<std::string_view, std::string_view>, 3> attributes{
        {{"brand", brand}, {"colour", colour}, {"material", material}}};
    for (const auto& [name, value] : attributes) {
      b.attribute_product.push_back(id);
      b.attribute_name.emplace_back(name);
      b.attribute_value.emplace_back(value);
    }

    const std::int64_t base_price = shop_price(in_range(rng, leaf.price_min, leaf.price_max));
    const std::int64_t weight = in_range(rng, leaf.weight_min, leaf.weight_max);
    const bool on_sale = bounded(rng, 100) < kCompareAtPercent;
    const std::int64_t compare_at = shop_price(base_price * in_range(rng, 120, 150) / 100);
    const int variants = 1 + static_cast<int>(bounded(rng, kMaxVariants));
    const std::size_t sizes = leaf.sizes.size();
    const std::size_t size_start = bounded(rng, sizes);
    for (int k = 0; k < variants; ++k) {
      const auto uk = static_cast<std::size_t>(k);
      // (size, colour) pairs are distinct for k < sizes * colours; every leaf has 3+ sizes.
      const std::string_view size = leaf.sizes[(size_start + uk) % sizes];
      const std::string_view variant_colour = demo().colours[(colour_start + uk / sizes) % demo().colours.size()];
      // The largest size costs a little more, as it does in real shops.
      const std::int64_t price = base_price + ((size_start + uk) % sizes == sizes - 1 ? 200 : 0);
      detail::VariantRow& v = b.variants.emplace_back();
      v.product_id = id;
      v.sku = fmt::format("{}-{}-{:06}-{}", ref.department->sku_prefix, seed, id, k + 1);
      v.title = fmt::format("{} / {}", size, variant_colour);
      v.options = fmt::format(R"({{"colour":"{}","size":"{}"}})", variant_colour, size);
      v.price = price;
      if (on_sale) {
        v.compare_at = compare_at + (price - base_price);
      }
      v.currency = kCurrency;
      v.weight_grams = weight + (price - base_price) / 10;
      v.on_hand = bounded(rng, 100) < kOutOfStockPercent ? 0 : in_range(rng, 1, 200);
    }
  }
};

void write_batch(soci::session& sql, Batch& b) {
  {
    soci::statement st =
        (sql.prepare << kInsertProduct, soci::use(b.product_id, "id"), soci::use(b.slug, "slug"),
         soci::use(b.title, "title"), soci::use(b.description, "description"), soci::use(b.status, "status"),
         soci::use(b.seo_title, "seo_title"), soci::use(b.seo_description, "seo_description"),
         soci::use(b.created_at, "created_at"), soci::use(b.created_at, "updated_at"));
    st.execute(true);
  }
  {
    soci::statement st = (sql.prepare << kInsertProductCategory, soci::use(b.link_product, "product_id"),
                          soci::use(b.link_category, "category_id"));
    st.execute(true);
  }
  detail::insert_variants(sql, db::Backend::sqlite, b.variants);
  {
    soci::statement st = (sql.prepare << kInsertAttribute, soci::use(b.attribute_product, "product_id"),
                          soci::use(b.attribute_name, "name"), soci::use(b.attribute_value, "value"));
    st.execute(true);
  }
  if (!b.image_product.empty()) {
    soci::statement st =
        (sql.prepare << kInsertImage, soci::use(b.image_product, "product_id"), soci::use(b.image_path, "path"),
         soci::use(b.image_alt, "alt"), soci::use(b.image_width, "width"), soci::use(b.image_height, "height"),
         soci::use(b.image_position, "position"), soci::use(b.image_created_at, "created_at"));
    st.execute(true);
  }
}

void write_batch_pg(soci::session& sql, const Batch& b) {
  const std::string id = pg_array(b.product_id);
  const std::string slug = pg_array(b.slug);
  const std::string title = pg_array(b.title);
  const std::string description = pg_array(b.description);
  const std::string status = pg_array(b.status);
  const std::string seo_title = pg_array(b.seo_title);
  const std::string seo_description = pg_array(b.seo_description);
  const std::string created_at = pg_array(b.created_at);
  sql << kPgInsertProducts, soci::use(id, "id"), soci::use(slug, "slug"), soci::use(title, "title"),
      soci::use(description, "description"), soci::use(status, "status"), soci::use(seo_title, "seo_title"),
      soci::use(seo_description, "seo_description"), soci::use(created_at, "created_at");

  const std::string link_product = pg_array(b.link_product);
  const std::string link_category = pg_array(b.link_category);
  sql << kPgInsertProductCategories, soci::use(link_product, "product_id"), soci::use(link_category, "category_id");

  detail::insert_variants(sql, db::Backend::postgresql, b.variants);

  const std::string attribute_product = pg_array(b.attribute_product);
  const std::string attribute_name = pg_array(b.attribute_name);
  const std::string attribute_value = pg_array(b.attribute_value);
  sql << kPgInsertAttributes, soci::use(attribute_product, "product_id"), soci::use(attribute_name, "name"),
      soci::use(attribute_value, "value");

  if (!b.image_product.empty()) {
    const long long side = kPlaceholderSide;
    const std::string image_product = pg_array(b.image_product);
    const std::string image_path = pg_array(b.image_path);
    const std::string image_alt = pg_array(b.image_alt);
    const std::string image_position = pg_array(b.image_position);
    const std::string image_created_at = pg_array(b.image_created_at);
    sql << kPgInsertImages, soci::use(side, "width"), soci::use(side, "height"), soci::use(image_product, "product_id"),
        soci::use(image_path, "path"), soci::use(image_alt, "alt"), soci::use(image_position, "position"),
        soci::use(image_created_at, "created_at");
  }
}

long long scalar(db::Database& db, const char* query) {
  return db.read("", db::Consistency::strong, [query](soci::session& sql) {
    long long value = 0;
    sql << query, soci::into(value);
    return value;
  });
}

}  // namespace

std::int64_t count_products(db::Database& db) {
  return scalar(db, kCountProducts);
}

SeedResult seed_catalog(db::Database& db, const SeedOptions& options) {
  if (options.products < 0) {
    throw Error(ErrorCode::unprocessable, "The number of products must not be negative.");
  }
  const std::int64_t existing = count_products(db);
  if (existing > 0 && !options.append) {
    throw Error(ErrorCode::conflict,
                fmt::format("The catalog already has {} products; seeding is meant for an empty shop "
                            "(use --append to add more).",
                            existing));
  }
  const std::vector<LeafRef> leaves = ensure_tree(db);
  if (options.storage != nullptr) {
    ensure_placeholders(*options.storage);
  }

  Generator gen{
      std::mt19937_64(options.seed), leaves, options.seed, options.append, now_us() - options.products * 1'000'000,
      options.storage != nullptr};
  long long next_product_id = scalar(db, kMaxProductId) + 1;
  SeedResult result;
  const std::int64_t batches = (options.products + kBatchProducts - 1) / kBatchProducts;
  for (std::int64_t batch = 0; batch < batches; ++batch) {
    Batch b;
    const std::int64_t first = batch * kBatchProducts;
    const std::int64_t last = std::min(options.products, first + kBatchProducts);
    for (std::int64_t i = first; i < last; ++i) {
      gen.product(b, next_product_id++, i);
    }
    if (db.backend() == db::Backend::postgresql) {
      db.transact("", [&b](soci::session& sql) { write_batch_pg(sql, b); });
    } else {
      db.transact("", [&b](soci::session& sql) { write_batch(sql, b); });
    }
    result.products += last - first;
    result.variants += static_cast<std::int64_t>(b.variants.size());
    result.images += static_cast<std::int64_t>(b.image_product.size());
  }
  if (db.backend() == db::Backend::postgresql && result.products > 0) {
    db.transact("", [](soci::session& sql) {
      long long ignored = 0;
      sql << kSyncProductSequence, soci::into(ignored);
    });
  }
  result.categories = scalar(db, kCountCategories);
  return result;
}

}  // namespace ecom::catalog
