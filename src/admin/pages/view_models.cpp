#include "pages/view_models.hpp"

#include "pages/form.hpp"

#include <ecom/identity/roles.hpp>
#include <ecom/money/money.hpp>

#include <boost/json.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <utility>

namespace ecom::admin::pages {
namespace {

namespace json = boost::json;
using ecom::catalog::Category;
using ecom::catalog::ProductStatus;

constexpr std::string_view kIndent = "\u2014 ";  // an em dash per tree level in flat lists

std::string options_text(const ecom::catalog::Variant& variant) {
  return format_pairs(variant.options);
}

// Depth-first, in tree order, with the depth for indentation.
void flatten(const std::vector<Category>& nodes, std::size_t depth,
             std::vector<std::pair<const Category*, std::size_t>>& out) {
  for (const auto& node : nodes) {
    out.emplace_back(&node, depth);
    flatten(node.children, depth + 1, out);
  }
}

std::string indented(std::string_view name, std::size_t depth) {
  std::string out;
  for (std::size_t i = 0; i < depth; ++i) {
    out += kIndent;
  }
  return out + std::string(name);
}

bool contains_id(const Category& node, std::int64_t id) {
  if (node.id == id) {
    return true;
  }
  return std::any_of(node.children.begin(), node.children.end(), [&](const auto& c) { return contains_id(c, id); });
}

json::object variant_row(const VariantDraft& v) {
  return json::object{{"id", v.id},
                      {"sku", v.sku},
                      {"title", v.title},
                      {"options", v.options},
                      {"price", v.price},
                      {"compare_at", v.compare_at},
                      {"currency", v.currency},
                      {"on_hand", v.on_hand},
                      {"weight_grams", v.weight_grams}};
}

VariantDraft draft_of(const ecom::catalog::Variant& v) {
  return VariantDraft{v.id,
                      v.sku,
                      v.title,
                      options_text(v),
                      money::format_decimal(v.price.amount, v.price.currency),
                      v.compare_at ? money::format_decimal(v.compare_at->amount, v.compare_at->currency) : "",
                      v.price.currency,
                      std::to_string(v.on_hand),
                      std::to_string(v.weight_grams)};
}

// The options of a category's parent select: no parent, then every category but the category
// itself and its descendants (moving there would make a loop; the service refuses it too).
json::array parent_options(const std::vector<std::pair<const Category*, std::size_t>>& flat, const Category* self,
                           std::string_view selected) {
  json::array out;
  out.push_back(json::object{{"value", ""}, {"label", "(top level)"}, {"selected", selected.empty()}});
  for (const auto& [node, depth] : flat) {
    if (self != nullptr && contains_id(*self, node->id)) {
      continue;
    }
    out.push_back(json::object{
        {"value", node->slug}, {"label", indented(node->name, depth)}, {"selected", node->slug == selected}});
  }
  return out;
}

const Category* find_by_id(const std::vector<Category>& nodes, std::optional<std::int64_t> id) {
  if (!id) {
    return nullptr;
  }
  for (const auto& node : nodes) {
    if (node.id == *id) {
      return &node;
    }
    if (const auto* found = find_by_id(node.children, id)) {
      return found;
    }
  }
  return nullptr;
}

json::object category_node(const Category& node, const std::vector<Category>& tree,
                           const std::vector<std::pair<const Category*, std::size_t>>& flat) {
  const auto* parent = find_by_id(tree, node.parent_id);
  json::array children;
  for (const auto& child : node.children) {
    children.push_back(category_node(child, tree, flat));
  }
  const bool has_children = !children.empty();
  return json::object{{"id", node.id},
                      {"slug", node.slug},
                      {"name", node.name},
                      {"position", std::to_string(node.position)},
                      {"parents", parent_options(flat, &node, parent == nullptr ? "" : parent->slug)},
                      {"has_children", has_children},
                      {"children", std::move(children)}};
}

}  // namespace

Notice notice_of(const core::Error& error) {
  return Notice{"", error.message(), error.details()};
}

void add_caller_model(json::object& model, const http::Caller& caller) {
  model["signed_in"] = !caller.kind.empty();
  model["staff_email"] = caller.name;
  model["staff_role"] = caller.role;
  model["csrf_token"] = caller.csrf_token;
  // The navigation shows only the sections the caller's role opens.
  model["can_see_customers"] = identity::role_grants(caller.role, "customers.read");
  model["can_see_staff"] = identity::role_grants(caller.role, "staff.read");
  model["can_see_keys"] = identity::role_grants(caller.role, "api_keys.read");
  model["can_see_audit"] = identity::role_grants(caller.role, "audit.read");
}

http::Response see_other(const std::string& location) {
  auto response = http::Response::empty(303);
  response.headers.set("Location", location);
  response.headers.set("Cache-Control", "no-store");
  return response;
}

http::Response render_page(const web::Templates& templates, const http::Request& request, std::string_view name,
                           json::object model, int status) {
  add_caller_model(model, request.caller);
  auto response = http::Response::html(status, templates.render(name, model));
  response.headers.set("Cache-Control", "no-store");
  return response;
}

json::object base_model(const Layout& layout, std::string_view title, std::string_view section, const Notice& notice) {
  json::array details;
  for (const auto& d : notice.details) {
    details.push_back(json::object{{"name", d.name}, {"reason", d.reason}});
  }
  return json::object{{"title", title},
                      {"css_url", layout.css_url},
                      {"js_url", layout.js_url},
                      {"in_products", section == "products"},
                      {"in_categories", section == "categories"},
                      {"in_import", section == "import"},
                      {"in_customers", section == "customers"},
                      {"in_staff", section == "staff"},
                      {"in_api_keys", section == "api_keys"},
                      {"in_audit", section == "audit"},
                      {"flash", notice.flash},
                      {"error", notice.error},
                      {"has_details", !details.empty()},
                      {"details", std::move(details)}};
}

std::string format_time(std::int64_t unix_us) {
  using namespace std::chrono;
  const sys_time<microseconds> at{microseconds{unix_us}};
  const auto day = floor<days>(at);
  const year_month_day ymd{day};
  const hh_mm_ss<minutes> time{floor<minutes>(at - day)};
  return fmt::format("{:04}-{:02}-{:02} {:02}:{:02}", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                     static_cast<unsigned>(ymd.day()), time.hours().count(), time.minutes().count());
}

void add_products_model(json::object& model, const ecom::catalog::AdminListQuery& query,
                        const ecom::catalog::AdminProductPage& page, const NewProductDraft& draft) {
  const std::string status = query.status ? ecom::catalog::to_string(*query.status) : "";
  json::array statuses;
  statuses.push_back(json::object{{"value", ""}, {"label", "Any status"}, {"selected", status.empty()}});
  for (const auto s : {ProductStatus::draft, ProductStatus::active, ProductStatus::archived}) {
    const std::string value = ecom::catalog::to_string(s);
    statuses.push_back(json::object{{"value", value}, {"label", value}, {"selected", value == status}});
  }
  json::array rows;
  for (const auto& row : page.items) {
    rows.push_back(json::object{{"id", row.id},
                                {"title", row.title},
                                {"slug", row.slug},
                                {"status", ecom::catalog::to_string(row.status)},
                                {"variants", std::to_string(row.variant_count)},
                                {"updated", format_time(row.updated_at_us)}});
  }
  std::string next_url;
  if (page.next_after) {
    next_url = "/products?";
    if (query.q) {
      next_url += "q=" + http::encode_component(*query.q) + "&";
    }
    if (!status.empty()) {
      next_url += "status=" + status + "&";
    }
    next_url += "after=" + std::to_string(*page.next_after);
  }
  model["q"] = query.q.value_or("");
  model["statuses"] = std::move(statuses);
  model["has_rows"] = !rows.empty();
  model["rows"] = std::move(rows);
  model["next_url"] = next_url;
  model["new_title"] = draft.title;
  model["new_slug"] = draft.slug;
}

ProductDraft draft_of(const ecom::catalog::Product& product) {
  ProductDraft draft{
      product.title,  product.slug, product.description, product.seo_title, product.seo_description, {}, {},
      product.version};
  for (const auto& c : product.categories) {
    draft.categories.push_back(c.slug);
  }
  std::vector<std::pair<std::string, std::string>> attributes;
  for (const auto& a : product.attributes) {
    attributes.emplace_back(a.name, a.value);
  }
  draft.attributes = format_pairs(attributes);
  return draft;
}

void add_editor_model(json::object& model, const EditorInput& input) {
  const auto& p = input.product;
  const auto& d = input.draft;
  std::vector<std::pair<const Category*, std::size_t>> flat;
  flatten(input.tree, 0, flat);
  json::array categories;
  for (const auto& [node, depth] : flat) {
    const bool checked = std::find(d.categories.begin(), d.categories.end(), node->slug) != d.categories.end();
    categories.push_back(
        json::object{{"slug", node->slug}, {"label", indented(node->name, depth)}, {"checked", checked}});
  }
  json::array variants;
  for (const auto& v : p.variants) {
    const bool refused = input.variant && input.variant->id == v.id;
    variants.push_back(variant_row(refused ? *input.variant : draft_of(v)));
  }
  const std::string currency = p.variants.empty() ? input.default_currency : p.variants.front().price.currency;
  const bool new_refused = input.variant && input.variant->id == 0;
  auto new_variant = new_refused ? *input.variant : VariantDraft{0, "", "", "", "", "", currency, "0", "0"};
  json::array images;
  for (const auto& image : p.images) {
    images.push_back(json::object{{"id", image.id},
                                  {"url", input.assets_base_url + "/" + image.path},
                                  {"alt", image.alt},
                                  {"width", std::to_string(image.width)},
                                  {"height", std::to_string(image.height)}});
  }
  const std::string status = ecom::catalog::to_string(p.status);
  model["product_id"] = p.id;
  model["product_title"] = p.title;
  model["status"] = status;
  model["is_active"] = p.status == ProductStatus::active;
  model["is_archived"] = p.status == ProductStatus::archived;
  model["version"] = std::to_string(d.version);
  model["conflict"] = input.conflict;
  model["updated"] = format_time(p.updated_at_us);
  model["f_title"] = d.title;
  model["f_slug"] = d.slug;
  model["f_description"] = d.description;
  model["f_seo_title"] = d.seo_title;
  model["f_seo_description"] = d.seo_description;
  model["f_attributes"] = d.attributes;
  model["has_categories"] = !categories.empty();
  model["categories"] = std::move(categories);
  model["has_variants"] = !variants.empty();
  model["variants"] = std::move(variants);
  model["new_variant"] = variant_row(new_variant);
  model["has_images"] = !images.empty();
  model["images"] = std::move(images);
}

void add_categories_model(json::object& model, const std::vector<Category>& tree, const CategoryDraft& draft) {
  std::vector<std::pair<const Category*, std::size_t>> flat;
  flatten(tree, 0, flat);
  json::array nodes;
  for (const auto& node : tree) {
    nodes.push_back(category_node(node, tree, flat));
  }
  model["has_tree"] = !nodes.empty();
  model["tree"] = std::move(nodes);
  model["new_slug"] = draft.slug;
  model["new_name"] = draft.name;
  model["new_position"] = draft.position;
  model["new_parents"] = parent_options(flat, nullptr, draft.parent);
}

void add_import_model(json::object& model, const ImportOutcome& outcome, std::string_view export_url) {
  json::array problems;
  for (const auto& p : outcome.problems) {
    problems.push_back(json::object{{"row", std::to_string(p.row)}, {"column", p.column}, {"message", p.message}});
  }
  if (outcome.report) {
    const auto& r = *outcome.report;
    model["report"] = json::object{{"rows", std::to_string(r.rows)},
                                   {"products_created", std::to_string(r.products_created)},
                                   {"products_updated", std::to_string(r.products_updated)},
                                   {"variants_created", std::to_string(r.variants_created)},
                                   {"variants_updated", std::to_string(r.variants_updated)}};
  }
  std::string columns;
  for (const auto& c : ecom::catalog::csv_columns()) {
    columns += (columns.empty() ? "" : ",") + c;
  }
  model["csv"] = outcome.csv;
  model["columns"] = columns;
  model["has_problems"] = !problems.empty();
  model["problems"] = std::move(problems);
  model["export_url"] = export_url;
}

}  // namespace ecom::admin::pages
