// CatalogAdmin: CSV import (parse -> validate -> plan -> apply) and export.
#include "admin_rules.hpp"
#include "codec.hpp"
#include "internal.hpp"

#include <ecom/audit/audit.hpp>
#include <ecom/catalog/admin.hpp>
#include <ecom/money/money.hpp>
#include <ecom/platform/csv.hpp>
#include <ecom/platform/error.hpp>

#include <boost/json.hpp>
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
using namespace detail;  // the shared rules, bounds and statements (admin_rules.hpp, internal.hpp)

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

// The CSV column of each field the shared checks (check_product, check_variant) name; a field not
// listed is a column of the same name.
std::string column_of(const std::string& field, bool variant) {
  static const std::map<std::string, std::string, std::less<>> kVariantColumns{
      {"title", "variant_title"},
      {"price.currency", "currency"},
      {"compare_at_price.currency", "currency"},
  };
  if (variant) {
    if (const auto it = kVariantColumns.find(field); it != kVariantColumns.end()) {
      return it->second;
    }
  }
  return field;
}

// Turns an Error thrown by the shared checks into a problem at (row, its field's column): by the
// field the error names (FieldError::name), never by its text.
void add_error(Problems& problems, std::size_t row, const Error& e, const std::string& fallback_column,
               bool variant = false) {
  if (e.details().empty()) {
    problems.add(row, fallback_column, e.message());
    return;
  }
  problems.add(row, column_of(e.details().front().name, variant), e.details().front().reason);
}

// ---------------------------------------------------------------------------------------------
// The import's phases: parse (the file and its header), validate (every cell, offline), plan
// (against the database: categories exist, SKUs are new or this product's), apply (the writes).
// Each phase reports every problem it finds before the next starts; nothing is written unless all
// pass.

// The parsed file and where each known column is.
struct Sheet {
  std::vector<csv::Record> records;  // records[0] is the header
  std::array<std::optional<std::size_t>, col_count> index{};
  bool variants_possible = false;  // the file has a sku column
  [[nodiscard]] bool has(Column c) const { return index.at(c).has_value(); }
};

// One data row: its cells by column.
struct RowCells {
  const Sheet& sheet;
  const csv::Record& record;
  std::size_t row = 0;  // the record number, the header being 1
  [[nodiscard]] bool has(Column c) const { return sheet.has(c); }
  [[nodiscard]] const std::string& cell(Column c) const { return record.at(*sheet.index.at(c)); }
};

using CategoryIds = std::map<std::string, long long, std::less<>>;

// Parse: the CSV syntax and the header (known names, each once; slug and title required).
Sheet parse_sheet(std::string_view text, Problems& problems) {
  csv::Limits limits;
  limits.max_records = kMaxImportRows + 1;
  auto parsed = csv::parse(text, limits);
  for (const auto& e : parsed.errors) {
    problems.add(e.record, "", e.message);
  }
  problems.raise_if_any();
  Sheet sheet;
  sheet.records = std::move(parsed.records);
  if (sheet.records.empty()) {
    problems.add(1, "", "the file is empty: the first row must name the columns");
    problems.raise();
  }
  const auto& names = csv_columns();
  auto& index = sheet.index;
  const auto& records = sheet.records;
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
  sheet.variants_possible = index.at(col_sku).has_value();
  if (!sheet.variants_possible) {
    for (const auto column :
         {col_variant_title, col_options, col_price, col_compare_at, col_currency, col_weight, col_on_hand}) {
      if (index.at(column)) {
        problems.add(1, names.at(column), "needs the sku column");
      }
    }
  }
  problems.raise_if_any();

  return sheet;
}

