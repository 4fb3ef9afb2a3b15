// Time-based one-time passwords (RFC 6238) for the staff's second factor: HMAC-SHA1 (OpenSSL),
// 30-second steps and 6 digits, which is what authenticator apps implement. Secrets are 20 random
// bytes, shown to the user once as base32 in an otpauth:// URI (a QR code).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ecom::identity {

inline constexpr std::int64_t kTotpStep = 30;  // seconds

// RFC 4648 base32, upper case, without padding; decode accepts lower case, blanks and padding and
// returns nullopt for any other character.
[[nodiscard]] std::string base32_encode(std::string_view bytes);
[[nodiscard]] std::optional<std::string> base32_decode(std::string_view text);

// 20 random bytes (RFC 4226's recommended 160 bits).
[[nodiscard]] std::string new_totp_secret();

// The code for the step that holds unix_seconds: `digits` decimal digits (6 to 8), leading zeros
// kept.
[[nodiscard]] std::string totp_code(std::string_view secret, std::int64_t unix_seconds, int digits = 6);

// The step (unix_seconds / 30) whose code `code` is, trying the current step and one either side
// (clocks drift); nullopt when none matches or code is not 6 digits. The caller stores the step it
// accepted and refuses a code of that step or an earlier one, so a code cannot be replayed.
[[nodiscard]] std::optional<std::int64_t> totp_match(std::string_view secret, std::string_view code,
                                                     std::int64_t unix_seconds);

// otpauth://totp/<issuer>:<account>?secret=<base32>&issuer=<issuer>&algorithm=SHA1&digits=6&period=30
// with issuer and account percent-encoded.
[[nodiscard]] std::string totp_uri(std::string_view issuer, std::string_view account, std::string_view secret);

}  // namespace ecom::identity
