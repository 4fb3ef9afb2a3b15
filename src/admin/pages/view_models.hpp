// View models of the admin's catalog pages: domain objects (and what staff typed, when a form is
// shown again after a refusal) turned into the boost::json objects the templates render. Pure
// functions, no I/O; every string goes through the templates' HTML escaping.
#pragma once

#include <ecom/catalog/admin.hpp>
#include <ecom/catalog/types.hpp>
#include <ecom/platform/error.hpp>
#include <ecom/platform/http/message.hpp>
#include <ecom/web/templates.hpp>

#include <boost/json/object.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ecom::admin::pages {

// What every page's layout needs.
// Who is signed in, for the layout's header, and the session's CSRF token for every form.
void add_caller_model(boost::json::object& model, const http::Caller& caller);

// 303 See Other to location (after a form's POST), never cached.
[[nodiscard]] http::Response see_other(const std::string& location);

// An admin page: the model with the caller's part, rendered, never cached (staff pages show the
// state of the moment). The dispatcher adds X-Frame-Options and the Content-Security-Policy,
// whose frame-ancestors 'none' keeps the forms from being framed by another site.
[[nodiscard]] http::Response render_page(const web::Templates& templates, const http::Request& request,
                                         std::string_view name, boost::json::object model, int status = 200);

struct Layout {
  std::string css_url;
  std::string js_url;
};

// A message above the page's content: flash after a successful change, or error (with the
// fields it names) when a change was refused.
struct Notice {
  std::string flash;
  std::string error;
  std::vector<core::FieldError> details;
};

[[nodiscard]] Notice notice_of(const core::Error& error);

// The layout's part of every model: title, assets, the navigation's current section, the notice.
[[nodiscard]] boost::json::object base_model(const Layout& layout, std::string_view title, std::string_view section,
                                             const Notice& notice);

// "2026-11-25 14:05" (UTC) from microseconds since the Unix epoch.
[[nodiscard]] std::string format_time(std::int64_t unix_us);

// The "New product" form's values.
struct NewProductDraft {
  std::string title;
  std::string slug;
};

// /products: the filters as given, one page of rows, the next page's link.
void add_products_model(boost::json::object& model, const ecom::catalog::AdminListQuery& query,
                        const ecom::catalog::AdminProductPage& page, const NewProductDraft& draft);

// The product form's fields as staff see them: from the product, or as submitted.
struct ProductDraft {
  std::string title;
  std::string slug;
  std::string description;
  std::string seo_title;
  std::string seo_description;
  std::vector<std::string> categories;  // slugs
  std::string attributes;               // name=value lines
  std::int64_t version = 0;
};
[[nodiscard]] ProductDraft draft_of(const ecom::catalog::Product& product);

// A variant form's fields; id 0 is the "add variant" form.
struct VariantDraft {
  std::int64_t id = 0;
  std::string sku;
  std::string title;
  std::string options;  // name=value lines
  std::string price;
  std::string compare_at;
  std::string currency;
  std::string on_hand;
  std::string weight_grams;
};

struct EditorInput {
  const ecom::catalog::Product& product;             // as stored now: variants and images come from it
  const std::vector<ecom::catalog::Category>& tree;  // for the category checkboxes
  ProductDraft draft;                                // the product form's values (draft_of(product) or submitted)
  std::optional<VariantDraft> variant;               // a refused variant form, shown with what was typed
  std::string default_currency;                      // of the "add variant" form when the product has none
  std::string assets_base_url;                       // images are <assets_base_url>/<path>
  bool conflict = false;                             // the version was stale: say so and offer a reload
};
// /products/{id}.
void add_editor_model(boost::json::object& model, const EditorInput& input);

// The "new category" form's values.
struct CategoryDraft {
  std::string slug;
  std::string name;
  std::string parent;  // slug, "" for a root
  std::string position = "0";
};
// /categories: the tree as nested lists, each node with its edit form.
void add_categories_model(boost::json::object& model, const std::vector<ecom::catalog::Category>& tree,
                          const CategoryDraft& draft);

// /import: the text as submitted, and either the report or the problems.
struct ImportOutcome {
  std::string csv;
  std::optional<ecom::catalog::ImportReport> report;
  std::vector<ecom::catalog::ImportProblem> problems;
};
void add_import_model(boost::json::object& model, const ImportOutcome& outcome, std::string_view export_url);

}  // namespace ecom::admin::pages
