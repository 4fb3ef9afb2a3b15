// What the catalog keeps in the cache: the API's JSON plus the fields the API leaves out (exact
// timestamps, stock counts), so that a cached value reads back into the very same object.
#pragma once

#include <ecom/catalog/types.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace ecom::catalog::detail {

[[nodiscard]] std::string encode_product(const Product& product);
[[nodiscard]] Product decode_product(std::string_view text);
[[nodiscard]] std::string encode_tree(const std::vector<Category>& tree);
[[nodiscard]] std::vector<Category> decode_tree(std::string_view text);

[[nodiscard]] std::string options_to_text(const std::vector<std::pair<std::string, std::string>>& options);
// Sorted by option name; a value that is not a JSON object of strings gives no options.
[[nodiscard]] std::vector<std::pair<std::string, std::string>> options_from_text(std::string_view text);

}  // namespace ecom::catalog::detail
