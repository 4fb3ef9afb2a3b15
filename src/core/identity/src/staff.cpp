// Staff accounts, sign-in with a second factor, and invitations: see staff.hpp. Every statement
// names only the identity module's own tables (migrations/*/0010_identity_staff.sql).
#include "sessions.hpp"
#include "text.hpp"

#include <ecom/audit/audit.hpp>
#include <ecom/identity/roles.hpp>
#include <ecom/identity/staff.hpp>
#include <ecom/identity/tokens.hpp>
#include <ecom/identity/totp.hpp>
#include <ecom/platform/error.hpp>
#include <ecom/platform/time.hpp>

#include <boost/json.hpp>
#include <soci/soci.h>

#include <algorithm>
#include <chrono>

namespace ecom::identity {
namespace {

using core::Error;
using core::ErrorCode;

constexpr const char* kStaffColumns =
    "SELECT id, email, name, role, password_hash, totp_secret, totp_enabled_at, totp_last_step, disabled_at, "
    "created_at FROM staff ";
constexpr const char* kInsertStaff =
    "INSERT INTO staff (email, name, role, password_hash, created_at, updated_at) "
    "VALUES (:email, :name, :role, :hash, :now, :now2) RETURNING id";
constexpr const char* kUpdateHash = "UPDATE staff SET password_hash = :hash, updated_at = :now WHERE id = :id";
constexpr const char* kSetPendingSecret =
    "UPDATE staff SET totp_secret = :secret, updated_at = :now WHERE id = :id AND totp_enabled_at IS NULL";
constexpr const char* kEnableTotp =
    "UPDATE staff SET totp_enabled_at = :now, totp_last_step = :step, updated_at = :now2 "
    "WHERE id = :id AND totp_secret = :secret AND totp_enabled_at IS NULL";
constexpr const char* kAcceptStep =
    "UPDATE staff SET totp_last_step = :step WHERE id = :id AND totp_last_step < :step2";
constexpr const char* kUseRecoveryCode =
    "UPDATE staff_recovery_codes SET used_at = :now WHERE staff_id = :id AND code_hash = :hash AND used_at IS NULL";
constexpr const char* kDeleteRecoveryCodes = "DELETE FROM staff_recovery_codes WHERE staff_id = :id";
constexpr const char* kInsertRecoveryCode =
    "INSERT INTO staff_recovery_codes (staff_id, code_hash) VALUES (:id, :hash)";
constexpr const char* kInsertInvitation =
    "INSERT INTO staff_invitations (token_hash, staff_id, created_at, expires_at) "
    "VALUES (:token_hash, :id, :now, :expires_at)";
constexpr const char* kFindInvitation =
    "SELECT staff_id FROM staff_invitations WHERE token_hash = :token_hash AND expires_at > :now";
constexpr const char* kDeleteInvitations = "DELETE FROM staff_invitations WHERE staff_id = :id";
constexpr const char* kUpdateProfile =
    "UPDATE staff SET name = :name, role = :role, disabled_at = :disabled_at, updated_at = :now WHERE id = :id";
constexpr const char* kDeleteStaff = "DELETE FROM staff WHERE id = :id";
constexpr const char* kCountOwners = "SELECT COUNT(*) FROM staff WHERE role = 'owner' AND disabled_at IS NULL";

constexpr std::size_t kMaxNameChars = 200;
constexpr std::int64_t kMicros = 1'000'000;

Error wrong_credentials() {
  return Error(ErrorCode::unauthorized, "The email or password is wrong.");
}

struct StaffRow {
  long long id = 0;
  std::string email;
  std::string name;
  std::string role;
  std::string password_hash;
  soci::indicator hash_ind = soci::i_null;
  std::string totp_secret;
  soci::indicator secret_ind = soci::i_null;
  long long totp_enabled_at = 0;
  soci::indicator enabled_ind = soci::i_null;
  long long totp_last_step = 0;
  long long disabled_at = 0;
  soci::indicator disabled_ind = soci::i_null;
  long long created_at = 0;

