// The customers suite on SQLite in a temporary folder.
#include "customers_suite.hpp"
#include "staff_suite.hpp"
#include "test_support.hpp"

#include <ecom/db/migrations.hpp>

#include <functional>

namespace {

// A fresh, migrated database for each case of both suites.
void with_database(const std::function<void(ecom::db::Database&)>& run) {
  ecom::db::test::TempDir dir;
  ecom::db::Database db(ecom::db::test::sqlite_options(dir.path() / "shop.db"));
  ecom::db::Migrator(db, ECOM_SOURCE_DIR "/migrations").apply();
  run(db);
}

const bool kCustomersSuite = ecom::test::register_suite<ecom::db::Database>("sqlite customers", "[identity][sqlite]",
                                                                            ecom::identity::test::customers_suite(),
                                                                            with_database, __FILE__, __LINE__);
const bool kStaffSuite = ecom::test::register_suite<ecom::db::Database>(
    "sqlite staff", "[identity][sqlite]", ecom::identity::test::staff_suite(), with_database, __FILE__, __LINE__);

}  // namespace