// Validate: the product columns of a product's first row.
ImportProduct read_product(const RowCells& r, Problems& problems) {
  ImportProduct p;
  p.first_row = r.row;
  p.first = &r.record;
  p.fields.slug = r.cell(col_slug);
  p.fields.title = r.cell(col_title);
  const auto check = [&](const std::function<void()>& fn, const char* column) {
    try {
      fn();
    } catch (const Error& e) {
      add_error(problems, r.row, e, column);
    }
  };
  check([&] { check_title(p.fields.title); }, "title");
  if (r.has(col_description)) {
    p.fields.description = r.cell(col_description);
    check([&] { check_length(p.fields.description, kMaxDescription, "description"); }, "description");
  }
  if (r.has(col_status) && !r.cell(col_status).empty()) {
    const auto status = status_from_string(r.cell(col_status));
    if (!status) {
      problems.add(r.row, "status", "must be draft, active or archived");
    } else {
      p.fields.status = *status;
      p.status_given = true;
    }
  }
  if (r.has(col_seo_title)) {
    p.fields.seo_title = r.cell(col_seo_title);
    check([&] { check_length(p.fields.seo_title, kMaxSeoTitle, "seo_title"); }, "seo_title");
  }
  if (r.has(col_seo_description)) {
    p.fields.seo_description = r.cell(col_seo_description);
    check([&] { check_length(p.fields.seo_description, kMaxSeoDescription, "seo_description"); }, "seo_description");
  }
  if (r.has(col_categories)) {
    p.fields.category_slugs = split_bars(r.cell(col_categories));
    for (const auto& category : p.fields.category_slugs) {
      if (!valid_slug(category)) {
        problems.add(r.row, "categories", "not a category slug: \"" + category + "\"");
      }
    }
    if (p.fields.category_slugs.size() > kMaxListEntries) {
      problems.add(r.row, "categories", "at most " + std::to_string(kMaxListEntries) + " categories");
    }
  }
  if (r.has(col_attributes)) {
    std::string reason;
    if (auto pairs = parse_pairs(r.cell(col_attributes), reason)) {
      for (auto& [name, value] : *pairs) {
        p.fields.attributes.push_back(Attribute{std::move(name), std::move(value)});
      }
      check([&] { check_attributes(p.fields.attributes); }, "attributes");
    } else {
      problems.add(r.row, "attributes", reason);
    }
  }
  return p;
}

// Later rows of a product repeat its columns exactly: a differing cell is a mistake, not an update
// that one of the rows would silently win.
void check_repeat(const RowCells& r, const ImportProduct& first, Problems& problems) {
  for (const auto c :
       {col_title, col_description, col_status, col_seo_title, col_seo_description, col_categories, col_attributes}) {
    if (r.has(c) && r.cell(c) != first.first->at(*r.sheet.index.at(c))) {
      problems.add(r.row, csv_columns().at(c),
                   "differs from row " + std::to_string(first.first_row) + " of the same product");
    }
  }
}

