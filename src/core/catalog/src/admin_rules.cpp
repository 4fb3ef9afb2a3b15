#include "admin_rules.hpp"

#include <set>

namespace ecom::catalog::detail {

void check_length(const std::string& value, std::size_t max, const std::string& field) {
  if (value.size() > max) {
    throw invalid(field, "must be at most " + std::to_string(max) + " bytes");
  }
}

void check_slug(const std::string& slug, const std::string& field) {
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

}  // namespace ecom::catalog::detail
