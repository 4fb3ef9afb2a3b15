#include "pages/view_models.hpp"

#include "pages/format.hpp"

#include <ecom/money/money.hpp>
#include <ecom/platform/http/problem.hpp>
#include <ecom/platform/http/query.hpp>
#include <ecom/storage/sizes.hpp>

#include <boost/json.hpp>

#include <algorithm>
#include <array>
#include <iterator>
#include <string_view>

namespace ecom::storefront::pages {
namespace {

namespace json = boost::json;
using ecom::catalog::Category;
using ecom::catalog::ListSort;
using ecom::catalog::Product;
using ecom::catalog::ProductPage;

constexpr std::string_view kAttributePrefix = "attr.";
constexpr std::string_view kAttributes = "attr.*";  // the repeatable attribute filters
constexpr std::int64_t kLowStock = 5;               // "Only 3 left" below this

// Each '/'-separated segment encoded, the slashes kept: an image's storage path as a URL path.
std::string encode_path(std::string_view path) {
  std::string out;
  std::size_t start = 0;
  while (true) {
    const auto slash = path.find('/', start);
    out += http::encode_component(
        path.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start));
    if (slash == std::string_view::npos) {
      return out;
    }
    out.push_back('/');
    start = slash + 1;
  }
}

std::string product_path(const std::string& slug) {
  return "/p/" + http::encode_component(slug);
}
std::string category_url(const std::string& slug) {
  return "/c/" + http::encode_component(slug);
}

std::string media_url(const Site& site, std::string_view key) {
  return site.assets_base_url + "/" + encode_path(key);
}
std::string image_url(const Site& site, const ecom::catalog::Image& image) {
  return media_url(site, image.path);
}
// "/media/a-400w.png 400w, /media/a.png 800w": every size of the image (storage/sizes.hpp); the
// template's sizes attribute says how wide it is shown.
std::string image_srcset(const Site& site, const ecom::catalog::Image& image) {
  std::string out;
  for (const auto& candidate : storage::size_candidates(image.path, image.width)) {
    out += (out.empty() ? "" : ", ") + media_url(site, candidate.key) + " " + std::to_string(candidate.width) + "w";
  }
  return out;
}
// Search engines and link previews need absolute URLs.
std::string absolute(const Site& site, const std::string& url) {
  return url.starts_with('/') ? site.base_url + url : url;
}

json::object image_model(const Site& site, const ecom::catalog::Image& image, const std::string& fallback_alt,
                         bool lazy) {
  return json::object{{"url", image_url(site, image)},
                      {"srcset", image_srcset(site, image)},
                      {"width", image.width},
                      {"height", image.height},
                      {"alt", image.alt.empty() ? fallback_alt : image.alt},
                      {"lazy", lazy}};
}

json::object layout(const Site& site, const std::vector<Category>& tree, const std::string& title,
                    const std::string& description, const std::string& path) {
  json::array nav;
  for (const auto& root : tree) {
    nav.push_back(json::object{{"name", root.name}, {"url", category_url(root.slug)}});
  }
  json::object m;
  m["shop_name"] = site.shop_name;
  m["title"] = title == site.shop_name ? title : title + " | " + site.shop_name;
  m["description"] = summarize(description);
  m["canonical"] = site.base_url + path;
  m["css_url"] = site.css_url;
  m["js_url"] = site.js_url;
  m["has_nav"] = !nav.empty();
  m["nav"] = std::move(nav);
  m["og_type"] = "website";
  m["og_title"] = title;
  m["noindex"] = false;
  return m;
}

// The shop's name leads, not "Home": a shop may well have a category called Home.
json::array breadcrumb(const Site& site, const std::vector<const Category*>& path, const std::string* last) {
  json::array crumbs;
  crumbs.push_back(json::object{{"name", site.shop_name}, {"url", "/"}, {"current", false}});
  for (std::size_t i = 0; i < path.size(); ++i) {
    const bool current = last == nullptr && i + 1 == path.size();
    crumbs.push_back(json::object{{"name", path[i]->name}, {"url", category_url(path[i]->slug)}, {"current", current}});
  }
  if (last != nullptr) {
    crumbs.push_back(json::object{{"name", *last}, {"url", ""}, {"current", true}});
  }
  return crumbs;
}

json::array cards(const Site& site, const ProductPage& page) {
  json::array out;
  for (const auto& item : page.items) {
    json::object card{{"title", item.title}, {"url", product_path(item.slug)}};
    if (item.price_from) {
      card["price"] = money::format(*item.price_from);
    }
    if (item.image) {
      card["image"] = image_model(site, *item.image, item.title, true);
    }
    out.push_back(std::move(card));
  }
  return out;
}

// The filters as query parameters, in a fixed order, for links that keep them (paging).
std::vector<std::pair<std::string, std::string>> filter_params(const Filters& f) {
  std::vector<std::pair<std::string, std::string>> params;
  if (f.q) {
    params.emplace_back("q", *f.q);
  }
  if (f.category) {
    params.emplace_back("category", *f.category);
  }
  if (f.sort) {
    static constexpr std::array<std::string_view, 5> kNames = {"relevance", "newest", "price_asc", "price_desc",
                                                               "name"};
    params.emplace_back("sort", std::string(kNames.at(static_cast<std::size_t>(*f.sort))));
  }
  if (!f.min_price_text.empty()) {
    params.emplace_back("min_price", f.min_price_text);
  }
  if (!f.max_price_text.empty()) {
    params.emplace_back("max_price", f.max_price_text);
  }
  if (f.in_stock) {
    params.emplace_back("in_stock", *f.in_stock ? "1" : "0");
  }
  for (const auto& [name, values] : f.attributes) {
    for (const auto& value : values) {
      params.emplace_back(std::string(kAttributePrefix) + name, value);
    }
  }
  return params;
}

bool selected(const Filters& f, const std::string& name, const std::string& value) {
  for (const auto& [n, values] : f.attributes) {
    if (n == name && std::find(values.begin(), values.end(), value) != values.end()) {
      return true;
    }
  }
  return false;
}

constexpr std::array<std::pair<std::string_view, std::string_view>, 5> kSorts = {{{"relevance", "Best match"},
                                                                                  {"newest", "Newest"},
                                                                                  {"price_asc", "Price: low to high"},
                                                                                  {"price_desc", "Price: high to low"},
                                                                                  {"name", "Name"}}};

// The filter form, the facet counts and the paging links of a listing at action (its path).
json::object listing(const Site& site, const std::string& action, const Filters& f, const ProductPage& page,
                     bool relevance, json::array category_facets) {
  json::object m;
  m["action"] = action;
  m["products"] = cards(site, page);
  m["empty"] = page.items.empty();

  json::array sorts;
  for (std::size_t i = relevance ? 0 : 1; i < kSorts.size(); ++i) {
    const auto sort = ecom::catalog::parse_sort(kSorts.at(i).first);
    sorts.push_back(json::object{{"value", kSorts.at(i).first},
                                 {"label", kSorts.at(i).second},
                                 {"selected", f.sort.has_value() && f.sort == sort}});
  }
  m["sorts"] = std::move(sorts);
  m["min_price"] = f.min_price_text;
  m["max_price"] = f.max_price_text;
  m["in_stock"] = f.in_stock.value_or(false);
  m["currency"] = site.currency;

  // Attribute groups: the facet counts when the catalog gave them, and the current selection in
  // any case so that the form always shows (and resubmits) what is applied.
  json::array groups;
  std::size_t field = 0;
  auto group_for = [&groups](const std::string& name) -> json::array& {
    for (auto& g : groups) {
      if (g.as_object().at("name").as_string() == name) {
        return g.as_object().at("values").as_array();
      }
    }
    groups.push_back(json::object{{"name", name}, {"values", json::array{}}});
    return groups.back().as_object().at("values").as_array();
  };
  auto add_value = [&](const std::string& name, const std::string& value, const std::string& label,
                       std::optional<std::int64_t> count) {
    auto& values = group_for(name);
    for (const auto& v : values) {
      if (v.as_object().at("value").as_string() == value) {
        return;
      }
    }
    json::object entry{{"input", std::string(kAttributePrefix) + name},
                       {"value", value},
                       {"label", label},
                       {"id", "f" + std::to_string(field++)},
                       {"checked", selected(f, name, value)}};
    if (count) {
      entry["count"] = *count;
    }
    values.push_back(std::move(entry));
  };
  if (page.facets) {
    m["total"] = page.facets->total;
    m["total_in_stock"] = page.facets->in_stock;
    if (page.facets->min_price) {
      m["min_placeholder"] = money::format_decimal(page.facets->min_price->amount, site.currency);
    }
    if (page.facets->max_price) {
      m["max_placeholder"] = money::format_decimal(page.facets->max_price->amount, site.currency);
    }
    for (const auto& [name, values] : page.facets->attributes) {
      for (const auto& v : values) {
        add_value(name, v.value, v.label, v.count);
      }
    }
  }
  for (const auto& [name, values] : f.attributes) {
    for (const auto& v : values) {
      add_value(name, v, v, std::nullopt);
    }
  }
  m["attribute_groups"] = std::move(groups);
  m["has_category_facets"] = !category_facets.empty();
  m["category_facets"] = std::move(category_facets);

  const auto params = filter_params(f);
  if (page.next_cursor) {
    auto next = params;
    next.emplace_back("cursor", *page.next_cursor);
    m["next_url"] = action + "?" + http::build_query(next);
  }
  if (f.cursor) {
    m["first_url"] = params.empty() ? action : action + "?" + http::build_query(params);
  }
  return m;
}

json::array category_facet_links(const ProductPage& page, const std::string& q) {
  json::array out;
  if (!page.facets) {
    return out;
  }
  for (const auto& c : page.facets->categories) {
    std::string url =
        q.empty() ? category_url(c.value) : "/search?" + http::build_query({{"q", q}, {"category", c.value}});
    out.push_back(json::object{{"label", c.label}, {"url", std::move(url)}, {"count", c.count}});
  }
  return out;
}

void collect(const std::vector<Category>& nodes, std::vector<const Category*>& out) {
  for (const auto& c : nodes) {
    out.push_back(&c);
    collect(c.children, out);
  }
}

bool find_path(const std::vector<Category>& nodes, const std::string& slug, std::vector<const Category*>& path) {
  for (const auto& c : nodes) {
    path.push_back(&c);
    if (c.slug == slug || find_path(c.children, slug, path)) {
      return true;
    }
    path.pop_back();
  }
  return false;
}

std::optional<std::string> nonempty(std::optional<std::string> value) {
  if (value && value->empty()) {
    return std::nullopt;
  }
  return value;
}

// A price typed into the filter form in major units ("20", "19.99", "19,9"): a 400 naming the
// parameter otherwise.
std::optional<std::int64_t> price_param(const http::Params& params, const char* name, const std::string& currency,
                                        std::string& text) {
  text = params.value(name);
  if (text.empty()) {
    return std::nullopt;
  }
  return money::parse_amount(text, currency, name,
                             money::ParseOptions{.decimal_comma = true, .error = core::ErrorCode::bad_request});
}

}  // namespace