  [[nodiscard]] bool totp_enabled() const { return enabled_ind == soci::i_ok; }
  [[nodiscard]] bool has_password() const { return hash_ind == soci::i_ok; }
  [[nodiscard]] bool active() const { return disabled_ind != soci::i_ok; }
  [[nodiscard]] StaffMember member() const {
    return StaffMember{id, email, name, role, totp_enabled(), active(), !has_password(), created_at};
  }
};

// The row of `where` ("WHERE id = :key"), bound to key.
template <typename Key>
std::optional<StaffRow> find_row(soci::session& sql, const char* where, const Key& key) {
  StaffRow r;
  sql << kStaffColumns << where, soci::use(key, "key"), soci::into(r.id), soci::into(r.email), soci::into(r.name),
      soci::into(r.role), soci::into(r.password_hash, r.hash_ind), soci::into(r.totp_secret, r.secret_ind),
      soci::into(r.totp_enabled_at, r.enabled_ind), soci::into(r.totp_last_step),
      soci::into(r.disabled_at, r.disabled_ind), soci::into(r.created_at);
  if (!sql.got_data()) {
    return std::nullopt;
  }
  return r;
}

std::optional<StaffRow> find_by_id(soci::session& sql, long long id) {
  return find_row(sql, "WHERE id = :key", id);
}

long long affected(soci::statement& st) {
  st.execute(true);
  return st.get_affected_rows();
}

std::string checked_role(std::string_view role) {
  if (!is_role(role)) {
    throw Error::invalid_field("role",
                               "must be one of owner, administrator, catalog_manager, order_manager, "
                               "support, analyst");
  }
  return std::string(role);
}

// Only an owner (or the operator's tool) makes, changes or removes an owner.
void check_owner_rule(const std::optional<StaffActor>& by, std::string_view touched_role) {
  if (by && touched_role == "owner" && by->role != "owner") {
    throw Error(ErrorCode::forbidden, "Only an owner can make, change or remove an owner.");
  }
}

// The audit log's values of a staff member: never a hash or a secret.
boost::json::value audited(const std::optional<StaffMember>& m) {
  if (!m) {
    return nullptr;
  }
  return boost::json::object{{"email", m->email},   {"name", m->name},       {"role", m->role},
                             {"active", m->active}, {"invited", m->invited}, {"totp_enabled", m->totp_enabled}};
}

void audit_staff(soci::session& tx, std::string action, const std::optional<StaffMember>& before,
                 const std::optional<StaffMember>& after) {
  const auto& m = after ? *after : *before;
  audit::record(
      tx, audit::Change{std::move(action), "staff", std::to_string(m.id), m.email, audited(before), audited(after)});
}

// Refuses a change that leaves no active owner: checked inside the change's transaction.
void keep_an_owner(soci::session& tx) {
  long long owners = 0;
  tx << kCountOwners, soci::into(owners);
  if (owners == 0) {
    throw Error(ErrorCode::conflict, "The shop must keep at least one active owner.");
  }
}

}  // namespace

struct StaffService::Impl {
  db::Database& db;
  PasswordHasher& hasher;
  Throttle throttle;
  detail::Sessions sessions;
  const StaffOptions& options;

  [[nodiscard]] std::int64_t now() const {
    if (options.now_us) {
      return options.now_us();
    }
    return time::now_us();
  }

  // Whether code is the current TOTP code of the row (each step accepted once, decided by one
  // conditional write) or one of its unused recovery codes (used up by the same kind of write).
  bool accept_code(const StaffRow& row, std::string_view code) {
    const auto secret = base32_decode(row.totp_secret);
    const auto at = now();
    if (const auto step = secret ? totp_match(*secret, code, at / kMicros) : std::nullopt) {
      return db.transact("", [&](soci::session& sql) {
        const long long s = *step;
        soci::statement st =
            (sql.prepare << kAcceptStep, soci::use(s, "step"), soci::use(row.id, "id"), soci::use(s, "step2"));
        return affected(st) == 1;
      });
    }
    const auto hash = token_hash(normalize_recovery_code(code));
    return db.transact("", [&](soci::session& sql) {
      const long long when = at;
      soci::statement st =
          (sql.prepare << kUseRecoveryCode, soci::use(when, "now"), soci::use(row.id, "id"), soci::use(hash, "hash"));
      return affected(st) == 1;
    });
  }

  // Turns the pending secret on when code is its current code, with ten new recovery codes.
  std::optional<std::vector<std::string>> enable_totp(long long id, const std::string& secret_b32,
                                                      std::string_view code) {
    const auto secret = base32_decode(secret_b32);
    const auto at = now();
    const auto step = secret ? totp_match(*secret, code, at / kMicros) : std::nullopt;
    if (!step) {
      return std::nullopt;
    }
    auto codes = new_recovery_codes();
    const bool enabled = db.transact("", [&](soci::session& sql) {
      const long long when = at;
      const long long s = *step;
      soci::statement st = (sql.prepare << kEnableTotp, soci::use(when, "now"), soci::use(s, "step"),
                            soci::use(when, "now2"), soci::use(id, "id"), soci::use(secret_b32, "secret"));
      if (affected(st) != 1) {
        return false;
      }
      sql << kDeleteRecoveryCodes, soci::use(id, "id");
      for (const auto& c : codes) {
        const auto hash = token_hash(c);
        sql << kInsertRecoveryCode, soci::use(id, "id"), soci::use(hash, "hash");
      }
      return true;
    });
    return enabled ? std::optional(std::move(codes)) : std::nullopt;
  }

