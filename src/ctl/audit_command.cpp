// ecomctl audit verify: walks the audit log's hash chain (docs/audit.md). Exit 0 when it is intact;
// 1 with the first broken entry named when a row was changed, removed or inserted around the
// log. Reads db.* from ecomctl's config.
#include "commands.hpp"
#include "ctl_config.hpp"

#include <ecom/audit/audit.hpp>
#include <ecom/db/database.hpp>

#include <fmt/format.h>

#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

namespace ecom::ctl {
namespace {

constexpr std::string_view kUsage = "usage: ecomctl audit verify [--config FILE]\n";

}  // namespace

int audit_command(Args args) {
  std::optional<std::string> file;
  bool verify = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string_view arg = args[i];
    if (arg == "verify") {
      verify = true;
    } else if (arg == "--config" && i + 1 < args.size()) {
      file = args[++i];
    } else if (arg == "--help" || arg == "-h") {
      fmt::print("{}", kUsage);
      return 0;
    } else {
      fmt::print(stderr, "ecomctl audit: unknown argument '{}'\n{}", arg, kUsage);
      return 2;
    }
  }
  if (!verify) {
    fmt::print(stderr, "ecomctl audit: nothing to do\n{}", kUsage);
    return 2;
  }
  return report_errors("audit", [&] {
    auto cfg = load_config(config_path(file));
    db::Database database(db::options_from(cfg));
    const auto result = audit::verify(database);
    if (result.intact) {
      fmt::print("audit log intact: {} entries\n", result.entries);
      return 0;
    }
    fmt::print(stderr, "audit log broken at entry {}: {}\n", result.first_broken, result.reason);
    return 1;
  });
}

}  // namespace ecom::ctl
