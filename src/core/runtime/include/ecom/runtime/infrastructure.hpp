// The shared infrastructure of a server process: the database (refusing a schema that is behind,
// ahead or altered), a background health probe for it, and the cache (Redis when configured, else
// the in-process LRU whose invalidations travel through the database to the other processes).
#pragma once

#include <ecom/cache/cache.hpp>
#include <ecom/db/database.hpp>
#include <ecom/db/health_probe.hpp>
#include <ecom/platform/config.hpp>
#include <ecom/platform/http/server.hpp>
#include <ecom/platform/metrics.hpp>

#include <memory>

namespace ecom::runtime {

// Declares the db.* and cache.* keys.
void declare_config(config::Schema& schema);

class Infrastructure {
 public:
  // Throws core::Error(unavailable) when the database cannot be reached or its schema is not
  // current (the message says to run `ecomctl migrate`), config::ConfigError on bad values.
  Infrastructure(const config::Config& config, std::shared_ptr<metrics::Registry> metrics);
  ~Infrastructure();
  Infrastructure(const Infrastructure&) = delete;
  Infrastructure& operator=(const Infrastructure&) = delete;

  [[nodiscard]] db::Database& database() noexcept { return *database_; }
  [[nodiscard]] cache::Cache& cache() noexcept { return *cache_; }
  [[nodiscard]] const std::shared_ptr<metrics::Registry>& metrics() const noexcept { return metrics_; }

  // /readyz: the database is required; the cache is optional (down means slower, not broken).
  void add_readiness_checks(http::Server& server) const;

 private:
  std::shared_ptr<metrics::Registry> metrics_;
  std::unique_ptr<db::Database> database_;
  std::unique_ptr<db::HealthProbe> probe_;
  std::unique_ptr<cache::Cache> cache_;
};

}  // namespace ecom::runtime
