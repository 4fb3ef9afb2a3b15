#include <ecom/identity/throttle.hpp>
#include <ecom/platform/error.hpp>

#include <algorithm>
#include <charconv>
#include <string>

namespace ecom::identity {
namespace {

constexpr std::string_view kPrefix = "identity:throttle:";
constexpr std::int64_t kMicros = 1'000'000;
constexpr std::chrono::seconds kRunWindow = std::chrono::hours(24);  // how long a run of failures is remembered
constexpr std::chrono::seconds kMaxLock = std::chrono::hours(24);
constexpr std::size_t kMaxLocalEntries = 100'000;

std::int64_t micros(std::chrono::seconds s) {
  return std::chrono::duration_cast<std::chrono::microseconds>(s).count();
}

template <typename Map, typename Expiry>
void prune(Map& map, std::int64_t now, Expiry expiry) {
  if (map.size() <= kMaxLocalEntries) {
    return;
  }
  std::erase_if(map, [&](const auto& entry) { return expiry(entry.second) <= now; });
  if (map.size() > kMaxLocalEntries) {
    map.clear();  // bounded memory wins over an attacker's flood of fresh names; Redis still counts
  }
}

}  // namespace

Throttle::Throttle(cache::Cache& cache, ThrottleRules rules, std::function<std::int64_t()> now_us)
    : cache_(cache), rules_(rules), now_us_(std::move(now_us)) {}

std::int64_t Throttle::count(const std::string& key, std::chrono::seconds window) {
  const auto shared = cache_.increment(key, window);
  const auto now = now_us_();
  const std::lock_guard lock(mutex_);
  prune(counters_, now, [](const Counter& c) { return c.expires_at; });
  auto& local = counters_[key];
  if (local.expires_at <= now) {
    local = Counter{0, now + micros(window)};
  }
  ++local.count;
  return std::max(local.count, shared.value_or(0));
}

void Throttle::lock(const std::string& key, std::chrono::seconds length) {
  const auto until = now_us_() + micros(length);
  cache_.set("lock:" + key, std::to_string(until), std::chrono::duration_cast<std::chrono::milliseconds>(length));
  const std::lock_guard guard(mutex_);
  prune(locks_, now_us_(), [](std::int64_t at) { return at; });
  auto& local = locks_[key];
  local = std::max(local, until);
}

std::int64_t Throttle::locked_until(const std::string& key) {
  std::int64_t until = 0;
  if (const auto shared = cache_.get("lock:" + key)) {
    std::from_chars(shared->data(), shared->data() + shared->size(), until);
  }
  const std::lock_guard guard(mutex_);
  if (const auto it = locks_.find(key); it != locks_.end()) {
    until = std::max(until, it->second);
  }
  return until;
}

void Throttle::check(std::string_view account, std::string_view address) {
  const auto now = now_us_();
  const auto until =
      std::max(locked_until(std::string(kPrefix) + "account:" + std::string(account)),
               address.empty() ? 0 : locked_until(std::string(kPrefix) + "address:" + std::string(address)));
  if (until > now) {
    const auto seconds = (until - now + kMicros - 1) / kMicros;
    throw core::Error(core::ErrorCode::too_many_requests, "Too many failed sign-ins; try again later.")
        .with_retry_after(std::chrono::seconds(seconds));
  }
}

void Throttle::failed(std::string_view account, std::string_view address) {
  const std::string account_key = std::string(kPrefix) + "account:" + std::string(account);
  const auto run = count(account_key + ":run", kRunWindow);
  const auto hour = count(account_key + ":hour", std::chrono::hours(1));
  if (rules_.failures_before_lock > 0 && run % rules_.failures_before_lock == 0) {
    // The first lock is rules_.lock; each further one in the same run twice the one before.
    auto length = rules_.lock;
    for (std::int64_t locks = run / rules_.failures_before_lock; locks > 1 && length < kMaxLock; --locks) {
      length *= 2;
    }
    lock(account_key, std::min(length, kMaxLock));
  }
  if (hour >= rules_.max_failures_per_hour) {
    lock(account_key, std::chrono::hours(1));
  }
  if (!address.empty()) {
    const std::string address_key = std::string(kPrefix) + "address:" + std::string(address);
    if (count(address_key, rules_.address_window) >= rules_.max_failures_per_address) {
      lock(address_key, rules_.address_window);
    }
  }
}

void Throttle::succeeded(std::string_view account) {
  const std::string run_key = std::string(kPrefix) + "account:" + std::string(account) + ":run";
  cache_.invalidate(run_key);
  const std::lock_guard guard(mutex_);
  counters_.erase(run_key);
}

}  // namespace ecom::identity