// Validate: the variant columns of a row; nullopt when the row has no variant (or its sku is
// missing). sku_rows: the row of each SKU seen so far.
std::optional<ImportVariant> read_variant(const RowCells& r, std::map<std::string, std::size_t, std::less<>>& sku_rows,
                                          Problems& problems) {
  const std::string& sku = r.cell(col_sku);
  if (sku.empty()) {
    for (const auto c :
         {col_variant_title, col_options, col_price, col_compare_at, col_currency, col_weight, col_on_hand}) {
      if (r.has(c) && !r.cell(c).empty()) {
        problems.add(r.row, "sku", "required when the row has variant columns (" + csv_columns().at(c) + ")");
        break;
      }
    }
    return std::nullopt;
  }
  const auto [sku_at, sku_new] = sku_rows.emplace(sku, r.row);
  if (!sku_new) {
    problems.add(r.row, "sku", "given twice (also on row " + std::to_string(sku_at->second) + ")");
  }
  ImportVariant v;
  v.row = r.row;
  v.variant.sku = sku;
  if (r.has(col_variant_title)) {
    v.variant.title = r.cell(col_variant_title);
  }
  if (r.has(col_options)) {
    std::string reason;
    if (auto pairs = parse_pairs(r.cell(col_options), reason)) {
      std::sort(pairs->begin(), pairs->end());
      v.variant.options = std::move(*pairs);
    } else {
      problems.add(r.row, "options", reason);
    }
  }
  bool money_ok = true;
  const auto amount = [&](Column c, bool required) -> std::optional<long long> {
    if (!r.has(c) || r.cell(c).empty()) {
      if (required) {
        problems.add(r.row, csv_columns().at(c), "required for a variant");
        money_ok = false;
      }
      return std::nullopt;
    }
    auto value = parse_count(r.cell(c));
    if (!value) {
      problems.add(r.row, csv_columns().at(c), "must be a whole number of minor units, 0 or more (1999 is 19.99)");
      money_ok = false;
    }
    return value;
  };
  const auto price = amount(col_price, true);
  const auto compare_at = amount(col_compare_at, false);
  std::string currency = r.has(col_currency) ? r.cell(col_currency) : "";
  if (currency.empty()) {
    problems.add(r.row, "currency", "required for a variant");
  } else if (!money::is_currency(currency)) {
    problems.add(r.row, "currency", std::string(detail::kCurrencyReason));
  } else if (money_ok && price) {
    v.variant.price = Money{*price, currency};
    if (compare_at) {
      v.variant.compare_at = Money{*compare_at, currency};
    }
  }
  for (const auto c : {col_weight, col_on_hand}) {
    if (r.has(c) && !r.cell(c).empty()) {
      const auto value = parse_count(r.cell(c));
      if (!value) {
        problems.add(r.row, csv_columns().at(c), "must be a whole number, 0 or more");
      } else {
        (c == col_weight ? v.variant.weight_grams : v.variant.on_hand) = *value;
      }
    }
  }
  // The rules staff's single edits obey too (lengths, options), named by field and put in the
  // field's column; a price the cells above already refused is not judged again.
  NewVariant judged = v.variant;
  if (!money_ok || !price || !money::is_currency(currency)) {
    judged.price = Money{0, "EUR"};
    judged.compare_at.reset();
  }
  try {
    check_variant(judged);
  } catch (const Error& e) {
    add_error(problems, r.row, e, "sku", true);
  }
  return v;
}

struct ImportRows {
  std::vector<ImportProduct> products;  // grouped by slug, in order of first appearance
  std::size_t data_rows = 0;
};

// Validate: every row and cell, without the database.
ImportRows validate_rows(const Sheet& sheet, Problems& problems) {
  ImportRows out;
  std::map<std::string, std::size_t, std::less<>> by_slug;
  std::map<std::string, std::size_t, std::less<>> sku_rows;
  const auto& records = sheet.records;
  for (std::size_t i = 1; i < records.size(); ++i) {
    const RowCells r{sheet, records[i], i + 1};
    if (r.record.size() == 1 && r.record.front().empty()) {
      continue;  // a blank line
    }
    ++out.data_rows;
    if (r.record.size() != records.front().size()) {
      problems.add(r.row, "",
                   "has " + std::to_string(r.record.size()) + " fields; the header has " +
                       std::to_string(records.front().size()));
      continue;
    }
    const std::string& slug = r.cell(col_slug);
    if (!valid_slug(slug)) {
      problems.add(r.row, "slug", "use lower-case letters, digits and single dashes (at most 120)");
      continue;
    }
    auto [at, inserted] = by_slug.emplace(slug, out.products.size());
    if (inserted) {
      out.products.push_back(read_product(r, problems));
    } else {
      check_repeat(r, out.products.at(at->second), problems);
    }
    if (sheet.variants_possible) {
      if (auto v = read_variant(r, sku_rows, problems)) {
        out.products.at(at->second).variants.push_back(std::move(*v));
      }
    }
  }
  if (out.data_rows == 0) {
    problems.add(1, "", "the file has no rows below the header");
  }
  problems.raise_if_any();
  return out;
}

