// ecomctl migrate [--status] [--config FILE]: applies pending migrations, or lists them.
#include "commands.hpp"
#include "ctl_config.hpp"

#include <ecom/db/database.hpp>
#include <ecom/db/migrations.hpp>
#include <ecom/messaging/options.hpp>
#include <ecom/platform/config.hpp>
#include <ecom/platform/error.hpp>
#include <ecom/platform/log.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <optional>
#include <string>
#include <string_view>

namespace ecom::ctl {
namespace {

constexpr std::string_view kUsage =
    "Usage: ecomctl migrate [--status] [--config FILE]\n\n"
    "Applies the pending migrations from db.migrations_dir/<backend>/ in order, each in its own\n"
    "transaction, and prints each file applied. --status lists every migration instead: version,\n"
    "name, state (applied, pending, altered, missing file) and when it was applied.\n\n"
    "The configuration file is FILE, else $ECOM_CONFIG, else config/ecomctl.json; every key can be\n"
    "overridden from the environment (db.url -> ECOM_DB_URL), and the password comes only from\n"
    "ECOM_DB_PASSWORD.\n";

struct Options {
  bool status = false;
  std::string config_path;
};

// nullopt with exit_code set when the command should stop here.
std::optional<Options> parse_args(Args args, int& exit_code) {
  Options options;
  std::optional<std::string> config_path;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string_view arg = args[i];
    if (arg == "--help" || arg == "-h") {
      fmt::print("{}", kUsage);
      exit_code = 0;
      return std::nullopt;
    }
    if (arg == "--status") {
      options.status = true;
    } else if (arg == "--config" && i + 1 < args.size()) {
      config_path = args[++i];
    } else if (arg.starts_with("--config=")) {
      config_path = std::string(arg.substr(9));
    } else {
      fmt::print(stderr, "ecomctl migrate: unknown argument '{}'\n\n{}", arg, kUsage);
      exit_code = 2;
      return std::nullopt;
    }
  }
  options.config_path = ecom::ctl::config_path(config_path);
  return options;
}

void print_status(const std::vector<db::MigrationStatus>& rows) {
  std::size_t name_width = 4;
  for (const auto& row : rows) {
    name_width = std::max(name_width, row.name.size());
  }
  fmt::print("{:<8} {:<{}} {:<13} {}\n", "version", "name", name_width, "state", "applied_at");
  std::size_t pending = 0;
  std::size_t broken = 0;
  for (const auto& row : rows) {
    fmt::print("{:04}     {:<{}} {:<13} {}\n", row.version, row.name, name_width, db::to_string(row.state),
               row.applied_at.empty() ? "-" : row.applied_at);
    pending += row.state == db::MigrationStatus::State::pending ? 1 : 0;
    broken += row.state == db::MigrationStatus::State::altered || row.state == db::MigrationStatus::State::missing_file
                  ? 1
                  : 0;
  }
  if (broken > 0) {
    fmt::print("{} migration(s) altered or missing their file: the schema does not match these files\n", broken);
  } else if (pending > 0) {
    fmt::print("{} pending migration(s): run ecomctl migrate\n", pending);
  } else {
    fmt::print("schema is up to date ({} migrations)\n", rows.size());
  }
}

}  // namespace

int migrate_command(Args args) {
  int exit_code = 0;
  auto options = parse_args(args, exit_code);
  if (!options) {
    return exit_code;
  }
  return report_errors("migrate", [&] {
    const auto cfg = load_config(options->config_path);
    db::Database db(db::options_from(cfg));
    db::Migrator migrator(db);
    if (options->status) {
      fmt::print("database {}, migrations from {}\n", db.display_name(), migrator.directory().string());
      print_status(migrator.status());
      return 0;
    }
    fmt::print("migrating {} from {}\n", db.display_name(), migrator.directory().string());
    const auto applied = migrator.apply();
    for (const auto& file : applied) {
      fmt::print("applied {}\n", file);
    }
    fmt::print("schema is up to date ({} applied now)\n", applied.size());
    return 0;
  });
}

}  // namespace ecom::ctl
