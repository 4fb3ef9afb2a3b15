// libsodium must be initialised once before use (it picks its implementations and seeds its
// random source); every entry point of the module that uses it calls this first.
#pragma once

namespace ecom::identity::detail {

// Throws std::runtime_error when libsodium cannot start (no random source).
void init_sodium();

}  // namespace ecom::identity::detail
