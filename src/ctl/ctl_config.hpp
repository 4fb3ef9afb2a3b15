// ecomctl's configuration, shared by every command: one schema (db.*, messaging.*, log.level) so
// that one config/ecomctl.json serves them all, and one rule for finding the file.
#pragma once

#include <ecom/platform/config.hpp>

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace ecom::ctl {

// --config FILE, else $ECOM_CONFIG, else config/ecomctl.json (relative to the working directory).
[[nodiscard]] std::string config_path(const std::optional<std::string>& given);

// Loads and validates the file and the ECOM_* environment, and sets the log level. A missing file
// is an error rather than silent defaults: defaults would create var/ecom.db wherever ecomctl runs.
// Throws config::ConfigError.
[[nodiscard]] config::Config load_config(const std::string& path);

// Runs a command's body with the error handling every command shares: a configuration error exits
// 2, a core::Error (database unreachable, a rule broken) or any other failure exits 1, each with one
// line on stderr naming the command; hint follows an unexpected failure when given.
[[nodiscard]] int report_errors(std::string_view command, const std::function<int()>& body, std::string_view hint = {});

}  // namespace ecom::ctl
