// Staff accounts, their second factor, invitations and the owner rules on every backend: run by
// customers_sqlite_test.cpp (unit) and customers_pg_test.cpp (integration) beside the customers
// suite.
#pragma once

#include "backend_suite.hpp"

#include <ecom/db/database.hpp>

#include <vector>

namespace ecom::identity::test {

[[nodiscard]] std::vector<ecom::test::SuiteCase<db::Database>> staff_suite();

}  // namespace ecom::identity::test
