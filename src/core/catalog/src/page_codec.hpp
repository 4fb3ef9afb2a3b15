// Listing pages in the cache: a compact JSON form of ProductPage (with facets and exact
// timestamps) that reads back into the very same object, and the cache key of a listing query.
#pragma once

#include <ecom/catalog/types.hpp>

#include <string>
#include <string_view>

namespace ecom::catalog::detail {

[[nodiscard]] std::string encode_page(const ProductPage& page);
[[nodiscard]] ProductPage decode_page(std::string_view text);

// "catalog:list:<hex>": the SHA-256 of the query's canonical text, so that any query, however
// long, gives a bounded key, and two different queries never share one.
[[nodiscard]] std::string listing_cache_key(std::string_view canonical_query);

}  // namespace ecom::catalog::detail