Filters parse_filters(const http::Request& request, const std::string& currency, bool allow_category) {
  // Unknown names are ignored (links from elsewhere carry utm_source and the like); only the
  // attribute checkboxes may repeat.
  const auto params = http::Params::parse(request.query, {kAttributes});
  Filters f;
  f.q = nonempty(params.get("q"));
  if (allow_category) {
    f.category = nonempty(params.get("category"));
  }
  if (auto sort = nonempty(params.get("sort"))) {
    f.sort = ecom::catalog::parse_sort(*sort);
    if (!f.sort) {
      throw core::Error::bad_parameter("sort", "must be relevance, newest, price_asc, price_desc or name");
    }
  }
  f.min_price = price_param(params, "min_price", currency, f.min_price_text);
  f.max_price = price_param(params, "max_price", currency, f.max_price_text);
  if (auto stock = nonempty(params.get("in_stock"))) {
    if (*stock == "1" || *stock == "true") {
      f.in_stock = true;
    } else if (*stock == "0" || *stock == "false") {
      f.in_stock = false;
    } else {
      throw core::Error::bad_parameter("in_stock", "must be 1 or 0");
    }
  }
  // attr.<name>=<value>; an empty value is an unticked nothing and skipped, a repeated one kept once.
  for (const auto& [name, value] : params.items()) {
    if (!name.starts_with(kAttributePrefix) || name.size() == kAttributePrefix.size() || value.empty()) {
      continue;
    }
    auto attribute = name.substr(kAttributePrefix.size());
    auto it = std::find_if(f.attributes.begin(), f.attributes.end(),
                           [&](const auto& entry) { return entry.first == attribute; });
    if (it == f.attributes.end()) {
      f.attributes.emplace_back(std::move(attribute), std::vector<std::string>{});
      it = std::prev(f.attributes.end());
    }
    if (std::find(it->second.begin(), it->second.end(), value) == it->second.end()) {
      it->second.push_back(value);
    }
  }
  f.cursor = nonempty(params.get("cursor"));
  return f;
}

