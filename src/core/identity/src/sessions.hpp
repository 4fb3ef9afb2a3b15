// Opaque session tokens stored only as hashes, with idle and absolute expiry: one implementation
// for the customers' sessions and the staff's, each in its own table of the same shape
// (token_hash, <owner>, created_at, last_seen_at, expires_at).
#pragma once

#include <ecom/db/database.hpp>
#include <ecom/identity/customers.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace soci {
class session;
}

namespace ecom::identity::detail {

struct SessionTable {
  const char* table;         // "customer_sessions"
  const char* owner_column;  // "customer_id"
};
inline constexpr SessionTable kCustomerSessions{"customer_sessions", "customer_id"};
inline constexpr SessionTable kStaffSessions{"staff_sessions", "staff_id"};

struct OpenedSession {
  std::string token;            // shown to the client once
  std::int64_t expires_at = 0;  // the absolute end, microseconds
};

class Sessions {
 public:
  Sessions(db::Database& db, SessionTable table, SessionLimits limits);

  // A new session for owner, inside the caller's transaction (a new token every time: no fixation).
  [[nodiscard]] OpenedSession open(soci::session& tx, std::int64_t owner, std::int64_t now) const;
  // The owner of a session within its limits; a session past them is deleted. Its last use is
  // written at most once a minute, so a request is a read, not a write.
  [[nodiscard]] std::optional<std::int64_t> check(std::string_view token, std::int64_t now) const;
  void end(std::string_view token) const;
  void end_all(std::int64_t owner) const;
  // The same, inside the caller's transaction (a password change ends them with the change).
  void end_all(soci::session& tx, std::int64_t owner) const;

  [[nodiscard]] const SessionLimits& limits() const noexcept { return limits_; }

 private:
  db::Database& db_;
  SessionLimits limits_;
  std::string insert_;
  std::string find_;
  std::string touch_;
  std::string delete_one_;
  std::string delete_all_;
};

}  // namespace ecom::identity::detail
