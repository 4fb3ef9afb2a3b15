// For the storefront's HTTP tests: a catalog on a temporary, migrated SQLite database with the
// in-process cache, as the embedded default runs it.
#pragma once

#include "catalog_writer.hpp"
#include "test_support.hpp"

#include <ecom/cache/local_cache.hpp>
#include <ecom/catalog/catalog.hpp>
#include <ecom/db/migrations.hpp>

#include <atomic>
#include <chrono>
#include <memory>

namespace ecom::storefront::test {

// The in-process cache, counting the answers peek gave: how a test tells that a request was
// answered from memory by a route's fast path rather than by its handler.
class CountingCache final : public cache::Cache {
 public:
  [[nodiscard]] std::optional<std::string> get(std::string_view key) override { return local_.get(key); }
  void set(std::string_view key, std::string_view value, std::chrono::milliseconds ttl,
           const cache::Tags& tags = {}) override {
    local_.set(key, value, ttl, tags);
  }
  void invalidate(std::string_view key) override { local_.invalidate(key); }
  void invalidate_tag(std::string_view tag) override { local_.invalidate_tag(tag); }
  [[nodiscard]] bool healthy() const override { return true; }
  [[nodiscard]] std::optional<std::string> peek(std::string_view key) override {
    auto hit = local_.peek(key);
    if (hit) {
      ++peek_hits_;
    }
    return hit;
  }
  [[nodiscard]] int peek_hits() const noexcept { return peek_hits_.load(); }

 private:
  // No invalidation guard: the tests read right after seeding, and a request here never races a
  // write, so a view read after a change must be cached at once for the next request to find it.
  static cache::LocalCacheOptions options() {
    cache::LocalCacheOptions o;
    o.invalidation_guard = std::chrono::milliseconds(0);
    return o;
  }
  cache::LocalCache local_{options()};
  std::atomic<int> peek_hits_{0};
};

class TestCatalog {
 public:
  TestCatalog()
      : db_(std::make_unique<db::Database>(db::test::sqlite_options(dir_.path() / "shop.db"))),
        service_(std::make_unique<ecom::catalog::CatalogService>(
            *db_, cache_, ecom::catalog::CatalogOptions{"storefront-test-secret", std::chrono::minutes(5)})),
        writer_(*db_, cache_) {
    db::Migrator(*db_, ECOM_SOURCE_DIR "/migrations").apply();
  }

  [[nodiscard]] ecom::catalog::CatalogService& service() noexcept { return *service_; }
  // The migrated database, for other modules' services on the same shop (accounts).
  [[nodiscard]] db::Database& database() noexcept { return *db_; }
  // Writes go through the admin's path (CatalogAdmin), as staff make them.
  [[nodiscard]] ecom::catalog::test::CatalogWriter& writer() noexcept { return writer_; }
  [[nodiscard]] const CountingCache& cache() const noexcept { return cache_; }

 private:
  db::test::TempDir dir_;
  std::unique_ptr<db::Database> db_;
  CountingCache cache_;
  std::unique_ptr<ecom::catalog::CatalogService> service_;
  ecom::catalog::test::CatalogWriter writer_;
};

}  // namespace ecom::storefront::test