ecom::catalog::ListQuery list_query(const Filters& filters, const std::optional<std::string>& category) {
  ecom::catalog::ListQuery query;
  query.category = category ? category : filters.category;
  query.limit = kPageSize;
  query.cursor = filters.cursor;
  query.q = filters.q;
  query.sort = filters.sort;
  query.min_price = filters.min_price;
  query.max_price = filters.max_price;
  query.in_stock = filters.in_stock;
  query.attributes = filters.attributes;
  query.facets = true;
  return query;
}

std::vector<const Category*> category_path(const std::vector<Category>& tree, const std::string& slug) {
  std::vector<const Category*> path;
  if (!find_path(tree, slug, path)) {
    path.clear();
  }
  return path;
}

json::value home_model(const Site& site, const std::vector<Category>& tree, const ProductPage& featured) {
  auto m = layout(site, tree, site.shop_name, site.shop_name + ": browse the catalog and order online.", "/");
  json::array categories;
  for (const auto& root : tree) {
    json::array children;
    for (const auto& child : root.children) {
      children.push_back(json::object{{"name", child.name}, {"url", category_url(child.slug)}});
    }
    const bool has_children = !children.empty();
    categories.push_back(json::object{{"name", root.name},
                                      {"url", category_url(root.slug)},
                                      {"has_children", has_children},
                                      {"children", std::move(children)}});
  }
  m["has_categories"] = !categories.empty();
  m["categories"] = std::move(categories);
  m["featured"] = cards(site, featured);
  m["og_url"] = site.base_url + "/";
  m["og_description"] = m["description"];
  return m;
}

