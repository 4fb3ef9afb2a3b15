// A bounded pool of sessions to one server. Connections open lazily up to the size; a caller past
// the size waits up to acquire_timeout and then gets PoolExhausted (503 upstream), never an
// unbounded queue. A connection returned broken, or found closed by the server while idle, is
// dropped and a new one opened for the next caller. After one connection fails, the idle ones
// opened before it are dropped too: a restart breaks them all, and a caller should not have to
// fail once per pooled connection to find that out.
#pragma once

#include "connection.hpp"

#include <ecom/platform/error.hpp>

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace ecom::db::detail {

// No connection became free within acquire_timeout.
class PoolExhausted : public core::Error {
 public:
  using core::Error::Error;
};

// The server could not be reached (or refused) when opening a connection.
class ConnectFailed : public core::Error {
 public:
  using core::Error::Error;
};

class Pool {
 public:
  struct Slot {
    std::unique_ptr<soci::session> session;
    std::uint64_t generation = 0;
  };

  Pool(std::string name, Target target, std::size_t size, std::chrono::milliseconds acquire_timeout);
  ~Pool();
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;

  // Throws PoolExhausted or ConnectFailed (both core::Error unavailable; the pool's name and size
  // and the server's address are in their log text only).
  [[nodiscard]] Slot acquire();
  void release(Slot slot, bool broken) noexcept;

  [[nodiscard]] const Target& target() const noexcept { return target_; }
  [[nodiscard]] const std::string& name() const noexcept { return name_; }
  [[nodiscard]] std::size_t size() const noexcept { return size_; }
  [[nodiscard]] std::size_t in_use() const;
  // Connections dropped because they were broken or found dead (each is replaced on demand).
  [[nodiscard]] std::size_t replaced() const;

 private:
  std::string name_;
  Target target_;
  std::size_t size_;
  std::chrono::milliseconds acquire_timeout_;

  mutable std::mutex mutex_;
  std::condition_variable freed_;
  std::vector<Slot> idle_;
  std::size_t open_ = 0;  // idle + leased + being opened
  std::uint64_t generation_ = 0;
  std::size_t replaced_ = 0;
};

}  // namespace ecom::db::detail
