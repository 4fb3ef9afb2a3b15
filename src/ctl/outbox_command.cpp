// ecomctl outbox: the outbox and the dead letters, for operators.
//   ecomctl outbox --status      pending and sent outbox rows, dead letters
//   ecomctl outbox retry-dead    sends every dead letter back to its consumer
// Both read db.* and messaging.* from ecomctl's config (see ctl_config.hpp) and the environment.
#include "commands.hpp"
#include "ctl_config.hpp"

#include <ecom/db/database.hpp>
#include <ecom/messaging/admin.hpp>
#include <ecom/messaging/options.hpp>
#include <ecom/platform/config.hpp>
#include <ecom/platform/error.hpp>
#include <ecom/platform/log.hpp>

#include <fmt/format.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace ecom::ctl {
namespace {

constexpr std::string_view kUsage =
    "usage: ecomctl outbox --status [--config FILE]\n"
    "       ecomctl outbox retry-dead [--config FILE]\n";

}  // namespace

int outbox_command(Args args) {
  std::optional<std::string> action;
  std::optional<std::string> file;
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string_view arg = args[i];
    if (arg == "--status" || arg == "retry-dead") {
      if (action) {
        fmt::print(stderr, "ecomctl outbox: give one of --status and retry-dead\n{}", kUsage);
        return 2;
      }
      action = std::string(arg);
    } else if (arg == "--config" && i + 1 < args.size()) {
      file = args[++i];
    } else if (arg.starts_with("--config=")) {
      file = std::string(arg.substr(9));
    } else if (arg == "--help" || arg == "-h") {
      fmt::print("{}", kUsage);
      return 0;
    } else {
      fmt::print(stderr, "ecomctl outbox: unknown argument '{}'\n{}", arg, kUsage);
      return 2;
    }
  }
  if (!action) {
    fmt::print(stderr, "ecomctl outbox: nothing to do\n{}", kUsage);
    return 2;
  }

  return report_errors(
      "outbox",
      [&] {
        auto cfg = load_config(config_path(file));
        auto options = messaging::options_from(cfg);
        db::Database database(db::options_from(cfg));
        const std::string where = messaging::embedded(options)
                                      ? std::string("dead_letters table; embedded mode")
                                      : fmt::format("RabbitMQ queue {}.dead-letter", options.queue_prefix);
        if (*action == "--status") {
          auto status = messaging::outbox_status(database, options);
          fmt::print("pending       {}\nsent          {}\ndead letters  {} ({})\n", status.pending, status.sent,
                     status.dead_letters, where);
          return 0;
        }
        auto moved = messaging::retry_dead_letters(database, options);
        fmt::print("moved {} dead letter{} back to {} consumer{} ({})\n", moved, moved == 1 ? "" : "s",
                   moved == 1 ? "its" : "their", moved == 1 ? "" : "s", where);
        return 0;
      },
      "is the schema current? see ecomctl migrate --status");
}

}  // namespace ecom::ctl