json::value category_model(const Site& site, const std::vector<Category>& tree, const Category& category,
                           const Filters& filters, const ProductPage& page) {
  const auto path = category_url(category.slug);
  auto m = layout(site, tree, category.name, category.name + " at " + site.shop_name, path);
  m["og_url"] = m["canonical"];
  m["og_description"] = m["description"];
  m["name"] = category.name;
  m["breadcrumb"] = breadcrumb(site, category_path(tree, category.slug), nullptr);
  m["has_breadcrumb"] = true;
  json::array children;
  for (const auto& child : category.children) {
    children.push_back(json::object{{"name", child.name}, {"url", category_url(child.slug)}});
  }
  m["has_children"] = !children.empty();
  m["children"] = std::move(children);
  m["listing"] = listing(site, path, filters, page, false, category_facet_links(page, ""));
  return m;
}

json::value search_model(const Site& site, const std::vector<Category>& tree, const Filters& filters,
                         const ProductPage* page, const std::string& message) {
  const std::string q = filters.q.value_or("");
  auto m = layout(site, tree, q.empty() ? "Search" : "Search: " + q, "Search " + site.shop_name,
                  q.empty() ? "/search" : "/search?" + http::build_query({{"q", q}}));
  m["noindex"] = true;  // result pages are thin and endless; robots.txt disallows them too
  m["q"] = q;
  m["message"] = message;
  if (page != nullptr) {
    m["listing"] = listing(site, "/search", filters, *page, true, category_facet_links(*page, q));
  }
  return m;
}

