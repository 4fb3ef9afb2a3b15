// Waiting in tests for something another thread or process does: poll a condition until a
// deadline on the steady clock. Every wait in a test is bounded, and none is a bare sleep that
// hopes the other side is ready by then.
#pragma once

#include <chrono>
#include <functional>
#include <string_view>

namespace ecom::test {

// Calls pred until it holds or `limit` has passed, pausing `interval` between calls; pred is called
// once more at the deadline. Returns whether it held: for CHECK/REQUIRE, or a test that expects the
// condition never to come true within the limit.
[[nodiscard]] bool eventually(const std::function<bool()>& pred,
                              std::chrono::milliseconds limit = std::chrono::seconds{5},
                              std::chrono::milliseconds interval = std::chrono::milliseconds{5});

// The same, and fails the test (Catch2 FAIL) naming `what` and the limit when pred never held.
void require_eventually(std::string_view what, const std::function<bool()>& pred,
                        std::chrono::milliseconds limit = std::chrono::seconds{5},
                        std::chrono::milliseconds interval = std::chrono::milliseconds{5});

}  // namespace ecom::test
