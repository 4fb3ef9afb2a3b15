// The address book: see addresses.hpp. Every statement has "customer_id = :customer_id" in its
// WHERE clause (or inserts it): the one rule that keeps one customer's addresses from another.
#include "text.hpp"

#include <ecom/identity/addresses.hpp>
#include <ecom/platform/error.hpp>
#include <ecom/platform/time.hpp>

#include <soci/soci.h>

#include <algorithm>
#include <chrono>

namespace ecom::identity {
namespace {

using core::Error;
using core::ErrorCode;

constexpr const char* kColumns = "id, name, line1, line2, city, postal_code, region, country, phone";
constexpr const char* kCount = "SELECT COUNT(*) FROM customer_addresses WHERE customer_id = :customer_id";
constexpr const char* kInsert =
    "INSERT INTO customer_addresses (customer_id, name, line1, line2, city, postal_code, region, country, phone, "
    "created_at, updated_at) VALUES (:customer_id, :name, :line1, :line2, :city, :postal_code, :region, :country, "
    ":phone, :now, :now2) RETURNING id";
constexpr const char* kUpdate =
    "UPDATE customer_addresses SET name = :name, line1 = :line1, line2 = :line2, city = :city, "
    "postal_code = :postal_code, region = :region, country = :country, phone = :phone, updated_at = :now "
    "WHERE id = :id AND customer_id = :customer_id";
constexpr const char* kDelete =
    "DELETE FROM customer_addresses WHERE id = :id AND customer_id = :customer_id RETURNING id";
constexpr std::size_t kMaxChars = 200;

Error no_such_address() {
  return Error(ErrorCode::not_found, "No such address.");
}

std::string field(const std::string& value, const std::string& name, bool required) {
  return detail::checked_text(value, name, kMaxChars, required);
}

struct Row {
  long long id = 0;
  AddressFields f;
};

void bind_fields(soci::statement& st, Row& row) {
  st.exchange(soci::into(row.id));
  st.exchange(soci::into(row.f.name));
  st.exchange(soci::into(row.f.line1));
  st.exchange(soci::into(row.f.line2));
  st.exchange(soci::into(row.f.city));
  st.exchange(soci::into(row.f.postal_code));
  st.exchange(soci::into(row.f.region));
  st.exchange(soci::into(row.f.country));
  st.exchange(soci::into(row.f.phone));
}

std::optional<Address> find(soci::session& sql, long long customer_id, long long address_id) {
  Row row;
  soci::statement st(sql);
  bind_fields(st, row);
  st.exchange(soci::use(address_id, "id"));
  st.exchange(soci::use(customer_id, "customer_id"));
  st.alloc();
  st.prepare(std::string("SELECT ") + kColumns +
             " FROM customer_addresses WHERE id = :id AND customer_id = :customer_id");
  st.define_and_bind();
  if (!st.execute(true)) {
    return std::nullopt;
  }
  return Address{row.id, row.f};
}

}  // namespace

AddressFields checked_address(AddressFields f) {
  f.name = field(f.name, "name", true);
  f.line1 = field(f.line1, "line1", true);
  f.line2 = field(f.line2, "line2", false);
  f.city = field(f.city, "city", true);
  f.postal_code = field(f.postal_code, "postal_code", false);
  f.region = field(f.region, "region", false);
  f.country = field(f.country, "country", true);
  std::transform(f.country.begin(), f.country.end(), f.country.begin(),
                 [](char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c; });
  if (f.country.size() != 2 ||
      !std::all_of(f.country.begin(), f.country.end(), [](char c) { return c >= 'A' && c <= 'Z'; })) {
    throw Error::invalid_field("country", "must be an ISO 3166-1 alpha-2 code such as DE");
  }
  f.phone = field(f.phone, "phone", false);
  if (f.phone.find_first_not_of("0123456789 +-()") != std::string::npos) {
    throw Error::invalid_field("phone", "digits, blanks and + - ( ) only");
  }
  return f;
}

AddressBook::AddressBook(db::Database& db) : db_(db) {}

std::vector<Address> AddressBook::list(std::int64_t customer_id, std::string_view client) {
  const long long owner = customer_id;
  return db_.read(client, db::Consistency::strong, [&](soci::session& sql) {
    std::vector<Address> out;
    Row row;
    soci::statement st(sql);
    bind_fields(st, row);
    st.exchange(soci::use(owner, "customer_id"));
    st.alloc();
    st.prepare(std::string("SELECT ") + kColumns +
               " FROM customer_addresses WHERE customer_id = :customer_id ORDER BY id");
    st.define_and_bind();
    st.execute();
    while (st.fetch()) {
      out.push_back(Address{row.id, row.f});
    }
    return out;
  });
}

Address AddressBook::add(std::int64_t customer_id, const AddressFields& fields, std::string_view client) {
  auto f = checked_address(fields);
  const long long owner = customer_id;
  const long long at = time::now_us();
  return db_.transact(client, [&](soci::session& sql) {
    long long count = 0;
    sql << kCount, soci::use(owner, "customer_id"), soci::into(count);
    if (static_cast<std::size_t>(count) >= kMaxAddresses) {
      throw Error::invalid_field("addresses", "at most " + std::to_string(kMaxAddresses) + " addresses");
    }
    long long id = 0;
    sql << kInsert, soci::use(owner, "customer_id"), soci::use(f.name, "name"), soci::use(f.line1, "line1"),
        soci::use(f.line2, "line2"), soci::use(f.city, "city"), soci::use(f.postal_code, "postal_code"),
        soci::use(f.region, "region"), soci::use(f.country, "country"), soci::use(f.phone, "phone"),
        soci::use(at, "now"), soci::use(at, "now2"), soci::into(id);
    return Address{id, f};
  });
}

Address AddressBook::get(std::int64_t customer_id, std::int64_t address_id, std::string_view client) {
  auto found =
      db_.read(client, db::Consistency::strong, [&](soci::session& sql) { return find(sql, customer_id, address_id); });
  if (!found) {
    throw no_such_address();
  }
  return std::move(*found);
}

Address AddressBook::update(std::int64_t customer_id, std::int64_t address_id, const AddressChanges& changes,
                            std::string_view client) {
  const long long owner = customer_id;
  const long long id = address_id;
  const long long at = time::now_us();
  return db_.transact(client, [&](soci::session& sql) {
    auto current = find(sql, owner, id);
    if (!current) {
      throw no_such_address();
    }
    AddressFields f = current->fields;
    for (auto [target, change] :
         {std::pair{&f.name, &changes.name}, std::pair{&f.line1, &changes.line1}, std::pair{&f.line2, &changes.line2},
          std::pair{&f.city, &changes.city}, std::pair{&f.postal_code, &changes.postal_code},
          std::pair{&f.region, &changes.region}, std::pair{&f.country, &changes.country},
          std::pair{&f.phone, &changes.phone}}) {
      if (*change) {
        *target = **change;
      }
    }
    f = checked_address(std::move(f));
    sql << kUpdate, soci::use(f.name, "name"), soci::use(f.line1, "line1"), soci::use(f.line2, "line2"),
        soci::use(f.city, "city"), soci::use(f.postal_code, "postal_code"), soci::use(f.region, "region"),
        soci::use(f.country, "country"), soci::use(f.phone, "phone"), soci::use(at, "now"), soci::use(id, "id"),
        soci::use(owner, "customer_id");
    return Address{id, f};
  });
}

void AddressBook::remove(std::int64_t customer_id, std::int64_t address_id, std::string_view client) {
  const long long owner = customer_id;
  const long long id = address_id;
  const bool removed = db_.transact(client, [&](soci::session& sql) {
    long long gone = 0;
    sql << kDelete, soci::use(id, "id"), soci::use(owner, "customer_id"), soci::into(gone);
    return sql.got_data();
  });
  if (!removed) {
    throw no_such_address();
  }
}

}  // namespace ecom::identity