  // The pending secret of an account without a second factor: the one already made (the member
  // may have scanned it), else a new one.
  std::string pending_secret(const StaffRow& row) {
    if (row.secret_ind == soci::i_ok && !row.totp_secret.empty()) {
      return row.totp_secret;
    }
    auto secret = base32_encode(new_totp_secret());
    db.transact("", [&](soci::session& sql) {
      const long long at = now();
      sql << kSetPendingSecret, soci::use(secret, "secret"), soci::use(at, "now"), soci::use(row.id, "id");
    });
    return secret;
  }

  // The second factor of a sign-in whose password was right: recovery codes when this sign-in set
  // it up, else none. Throws as staff.hpp says.
  std::vector<std::string> second_factor(const StaffRow& row, const std::optional<std::string>& code,
                                         const std::string& account, std::string_view client) {
    const bool given = code && !detail::trimmed(*code).empty();
    if (row.totp_enabled()) {
      if (!given) {
        throw Error(ErrorCode::unauthorized, "A code from the authenticator app is needed.")
            .with_member("totp_required", true);
      }
      if (!accept_code(row, detail::trimmed(*code))) {
        throttle.failed(account, client);
        throw Error(ErrorCode::unauthorized, "The code is wrong.").with_member("totp_required", true);
      }
      return {};
    }
    if (!options.require_totp) {
      return {};
    }
    const auto secret = pending_secret(row);
    bool wrong = false;
    if (given) {
      if (auto codes = enable_totp(row.id, secret, detail::trimmed(*code))) {
        return std::move(*codes);
      }
      throttle.failed(account, client);
      wrong = true;
    }
    auto error = wrong ? Error(ErrorCode::unauthorized, "The code is wrong.")
                       : Error(ErrorCode::forbidden,
                               "This account needs a second factor: add the secret to an authenticator app, then "
                               "sign in again with its code.");
    throw std::move(error)
        .with_member("totp_enrolment_required", true)
        .with_member("totp_secret", boost::json::string(secret))
        .with_member("totp_uri", boost::json::string(totp_uri(options.totp_issuer, row.email, *base32_decode(secret))));
  }
};

StaffService::StaffService(db::Database& db, PasswordHasher& hasher, cache::Cache& cache, StaffOptions options)
    : options_(std::move(options)),
      impl_(std::unique_ptr<Impl>(
          new Impl{db, hasher, Throttle(cache, options_.throttle, [this] { return impl_->now(); }),
                   detail::Sessions(db, cache, detail::kStaffSessions, options_.sessions), options_})) {}

StaffService::~StaffService() = default;

StaffSignIn StaffService::sign_in(const StaffCredentials& credentials, std::string_view client) {
  auto& d = *impl_;
  std::string email;
  bool well_formed = true;
  try {
    email = normalize_email(credentials.email);
  } catch (const Error&) {
    email = detail::trimmed(credentials.email);
    well_formed = false;
  }
  // Staff and customers are counted apart: the same person may be both.
  const auto account = token_hash("staff:" + email);
  d.throttle.check(account, client);
  const auto row = well_formed
                       ? d.db.read(client, db::Consistency::strong,
                                   [&](soci::session& sql) { return find_row(sql, "WHERE email = :key", email); })
                       : std::nullopt;
  if (!row || !row->has_password()) {
    d.hasher.verify_nobody(credentials.password);
    d.throttle.failed(account, client);
    throw wrong_credentials();
  }
  const auto verdict = d.hasher.verify(credentials.password, row->password_hash);
  if (!verdict.matches || !row->active()) {
    d.throttle.failed(account, client);
    throw wrong_credentials();
  }
  auto recovery_codes = d.second_factor(*row, credentials.totp, account, client);
  d.throttle.succeeded(account);
  const auto rehashed =
      verdict.needs_rehash ? std::optional<std::string>(d.hasher.hash(credentials.password)) : std::nullopt;
  const auto at = d.now();
  return d.db.transact(client, [&](soci::session& sql) {
    if (rehashed) {
      const long long when = at;
      sql << kUpdateHash, soci::use(*rehashed, "hash"), soci::use(when, "now"), soci::use(row->id, "id");
    }
    auto member = find_by_id(sql, row->id)->member();
    auto opened = d.sessions.open(sql, row->id, at);
    return StaffSignIn{std::move(opened.token), std::move(member), opened.expires_at, std::move(recovery_codes)};
  });
}

std::optional<StaffMember> StaffService::authenticate(std::string_view token) {
  auto& d = *impl_;
  const auto id = d.sessions.check(token, d.now());
  if (!id) {
    return std::nullopt;
  }
  const long long key = *id;
  auto row = d.db.read("", db::Consistency::strong, [&](soci::session& sql) { return find_by_id(sql, key); });
  if (!row || !row->active()) {
    return std::nullopt;
  }
  return row->member();
}

void StaffService::sign_out(std::string_view token) {
  impl_->sessions.end(token);
}

CreatedStaff StaffService::create(const NewStaff& staff, const std::optional<StaffActor>& by, std::string_view client) {
  auto& d = *impl_;
  const auto email = normalize_email(staff.email);
  const auto name = detail::checked_text(staff.name, "name", kMaxNameChars, false);
  const auto role = checked_role(staff.role);
  check_owner_rule(by, role);
  std::string hash;
  soci::indicator hash_ind = soci::i_null;
  if (staff.password) {
    check_new_password(*staff.password, kStaffPasswords, email);
    hash = d.hasher.hash(*staff.password);
    hash_ind = soci::i_ok;
  }
  CreatedStaff out;
  const long long at = d.now();
  try {
    d.db.transact(client, [&](soci::session& sql) {
      long long id = 0;
      sql << kInsertStaff, soci::use(email, "email"), soci::use(name, "name"), soci::use(role, "role"),
          soci::use(hash, hash_ind, "hash"), soci::use(at, "now"), soci::use(at, "now2"), soci::into(id);
      if (!staff.password) {
        out.invitation_token = new_token();
        const auto token = token_hash(*out.invitation_token);
        const long long expires =
            at + std::chrono::duration_cast<std::chrono::microseconds>(options_.invitation_valid).count();
        sql << kInsertInvitation, soci::use(token, "token_hash"), soci::use(id, "id"), soci::use(at, "now"),
            soci::use(expires, "expires_at");
      }
      out.staff = find_by_id(sql, id)->member();
      audit_staff(sql, "staff.create", std::nullopt, out.staff);
    });
  } catch (const db::UniqueViolation& e) {
    if (e.constraint() != "staff_email_key") {
      throw;
    }
    throw Error(ErrorCode::conflict, "A staff member with this email exists.", {{"email", "is taken"}});
  }
  return out;
}

std::vector<StaffMember> StaffService::list() {
  return impl_->db.read("", db::Consistency::strong, [&](soci::session& sql) {
    std::vector<StaffMember> out;
    StaffRow r;
    soci::statement st =
        (sql.prepare << kStaffColumns << "ORDER BY id", soci::into(r.id), soci::into(r.email), soci::into(r.name),
         soci::into(r.role), soci::into(r.password_hash, r.hash_ind), soci::into(r.totp_secret, r.secret_ind),
         soci::into(r.totp_enabled_at, r.enabled_ind), soci::into(r.totp_last_step),
         soci::into(r.disabled_at, r.disabled_ind), soci::into(r.created_at));
    st.execute();
    while (st.fetch()) {
      out.push_back(r.member());
    }
    return out;
  });
}

StaffMember StaffService::get(std::int64_t id) {
  const long long key = id;
  auto row = impl_->db.read("", db::Consistency::strong, [&](soci::session& sql) { return find_by_id(sql, key); });
  if (!row) {
    throw Error(ErrorCode::not_found, "No such staff member.");
  }
  return row->member();
}

StaffMember StaffService::update(std::int64_t id, const StaffChange& change, const std::optional<StaffActor>& by,
                                 std::string_view client) {
  auto& d = *impl_;
  const auto name =
      change.name ? std::optional(detail::checked_text(*change.name, "name", kMaxNameChars, false)) : std::nullopt;
  const auto role = change.role ? std::optional(checked_role(*change.role)) : std::nullopt;
  if (role) {
    check_owner_rule(by, *role);
  }
  const long long key = id;
  const long long at = d.now();
  return d.db.transact(client, [&](soci::session& sql) {
    auto row = find_by_id(sql, key);
    if (!row) {
      throw Error(ErrorCode::not_found, "No such staff member.");
    }
    check_owner_rule(by, row->role);
    const auto next_name = name.value_or(row->name);
    const auto next_role = role.value_or(row->role);
    const bool active = change.active.value_or(row->active());
    long long disabled_at = row->active() ? at : row->disabled_at;
    soci::indicator disabled_ind = active ? soci::i_null : soci::i_ok;
    sql << kUpdateProfile, soci::use(next_name, "name"), soci::use(next_role, "role"),
        soci::use(disabled_at, disabled_ind, "disabled_at"), soci::use(at, "now"), soci::use(key, "id");
    if (row->role == "owner") {
      keep_an_owner(sql);
    }
    if (!active) {
      d.sessions.end_all(sql, key);  // a disabled member is signed out at once
    }
    auto updated = find_by_id(sql, key)->member();
    audit_staff(sql, "staff.update", row->member(), updated);
    return updated;
  });
}

void StaffService::remove(std::int64_t id, const std::optional<StaffActor>& by, std::string_view client) {
  const long long key = id;
  impl_->db.transact(client, [&](soci::session& sql) {
    auto row = find_by_id(sql, key);
    if (!row) {
      throw Error(ErrorCode::not_found, "No such staff member.");
    }
    check_owner_rule(by, row->role);
    sql << kDeleteStaff, soci::use(key, "id");
    if (row->role == "owner") {
      keep_an_owner(sql);
    }
    audit_staff(sql, "staff.delete", row->member(), std::nullopt);
  });
}

StaffMember StaffService::accept_invitation(std::string_view token, std::string_view password,
                                            std::string_view client) {
  auto& d = *impl_;
  const auto hash = token_hash(token);
  const long long at = d.now();
  auto row = d.db.read(client, db::Consistency::strong, [&](soci::session& sql) -> std::optional<StaffRow> {
    long long id = 0;
    sql << kFindInvitation, soci::use(hash, "token_hash"), soci::use(at, "now"), soci::into(id);
    return sql.got_data() ? find_by_id(sql, id) : std::nullopt;
  });
  if (!row) {
    throw Error(ErrorCode::not_found, "This invitation is unknown, used or expired.");
  }
  check_new_password(password, kStaffPasswords, row->email);
  const auto password_hash = d.hasher.hash(password);
  return d.db.transact(client, [&](soci::session& sql) {
    // The invitation is used up by the same transaction that sets the password: a second use of
    // the link finds nothing, even one racing this one.
    soci::statement st = (sql.prepare << kDeleteInvitations, soci::use(row->id, "id"));
    if (affected(st) == 0) {
      throw Error(ErrorCode::not_found, "This invitation is unknown, used or expired.");
    }
    sql << kUpdateHash, soci::use(password_hash, "hash"), soci::use(at, "now"), soci::use(row->id, "id");
    return find_by_id(sql, row->id)->member();
  });
}

TotpEnrolment StaffService::begin_totp(std::int64_t staff_id) {
  auto& d = *impl_;
  const long long key = staff_id;
  auto row = d.db.read("", db::Consistency::strong, [&](soci::session& sql) { return find_by_id(sql, key); });
  if (!row) {
    throw Error(ErrorCode::not_found, "No such staff member.");
  }
  if (row->totp_enabled()) {
    throw Error(ErrorCode::conflict, "The second factor is already on.");
  }
  row->secret_ind = soci::i_null;  // a voluntary set-up starts from a new secret
  auto secret = d.pending_secret(*row);
  return TotpEnrolment{secret, totp_uri(options_.totp_issuer, row->email, *base32_decode(secret))};
}

std::vector<std::string> StaffService::confirm_totp(std::int64_t staff_id, std::string_view code) {
  auto& d = *impl_;
  const long long key = staff_id;
  auto row = d.db.read("", db::Consistency::strong, [&](soci::session& sql) { return find_by_id(sql, key); });
  if (!row) {
    throw Error(ErrorCode::not_found, "No such staff member.");
  }
  if (row->totp_enabled() || row->secret_ind != soci::i_ok) {
    throw Error(ErrorCode::conflict, "There is no second factor being set up.");
  }
  auto codes = d.enable_totp(row->id, row->totp_secret, detail::trimmed(code));
  if (!codes) {
    throw Error::invalid_field("code", "is not the current code of the authenticator app");
  }
  return std::move(*codes);
}

}  // namespace ecom::identity
