#include <ecom/db/health_probe.hpp>
#include <ecom/platform/log.hpp>

#include <exception>
#include <utility>

namespace ecom::db {
namespace {

// A ping that throws says "not healthy"; letting it escape would end the process from a thread.
bool safe_ping(const std::function<bool()>& ping) {
  try {
    return ping();
  } catch (const std::exception& e) {
    log::warn("database health check failed", {{"error", e.what()}});
    return false;
  }
}

}  // namespace

HealthProbe::HealthProbe(Database& db, std::chrono::milliseconds interval)
    : HealthProbe([&db] { return db.ping(); }, interval) {}

HealthProbe::HealthProbe(std::function<bool()> ping, std::chrono::milliseconds interval)
    : ping_(std::move(ping)), interval_(interval) {
  healthy_.store(safe_ping(ping_), std::memory_order_release);
  if (!healthy()) {
    log::warn("database unreachable");
  }
  thread_ = std::thread([this] { run(); });
}

HealthProbe::~HealthProbe() {
  stop();
}

std::function<bool()> HealthProbe::readiness_check() const {
  return [this] { return healthy(); };
}

void HealthProbe::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) {
    thread_.join();
  }
}

void HealthProbe::run() {
  std::unique_lock lock(mutex_);
  // Runs until stop(); each round waits one interval, or less when stop() wakes it.
  while (!wake_.wait_for(lock, interval_, [this] { return stopping_; })) {
    lock.unlock();
    probe_once();
    lock.lock();
  }
}

void HealthProbe::probe_once() {
  const bool now = safe_ping(ping_);
  const bool before = healthy_.exchange(now, std::memory_order_acq_rel);
  if (before && !now) {
    log::warn("database unreachable");
  } else if (!before && now) {
    log::info("database reachable again");
  }
}

}  // namespace ecom::db
