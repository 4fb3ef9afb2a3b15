#include <ecom/platform/log.hpp>
#include <ecom/platform/process.hpp>

#include <fmt/format.h>

#include <cstdio>
#include <cstdlib>
#include <pthread.h>
#include <signal.h>

namespace ecom::process {
namespace {

sigset_t stop_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  return set;
}

void print_help(std::string_view binary, std::string_view description, const config::Schema& schema) {
  fmt::print(
      "{0} {1}: {2}\n\n"
      "Usage: {0} [--config FILE] [--check-config]\n\n"
      "Options:\n"
      "  --config FILE    configuration file (default: $ECOM_CONFIG, else config/{4}.json)\n"
      "  --check-config   load and validate the configuration, then exit\n"
      "  --help           show this help\n"
      "  --version        show the version\n\n"
      "Every key can be overridden by an environment variable: ECOM_ + the key in upper case with\n"
      "dots as underscores (http.port -> ECOM_HTTP_PORT). Secrets come only from the environment.\n\n"
      "Configuration keys:\n{3}",
      binary, ECOM_VERSION, description, config::Config::describe(schema),
      binary.starts_with("ecom-") ? binary.substr(5) : binary);
}

}  // namespace

std::optional<Startup> start(int argc, char** argv, std::string_view binary_name, std::string_view description,
                             config::Schema schema, int& exit_code) {
  schema.string("log.level", "info", "lowest level written to the log", {"debug", "info", "warn", "error"});
  std::string short_name(binary_name.starts_with("ecom-") ? binary_name.substr(5) : binary_name);
  std::optional<std::string> config_path;
  bool check_only = false;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      print_help(binary_name, description, schema);
      exit_code = 0;
      return std::nullopt;
    }
    if (arg == "--version") {
      fmt::print("{} {}\n", binary_name, ECOM_VERSION);
      exit_code = 0;
      return std::nullopt;
    }
    if (arg == "--check-config") {
      check_only = true;
    } else if (arg == "--config" && i + 1 < argc) {
      config_path = argv[++i];
    } else if (arg.starts_with("--config=")) {
      config_path = std::string(arg.substr(9));
    } else {
      fmt::print(stderr, "{}: unknown argument '{}' (try --help)\n", binary_name, arg);
      exit_code = 2;
      return std::nullopt;
    }
  }
  if (!config_path) {
    const char* env = std::getenv("ECOM_CONFIG");
    config_path = env != nullptr ? std::string(env) : "config/" + short_name + ".json";
  }
  try {
    auto cfg = config::Config::load(schema, *config_path, config::process_environment());
    log::set_level(*log::parse_level(cfg.string("log.level")));
    if (check_only) {
      fmt::print("{}: configuration {} is valid\n", binary_name, *config_path);
      exit_code = 0;
      return std::nullopt;
    }
    return Startup{std::move(cfg), *config_path};
  } catch (const config::ConfigError& e) {
    fmt::print(stderr, "{}: configuration error: {}\n", binary_name, e.what());
    exit_code = 2;
    return std::nullopt;
  }
}

void block_stop_signals() {
  const auto set = stop_signals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

int wait_for_stop_signal() {
  const auto set = stop_signals();
  int received = 0;
  while (sigwait(&set, &received) != 0) {
  }
  return received;
}

int run(int argc, char** argv, std::string_view binary_name, std::string_view description, config::Schema schema,
        const std::function<int(const config::Config&)>& body) {
  block_stop_signals();
  int exit_code = 0;
  auto startup = start(argc, argv, binary_name, description, std::move(schema), exit_code);
  if (!startup) {
    return exit_code;
  }
  try {
    return body(startup->config);
  } catch (const config::ConfigError& e) {
    fmt::print(stderr, "{}: configuration error: {}\n", binary_name, e.what());
    return 2;
  } catch (const std::exception& e) {
    log::error("start-up failed", {{"error", e.what()}});
    fmt::print(stderr, "{}: cannot start: {}\n", binary_name, e.what());
    return 1;
  }
}

}  // namespace ecom::process
