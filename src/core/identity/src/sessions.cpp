// Sessions: see sessions.hpp. The table and column names are the module's own constants, never
// input; every value is bound.
#include "sessions.hpp"

#include <ecom/identity/tokens.hpp>

#include <fmt/format.h>
#include <soci/soci.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>

namespace ecom::identity::detail {
namespace {

constexpr std::int64_t kMicros = 1'000'000;
// A session's last use is written at most this often: every request would otherwise be a write.
constexpr std::int64_t kTouchEveryUs = 60 * kMicros;

// "owner last_seen expires", as remember() writes it; nullopt for anything else.
std::optional<std::array<std::int64_t, 3>> parse_numbers(std::string_view text) {
  std::array<std::int64_t, 3> out{};
  const char* at = text.data();
  const char* end = text.data() + text.size();
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (i > 0) {
      if (at == end || *at != ' ') {
        return std::nullopt;
      }
      ++at;
    }
    const auto [next, ec] = std::from_chars(at, end, out[i]);
    if (ec != std::errc()) {
      return std::nullopt;
    }
    at = next;
  }
  return at == end ? std::optional(out) : std::nullopt;
}

std::int64_t micros(std::chrono::seconds s) {
  return std::chrono::duration_cast<std::chrono::microseconds>(s).count();
}

}  // namespace

Sessions::Sessions(db::Database& db, cache::Cache& cache, SessionTable table, SessionLimits limits)
    : db_(db),
      cache_(cache),
      table_(table),
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
  // Not cached here: the row may yet roll back. The first check fills the cache from the table.
  return out;
}

std::optional<Sessions::State> Sessions::parse_state(std::string_view text) {
  const auto numbers = parse_numbers(text);
  if (!numbers) {
    return std::nullopt;
  }
  return State{(*numbers)[0], (*numbers)[1], (*numbers)[2]};
}

std::string Sessions::key(const std::string& hash) const {
  return fmt::format("session:{}:{}", table_.table, hash);
}

std::string Sessions::owner_tag(std::int64_t owner) const {
  return fmt::format("sessions:{}:{}", table_.table, owner);
}

// The session's state: the cache's copy, else the table's (which then fills the cache).
std::optional<Sessions::State> Sessions::load(const std::string& hash) const {
  if (const auto cached = cache_.get(key(hash))) {
    if (auto state = parse_state(*cached)) {
      return state;
    }
  }
  long long owner = 0;
  long long last_seen = 0;
  long long expires = 0;
  // A read on the primary (a session just opened must be found).
  const bool found = db_.read("", db::Consistency::strong, [&](soci::session& sql) {
    sql << find_, soci::use(hash, "token_hash"), soci::into(owner), soci::into(last_seen), soci::into(expires);
    return sql.got_data();
  });
  if (!found) {
    return std::nullopt;
  }
  return State{owner, last_seen, expires};
}

void Sessions::remember(const std::string& hash, const State& state, std::int64_t now) const {
  // Kept no longer than the session could live unused, nor past its absolute end.
  const auto left_us = std::min(state.expires - now, state.last_seen + micros(limits_.idle) - now);
  if (left_us <= 0) {
    return;
  }
  cache_.set(key(hash), fmt::format("{} {} {}", state.owner, state.last_seen, state.expires),
             std::chrono::milliseconds(std::max<std::int64_t>(1, left_us / 1000)), {owner_tag(state.owner)});
}

std::optional<std::int64_t> Sessions::check(std::string_view token, std::int64_t now) const {
  if (token.empty()) {
    return std::nullopt;
  }
  const auto hash = token_hash(token);
  auto state = load(hash);
  if (!state) {
    return std::nullopt;
  }
  if (now >= state->expires || now - state->last_seen >= micros(limits_.idle)) {
    end(token);
    return std::nullopt;
  }
  // A write only when the last use is a minute old: the table's record, then the cache's copy.
  if (now - state->last_seen >= kTouchEveryUs) {
    const long long at = now;
    db_.transact("", [&](soci::session& sql) { sql << touch_, soci::use(at, "now"), soci::use(hash, "token_hash"); });
    state->last_seen = now;
  }
  remember(hash, *state, now);
  return state->owner;
}

void Sessions::end(std::string_view token) const {
  const auto hash = token_hash(token);
  db_.transact("", [&](soci::session& sql) { sql << delete_one_, soci::use(hash, "token_hash"); });
  cache_.invalidate(key(hash));
}

void Sessions::end_all(std::int64_t owner) const {
  db_.transact("", [&](soci::session& sql) { end_all(sql, owner); });
}

void Sessions::end_all(soci::session& tx, std::int64_t owner) const {
  const long long id = owner;
  tx << delete_all_, soci::use(id, "owner");
  // Before the commit: a check that reads the old row meanwhile cannot cache it again, since the
  // cache refuses a set under a tag invalidated within its guard window (cache.hpp).
  cache_.invalidate_tag(owner_tag(owner));
}

}  // namespace ecom::identity::detail
