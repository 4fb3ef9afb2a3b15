#include "ctl_config.hpp"

#include <ecom/db/database.hpp>
#include <ecom/messaging/options.hpp>
#include <ecom/platform/error.hpp>
#include <ecom/platform/log.hpp>
#include <ecom/storage/storage.hpp>

#include <fmt/format.h>

#include <cstdio>
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
  storage::declare_config(schema);  // seed writes placeholder images
  schema.string("log.level", "warn", "lowest level written to the log", {"debug", "info", "warn", "error"});
  auto cfg = config::Config::load(schema, path, config::process_environment());
  log::set_level(*log::parse_level(cfg.string("log.level")));
  return cfg;
}

int report_errors(std::string_view command, const std::function<int()>& body, std::string_view hint) {
  try {
    return body();
  } catch (const config::ConfigError& e) {
    fmt::print(stderr, "ecomctl {}: configuration error: {}\n", command, e.what());
    return 2;
  } catch (const core::Error& e) {
    // The operator's text: the address and the driver's reason, where a client would read less.
    fmt::print(stderr, "ecomctl {}: {}\n", command, e.log_text());
    return 1;
  } catch (const std::exception& e) {
    // SQL errors, most often tables missing because ecomctl migrate has not run.
    if (hint.empty()) {
      fmt::print(stderr, "ecomctl {}: failed: {}\n", command, e.what());
    } else {
      fmt::print(stderr, "ecomctl {}: failed: {} ({})\n", command, e.what(), hint);
    }
    return 1;
  }
}

}  // namespace ecom::ctl
