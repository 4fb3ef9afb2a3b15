// Opaque session tokens stored only as hashes, with idle and absolute expiry: one implementation
// for the customers' sessions and the staff's, each in its own table of the same shape
// (token_hash, <owner>, created_at, last_seen_at, expires_at).
//
// The table is the record (the data export lists it, and it survives a cache flush). Each session's
// state is also kept in the cache under the token's hash (Redis in production: every process sees
// it), so checking a session is a cache read, not a database read; a miss reads the table and fills
// the cache. Ending sessions removes both, the cached copies by key or by the owner's tag, for every
// process. A session is checked with its owner's row anyway (a disabled or removed owner is never
// signed in), so a copy that outlives its row by a cache's propagation delay opens nothing.
#pragma once

#include <ecom/cache/cache.hpp>
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
  // cache: where session state is kept beside the table (see above); it must outlive this.
  Sessions(db::Database& db, cache::Cache& cache, SessionTable table, SessionLimits limits);

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
  struct State {
    std::int64_t owner = 0;
    std::int64_t last_seen = 0;
    std::int64_t expires = 0;
  };
  [[nodiscard]] static std::optional<State> parse_state(std::string_view text);
  [[nodiscard]] std::optional<State> load(const std::string& hash) const;
  void remember(const std::string& hash, const State& state, std::int64_t now) const;
  [[nodiscard]] std::string key(const std::string& hash) const;
  [[nodiscard]] std::string owner_tag(std::int64_t owner) const;

  db::Database& db_;
  cache::Cache& cache_;
  SessionTable table_;
  SessionLimits limits_;
  std::string insert_;
  std::string find_;
  std::string touch_;
  std::string delete_one_;
  std::string delete_all_;
};

}  // namespace ecom::identity::detail
