#include "commands.hpp"

#include <fmt/format.h>

#include <cstdio>

namespace ecom::ctl {

int migrate_command(Args /*args*/) {
  fmt::print(stderr, "ecomctl migrate: not available yet (the database module is being built)\n");
  return 1;
}

}  // namespace ecom::ctl
