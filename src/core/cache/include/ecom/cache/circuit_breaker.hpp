// A circuit breaker for a remote dependency: after `failures` consecutive failures it opens for
// `open_for`, and every call during that time is refused at once instead of waiting for a timeout
// per request; then one trial call (half-open) decides whether it closes again or reopens.
#pragma once

#include <ecom/cache/cache.hpp>

#include <chrono>
#include <cstdint>
#include <mutex>

namespace ecom::cache {

class CircuitBreaker {
 public:
  enum class State { closed, open, half_open };
  enum class Permit {
    allowed,   // closed: go ahead
    trial,     // the one call that tests a half-open circuit; report its outcome
    rejected,  // open, or a trial is already running: do not call the dependency
  };

  CircuitBreaker(int failures, std::chrono::milliseconds open_for, Clock clock = steady_clock());

  [[nodiscard]] Permit acquire();
  // Each returns true when it changed the circuit (closed it, or opened it), for logging.
  bool on_success();
  bool on_failure();
  // A permitted call ended without reaching the dependency (no free connection): a trial is
  // given back so that the next call may try.
  void on_abandon(Permit permit);

  [[nodiscard]] State state() const;
  // Calls refused since construction.
  [[nodiscard]] std::uint64_t rejections() const;

 private:
  const int failures_;
  const std::chrono::milliseconds open_for_;
  const Clock clock_;
  mutable std::mutex mutex_;
  State state_ = State::closed;
  int consecutive_ = 0;
  std::chrono::steady_clock::time_point opened_at_{};
  std::uint64_t rejections_ = 0;
};

}  // namespace ecom::cache
