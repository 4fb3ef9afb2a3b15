#include "common_passwords.hpp"
#include "sodium_init.hpp"
#include "text.hpp"

#include <ecom/identity/passwords.hpp>
#include <ecom/identity/tokens.hpp>
#include <ecom/platform/error.hpp>

#include <algorithm>
#include <array>
#include <deque>
#include <future>
#include <sodium.h>
#include <stdexcept>
#include <string>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <thread>
#include <unistd.h>
#include <unordered_set>
#include <vector>

namespace ecom::identity {
namespace {

using core::Error;
using core::ErrorCode;
using detail::ascii_lower;

constexpr std::uint64_t kMinPasses = 2;
constexpr std::size_t kMinMemoryBytes = std::size_t{19} * 1024 * 1024;

Error refused(const std::string& field, const std::string& reason) {
  return Error(ErrorCode::unprocessable, "The password cannot be used: " + reason + ".",
               {core::FieldError{field, reason}});
}

// Unicode code points in s, or nullopt when s is not valid UTF-8 or holds a control character
// (C0, DEL or C1): they cannot be typed, and a form or terminal may mangle them.
std::optional<std::size_t> printable_code_points(std::string_view s) {
  std::size_t count = 0;
  for (std::size_t i = 0; i < s.size(); ++count) {
    const auto lead = static_cast<unsigned char>(s[i]);
    std::size_t length = 0;
    std::uint32_t cp = 0;
    if (lead < 0x80U) {
      length = 1;
      cp = lead;
    } else if ((lead & 0xE0U) == 0xC0U) {
      length = 2;
      cp = lead & 0x1FU;
    } else if ((lead & 0xF0U) == 0xE0U) {
      length = 3;
      cp = lead & 0x0FU;
    } else if ((lead & 0xF8U) == 0xF0U) {
      length = 4;
      cp = lead & 0x07U;
    } else {
      return std::nullopt;
    }
    if (i + length > s.size()) {
      return std::nullopt;
    }
    for (std::size_t k = 1; k < length; ++k) {
      const auto next = static_cast<unsigned char>(s[i + k]);
      if ((next & 0xC0U) != 0x80U) {
        return std::nullopt;
      }
      cp = (cp << 6U) | (next & 0x3FU);
    }
    // Overlong forms, surrogates and values past U+10FFFF are not UTF-8.
    constexpr std::array<std::uint32_t, 5> kMinimum{0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMinimum.at(length) || (cp >= 0xD800U && cp <= 0xDFFFU) || cp > 0x10FFFFU) {
      return std::nullopt;
    }
    if (cp < 0x20U || (cp >= 0x7FU && cp <= 0x9FU)) {
      return std::nullopt;
    }
    i += length;
  }
  return count;
}

const std::unordered_set<std::string>& common_passwords() {
  static const std::unordered_set<std::string> kList = [] {
    std::unordered_set<std::string> out;
    std::string_view rest = detail::kCommonPasswordList;
    while (!rest.empty()) {
      const auto end = rest.find('\n');
      auto line = rest.substr(0, end);
      rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 1);
      if (!line.empty() && line.back() == '\r') {
        line.remove_suffix(1);
      }
      if (!line.empty() && !line.starts_with("#!comment:")) {
        out.insert(ascii_lower(line));
      }
    }
    return out;
  }();
  return kList;
}

}  // namespace

bool is_common_password(std::string_view password) {
  return common_passwords().contains(ascii_lower(password));
}

void check_new_password(std::string_view password, const PasswordRules& rules, std::string_view email,
                        const std::string& field) {
  const auto chars = printable_code_points(password);
  if (!chars) {
    throw refused(field, "must be printable text (no control characters)");
  }
  if (*chars < rules.min_chars) {
    throw refused(field, "must be at least " + std::to_string(rules.min_chars) + " characters");
  }
  if (*chars > rules.max_chars) {
    throw refused(field, "must be at most " + std::to_string(rules.max_chars) + " characters");
  }
  if (is_common_password(password)) {
    throw refused(field, "is one of the most common passwords; choose another");
  }
  const auto lower = ascii_lower(password);
  const auto address = ascii_lower(email);
  const auto local = address.substr(0, address.find('@'));
  if (!address.empty() && (lower == address || lower == local)) {
    throw refused(field, "must not be your email address");
  }
}

// A hashing slot, held for one Argon2id computation: at most options.slots at once.
class PasswordHasher::Slot {
 public:
  explicit Slot(PasswordHasher& owner) : owner_(owner) {
    std::unique_lock lock(owner_.mutex_);
    if (owner_.running_ >= owner_.options_.slots) {
      if (owner_.waiting_ >= owner_.options_.queue) {
        throw busy("every hashing slot is taken and the queue is full");
      }
      ++owner_.waiting_;
      const auto deadline = std::chrono::steady_clock::now() + owner_.options_.max_wait;
      const bool got =
          owner_.freed_.wait_until(lock, deadline, [&] { return owner_.running_ < owner_.options_.slots; });
      --owner_.waiting_;
      if (!got) {
        throw busy("no hashing slot freed within the wait limit");
      }
    }
    ++owner_.running_;
  }
  ~Slot() {
    {
      const std::lock_guard lock(owner_.mutex_);
      --owner_.running_;
    }
    owner_.freed_.notify_one();
  }
  Slot(const Slot&) = delete;
  Slot& operator=(const Slot&) = delete;

