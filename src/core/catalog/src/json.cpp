#include "codec.hpp"

#include <ecom/catalog/json.hpp>
#include <ecom/platform/time.hpp>

#include <boost/json.hpp>
#include <fmt/format.h>

#include <algorithm>

namespace ecom::catalog {
namespace {

boost::json::object options_object(const std::vector<std::pair<std::string, std::string>>& options) {
  boost::json::object out;
  for (const auto& [name, value] : options) {
    out[name] = value;
  }
  return out;
}

boost::json::value variant_json(const Variant& v) {
  return boost::json::object{
      {"id", v.id},
      {"sku", v.sku},
      {"title", v.title},
      {"options", options_object(v.options)},
      {"price", to_json(v.price)},
      {"compare_at_price", v.compare_at ? to_json(*v.compare_at) : boost::json::value(nullptr)},
      {"weight_grams", v.weight_grams},
      {"in_stock", v.on_hand > 0},
  };
}

boost::json::value category_ref_json(const CategoryRef& c) {
  return boost::json::object{{"id", c.id}, {"slug", c.slug}, {"name", c.name}};
}

Money money_from(const boost::json::value& v) {
  const auto& o = v.as_object();
  return Money{o.at("amount").as_int64(), std::string(o.at("currency").as_string())};
}

std::string str(const boost::json::object& o, std::string_view key) {
  return std::string(o.at(key).as_string());
}

Category category_from(const boost::json::value& v) {
  const auto& o = v.as_object();
  Category c;
  c.id = o.at("id").as_int64();
  if (!o.at("parent_id").is_null()) {
    c.parent_id = o.at("parent_id").as_int64();
  }
  c.slug = str(o, "slug");
  c.name = str(o, "name");
  c.position = o.at("position").as_int64();
  for (const auto& child : o.at("children").as_array()) {
    c.children.push_back(category_from(child));
  }
  return c;
}

}  // namespace

boost::json::value to_json(const Money& money) {
  return boost::json::object{{"amount", money.amount}, {"currency", money.currency}};
}

boost::json::value to_json(const Image& image, std::string_view asset_base_url) {
  boost::json::object out;
  if (asset_base_url.empty()) {
    out["path"] = image.path;
  } else {
    std::string url(asset_base_url);
    url += '/';
    url += image.path;
    out["url"] = url;
  }
  out["alt"] = image.alt;
  out["width"] = image.width;
  out["height"] = image.height;
  return out;
}

boost::json::value to_json(const Product& p) {
  return to_json(p, std::string_view{});
}

boost::json::value to_json(const Product& p, std::string_view asset_base_url) {
  boost::json::array variants;
  for (const auto& v : p.variants) {
    variants.push_back(variant_json(v));
  }
  boost::json::array categories;
  for (const auto& c : p.categories) {
    categories.push_back(category_ref_json(c));
  }
  boost::json::array attributes;
  for (const auto& a : p.attributes) {
    attributes.push_back(boost::json::object{{"name", a.name}, {"value", a.value}});
  }
  boost::json::array images;
  for (const auto& image : p.images) {
    images.push_back(to_json(image, asset_base_url));
  }
  return boost::json::object{
      {"id", p.id},
      {"slug", p.slug},
      {"title", p.title},
      {"description", p.description},
      {"status", to_string(p.status)},
      {"seo", boost::json::object{{"title", p.seo_title}, {"description", p.seo_description}}},
      {"created_at", ecom::time::iso8601_from_us(p.created_at_us)},
      {"updated_at", ecom::time::iso8601_from_us(p.updated_at_us)},
      {"version", p.version},
      {"variants", std::move(variants)},
      {"categories", std::move(categories)},
      {"attributes", std::move(attributes)},
      {"images", std::move(images)},
  };
}

boost::json::value to_json(const ProductSummary& s, std::string_view asset_base_url) {
  return boost::json::object{
      {"id", s.id},
      {"slug", s.slug},
      {"title", s.title},
      {"created_at", ecom::time::iso8601_from_us(s.created_at_us)},
      {"price_from", s.price_from ? to_json(*s.price_from) : boost::json::value(nullptr)},
      {"image", s.image ? to_json(*s.image, asset_base_url) : boost::json::value(nullptr)},
  };
}

boost::json::value to_json(const ProductPage& page, std::string_view asset_base_url) {
  boost::json::array items;
  for (const auto& item : page.items) {
    items.push_back(to_json(item, asset_base_url));
  }
  boost::json::object out{
      {"items", std::move(items)},
      {"next_cursor", page.next_cursor ? boost::json::value(*page.next_cursor) : boost::json::value(nullptr)},
  };
  if (page.facets) {
    out["facets"] = to_json(*page.facets);
  }
  return out;
}

boost::json::value to_json(const Facets& facets) {
  const auto values = [](const std::vector<FacetValue>& list) {
    boost::json::array out;
    for (const auto& v : list) {
      out.push_back(boost::json::object{{"value", v.value}, {"label", v.label}, {"count", v.count}});
    }
    return out;
  };
  boost::json::object attributes;
  for (const auto& [name, list] : facets.attributes) {
    attributes[name] = values(list);
  }
  boost::json::object price;
  if (facets.min_price && facets.max_price) {
    price["min"] = to_json(*facets.min_price);
    price["max"] = to_json(*facets.max_price);
  }
  return boost::json::object{
      {"total", facets.total},
      {"in_stock", facets.in_stock},
      {"categories", values(facets.categories)},
      {"attributes", std::move(attributes)},
      {"price", std::move(price)},
  };
}

boost::json::value to_json(const Category& c) {
  boost::json::array children;
  for (const auto& child : c.children) {
    children.push_back(to_json(child));
  }
  return boost::json::object{
      {"id", c.id},
      {"parent_id", c.parent_id ? boost::json::value(*c.parent_id) : boost::json::value(nullptr)},
      {"slug", c.slug},
      {"name", c.name},
      {"position", c.position},
      {"children", std::move(children)},
  };
}

boost::json::value to_json(const std::vector<Category>& tree) {
  boost::json::array roots;
  for (const auto& c : tree) {
    roots.push_back(to_json(c));
  }
  return boost::json::object{{"categories", std::move(roots)}};
}

namespace detail {

std::string encode_product(const Product& p) {
  auto doc = to_json(p);
  auto& o = doc.as_object();
  o["created_at_us"] = p.created_at_us;
  o["updated_at_us"] = p.updated_at_us;
  auto& variants = o["variants"].as_array();
  for (std::size_t i = 0; i < p.variants.size(); ++i) {
    variants[i].as_object()["on_hand"] = p.variants[i].on_hand;
  }
  auto& images = o["images"].as_array();
  for (std::size_t i = 0; i < p.images.size(); ++i) {
    auto& image = images[i].as_object();
    image["id"] = p.images[i].id;
    image["position"] = p.images[i].position;
  }
  return boost::json::serialize(doc);
}

Product decode_product(std::string_view text) {
  const auto doc = boost::json::parse(text);
  const auto& o = doc.as_object();
  Product p;
  p.id = o.at("id").as_int64();
  p.slug = str(o, "slug");
  p.title = str(o, "title");
  p.description = str(o, "description");
  p.status = status_from_string(str(o, "status")).value_or(ProductStatus::draft);
  const auto& seo = o.at("seo").as_object();
  p.seo_title = str(seo, "title");
  p.seo_description = str(seo, "description");
  p.created_at_us = o.at("created_at_us").as_int64();
  p.updated_at_us = o.at("updated_at_us").as_int64();
  p.version = o.at("version").as_int64();
  for (const auto& item : o.at("variants").as_array()) {
    const auto& vo = item.as_object();
    Variant v;
    v.id = vo.at("id").as_int64();
    v.sku = str(vo, "sku");
    v.title = str(vo, "title");
    for (const auto& [name, value] : vo.at("options").as_object()) {
      v.options.emplace_back(std::string(name), std::string(value.as_string()));
    }
    v.price = money_from(vo.at("price"));
    if (!vo.at("compare_at_price").is_null()) {
      v.compare_at = money_from(vo.at("compare_at_price"));
    }
    v.weight_grams = vo.at("weight_grams").as_int64();
    v.on_hand = vo.at("on_hand").as_int64();
    p.variants.push_back(std::move(v));
  }
  for (const auto& item : o.at("categories").as_array()) {
    const auto& co = item.as_object();
    p.categories.push_back(CategoryRef{co.at("id").as_int64(), str(co, "slug"), str(co, "name")});
  }
  for (const auto& item : o.at("attributes").as_array()) {
    const auto& ao = item.as_object();
    p.attributes.push_back(Attribute{str(ao, "name"), str(ao, "value")});
  }
  // Entries cached before images existed have none.
  if (const auto* images = o.if_contains("images")) {
    for (const auto& item : images->as_array()) {
      const auto& io = item.as_object();
      p.images.push_back(Image{io.at("id").as_int64(), str(io, "path"), str(io, "alt"), io.at("width").as_int64(),
                               io.at("height").as_int64(), io.at("position").as_int64()});
    }
  }
  return p;
}

std::string encode_tree(const std::vector<Category>& tree) {
  return boost::json::serialize(to_json(tree));
}

std::vector<Category> decode_tree(std::string_view text) {
  const auto doc = boost::json::parse(text);
  std::vector<Category> tree;
  for (const auto& c : doc.as_object().at("categories").as_array()) {
    tree.push_back(category_from(c));
  }
  return tree;
}

std::string options_to_text(const std::vector<std::pair<std::string, std::string>>& options) {
  auto sorted = options;
  std::sort(sorted.begin(), sorted.end());
  return boost::json::serialize(options_object(sorted));
}

std::vector<std::pair<std::string, std::string>> options_from_text(std::string_view text) {
  std::vector<std::pair<std::string, std::string>> out;
  boost::system::error_code ec;
  const auto doc = boost::json::parse(text, ec);
  if (ec || !doc.is_object()) {
    return out;
  }
  for (const auto& [name, value] : doc.as_object()) {
    if (value.is_string()) {
      out.emplace_back(std::string(name), std::string(value.as_string()));
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace detail

const char* to_string(ProductStatus status) noexcept {
  switch (status) {
    case ProductStatus::draft:
      return "draft";
    case ProductStatus::active:
      return "active";
    case ProductStatus::archived:
      return "archived";
  }
  return "draft";
}

std::optional<ProductStatus> status_from_string(const std::string& text) noexcept {
  if (text == "draft") {
    return ProductStatus::draft;
  }
  if (text == "active") {
    return ProductStatus::active;
  }
  if (text == "archived") {
    return ProductStatus::archived;
  }
  return std::nullopt;
}

}  // namespace ecom::catalog
