// The customers as staff see them: see customer_directory.hpp. Statements name only the identity
// module's own tables.
#include "events_internal.hpp"

#include <ecom/audit/audit.hpp>
#include <ecom/identity/customer_directory.hpp>
#include <ecom/identity/events.hpp>
#include <ecom/platform/error.hpp>
#include <ecom/platform/time.hpp>

#include <boost/json.hpp>
#include <soci/soci.h>

#include <chrono>
#include <limits>

namespace ecom::identity {
namespace {

using core::Error;
using core::ErrorCode;

constexpr const char* kColumns = "SELECT id, email, name, email_verified_at, disabled_at, created_at FROM customers ";
constexpr const char* kSetDisabled =
    "UPDATE customers SET disabled_at = :disabled_at, updated_at = :now WHERE id = :id";
constexpr const char* kDelete = "DELETE FROM customers WHERE id = :id";
constexpr const char* kDeleteSessions = "DELETE FROM customer_sessions WHERE customer_id = :id";

struct Row {
  long long id = 0;
  std::string email;
  std::string name;
  long long verified = 0;
  soci::indicator verified_ind = soci::i_null;
  long long disabled = 0;
  soci::indicator disabled_ind = soci::i_null;
  long long created_at = 0;

  [[nodiscard]] CustomerSummary summary() const {
    return CustomerSummary{id, email, name, verified_ind == soci::i_ok, disabled_ind == soci::i_ok, created_at};
  }
};

void bind(soci::statement& st, Row& r) {
  st.exchange(soci::into(r.id));
  st.exchange(soci::into(r.email));
  st.exchange(soci::into(r.name));
  st.exchange(soci::into(r.verified, r.verified_ind));
  st.exchange(soci::into(r.disabled, r.disabled_ind));
  st.exchange(soci::into(r.created_at));
  st.define_and_bind();
}

std::optional<CustomerSummary> find(soci::session& sql, long long id) {
  Row r;
  soci::statement st = (sql.prepare << kColumns << "WHERE id = :id", soci::use(id, "id"));
  bind(st, r);
  st.execute(true);
  return sql.got_data() ? std::optional(r.summary()) : std::nullopt;
}

// "%text%" for LIKE, with the pattern characters of the text escaped (ESCAPE '\').
std::string like_pattern(std::string_view text) {
  std::string out = "%";
  for (const char c : text) {
    if (c == '%' || c == '_' || c == '\\') {
      out += '\\';
    }
    out += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  }
  return out + "%";
}

// The audit log's values of an account: its state, not its data.
boost::json::value audited(const CustomerSummary& c) {
  return boost::json::object{{"email", c.email}, {"verified", c.verified}, {"disabled", c.disabled}};
}

}  // namespace

CustomerDirectory::CustomerDirectory(db::Database& db) : db_(db) {}

std::vector<CustomerSummary> CustomerDirectory::search(const CustomerSearch& search) {
  if (search.limit < 1 || search.limit > 200) {
    throw Error::bad_parameter("limit", "must be 1 to 200");
  }
  const auto pattern = like_pattern(search.text);
  const long long before = search.before.value_or(std::numeric_limits<long long>::max());
  const int limit = search.limit;
  return db_.read("", db::Consistency::any, [&](soci::session& sql) {
    std::vector<CustomerSummary> out;
    Row r;
    soci::statement st =
        (sql.prepare << kColumns
                     << "WHERE (email LIKE :p ESCAPE '\\' OR LOWER(name) LIKE :p2 ESCAPE '\\') "
                        "AND id < :before ORDER BY id DESC LIMIT :limit",
         soci::use(pattern, "p"), soci::use(pattern, "p2"), soci::use(before, "before"), soci::use(limit, "limit"));
    bind(st, r);
    st.execute();
    while (st.fetch()) {
      out.push_back(r.summary());
    }
    return out;
  });
}

CustomerSummary CustomerDirectory::get(std::int64_t id) {
  const long long key = id;
  auto found = db_.read("", db::Consistency::strong, [&](soci::session& sql) { return find(sql, key); });
  if (!found) {
    throw Error(ErrorCode::not_found, "No such customer.");
  }
  return *found;
}

CustomerSummary CustomerDirectory::set_disabled(std::int64_t id, bool disabled, std::string_view client) {
  const long long key = id;
  const long long at = time::now_us();
  return db_.transact(client, [&](soci::session& sql) {
    const auto before = find(sql, key);
    if (!before) {
      throw Error(ErrorCode::not_found, "No such customer.");
    }
    long long when = at;
    soci::indicator when_ind = disabled ? soci::i_ok : soci::i_null;
    sql << kSetDisabled, soci::use(when, when_ind, "disabled_at"), soci::use(at, "now"), soci::use(key, "id");
    if (disabled) {
      sql << kDeleteSessions, soci::use(key, "id");  // signed out at once, everywhere
    }
    auto after = *find(sql, key);
    audit::record(sql, audit::Change{disabled ? "customer.disable" : "customer.enable", "customer", std::to_string(key),
                                     after.email, audited(*before), audited(after)});
    return after;
  });
}

void CustomerDirectory::erase(std::int64_t id, std::string_view client) {
  const long long key = id;
  db_.transact(client, [&](soci::session& sql) {
    const auto before = find(sql, key);
    if (!before) {
      throw Error(ErrorCode::not_found, "No such customer.");
    }
    // Sessions and addresses go with the row (ON DELETE CASCADE).
    sql << kDelete, soci::use(key, "id");
    detail::publish(sql, kCustomerErased, key);
    // The entry keeps the id only: the erased person's email is not kept here either.
    audit::record(sql, audit::Change{"customer.erase", "customer", std::to_string(key), "", nullptr, nullptr});
  });
}

}  // namespace ecom::identity
