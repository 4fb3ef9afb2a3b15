// Secret tokens: session tokens, password-reset and verification tokens, API key secrets and
// recovery codes. Each is random from libsodium's CSPRNG, shown to its owner once, and stored only
// as its hash, so that a copy of the database lets nobody sign in.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace ecom::identity {

// `bytes` random bytes (at least 16: 128 bits) as unpadded base64url: 16 bytes -> 22 characters,
// safe in a cookie, a URL and a header.
[[nodiscard]] std::string new_token(std::size_t bytes = 16);

// What is stored and looked up for a token: the hex SHA-256 of its text (64 characters). Tokens
// are random and long, so a fast hash is enough; a password needs PasswordHasher.
[[nodiscard]] std::string token_hash(std::string_view token);

// `count` recovery codes for a second factor, each 10 characters of RFC 4648 base32 in two groups
// ("ABCDE-FGHIJ", 50 bits): typed by a person, so no look-alike case differences.
[[nodiscard]] std::vector<std::string> new_recovery_codes(std::size_t count = 10);

// A recovery code as typed ("abcde fghij", "ABCDEFGHIJ") in the form new_recovery_codes gives,
// so that its token_hash matches: upper case, the blanks and dashes dropped and one dash put back.
[[nodiscard]] std::string normalize_recovery_code(std::string_view typed);

// The CSRF token of a session (docs/identity.md): derived from the session token, so nothing more
// is stored, and useless without it; a page or client sends it back in X-CSRF-Token (or the form
// field csrf_token) with every unsafe request that a cookie authenticates.
[[nodiscard]] std::string csrf_token_for(std::string_view session_token);

// Equal bytes, in a time that depends only on the lengths.
[[nodiscard]] bool equal_secrets(std::string_view a, std::string_view b) noexcept;

}  // namespace ecom::identity