// Plan: which products and variants exist (to update) and which are new; every check against the
// database before any write. Returns the category ids by slug.
CategoryIds plan_import(soci::session& sql, std::vector<ImportProduct>& products, Problems& problems) {
  // Checks against the database (every one before any write): categories exist, and each SKU is
  // new or already belongs to the row's product.
  CategoryIds categories;
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
  soci::statement find_sku =
      (sql.prepare << kSelectSkuOwner, soci::into(sku_variant), soci::into(sku_product), soci::use(lookup_sku, "sku"));
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

  return categories;
}

// Apply: one prepared statement of each kind, bound to the members below and executed once per
// product or variant, so 10,000 rows cost 10,000 executions, not parses. A column missing from the
// file keeps the stored value (the set_* flags).
struct ImportWriter {
  ImportWriter(soci::session& sql, const Sheet& import_sheet, const CategoryIds& category_ids)
      : sheet(import_sheet),
        categories(category_ids),
        set_description(import_sheet.has(col_description) ? 1 : 0),
        set_seo_title(import_sheet.has(col_seo_title) ? 1 : 0),
        set_seo_description(import_sheet.has(col_seo_description) ? 1 : 0),
        set_variant_title(import_sheet.has(col_variant_title) ? 1 : 0),
        set_options(import_sheet.has(col_options) ? 1 : 0),
        set_compare_at(import_sheet.has(col_compare_at) ? 1 : 0),
        set_weight(import_sheet.has(col_weight) && import_sheet.variants_possible ? 1 : 0),
        set_on_hand(import_sheet.has(col_on_hand) && import_sheet.variants_possible ? 1 : 0),
        insert_product((sql.prepare << kInsertProduct, soci::use(slug, "slug"), soci::use(title, "title"),
                        soci::use(description, "description"), soci::use(status, "status"),
                        soci::use(seo_title, "seo_title"), soci::use(seo_description, "seo_description"),
                        soci::use(now, "created_at"), soci::use(now, "updated_at"), soci::into(new_id))),
        update_product((
            sql.prepare << kImportUpdateProduct, soci::use(title, "title"),
            soci::use(set_description, "set_description"), soci::use(description, "description"),
            soci::use(set_status, "set_status"), soci::use(status, "status"), soci::use(set_seo_title, "set_seo_title"),
            soci::use(seo_title, "seo_title"), soci::use(set_seo_description, "set_seo_description"),
            soci::use(seo_description, "seo_description"), soci::use(now, "now"), soci::use(product_id, "id"))),
        delete_categories((sql.prepare << kDeleteProductCategories, soci::use(product_id, "product_id"))),
        insert_category((sql.prepare << kInsertProductCategory, soci::use(product_id, "product_id"),
                         soci::use(category_id, "category_id"))),
        delete_attributes((sql.prepare << kDeleteAttributes, soci::use(product_id, "product_id"))),
        insert_attribute((sql.prepare << kInsertAttribute, soci::use(product_id, "product_id"),
                          soci::use(attribute_name, "name"), soci::use(attribute_value, "value"))),
        update_variant((sql.prepare << kImportUpdateVariant, soci::use(variant.price, "price"),
                        soci::use(variant.currency, "currency"), soci::use(set_variant_title, "set_title"),
                        soci::use(variant.title, "title"), soci::use(set_options, "set_options"),
                        soci::use(variant.options, "options"), soci::use(set_compare_at, "set_compare_at"),
                        soci::use(compare_at, compare_at_ind, "compare_at"), soci::use(set_weight, "set_weight"),
                        soci::use(variant.weight_grams, "weight"), soci::use(set_on_hand, "set_on_hand"),
                        soci::use(variant.on_hand, "on_hand"), soci::use(variant_id, "id"))) {}

