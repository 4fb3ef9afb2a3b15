#include "sodium_init.hpp"

#include <sodium.h>
#include <stdexcept>

namespace ecom::identity::detail {

void init_sodium() {
  // sodium_init is thread-safe and returns 1 when it already ran.
  if (sodium_init() < 0) {
    throw std::runtime_error("libsodium could not be initialised");
  }
}

}  // namespace ecom::identity::detail
