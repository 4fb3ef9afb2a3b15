#include <ecom/cache/circuit_breaker.hpp>

#include <algorithm>

namespace ecom::cache {

CircuitBreaker::CircuitBreaker(int failures, std::chrono::milliseconds open_for, Clock clock)
    : failures_(std::max(failures, 1)), open_for_(open_for), clock_(std::move(clock)) {}

CircuitBreaker::Permit CircuitBreaker::acquire() {
  std::lock_guard lock(mutex_);
  switch (state_) {
    case State::closed:
      return Permit::allowed;
    case State::open:
      if (clock_() - opened_at_ >= open_for_) {
        state_ = State::half_open;
        return Permit::trial;
      }
      break;
    case State::half_open:
      break;
  }
  ++rejections_;
  return Permit::rejected;
}

bool CircuitBreaker::on_success() {
  std::lock_guard lock(mutex_);
  const bool changed = state_ != State::closed;
  state_ = State::closed;
  consecutive_ = 0;
  return changed;
}

bool CircuitBreaker::on_failure() {
  std::lock_guard lock(mutex_);
  ++consecutive_;
  // A failed trial reopens at once. Calls that were already running when the circuit opened may
  // still fail afterwards: they must not extend the open period.
  if (state_ == State::half_open || (state_ == State::closed && consecutive_ >= failures_)) {
    state_ = State::open;
    opened_at_ = clock_();
    return true;
  }
  return false;
}

void CircuitBreaker::on_abandon(Permit permit) {
  std::lock_guard lock(mutex_);
  if (permit == Permit::trial && state_ == State::half_open) {
    state_ = State::open;
    // Back-dated so that the very next call becomes the trial.
    opened_at_ = clock_() - open_for_;
  }
}

CircuitBreaker::State CircuitBreaker::state() const {
  std::lock_guard lock(mutex_);
  return state_;
}

std::uint64_t CircuitBreaker::rejections() const {
  std::lock_guard lock(mutex_);
  return rejections_;
}

}  // namespace ecom::cache
