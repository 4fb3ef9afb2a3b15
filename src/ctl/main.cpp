// ecomctl: the operator's tool. Commands that need the database (migrate, seed, outbox) arrive
// with the data core; the command table is here so that each lands as one entry.
#include "commands.hpp"

#include <ecom/platform/config.hpp>
#include <ecom/platform/log.hpp>

#include <fmt/format.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <string_view>

namespace {

struct Command {
  std::string_view name;
  std::string_view summary;
  int (*run)(int argc, char** argv);
};

int print_version(int /*argc*/, char** /*argv*/) {
  fmt::print("ecomctl {}\n", ECOM_VERSION);
  return 0;
}

// Operators set keys through the environment in systemd units and Kubernetes manifests; this
// answers "which variable is that?" with the same function the servers use.
int env_name(int argc, char** argv) {
  if (argc != 1) {
    fmt::print(stderr, "ecomctl env-name: expected exactly one key, e.g. ecomctl env-name http.port\n");
    return 2;
  }
  fmt::print("{}\n", ecom::config::env_name(argv[0]));
  return 0;
}

int print_help(int argc, char** argv);

int migrate(int argc, char** argv) {
  return ecom::ctl::migrate_command({argv, static_cast<std::size_t>(argc)});
}
int outbox(int argc, char** argv) {
  return ecom::ctl::outbox_command({argv, static_cast<std::size_t>(argc)});
}
int seed(int argc, char** argv) {
  return ecom::ctl::seed_command({argv, static_cast<std::size_t>(argc)});
}
int audit(int argc, char** argv) {
  return ecom::ctl::audit_command({argv, static_cast<std::size_t>(argc)});
}
int staff(int argc, char** argv) {
  return ecom::ctl::staff_command({argv, static_cast<std::size_t>(argc)});
}

constexpr std::array kCommands{
    Command{"migrate", "apply pending database migrations (--status lists them)", migrate},
    Command{"seed", "seed --products N: fill the catalog with deterministic demo data", seed},
    Command{"staff", "staff create --email E --role R: a staff member (the password from stdin or generated)", staff},
    Command{"audit", "audit verify: check the audit log's hash chain (exit 1 naming the first broken entry)", audit},
    Command{"outbox", "outbox --status: pending, sent, dead letters; outbox retry-dead", outbox},
    Command{"version", "print the version", print_version},
    Command{"env-name", "print the environment variable that overrides a config key", env_name},
    Command{"help", "show this help", print_help},
};

int print_help(int /*argc*/, char** /*argv*/) {
  fmt::print("ecomctl {}: the ecom operator's tool\n\nUsage: ecomctl COMMAND [ARGS]\n\nCommands:\n", ECOM_VERSION);
  for (const auto& c : kCommands) {
    fmt::print("  {:<10} {}\n", c.name, c.summary);
  }
  fmt::print("\nEach server checks its own configuration with --check-config.\n");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    print_help(0, nullptr);
    return 2;
  }
  std::string_view name = argv[1];
  if (name == "--help" || name == "-h") {
    return print_help(0, nullptr);
  }
  if (name == "--version") {
    return print_version(0, nullptr);
  }
  for (const auto& c : kCommands) {
    if (c.name == name) {
      return c.run(argc - 2, argv + 2);
    }
  }
  fmt::print(stderr, "ecomctl: unknown command '{}' (try ecomctl help)\n", name);
  return 2;
}
