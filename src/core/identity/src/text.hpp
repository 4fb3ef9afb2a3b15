// The one rule for the free text of accounts (names, address lines): trimmed, bounded in
// characters, no control characters. A refusal is unprocessable naming the field.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace ecom::identity::detail {

[[nodiscard]] std::string trimmed(std::string_view s);
// A-Z to a-z; every other byte (UTF-8 included) as it is.
[[nodiscard]] std::string ascii_lower(std::string_view s);

// value trimmed; throws core::Error unprocessable naming field when it is empty and required, has
// more than max_chars characters (UTF-8 code points) or holds a control character.
[[nodiscard]] std::string checked_text(std::string_view value, const std::string& field, std::size_t max_chars,
                                       bool required);

}  // namespace ecom::identity::detail
