// For the storefront's HTTP tests: a catalog on a temporary, migrated SQLite database with the
// in-process cache, as the embedded default runs it.
#pragma once

#include "test_support.hpp"

#include <ecom/cache/local_cache.hpp>
#include <ecom/catalog/catalog.hpp>
#include <ecom/db/migrations.hpp>

#include <chrono>
#include <memory>

namespace ecom::storefront::test {

class TestCatalog {
 public:
  TestCatalog()
      : db_(std::make_unique<db::Database>(db::test::sqlite_options(dir_.path() / "shop.db"))),
        cache_(cache::LocalCacheOptions{}),
        service_(std::make_unique<ecom::catalog::CatalogService>(
            *db_, cache_, ecom::catalog::CatalogOptions{"storefront-test-secret", std::chrono::minutes(5)})) {
    db::Migrator(*db_, ECOM_SOURCE_DIR "/migrations").apply();
  }

  [[nodiscard]] ecom::catalog::CatalogService& service() noexcept { return *service_; }

 private:
  db::test::TempDir dir_;
  std::unique_ptr<db::Database> db_;
  cache::LocalCache cache_;
  std::unique_ptr<ecom::catalog::CatalogService> service_;
};

}  // namespace ecom::storefront::test
