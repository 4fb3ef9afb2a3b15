// Reset and verification tokens, by email through a real SMTP server: cases of the customers
// suite (customers_suite.cpp appends them), so they run on SQLite and PostgreSQL alike.
#pragma once

#include "backend_suite.hpp"

#include <ecom/db/database.hpp>

#include <vector>

namespace ecom::identity::test {

[[nodiscard]] std::vector<ecom::test::SuiteCase<db::Database>> customer_tokens_cases();

}  // namespace ecom::identity::test
