#include <ecom/cache/cache.hpp>

#include <algorithm>
#include <random>

namespace ecom::cache {

Clock steady_clock() {
  return [] { return std::chrono::steady_clock::now(); };
}

std::string SingleFlight::run(const std::string& key, const std::function<std::string()>& fn) {
  std::promise<std::string> promise;
  {
    std::unique_lock lock(mutex_);
    if (auto it = flights_.find(key); it != flights_.end()) {
      auto flight = it->second;
      lock.unlock();
      return flight.get();  // rethrows the leader's exception
    }
    flights_.emplace(key, promise.get_future().share());
  }
  auto finish = [&] {
    std::lock_guard lock(mutex_);
    flights_.erase(key);
  };
  try {
    std::string value = fn();
    finish();
    promise.set_value(value);
    return value;
  } catch (...) {
    finish();
    promise.set_exception(std::current_exception());
    throw;
  }
}

std::size_t SingleFlight::in_flight() const {
  std::lock_guard lock(mutex_);
  return flights_.size();
}

std::chrono::milliseconds jittered_ttl(std::chrono::milliseconds ttl) {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  std::uniform_real_distribution<double> factor(0.9, 1.1);
  auto scaled = static_cast<std::chrono::milliseconds::rep>(static_cast<double>(ttl.count()) * factor(rng));
  return std::chrono::milliseconds(std::max<std::chrono::milliseconds::rep>(scaled, 1));
}

std::string get_or_load(Cache& cache, std::string_view key, std::chrono::milliseconds ttl, const Tags& tags,
                        const std::function<std::string()>& loader) {
  if (auto hit = cache.get(key)) {
    return std::move(*hit);
  }
  return cache.single_flight().run(std::string(key), [&] {
    // Look again as the leader: a flight for this key may have finished and filled the cache
    // between our miss and our arrival here.
    if (auto hit = cache.get(key)) {
      return std::move(*hit);
    }
    std::string value = loader();
    cache.set(key, value, jittered_ttl(ttl), tags);
    return value;
  });
}

}  // namespace ecom::cache
