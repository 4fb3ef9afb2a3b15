// API keys: see api_keys.hpp. Statements name only this module's table (0011_identity_api_keys).
#include "text.hpp"

#include <ecom/audit/audit.hpp>
#include <ecom/identity/api_keys.hpp>
#include <ecom/identity/roles.hpp>
#include <ecom/identity/tokens.hpp>
#include <ecom/platform/error.hpp>
#include <ecom/platform/time.hpp>

#include <boost/json.hpp>
#include <soci/soci.h>

#include <algorithm>
#include <chrono>
#include <sstream>

namespace ecom::identity {
namespace {

using core::Error;
using core::ErrorCode;

constexpr const char* kColumns = "SELECT id, name, permissions, created_at, last_used_at, revoked_at FROM api_keys ";
constexpr const char* kInsert =
    "INSERT INTO api_keys (name, secret_hash, permissions, created_by, created_at) "
    "VALUES (:name, :secret_hash, :permissions, :created_by, :now) RETURNING id";
constexpr const char* kTouch = "UPDATE api_keys SET last_used_at = :now WHERE id = :id";
constexpr const char* kRevoke = "UPDATE api_keys SET revoked_at = :now WHERE id = :id AND revoked_at IS NULL";
constexpr std::string_view kSecretPrefix = "ecomk_";
constexpr std::size_t kMaxNameChars = 200;
constexpr std::int64_t kTouchEveryUs = 60'000'000;

struct KeyRow {
  long long id = 0;
  std::string name;
  std::string permissions;
  long long created_at = 0;
  long long last_used_at = 0;
  soci::indicator used_ind = soci::i_null;
  long long revoked_at = 0;
  soci::indicator revoked_ind = soci::i_null;

  [[nodiscard]] ApiKey key() const {
    ApiKey out{id, name, {}, created_at, std::nullopt, revoked_ind == soci::i_ok};
    if (used_ind == soci::i_ok) {
      out.last_used_at = last_used_at;
    }
    std::istringstream words(permissions);
    std::string p;
    while (words >> p) {
      out.permissions.push_back(p);
    }
    return out;
  }
};

// The audit log's values of a key: never its secret or hash.
boost::json::value audited(const ApiKey& key) {
  boost::json::array permissions;
  for (const auto& p : key.permissions) {
    permissions.emplace_back(p);
  }
  return boost::json::object{{"name", key.name}, {"permissions", std::move(permissions)}, {"revoked", key.revoked}};
}

void bind(soci::statement& st, KeyRow& r) {
  st.exchange(soci::into(r.id));
  st.exchange(soci::into(r.name));
  st.exchange(soci::into(r.permissions));
  st.exchange(soci::into(r.created_at));
  st.exchange(soci::into(r.last_used_at, r.used_ind));
  st.exchange(soci::into(r.revoked_at, r.revoked_ind));
  st.define_and_bind();
}

std::string checked_permissions(std::vector<std::string> permissions, std::string_view creator_role) {
  if (permissions.empty()) {
    throw Error::invalid_field("permissions", "must name at least one permission");
  }
  std::sort(permissions.begin(), permissions.end());
  permissions.erase(std::unique(permissions.begin(), permissions.end()), permissions.end());
  std::string out;
  for (const auto& p : permissions) {
    if (!is_permission(p)) {
      throw Error::invalid_field("permissions",
                                 "\"" + detail::checked_text(p, "permissions", 100, true) + "\" is not a permission");
    }
    if (!role_grants(creator_role, p)) {
      throw Error::invalid_field("permissions", "\"" + p + "\" is not yours to give");
    }
    out += (out.empty() ? "" : " ") + p;
  }
  return out;
}

}  // namespace

ApiKeyService::ApiKeyService(db::Database& db, std::function<std::int64_t()> now_us)
    : db_(db), now_us_(std::move(now_us)) {}

std::int64_t ApiKeyService::now() const {
  if (now_us_) {
    return now_us_();
  }
  return time::now_us();
}

NewApiKey ApiKeyService::create(std::string_view name, const std::vector<std::string>& permissions,
                                std::int64_t created_by, std::string_view creator_role, std::string_view client) {
  const auto checked_name = detail::checked_text(name, "name", kMaxNameChars, false);
  if (checked_name.empty()) {
    throw Error::invalid_field("name", "is required");
  }
  const auto list = checked_permissions(permissions, creator_role);
  NewApiKey out;
  out.secret = std::string(kSecretPrefix) + new_token(24);
  const auto hash = token_hash(out.secret);
  const long long at = now();
  long long by = created_by;
  soci::indicator by_ind = created_by > 0 ? soci::i_ok : soci::i_null;
  out.key = db_.transact(client, [&](soci::session& sql) {
    long long id = 0;
    sql << kInsert, soci::use(checked_name, "name"), soci::use(hash, "secret_hash"), soci::use(list, "permissions"),
        soci::use(by, by_ind, "created_by"), soci::use(at, "now"), soci::into(id);
    KeyRow r;
    soci::statement st = (sql.prepare << kColumns << "WHERE id = :id", soci::use(id, "id"));
    bind(st, r);
    st.execute(true);
    auto key = r.key();
    audit::record(sql,
                  audit::Change{"api_key.create", "api_key", std::to_string(key.id), key.name, nullptr, audited(key)});
    return key;
  });
  return out;
}

std::vector<ApiKey> ApiKeyService::list() {
  return db_.read("", db::Consistency::strong, [&](soci::session& sql) {
    std::vector<ApiKey> out;
    KeyRow r;
    soci::statement st = (sql.prepare << kColumns << "ORDER BY id DESC");
    bind(st, r);
    st.execute();
    while (st.fetch()) {
      out.push_back(r.key());
    }
    return out;
  });
}

void ApiKeyService::revoke(std::int64_t id, std::string_view client) {
  const long long key = id;
  const long long at = now();
  db_.transact(client, [&](soci::session& sql) {
    soci::statement st = (sql.prepare << kRevoke, soci::use(at, "now"), soci::use(key, "id"));
    st.execute(true);
    if (st.get_affected_rows() == 0) {
      throw Error(ErrorCode::not_found, "No such API key.");
    }
    KeyRow r;
    soci::statement read = (sql.prepare << kColumns << "WHERE id = :id", soci::use(key, "id"));
    bind(read, r);
    read.execute(true);
    auto after = r.key();
    auto before = after;
    before.revoked = false;
    audit::record(sql, audit::Change{"api_key.revoke", "api_key", std::to_string(key), after.name, audited(before),
                                     audited(after)});
  });
}

std::optional<ApiKey> ApiKeyService::authenticate(std::string_view secret) {
  if (!secret.starts_with(kSecretPrefix)) {
    return std::nullopt;
  }
  const auto hash = token_hash(secret);
  KeyRow r;
  const bool found = db_.read("", db::Consistency::strong, [&](soci::session& sql) {
    soci::statement st = (sql.prepare << kColumns << "WHERE secret_hash = :hash", soci::use(hash, "hash"));
    bind(st, r);
    st.execute(true);
    return sql.got_data();
  });
  if (!found || r.revoked_ind == soci::i_ok) {
    return std::nullopt;
  }
  const long long at = now();
  if (r.used_ind != soci::i_ok || at - r.last_used_at >= kTouchEveryUs) {
    db_.transact("", [&](soci::session& sql) { sql << kTouch, soci::use(at, "now"), soci::use(r.id, "id"); });
    r.last_used_at = at;
    r.used_ind = soci::i_ok;
  }
  return r.key();
}

}  // namespace ecom::identity
