// Sessions: see sessions.hpp. The table and column names are the module's own constants, never
// input; every value is bound.
#include "sessions.hpp"

#include <ecom/identity/tokens.hpp>

#include <fmt/format.h>
#include <soci/soci.h>

#include <chrono>

namespace ecom::identity::detail {
namespace {

constexpr std::int64_t kMicros = 1'000'000;
// A session's last use is written at most this often: every request would otherwise be a write.
constexpr std::int64_t kTouchEveryUs = 60 * kMicros;

std::int64_t micros(std::chrono::seconds s) {
  return std::chrono::duration_cast<std::chrono::microseconds>(s).count();
}

}  // namespace

Sessions::Sessions(db::Database& db, SessionTable table, SessionLimits limits)
    : db_(db),
      limits_(limits),
      insert_(fmt::format("INSERT INTO {} (token_hash, {}, created_at, last_seen_at, expires_at) "
                          "VALUES (:token_hash, :owner, :now, :now2, :expires_at)",
                          table.table, table.owner_column)),
      find_(fmt::format("SELECT {}, last_seen_at, expires_at FROM {} WHERE token_hash = :token_hash",
                        table.owner_column, table.table)),
      touch_(fmt::format("UPDATE {} SET last_seen_at = :now WHERE token_hash = :token_hash", table.table)),
      delete_one_(fmt::format("DELETE FROM {} WHERE token_hash = :token_hash", table.table)),
      delete_all_(fmt::format("DELETE FROM {} WHERE {} = :owner", table.table, table.owner_column)) {}

OpenedSession Sessions::open(soci::session& tx, std::int64_t owner, std::int64_t now) const {
  OpenedSession out{new_token(), now + micros(limits_.absolute)};
  const auto hash = token_hash(out.token);
  const long long at = now;
  const long long expires = out.expires_at;
  const long long id = owner;
  tx << insert_, soci::use(hash, "token_hash"), soci::use(id, "owner"), soci::use(at, "now"), soci::use(at, "now2"),
      soci::use(expires, "expires_at");
  return out;
}

std::optional<std::int64_t> Sessions::check(std::string_view token, std::int64_t now) const {
  if (token.empty()) {
    return std::nullopt;
  }
  const auto hash = token_hash(token);
  const long long at = now;
  long long owner = 0;
  long long last_seen = 0;
  long long expires = 0;
  // A read on the primary (a session just opened must be found); a write only when the session
  // ends or its last use is a minute old.
  const bool found = db_.read("", db::Consistency::strong, [&](soci::session& sql) {
    sql << find_, soci::use(hash, "token_hash"), soci::into(owner), soci::into(last_seen), soci::into(expires);
    return sql.got_data();
  });
  if (!found) {
    return std::nullopt;
  }
  if (at >= expires || at - last_seen >= micros(limits_.idle)) {
    end(token);
    return std::nullopt;
  }
  if (at - last_seen >= kTouchEveryUs) {
    db_.transact("", [&](soci::session& sql) { sql << touch_, soci::use(at, "now"), soci::use(hash, "token_hash"); });
  }
  return owner;
}

void Sessions::end(std::string_view token) const {
  const auto hash = token_hash(token);
  db_.transact("", [&](soci::session& sql) { sql << delete_one_, soci::use(hash, "token_hash"); });
}

void Sessions::end_all(std::int64_t owner) const {
  db_.transact("", [&](soci::session& sql) { end_all(sql, owner); });
}

void Sessions::end_all(soci::session& tx, std::int64_t owner) const {
  const long long id = owner;
  tx << delete_all_, soci::use(id, "owner");
}

}  // namespace ecom::identity::detail
