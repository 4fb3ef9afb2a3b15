// View models of the storefront pages: plain functions from catalog types to the JSON a template
// renders, tested without a server. Every string goes to the template as text and is escaped
// there; only json_ld is pre-serialized (and made safe by json_for_script).
#pragma once

#include <ecom/catalog/catalog.hpp>
#include <ecom/catalog/types.hpp>
#include <ecom/platform/error.hpp>
#include <ecom/platform/http/message.hpp>

#include <boost/json/value.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace ecom::storefront::pages {

// What every page needs to know about the shop.
struct Site {
  std::string shop_name;
  std::string currency;         // ISO 4217, for price filters typed in major units
  std::string base_url;         // "https://shop.example": canonical and Open Graph URLs
  std::string assets_base_url;  // "/media" or "https://cdn.example/media": product images
  std::string css_url;          // fingerprinted
  std::string js_url;
};

// Who is signed in, for the page header: how to call them (the name, or the email without one) and
// the CSRF token of the header's sign-out form.
struct Visitor {
  std::string label;
  std::string csrf_token;
};

// A listing's search, filters, sort and cursor as the page's query string gives them.
struct Filters {
  std::optional<std::string> q;
  std::optional<std::string> category;  // the search page's category facet
  std::optional<ecom::catalog::ListSort> sort;
  std::string min_price_text;  // as typed (major units), shown back in the form
  std::string max_price_text;
  std::optional<std::int64_t> min_price;  // minor units
  std::optional<std::int64_t> max_price;
  std::optional<bool> in_stock;
  std::vector<std::pair<std::string, std::vector<std::string>>> attributes;
  std::optional<std::string> cursor;
};

inline constexpr int kPageSize = 24;
inline constexpr int kFeaturedCount = 8;
inline constexpr std::size_t kSitemapMaxUrls = 50000;  // the sitemap protocol's limit per file

// Reads q, category (when allow_category), sort, min_price, max_price (major units, as people type
// them), in_stock, attr.<name> (repeatable) and cursor. Empty values count as absent, which is what
// a GET form sends for untouched fields; other parameters (utm_source, ...) are ignored. Throws
// core::Error bad_request naming the parameter for a malformed value.
[[nodiscard]] Filters parse_filters(const http::Request& request, const std::string& currency, bool allow_category);
[[nodiscard]] ecom::catalog::ListQuery list_query(const Filters& filters, const std::optional<std::string>& category);

[[nodiscard]] boost::json::value home_model(const Site& site, const std::vector<ecom::catalog::Category>& tree,
                                            const ecom::catalog::ProductPage& featured);
// path: the category's ancestors from the root, the category last.
[[nodiscard]] boost::json::value category_model(const Site& site, const std::vector<ecom::catalog::Category>& tree,
                                                const ecom::catalog::Category& category, const Filters& filters,
                                                const ecom::catalog::ProductPage& page);
// page: none when there is nothing to search for (message says why).
[[nodiscard]] boost::json::value search_model(const Site& site, const std::vector<ecom::catalog::Category>& tree,
                                              const Filters& filters, const ecom::catalog::ProductPage* page,
                                              const std::string& message);
// variant: the ?variant= id; not_found when the product has no such variant.
[[nodiscard]] boost::json::value product_model(const Site& site, const std::vector<ecom::catalog::Category>& tree,
                                               const ecom::catalog::Product& product,
                                               std::optional<std::int64_t> variant);
[[nodiscard]] boost::json::value error_model(const Site& site, const core::Error& error);
// The layout of a page that is nobody's landing page (the account pages): noindex, no canonical
// address, no category navigation.
[[nodiscard]] boost::json::object private_layout(const Site& site, const std::string& title);
// Puts the signed-in visitor into a page's model ("visitor"), for the header; nothing when signed out.
void add_visitor(boost::json::value& model, const std::optional<Visitor>& visitor);

// The ancestors of the category with that slug, root first, itself last; empty when unknown.
[[nodiscard]] std::vector<const ecom::catalog::Category*> category_path(
    const std::vector<ecom::catalog::Category>& tree, const std::string& slug);

// A sitemap of the home page, every category and the given product slugs (capped at
// kSitemapMaxUrls URLs in all), XML-escaped.
[[nodiscard]] std::string sitemap_xml(const Site& site, const std::vector<ecom::catalog::Category>& tree,
                                      const std::vector<std::string>& product_slugs);
[[nodiscard]] std::string robots_txt(const Site& site);

}  // namespace ecom::storefront::pages
