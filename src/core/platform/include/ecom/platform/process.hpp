// Start-up shared by the binaries: --help, --version, --config, loading and validating the config,
// and the log level. Keeps each main() to wiring.
#pragma once

#include <ecom/platform/config.hpp>

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace ecom::process {

struct Startup {
  config::Config config;
  std::string config_path;
};

// Parses argv ("--config FILE", "--help", "--version", "--check-config"); loads the config (the
// default file is config/<name>.json, or ECOM_CONFIG); sets the log level from log.level (declared
// here). Prints help/version/errors itself and returns nullopt with exit_code set when the process
// should exit.
[[nodiscard]] std::optional<Startup> start(int argc, char** argv, std::string_view binary_name,
                                           std::string_view description, config::Schema schema, int& exit_code);

// The whole life of a binary: block_stop_signals(), start() as above, then body(config), reporting
// the errors every binary reports the same way: a configuration error exits 2, any other failure to
// start is logged and exits 1, with the reason on stderr. Returns the exit code.
[[nodiscard]] int run(int argc, char** argv, std::string_view binary_name, std::string_view description,
                      config::Schema schema, const std::function<int(const config::Config&)>& body);

// Blocks SIGTERM and SIGINT in the calling thread, and so in every thread it starts afterwards.
// Call it before any thread exists: a stop signal then waits, pending, for wait_for_stop_signal()
// instead of killing the process with the default action. Without it a SIGTERM that arrives after
// the server answers but before the main thread waits for it ends the process with 143.
void block_stop_signals();

// Waits until SIGTERM or SIGINT is pending (one sent before the call counts) and returns its number.
// Needs block_stop_signals() first.
int wait_for_stop_signal();

}  // namespace ecom::process
