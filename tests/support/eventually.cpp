#include "eventually.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <thread>

namespace ecom::test {

bool eventually(const std::function<bool()>& pred, std::chrono::milliseconds limit,
                std::chrono::milliseconds interval) {
  using SteadyClock = std::chrono::steady_clock;
  const SteadyClock::time_point deadline = SteadyClock::now() + limit;
  // Bounded by the deadline: each pass sleeps, at most until it.
  for (auto now = SteadyClock::now(); now < deadline; now = SteadyClock::now()) {
    if (pred()) {
      return true;
    }
    std::this_thread::sleep_for(std::min<SteadyClock::duration>(interval, deadline - SteadyClock::now()));
  }
  return pred();
}

void require_eventually(std::string_view what, const std::function<bool()>& pred, std::chrono::milliseconds limit,
                        std::chrono::milliseconds interval) {
  if (!eventually(pred, limit, interval)) {
    FAIL("still not true after " << limit.count() << " ms: " << std::string(what));
  }
}

}  // namespace ecom::test
