// Passwords for customers and staff (OWASP ASVS 4.0.3, V2.1 and V2.4): the rules a new password
// must pass, and Argon2id hashing through libsodium on a bounded number of slots of its own.
//
// The rules are length and a list of common passwords, nothing else: no character classes (ASVS
// 2.1.9), any printable Unicode allowed (2.1.4), never truncated (2.1.3). Lengths count Unicode
// code points, not bytes.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

namespace ecom::identity {

struct PasswordRules {
  std::size_t min_chars = 8;
  std::size_t max_chars = 128;  // ASVS asks that at least 64 be allowed
};
inline constexpr PasswordRules kCustomerPasswords{8, 128};
inline constexpr PasswordRules kStaffPasswords{12, 128};

// Throws core::Error unprocessable (422) with one FieldError naming `field` when the password is
// shorter or longer than the rules allow, is not valid UTF-8 or holds control characters, is on
// the list of common passwords (case-insensitively), or is the account's email or the part of it
// before the '@'.
void check_new_password(std::string_view password, const PasswordRules& rules, std::string_view email,
                        const std::string& field = "password");

// Whether the password is on the shipped list of common passwords (src/core/identity/data/), in
// any letter case.
[[nodiscard]] bool is_common_password(std::string_view password);

struct HashingOptions {
  // Argon2id cost: t (passes) and m (bytes). Never below ASVS's floor, t = 2 and m = 19 MiB
  // (libsodium's parallelism is always p = 1); PasswordHasher refuses lower settings.
  std::uint64_t passes = 2;
  std::size_t memory_bytes = std::size_t{19} * 1024 * 1024;
  // Hashes that run at once (each holds memory_bytes), and callers that may wait for a slot.
  std::size_t slots = 2;
  std::size_t queue = 8;
  // How long a caller waits for a slot before it is told to retry.
  std::chrono::milliseconds max_wait{5000};
  // The hashes run on threads of their own at this nice value, below the HTTP I/O threads (nice
  // 0): with every slot busy, a cached page still gets the CPU first (bench/identity measures it).
  int nice = 10;
};

class PasswordHasher {
 public:
  // Throws std::invalid_argument for costs below the floor, or no slots.
  explicit PasswordHasher(HashingOptions options = {});
  PasswordHasher(const PasswordHasher&) = delete;
  PasswordHasher& operator=(const PasswordHasher&) = delete;
  ~PasswordHasher();

  // The PHC string, e.g. "$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>", with a fresh random salt.
  // Every call below takes a hashing slot and runs on one of the hasher's threads while the caller
  // waits: when all slots are busy and
  // `queue` callers already wait, or no slot frees within max_wait, it throws core::Error
  // unavailable (503) with Retry-After, rather than queueing without bound.
  [[nodiscard]] std::string hash(std::string_view password);

  struct Verdict {
    bool matches = false;
    // The stored hash was made with lower costs than today's: hash the password again and store it.
    bool needs_rehash = false;
  };
  // Checks password against a stored PHC string. A string that is not an Argon2id hash never matches.
  [[nodiscard]] Verdict verify(std::string_view password, std::string_view stored);

  // Costs what verify does for a real account, and matches nothing: for a login with an unknown
  // email, so that its answer takes as long as a wrong password's.
  void verify_nobody(std::string_view password);

  [[nodiscard]] const HashingOptions& options() const noexcept { return options_; }

  // Hashes running now and callers waiting for a slot: for metrics, and for tests that must know
  // the slots are taken.
  struct Load {
    std::size_t running = 0;
    std::size_t waiting = 0;
  };
  [[nodiscard]] Load load();

 private:
  class Slot;
  class Threads;
  // Runs work on a hashing thread, within a slot; returns what it returns.
  int in_slot(const std::function<int()>& work);
  HashingOptions options_;
  std::mutex mutex_;
  std::condition_variable freed_;
  std::size_t running_ = 0;
  std::size_t waiting_ = 0;
  std::once_flag nobody_once_;
  std::string nobody_;  // a hash of a random password, made on first use
  std::unique_ptr<Threads> threads_;
};

}  // namespace ecom::identity
