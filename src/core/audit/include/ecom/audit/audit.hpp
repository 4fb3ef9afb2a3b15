// The audit log (docs/audit.md): every admin change, with who made it (a staff member, an API key,
// ecomctl), when, from which address and request, on which object (its id and slug or SKU), with
// the values before and after. An entry is written by the change's own transaction, so there is
// an entry exactly when the change commits. Entries are append-only (database triggers refuse
// UPDATE and DELETE) and hash-chained: each holds the SHA-256 of its own fields and the previous
// entry's hash, so verify() finds a row changed, deleted or inserted behind the log's back.
#pragma once

#include <ecom/db/database.hpp>

#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace soci {
class session;
}

namespace ecom::audit {

struct Actor {
  std::string kind = "system";  // "staff", "api_key", "ecomctl" or "system"
  std::int64_t id = 0;          // the staff member's or key's id; 0 otherwise
  std::string name;             // the staff member's email, the key's name
  std::string client;           // the client's address
  std::string request_id;
};

// The actor of every change the calling thread records while the scope lives: the admin's guard
// opens one around each request's handler (which runs on one pool thread from start to end), so
// the domain services record their changes without an actor in every signature. Scopes nest; the
// innermost wins. Without one the actor is {"system"}.
class Scope {
 public:
  explicit Scope(Actor actor);
  ~Scope();
  Scope(const Scope&) = delete;
  Scope& operator=(const Scope&) = delete;

 private:
  const Actor* previous_;
  Actor actor_;
};
[[nodiscard]] const Actor& current_actor();

struct Change {
  std::string action;       // "product.update", "staff.create", ...
  std::string object_type;  // "product", "variant", "category", "staff", "api_key", ...
  std::string object_id;
  std::string object_key;     // the slug, SKU or email; "" when it has none
  boost::json::value before;  // null for a creation
  boost::json::value after;   // null for a deletion
};

// Appends the change, by current_actor(), inside tx: the change's own open transaction.
void record(soci::session& tx, const Change& change);

struct Entry {
  std::int64_t seq = 0;
  std::int64_t at = 0;  // microseconds since the Unix epoch (UTC)
  Actor actor;
  std::string action;
  std::string object_type;
  std::string object_id;
  std::string object_key;
  std::string before;  // JSON text
  std::string after;
  std::string hash;
};

struct Filter {
  std::optional<std::string> actor;  // the actor's name (email or key name)
  std::optional<std::string> object_type;
  std::optional<std::string> object_id;
  std::optional<std::int64_t> from_us;     // at >= from_us
  std::optional<std::int64_t> to_us;       // at < to_us
  std::optional<std::int64_t> before_seq;  // paging: entries older than this one
  int limit = 50;                          // 1..1000
};

// Newest first. Throws core::Error bad_request naming "limit" outside 1..1000.
[[nodiscard]] std::vector<Entry> list(db::Database& db, const Filter& filter);

struct Verification {
  bool intact = true;
  std::int64_t entries = 0;
  std::int64_t first_broken = 0;  // the seq of the first entry that does not hold; 0 when intact
  std::string reason;
};

// Walks the whole chain: every entry's hash recomputed, every link to the previous entry, no gap
// in the sequence, and the log's head (the last seq and hash) matching its last entry.
[[nodiscard]] Verification verify(db::Database& db);

}  // namespace ecom::audit