 private:
  static Error busy(const std::string& why) {
    return Error(ErrorCode::unavailable, "Too many sign-ins at once; retry in a moment.")
        .with_log_text("password hashing: " + why)
        .with_retry_after(std::chrono::seconds(1));
  }
  PasswordHasher& owner_;
};

// The hashing threads: as many as slots, so an admitted hash never waits for a thread. Each lowers
// its own priority when it starts (Linux keeps a nice value per thread).
class PasswordHasher::Threads {
 public:
  Threads(std::size_t count, int nice) {
    for (std::size_t i = 0; i < count; ++i) {
      threads_.emplace_back([this, nice] {
        // Failing to lower the priority only costs the other answers some latency.
        (void)setpriority(PRIO_PROCESS, static_cast<id_t>(::syscall(SYS_gettid)), nice);
        loop();
      });
    }
  }
  ~Threads() {
    {
      const std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    ready_.notify_all();
    for (auto& t : threads_) {
      t.join();
    }
  }
  Threads(const Threads&) = delete;
  Threads& operator=(const Threads&) = delete;

  int run(const std::function<int()>& work) {
    std::packaged_task<int()> task(work);
    auto result = task.get_future();
    {
      const std::lock_guard lock(mutex_);
      tasks_.push_back(std::move(task));
    }
    ready_.notify_one();
    return result.get();
  }

 private:
  void loop() {
    for (;;) {
      std::packaged_task<int()> task;
      {
        std::unique_lock lock(mutex_);
        ready_.wait(lock, [this] { return stopping_ || !tasks_.empty(); });
        if (tasks_.empty()) {
          return;
        }
        task = std::move(tasks_.front());
        tasks_.pop_front();
      }
      task();
    }
  }

  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::packaged_task<int()>> tasks_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

PasswordHasher::~PasswordHasher() = default;

int PasswordHasher::in_slot(const std::function<int()>& work) {
  const Slot slot(*this);
  return threads_->run(work);
}

PasswordHasher::PasswordHasher(HashingOptions options) : options_(options) {
  detail::init_sodium();
  if (options_.passes < kMinPasses || options_.memory_bytes < kMinMemoryBytes) {
    throw std::invalid_argument("Argon2id costs below t = 2, m = 19 MiB are not allowed");
  }
  if (options_.slots == 0) {
    throw std::invalid_argument("password hashing needs at least one slot");
  }
  threads_ = std::make_unique<Threads>(options_.slots, options_.nice);
}

std::string PasswordHasher::hash(std::string_view password) {
  std::array<char, crypto_pwhash_STRBYTES> out{};
  const int failed = in_slot([&] {
    return crypto_pwhash_str_alg(out.data(), password.data(), password.size(), options_.passes, options_.memory_bytes,
                                 crypto_pwhash_ALG_ARGON2ID13);
  });
  if (failed != 0) {
    // libsodium fails only when it cannot allocate memory_bytes.
    throw Error(ErrorCode::unavailable, "Too many sign-ins at once; retry in a moment.")
        .with_log_text("password hashing: Argon2id could not allocate its memory")
        .with_retry_after(std::chrono::seconds(1));
  }
  return {out.data()};
}

PasswordHasher::Verdict PasswordHasher::verify(std::string_view password, std::string_view stored) {
  // libsodium reads a NUL-terminated string of at most crypto_pwhash_STRBYTES - 1 characters.
  if (!stored.starts_with("$argon2id$") || stored.size() >= crypto_pwhash_STRBYTES ||
      stored.find('\0') != std::string_view::npos) {
    // Still spend the time, so that a malformed row answers like any other.
    verify_nobody(password);
    return {};
  }
  const std::string text(stored);
  Verdict verdict;
  verdict.matches =
      in_slot([&] { return crypto_pwhash_str_verify(text.c_str(), password.data(), password.size()); }) == 0;
  verdict.needs_rehash =
      verdict.matches && crypto_pwhash_str_needs_rehash(text.c_str(), options_.passes, options_.memory_bytes) != 0;
  return verdict;
}

PasswordHasher::Load PasswordHasher::load() {
  const std::lock_guard lock(mutex_);
  return {running_, waiting_};
}

void PasswordHasher::verify_nobody(std::string_view password) {
  std::call_once(nobody_once_, [this] { nobody_ = hash(new_token(32)); });
  // The result is known (nobody's password is random and never shown); only the time counts.
  (void)in_slot([&] { return crypto_pwhash_str_verify(nobody_.c_str(), password.data(), password.size()); });
}

}  // namespace ecom::identity
