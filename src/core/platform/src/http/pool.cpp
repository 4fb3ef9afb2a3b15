#include "http/pool.hpp"

#include <ecom/platform/log.hpp>

namespace ecom::http {

BlockingPool::BlockingPool(std::size_t threads, std::size_t queue_limit)
    : thread_count_(threads == 0 ? 1 : threads),
      capacity_(thread_count_ + queue_limit),
      state_(std::make_shared<State>()) {}

BlockingPool::~BlockingPool() {
  stop(std::chrono::steady_clock::now() + std::chrono::seconds(5));
}

void BlockingPool::start() {
  std::lock_guard lock(state_->mutex);
  if (!threads_.empty()) {
    return;
  }
  state_->running_threads = thread_count_;
  for (std::size_t i = 0; i < thread_count_; ++i) {
    // Threads hold the state, not the pool, so a detached straggler never touches freed memory.
    threads_.emplace_back([s = state_] { worker(s); });
  }
}

bool BlockingPool::try_submit(std::function<void()> task) {
  {
    std::lock_guard lock(state_->mutex);
    if (state_->stopping || state_->queue.size() + state_->busy >= capacity_) {
      return false;
    }
    state_->queue.push_back(std::move(task));
  }
  state_->ready.notify_one();
  return true;
}

void BlockingPool::worker(const std::shared_ptr<State>& state) {
  std::unique_lock lock(state->mutex);
  for (;;) {
    state->ready.wait(lock, [&] { return state->stopping || !state->queue.empty(); });
    if (state->queue.empty()) {
      break;  // stopping and nothing left to do
    }
    auto task = std::move(state->queue.front());
    state->queue.pop_front();
    ++state->busy;
    lock.unlock();
    try {
      task();
    } catch (const std::exception& e) {
      // Tasks catch their own errors; this is the last line so one bad task cannot end the thread.
      log::error("blocking task threw", {{"error", e.what()}});
    } catch (...) {
      log::error("blocking task threw a non-standard exception");
    }
    lock.lock();
    --state->busy;
  }
  --state->running_threads;
  state->finished.notify_all();
}

void BlockingPool::stop(std::chrono::steady_clock::time_point deadline) {
  bool all_done = false;
  {
    std::unique_lock lock(state_->mutex);
    state_->stopping = true;
    state_->ready.notify_all();
    if (threads_.empty()) {
      return;
    }
    state_->finished.wait_until(lock, deadline, [&] { return state_->running_threads == 0; });
    if (state_->running_threads != 0) {
      log::warn("blocking pool threads still busy at the shutdown deadline; leaving them",
                {{"threads", static_cast<std::int64_t>(state_->running_threads)}});
    }
    all_done = state_->running_threads == 0;
  }
  for (auto& t : threads_) {
    if (all_done) {
      t.join();
    } else {
      t.detach();
    }
  }
  threads_.clear();
}

std::size_t BlockingPool::queued() const {
  std::lock_guard lock(state_->mutex);
  return state_->queue.size();
}

std::size_t BlockingPool::busy() const {
  std::lock_guard lock(state_->mutex);
  return state_->busy;
}

}  // namespace ecom::http