  // Writes one product: its row, its categories and attributes (when the file has those columns),
  // updates its existing variants and queues its new ones (new_variants).
  void write(const ImportProduct& p, ImportReport& report, std::vector<long long>& updated_ids) {
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
    if (sheet.has(col_categories)) {
      delete_categories.execute(true);
      std::set<long long> seen;
      for (const auto& category : p.fields.category_slugs) {
        category_id = categories.at(category);
        if (seen.insert(category_id).second) {
          insert_category.execute(true);
        }
      }
    }
    if (sheet.has(col_attributes)) {
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
      write(v, report);
    }
  }

  void write(const ImportVariant& v, ImportReport& report) {
    if (v.existing_id == 0) {
      new_variants.push_back(detail::variant_row(product_id, v.variant));
      ++report.variants_created;
      return;
    }
    variant = detail::variant_row(product_id, v.variant);
    compare_at = variant.compare_at.value_or(0);
    compare_at_ind = variant.compare_at ? soci::i_ok : soci::i_null;
    variant_id = v.existing_id;
    update_variant.execute(true);
    ++report.variants_updated;
  }

  const Sheet& sheet;
  const CategoryIds& categories;
  std::vector<detail::VariantRow> new_variants;  // inserted together once their products exist

  const long long now = now_us();
  long long product_id = 0;
  long long new_id = 0;
  std::string slug;
  std::string title;
  std::string description;
  std::string status;
  std::string seo_title;
  std::string seo_description;
  long long category_id = 0;
  std::string attribute_name;
  std::string attribute_value;
  long long variant_id = 0;
  detail::VariantRow variant;  // the variant row type, bound column by column below
  long long compare_at = 0;
  soci::indicator compare_at_ind = soci::i_null;
  int set_status = 0;
  int set_description;
  int set_seo_title;
  int set_seo_description;
  int set_variant_title;
  int set_options;
  int set_compare_at;
  int set_weight;
  int set_on_hand;

  // Last: they bind the members above.
  soci::statement insert_product;
  soci::statement update_product;
  soci::statement delete_categories;
  soci::statement insert_category;
  soci::statement delete_attributes;
  soci::statement insert_attribute;
  soci::statement update_variant;
};

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

// ---------------------------------------------------------------------------------------------

ImportReport CatalogAdmin::import_csv(std::string_view text, std::string_view client) {
  Problems problems;
  const Sheet sheet = parse_sheet(text, problems);
  ImportRows rows = validate_rows(sheet, problems);
  ImportReport report;
  report.rows = rows.data_rows;
  std::vector<long long> updated_ids;
  detail::write(db_, client, [&](soci::session& sql) {
    const CategoryIds categories = plan_import(sql, rows.products, problems);
    ImportWriter writer(sql, sheet, categories);
    for (const auto& p : rows.products) {
      writer.write(p, report, updated_ids);
    }
    detail::insert_variants(sql, db_.backend(), writer.new_variants);
    // One entry for the import, with what it did and the ids of the products it changed.
    boost::json::array changed(updated_ids.begin(), updated_ids.end());
    audit::record(sql, audit::Change{"catalog.import", "catalog", "", "", nullptr,
                                     boost::json::object{{"rows", report.rows},
                                                         {"products_created", report.products_created},
                                                         {"products_updated", report.products_updated},
                                                         {"variants_created", report.variants_created},
                                                         {"variants_updated", report.variants_updated},
                                                         {"updated_product_ids", std::move(changed)}}});
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
      detail::VariantReader reader(sql, kExportVariants);
      while (reader.fetch()) {
        const auto& r = reader.row();
        variants[reader.key()].push_back({r.sku, r.title, join_pairs(detail::options_from_text(r.options)),
                                          std::to_string(r.price), r.compare_at ? std::to_string(*r.compare_at) : "",
                                          r.currency, std::to_string(r.weight_grams), std::to_string(r.on_hand)});
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
