// Customer accounts and sessions on every backend: the one list of cases, run by
// customers_sqlite_test.cpp (unit) and customers_pg_test.cpp (integration).
#pragma once

#include "backend_suite.hpp"

#include <ecom/db/database.hpp>

#include <vector>

namespace ecom::identity::test {

[[nodiscard]] std::vector<ecom::test::SuiteCase<db::Database>> customers_suite();

}  // namespace ecom::identity::test
