#include "pool.hpp"

#include <ecom/platform/log.hpp>

#include <fmt/format.h>
#include <soci/soci.h>

#include <utility>

namespace ecom::db::detail {

Pool::Pool(std::string name, Target target, std::size_t size, std::chrono::milliseconds acquire_timeout)
    : name_(std::move(name)), target_(std::move(target)), size_(size), acquire_timeout_(acquire_timeout) {}

Pool::~Pool() = default;

Pool::Slot Pool::acquire() {
  const auto deadline = std::chrono::steady_clock::now() + acquire_timeout_;
  // Dead sessions are closed after the lock is released: closing one may write to a socket.
  std::vector<Slot> dead;
  std::unique_lock lock(mutex_);
  for (;;) {
    while (!idle_.empty()) {
      Slot slot = std::move(idle_.back());
      idle_.pop_back();
      if (slot.generation == generation_ && looks_alive(*slot.session, target_.backend)) {
        lock.unlock();
        return slot;
      }
      --open_;
      ++replaced_;
      dead.push_back(std::move(slot));
    }
    if (open_ < size_) {
      ++open_;
      const std::uint64_t generation = generation_;
      lock.unlock();
      dead.clear();
      try {
        return Slot{open_session(target_), generation};
      } catch (const core::Error& e) {
        lock.lock();
        --open_;
        lock.unlock();
        freed_.notify_one();
        ConnectFailed failed(e.code(), e.message());
        failed.with_log_text(e.log_text());
        throw failed;
      }
    }
    if (freed_.wait_until(lock, deadline) == std::cv_status::timeout && idle_.empty() && open_ >= size_) {
      // The pool's name (a replica's address) and size are for the log, not for the client.
      PoolExhausted exhausted(core::ErrorCode::unavailable, "No database connection is free at the moment.");
      exhausted.with_log_text(fmt::format("no free database connection to the {} within {} ms (pool size {})", name_,
                                          acquire_timeout_.count(), size_));
      throw exhausted;
    }
  }
}

void Pool::release(Slot slot, bool broken) noexcept {
  if (!broken && !reset_for_reuse(*slot.session, target_.backend)) {
    broken = true;
  }
  {
    std::lock_guard lock(mutex_);
    if (broken) {
      --open_;
      ++replaced_;
      if (slot.generation == generation_) {
        ++generation_;  // the idle ones opened before this failure are suspect too
      }
    } else if (slot.generation == generation_) {
      idle_.push_back(std::move(slot));
    } else {
      --open_;
    }
  }
  freed_.notify_one();
  if (broken) {
    log::warn("database connection dropped", {{"pool", name_}, {"server", target_.display}});
  }
  // slot (if still owned here) closes now, outside the lock.
}

std::size_t Pool::in_use() const {
  std::lock_guard lock(mutex_);
  return open_ - idle_.size();
}

std::size_t Pool::replaced() const {
  std::lock_guard lock(mutex_);
  return replaced_;
}

}  // namespace ecom::db::detail
