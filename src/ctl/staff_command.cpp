// ecomctl staff: staff accounts, for the operator (the admin's own pages and API manage them
// once an owner exists).
//   ecomctl staff create --email E --role R [--name N] [--password-stdin] [--if-none]
// The password is the first line of standard input with --password-stdin; without it a random
// one is generated and printed once. --if-none creates nothing when any staff member exists
// (scripts/run's demo owner, made on the first run only). Reads db.* from ecomctl's config.
#include "commands.hpp"
#include "ctl_config.hpp"

#include <ecom/audit/audit.hpp>
#include <ecom/cache/local_cache.hpp>
#include <ecom/db/database.hpp>
#include <ecom/identity/staff.hpp>
#include <ecom/identity/tokens.hpp>

#include <fmt/format.h>

#include <cstdio>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ecom::ctl {
namespace {

constexpr std::string_view kUsage =
    "usage: ecomctl staff create --email E --role R [--name N] [--password-stdin] [--if-none] [--config FILE]\n"
    "  roles: owner, administrator, catalog_manager, order_manager, support, analyst\n"
    "  without --password-stdin a password is generated and printed once\n";

struct CreateArgs {
  std::string email;
  std::string role;
  std::string name;
  bool password_stdin = false;
  bool if_none = false;
  std::optional<std::string> config;
};

// Parses the arguments after "create"; nullopt (usage printed) when they are wrong.
std::optional<CreateArgs> parse(Args args) {
  CreateArgs out;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string_view arg = args[i];
    const bool has_value = i + 1 < args.size();
    if (arg == "--email" && has_value) {
      out.email = args[++i];
    } else if (arg == "--role" && has_value) {
      out.role = args[++i];
    } else if (arg == "--name" && has_value) {
      out.name = args[++i];
    } else if (arg == "--config" && has_value) {
      out.config = args[++i];
    } else if (arg == "--password-stdin") {
      out.password_stdin = true;
    } else if (arg == "--if-none") {
      out.if_none = true;
    } else {
      fmt::print(stderr, "ecomctl staff create: unknown or incomplete argument '{}'\n{}", arg, kUsage);
      return std::nullopt;
    }
  }
  if (out.email.empty() || out.role.empty()) {
    fmt::print(stderr, "ecomctl staff create: --email and --role are required\n{}", kUsage);
    return std::nullopt;
  }
  return out;
}

int create(const CreateArgs& args) {
  return report_errors("staff", [&] {
    auto cfg = load_config(config_path(args.config));
    db::Database database(db::options_from(cfg));
    identity::PasswordHasher hasher;
    cache::LocalCache cache{cache::LocalCacheOptions{}};
    identity::StaffService staff(database, hasher, cache);
    // The audit log names the operator's tool as the actor.
    const audit::Scope scope(audit::Actor{"ecomctl", 0, "ecomctl", "", ""});
    if (args.if_none && !staff.list().empty()) {
      fmt::print("staff exist already: nothing created\n");
      return 0;
    }
    std::string password;
    if (args.password_stdin) {
      std::getline(std::cin, password);
    } else {
      password = identity::new_token(18);  // 24 characters, 144 bits
    }
    const auto created = staff.create({args.email, args.name, args.role, password}, std::nullopt, "");
    fmt::print("created staff member {} {} ({})\n", created.staff.id, created.staff.email, created.staff.role);
    if (!args.password_stdin) {
      fmt::print("password: {}\n(shown once: it is stored only as a hash)\n", password);
    }
    return 0;
  });
}

}  // namespace

int staff_command(Args args) {
  // The action may come after --config FILE (ecomctl staff --config F create ...).
  std::vector<char*> rest;
  bool create_asked = false;
  for (auto* arg : args) {
    const std::string_view text = arg;
    if (text == "--help" || text == "-h") {
      fmt::print("{}", kUsage);
      return 0;
    }
    if (text == "create" && !create_asked) {
      create_asked = true;
    } else {
      rest.push_back(arg);
    }
  }
  if (!create_asked) {
    fmt::print(stderr, "ecomctl staff: give an action (create)\n{}", kUsage);
    return 2;
  }
  const auto parsed = parse(rest);
  return parsed ? create(*parsed) : 2;
}

}  // namespace ecom::ctl
