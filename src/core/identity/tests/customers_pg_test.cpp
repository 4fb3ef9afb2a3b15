// The customers suite on the real PostgreSQL (ECOM_TEST_PG_URL; the tests fail, never skip,
// without it), each case in a database of its own.
#include "customers_suite.hpp"
#include "pg_support.hpp"
#include "staff_suite.hpp"

#include <ecom/db/migrations.hpp>

#include <functional>

namespace {

// A fresh, migrated database for each case of both suites.
void with_database(const std::function<void(ecom::db::Database&)>& run) {
  ecom::db::test::TempPgDatabase pg;
  ecom::db::Database db(pg.options());
  ecom::db::Migrator(db, ECOM_SOURCE_DIR "/migrations").apply();
  run(db);
}

const bool kCustomersSuite = ecom::test::register_suite<ecom::db::Database>(
    "postgresql customers", "[identity][integration]", ecom::identity::test::customers_suite(), with_database, __FILE__,
    __LINE__);
const bool kStaffSuite = ecom::test::register_suite<ecom::db::Database>("postgresql staff", "[identity][integration]",
                                                                        ecom::identity::test::staff_suite(),
                                                                        with_database, __FILE__, __LINE__);

}  // namespace
