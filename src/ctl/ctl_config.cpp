#include "ctl_config.hpp"

#include <ecom/db/database.hpp>
#include <ecom/messaging/options.hpp>
#include <ecom/platform/log.hpp>

#include <cstdlib>

namespace ecom::ctl {

std::string config_path(const std::optional<std::string>& given) {
  if (given) {
    return *given;
  }
  if (const char* env = std::getenv("ECOM_CONFIG"); env != nullptr) {
    return env;
  }
  return "config/ecomctl.json";
}

config::Config load_config(const std::string& path) {
  config::Schema schema;
  db::declare_config(schema);
  messaging::declare_config(schema);
  schema.string("log.level", "warn", "lowest level written to the log", {"debug", "info", "warn", "error"});
  auto cfg = config::Config::load(schema, path, config::process_environment());
  log::set_level(*log::parse_level(cfg.string("log.level")));
  return cfg;
}

}  // namespace ecom::ctl
