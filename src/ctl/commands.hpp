// ecomctl commands. Each lives in its own file and is listed once in main.cpp's table, so that a
// module adds its command without touching the others.
#pragma once

#include <span>
#include <string_view>

namespace ecom::ctl {

// Arguments after the command name. Returns the process exit code: 0 success, 1 failure (the
// message already printed), 2 usage error.
using Args = std::span<char* const>;

int migrate_command(Args args);  // migrate [--status] [--config FILE]
int outbox_command(Args args);   // outbox --status | outbox retry-dead [--config FILE]
int seed_command(Args args);     // seed --products N [--seed S] [--append | --if-empty] [--config FILE]
int audit_command(Args args);    // audit verify [--config FILE]
int staff_command(Args args);    // staff create --email E --role R [--name N] [--password-stdin] [--if-none]

}  // namespace ecom::ctl
