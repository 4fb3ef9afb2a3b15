// A bounded pool of threads for handlers that block (SOCI, hiredis, the disk). Bounded on purpose:
// past threads + queue_limit, try_submit() refuses and the caller answers 503 with Retry-After,
// instead of letting a queue grow until the process runs out of memory or every answer is late.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace ecom::http {

class BlockingPool {
 public:
  BlockingPool(std::size_t threads, std::size_t queue_limit);
  ~BlockingPool();
  BlockingPool(const BlockingPool&) = delete;
  BlockingPool& operator=(const BlockingPool&) = delete;

  // Starts the threads; separate from construction so a server can be built before it runs.
  void start();
  // Queues the task unless threads + queue_limit tasks are already waiting or running.
  [[nodiscard]] bool try_submit(std::function<void()> task);
  // Lets queued and running tasks finish until the deadline, then joins the threads; threads
  // still stuck in a task past the deadline are detached so the process can exit.
  void stop(std::chrono::steady_clock::time_point deadline);

  [[nodiscard]] std::size_t queued() const;
  [[nodiscard]] std::size_t busy() const;

 private:
  struct State {
    std::mutex mutex;
    std::condition_variable ready;
    std::condition_variable finished;
    std::deque<std::function<void()>> queue;
    std::size_t busy = 0;
    std::size_t running_threads = 0;
    bool stopping = false;
  };
  static void worker(const std::shared_ptr<State>& state);

  std::size_t thread_count_;
  std::size_t capacity_;
  std::shared_ptr<State> state_;
  std::vector<std::thread> threads_;
};

}  // namespace ecom::http