json::value product_model(const Site& site, const std::vector<Category>& tree, const Product& product,
                          std::optional<std::int64_t> variant) {
  const auto path = product_path(product.slug);
  const auto description = product.seo_description.empty() ? product.description : product.seo_description;
  auto m = layout(site, tree, product.seo_title.empty() ? product.title : product.seo_title, description, path);
  m["og_type"] = "product";
  m["og_url"] = m["canonical"];
  m["og_description"] = m["description"];

  const ecom::catalog::Variant* chosen = product.variants.empty() ? nullptr : &product.variants.front();
  if (variant) {
    auto it =
        std::find_if(product.variants.begin(), product.variants.end(), [&](const auto& v) { return v.id == *variant; });
    if (it == product.variants.end()) {
      throw core::Error(core::ErrorCode::not_found, "This product has no such variant.");
    }
    chosen = &*it;
  }

  json::object p{{"title", product.title}, {"description", product.description}};
  if (chosen != nullptr) {
    p["price"] = money::format(chosen->price);
    if (chosen->compare_at && chosen->compare_at->amount > chosen->price.amount) {
      p["compare_at"] = money::format(*chosen->compare_at);
    }
    p["sku"] = chosen->sku;
    p["in_stock"] = chosen->on_hand > 0;
    p["stock_text"] = chosen->on_hand <= 0          ? std::string("Out of stock")
                      : chosen->on_hand < kLowStock ? "Only " + std::to_string(chosen->on_hand) + " left"
                                                    : std::string("In stock");
    p["variant_id"] = chosen->id;
  }
  json::array variants;
  for (const auto& v : product.variants) {
    std::string options;
    for (const auto& [name, value] : v.options) {
      options.append(options.empty() ? "" : ", ").append(name).append(": ").append(value);
    }
    variants.push_back(json::object{{"title", v.title.empty() ? v.sku : v.title},
                                    {"options", options},
                                    {"url", path + "?variant=" + std::to_string(v.id)},
                                    {"price", money::format(v.price)},
                                    {"available", v.on_hand > 0},
                                    {"selected", &v == chosen}});
  }
  p["show_picker"] = variants.size() > 1;
  p["variants"] = std::move(variants);
  json::array images;
  json::array image_urls;
  for (std::size_t i = 0; i < product.images.size(); ++i) {
    // The first image is the page's largest paint: loaded at once; the rest when scrolled to.
    images.push_back(image_model(site, product.images[i], product.title, i > 0));
    image_urls.emplace_back(absolute(site, image_url(site, product.images[i])));
  }
  if (!product.images.empty()) {
    m["og_image"] = absolute(site, image_url(site, product.images.front()));
  }
  p["images"] = std::move(images);
  json::array attributes;
  for (const auto& a : product.attributes) {
    attributes.push_back(json::object{{"name", a.name}, {"value", a.value}});
  }
  p["has_attributes"] = !attributes.empty();
  p["attributes"] = std::move(attributes);
  m["product"] = std::move(p);

  const auto crumbs = product.categories.empty() ? std::vector<const Category*>{}
                                                 : category_path(tree, product.categories.front().slug);
  m["breadcrumb"] = breadcrumb(site, crumbs, &product.title);
  m["has_breadcrumb"] = true;

  json::object ld{{"@context", "https://schema.org"},
                  {"@type", "Product"},
                  {"name", product.title},
                  {"description", summarize(product.description, 5000)},
                  {"url", site.base_url + path}};
  if (chosen != nullptr) {
    ld["sku"] = chosen->sku;
  }
  if (!image_urls.empty()) {
    ld["image"] = std::move(image_urls);
  }
  json::array offers;
  for (const auto& v : product.variants) {
    offers.push_back(
        json::object{{"@type", "Offer"},
                     {"sku", v.sku},
                     {"price", money::format_decimal(v.price.amount, v.price.currency)},
                     {"priceCurrency", v.price.currency},
                     {"availability", v.on_hand > 0 ? "https://schema.org/InStock" : "https://schema.org/OutOfStock"},
                     {"url", site.base_url + path + "?variant=" + std::to_string(v.id)}});
  }
  if (!offers.empty()) {
    ld["offers"] = std::move(offers);
  }
  m["json_ld"] = json_for_script(ld);
  return m;
}

json::value error_model(const Site& site, const core::Error& error) {
  const auto status = core::http_status(error.code());
  auto m = layout(site, {}, std::string(core::title(error.code())), error.message(), "/");
  m["noindex"] = true;
  m["canonical"] = "";  // an error has no canonical address
  m["status"] = status;
  m["heading"] = status == 404 ? "We could not find that page" : "We could not show this page";
  m["message"] = error.message();
  json::array details;
  for (const auto& d : error.details()) {
    details.push_back(json::object{{"name", d.name}, {"reason", d.reason}});
  }
  m["has_details"] = !details.empty();
  m["details"] = std::move(details);
  return m;
}

json::object private_layout(const Site& site, const std::string& title) {
  auto m = layout(site, {}, title, title, "/");
  m["noindex"] = true;
  m["canonical"] = "";
  return m;
}

void add_visitor(json::value& model, const std::optional<Visitor>& visitor) {
  if (visitor) {
    model.as_object()["visitor"] = json::object{{"label", visitor->label}, {"csrf_token", visitor->csrf_token}};
  }
}

std::string sitemap_xml(const Site& site, const std::vector<Category>& tree,
                        const std::vector<std::string>& product_slugs) {
  std::string out =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n";
  std::size_t count = 0;
  auto add = [&](const std::string& url) {
    if (count < kSitemapMaxUrls) {
      // html_escape's entities (&amp; &lt; &gt; &quot; &#39;) are XML's as well.
      out += "  <url><loc>" + http::html_escape(url) + "</loc></url>\n";
      ++count;
    }
  };
  add(site.base_url + "/");
  std::vector<const Category*> categories;
  collect(tree, categories);
  for (const auto* c : categories) {
    add(site.base_url + category_url(c->slug));
  }
  for (const auto& slug : product_slugs) {
    add(site.base_url + product_path(slug));
  }
  out += "</urlset>\n";
  return out;
}

std::string robots_txt(const Site& site) {
  return "User-agent: *\nAllow: /\nDisallow: /search\nDisallow: /api/\n\nSitemap: " + site.base_url + "/sitemap.xml\n";
}

}  // namespace ecom::storefront::pages
