// The customers as staff see them (the admin's customer pages, docs/identity.md): search by email
// or name, one customer with their addresses and history, disabling (no sign-in, sessions ended)
// and erasure on request (GDPR art. 17) without the customer's password. Every change is in the
// audit log, with the actor of the current audit::Scope.
#pragma once

#include <ecom/db/database.hpp>
#include <ecom/identity/addresses.hpp>
#include <ecom/identity/customers.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ecom::identity {

struct CustomerSummary {
  std::int64_t id = 0;
  std::string email;
  std::string name;
  bool verified = false;
  bool disabled = false;
  std::int64_t created_at = 0;  // microseconds since the Unix epoch
};

struct CustomerSearch {
  std::string text;                    // part of the email or the name, any case; "" for all
  std::optional<std::int64_t> before;  // paging: customers with a smaller id (newest first)
  int limit = 50;                      // 1..200
};

class CustomerDirectory {
 public:
  explicit CustomerDirectory(db::Database& db);

  // Newest first. Throws core::Error bad_request naming "limit" outside 1..200.
  [[nodiscard]] std::vector<CustomerSummary> search(const CustomerSearch& search);
  // not_found when there is no such customer.
  [[nodiscard]] CustomerSummary get(std::int64_t id);
  // Disabling ends every session of the customer at once; enabling lets them sign in again.
  [[nodiscard]] CustomerSummary set_disabled(std::int64_t id, bool disabled, std::string_view client);
  // Erases the account as CustomerService::erase does, on a staff member's word instead of the
  // customer's password; publishes identity.customer_erased. not_found when there is none.
  void erase(std::int64_t id, std::string_view client);

 private:
  db::Database& db_;
};

}  // namespace ecom::identity
