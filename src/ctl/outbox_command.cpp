#include "commands.hpp"

#include <fmt/format.h>

#include <cstdio>

namespace ecom::ctl {

int outbox_command(Args /*args*/) {
  fmt::print(stderr, "ecomctl outbox: not available yet (the messaging module is being built)\n");
  return 1;
}

}  // namespace ecom::ctl
