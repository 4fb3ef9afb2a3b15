// Database health for /readyz. Readiness checks run on an I/O thread and must not block, while a
// ping to a database that has gone away can block for the connect timeout; so a background thread
// pings every interval and keeps the answer in an atomic that the check only reads.
#pragma once

#include <ecom/db/database.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace ecom::db {

class HealthProbe {
 public:
  // Pings once before returning (so readiness is right from the start), then every interval.
  HealthProbe(Database& db, std::chrono::milliseconds interval);
  // Any ping function; for tests and for other dependencies with the same need.
  HealthProbe(std::function<bool()> ping, std::chrono::milliseconds interval);
  ~HealthProbe();
  HealthProbe(const HealthProbe&) = delete;
  HealthProbe& operator=(const HealthProbe&) = delete;

  [[nodiscard]] bool healthy() const noexcept { return healthy_.load(std::memory_order_acquire); }
  // A non-blocking check for http::Server::add_readiness_check; valid while this probe lives.
  [[nodiscard]] std::function<bool()> readiness_check() const;
  // Stops and joins the thread; idempotent (the destructor calls it).
  void stop();

 private:
  void run();
  void probe_once();

  std::function<bool()> ping_;
  std::chrono::milliseconds interval_;
  std::atomic<bool> healthy_{false};
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace ecom::db
