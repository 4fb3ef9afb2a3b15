// API keys for integrations (docs/identity.md, "API keys"): a name, the permissions the key may use
// (roles.hpp names, at most those of the staff member who makes it), and a secret shown once and
// stored only as its hash. Sent as "Authorization: Bearer <secret>"; no CSRF token is needed (a
// browser never sends it by itself). Revoking is immediate; the last use is recorded.
#pragma once

#include <ecom/db/database.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ecom::identity {

struct ApiKey {
  std::int64_t id = 0;
  std::string name;
  std::vector<std::string> permissions;
  std::int64_t created_at = 0;               // microseconds since the Unix epoch
  std::optional<std::int64_t> last_used_at;  // microseconds; at most a minute stale
  bool revoked = false;
};

struct NewApiKey {
  ApiKey key;
  std::string secret;  // "ecomk_" + 192 random bits: shown this once
};

class ApiKeyService {
 public:
  // now_us: microseconds since the Unix epoch; the system clock when empty.
  explicit ApiKeyService(db::Database& db, std::function<std::int64_t()> now_us = {});

  // A new key. Throws core::Error unprocessable naming "name" (1 to 200 characters) or
  // "permissions" (non-empty, each one a permission, none that creator_role lacks).
  [[nodiscard]] NewApiKey create(std::string_view name, const std::vector<std::string>& permissions,
                                 std::int64_t created_by, std::string_view creator_role, std::string_view client);
  // Every key, the revoked ones too, newest first.
  [[nodiscard]] std::vector<ApiKey> list();
  // not_found for an unknown or already revoked key.
  void revoke(std::int64_t id, std::string_view client);
  // The live key whose secret this is; records its use (at most once a minute).
  [[nodiscard]] std::optional<ApiKey> authenticate(std::string_view secret);

 private:
  [[nodiscard]] std::int64_t now() const;
  db::Database& db_;
  std::function<std::int64_t()> now_us_;
};

}  // namespace ecom::identity
