#include "page_codec.hpp"

#include <boost/json.hpp>

#include <array>
#include <openssl/evp.h>

namespace ecom::catalog::detail {
namespace {

boost::json::value money_value(const std::optional<Money>& money) {
  if (!money) {
    return nullptr;
  }
  return boost::json::array{money->amount, money->currency};
}

std::optional<Money> money_from(const boost::json::value& v) {
  if (v.is_null()) {
    return std::nullopt;
  }
  const auto& a = v.as_array();
  return Money{a.at(0).as_int64(), std::string(a.at(1).as_string())};
}

boost::json::array values_array(const std::vector<FacetValue>& values) {
  boost::json::array out;
  for (const auto& v : values) {
    out.push_back(boost::json::array{v.value, v.label, v.count});
  }
  return out;
}

std::vector<FacetValue> values_from(const boost::json::value& v) {
  std::vector<FacetValue> out;
  for (const auto& item : v.as_array()) {
    const auto& a = item.as_array();
    out.push_back(FacetValue{std::string(a.at(0).as_string()), std::string(a.at(1).as_string()), a.at(2).as_int64()});
  }
  return out;
}

}  // namespace

std::string encode_page(const ProductPage& page) {
  boost::json::array items;
  for (const auto& s : page.items) {
    boost::json::value image = nullptr;
    if (s.image) {
      image = boost::json::array{s.image->id,    s.image->path,   s.image->alt,
                                 s.image->width, s.image->height, s.image->position};
    }
    items.push_back(boost::json::array{s.id, s.slug, s.title, s.created_at_us, money_value(s.price_from), image});
  }
  boost::json::object doc{{"items", std::move(items)},
                          {"next", page.next_cursor ? boost::json::value(*page.next_cursor) : nullptr}};
  if (page.facets) {
    const auto& f = *page.facets;
    boost::json::array attributes;
    for (const auto& [name, values] : f.attributes) {
      attributes.push_back(boost::json::array{name, values_array(values)});
    }
    doc["facets"] = boost::json::object{{"total", f.total},
                                        {"in_stock", f.in_stock},
                                        {"categories", values_array(f.categories)},
                                        {"attributes", std::move(attributes)},
                                        {"min", money_value(f.min_price)},
                                        {"max", money_value(f.max_price)}};
  }
  return boost::json::serialize(doc);
}

ProductPage decode_page(std::string_view text) {
  const auto doc = boost::json::parse(text);
  const auto& o = doc.as_object();
  ProductPage page;
  for (const auto& item : o.at("items").as_array()) {
    const auto& a = item.as_array();
    ProductSummary s;
    s.id = a.at(0).as_int64();
    s.slug = std::string(a.at(1).as_string());
    s.title = std::string(a.at(2).as_string());
    s.created_at_us = a.at(3).as_int64();
    s.price_from = money_from(a.at(4));
    if (!a.at(5).is_null()) {
      const auto& i = a.at(5).as_array();
      s.image = Image{i.at(0).as_int64(),
                      std::string(i.at(1).as_string()),
                      std::string(i.at(2).as_string()),
                      i.at(3).as_int64(),
                      i.at(4).as_int64(),
                      i.at(5).as_int64()};
    }
    page.items.push_back(std::move(s));
  }
  if (!o.at("next").is_null()) {
    page.next_cursor = std::string(o.at("next").as_string());
  }
  if (const auto* f = o.if_contains("facets")) {
    const auto& fo = f->as_object();
    Facets facets;
    facets.total = fo.at("total").as_int64();
    facets.in_stock = fo.at("in_stock").as_int64();
    facets.categories = values_from(fo.at("categories"));
    for (const auto& item : fo.at("attributes").as_array()) {
      const auto& a = item.as_array();
      facets.attributes.emplace_back(std::string(a.at(0).as_string()), values_from(a.at(1)));
    }
    facets.min_price = money_from(fo.at("min"));
    facets.max_price = money_from(fo.at("max"));
    page.facets = std::move(facets);
  }
  return page;
}

std::string listing_cache_key(std::string_view canonical_query) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int size = 0;
  EVP_Digest(canonical_query.data(), canonical_query.size(), digest.data(), &size, EVP_sha256(), nullptr);
  static constexpr std::string_view kHex = "0123456789abcdef";
  std::string key = "catalog:list:";
  for (unsigned int i = 0; i < size; ++i) {
    key += kHex[digest[i] >> 4U];
    key += kHex[digest[i] & 0x0FU];
  }
  return key;
}

}  // namespace ecom::catalog::detail
