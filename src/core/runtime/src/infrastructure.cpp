#include <ecom/cache/factory.hpp>
#include <ecom/db/migrations.hpp>
#include <ecom/platform/log.hpp>
#include <ecom/runtime/infrastructure.hpp>

namespace ecom::runtime {
namespace {

constexpr std::chrono::milliseconds kProbeInterval{2000};

}  // namespace

void declare_config(config::Schema& schema) {
  db::declare_config(schema);
  cache::declare_config(schema);
}

Infrastructure::Infrastructure(const config::Config& config, std::shared_ptr<metrics::Registry> metrics)
    : metrics_(std::move(metrics)) {
  auto cache_options = cache::options_from(config);
  database_ = std::make_unique<db::Database>(db::options_from(config));
  db::Migrator(*database_).verify();
  database_->export_metrics(*metrics_);
  probe_ = std::make_unique<db::HealthProbe>(*database_, kProbeInterval);
  cache_ = cache::make_cache(cache_options, database_.get(), *metrics_);
  log::info("infrastructure ready", {{"database", database_->display_name()},
                                     {"cache", cache_options.redis.url.empty() ? "in-process" : "redis"}});
}

// The cache may hold a listener thread that reads the database: it goes first.
Infrastructure::~Infrastructure() {
  cache_.reset();
  probe_.reset();
  database_.reset();
}

void Infrastructure::add_readiness_checks(http::Server& server) const {
  server.add_readiness_check("database", probe_->readiness_check());
  server.add_readiness_check(
      "cache", [cache = cache_.get()] { return cache->healthy(); }, http::Server::Dependency::optional);
}

}  // namespace ecom::runtime
