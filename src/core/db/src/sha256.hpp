// SHA-256 for migration checksums (OpenSSL's libcrypto does the work).
#pragma once

#include <string>
#include <string_view>

namespace ecom::db::detail {

// Lower-case hex digest of data: 64 characters.
[[nodiscard]] std::string sha256_hex(std::string_view data);

}  // namespace ecom::db::detail
