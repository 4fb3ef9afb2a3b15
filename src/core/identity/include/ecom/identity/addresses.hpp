// A customer's address book. Every call takes the customer's id and reaches only that customer's
// addresses: an id that belongs to someone else is not_found, exactly like one that does not exist.
#pragma once

#include <ecom/db/database.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ecom::identity {

struct AddressFields {
  std::string name;  // who receives
  std::string line1;
  std::string line2;
  std::string city;
  std::string postal_code;
  std::string region;
  std::string country;  // ISO 3166-1 alpha-2, upper case ("DE")
  std::string phone;
};

struct Address {
  std::int64_t id = 0;
  AddressFields fields;
};

// A change: the fields given are replaced, the others kept.
struct AddressChanges {
  std::optional<std::string> name;
  std::optional<std::string> line1;
  std::optional<std::string> line2;
  std::optional<std::string> city;
  std::optional<std::string> postal_code;
  std::optional<std::string> region;
  std::optional<std::string> country;
  std::optional<std::string> phone;
};

inline constexpr std::size_t kMaxAddresses = 50;

class AddressBook {
 public:
  explicit AddressBook(db::Database& db);

  [[nodiscard]] std::vector<Address> list(std::int64_t customer_id, std::string_view client);
  // Throws unprocessable naming the field (name, line1 and city required; at most 200 characters
  // each, no control characters; country two letters, stored upper-case; phone digits, blanks and
  // + - ( ) only), and unprocessable naming "addresses" past kMaxAddresses.
  [[nodiscard]] Address add(std::int64_t customer_id, const AddressFields& fields, std::string_view client);
  // not_found ("No such address.") unless the address is the customer's.
  [[nodiscard]] Address get(std::int64_t customer_id, std::int64_t address_id, std::string_view client);
  [[nodiscard]] Address update(std::int64_t customer_id, std::int64_t address_id, const AddressChanges& changes,
                               std::string_view client);
  void remove(std::int64_t customer_id, std::int64_t address_id, std::string_view client);

 private:
  db::Database& db_;
};

// The fields checked and normalised (trimmed, country upper-cased), as add and update store them.
[[nodiscard]] AddressFields checked_address(AddressFields fields);

}  // namespace ecom::identity
