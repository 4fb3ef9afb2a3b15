#include "write_tracker.hpp"

#include <catch2/catch.hpp>

#include <string>

using ecom::db::detail::WriteTracker;
using namespace std::chrono_literals;

TEST_CASE("a client that wrote reads from the primary for the window, then not", "[db][routing]") {
  WriteTracker tracker(2000ms);
  const auto t0 = WriteTracker::Clock::now();
  CHECK_FALSE(tracker.wrote_recently("alice", t0));
  tracker.note_write("alice", t0);
  CHECK(tracker.wrote_recently("alice", t0 + 1999ms));
  CHECK_FALSE(tracker.wrote_recently("alice", t0 + 2000ms));
  CHECK_FALSE(tracker.wrote_recently("bob", t0 + 1ms));
  // A second write restarts the window.
  tracker.note_write("alice", t0 + 1500ms);
  CHECK(tracker.wrote_recently("alice", t0 + 3000ms));
}

TEST_CASE("anonymous writers and a zero window are not tracked", "[db][routing]") {
  WriteTracker tracker(2000ms);
  const auto t0 = WriteTracker::Clock::now();
  tracker.note_write("", t0);
  CHECK_FALSE(tracker.wrote_recently("", t0));
  CHECK(tracker.tracked() == 0);
  WriteTracker off(0ms);
  off.note_write("alice", t0);
  CHECK_FALSE(off.wrote_recently("alice", t0));
}

TEST_CASE("the tracker stays bounded: expired writers are swept when it is full", "[db][routing]") {
  WriteTracker tracker(10ms);
  const auto t0 = WriteTracker::Clock::now();
  for (std::size_t i = 0; i < WriteTracker::kMaxClients; ++i) {
    tracker.note_write("client-" + std::to_string(i), t0);
  }
  CHECK(tracker.tracked() == WriteTracker::kMaxClients);
  tracker.note_write("late", t0 + 1s);
  CHECK(tracker.tracked() == 1);
  CHECK(tracker.wrote_recently("late", t0 + 1s));
}

TEST_CASE("when every tracked writer is fresh, the oldest is forgotten to stay bounded", "[db][routing]") {
  WriteTracker tracker(1h);
  const auto t0 = WriteTracker::Clock::now();
  for (std::size_t i = 0; i < WriteTracker::kMaxClients; ++i) {
    tracker.note_write("client-" + std::to_string(i), t0 + std::chrono::microseconds(i + 1));
  }
  tracker.note_write("newest", t0 + 1s);
  CHECK(tracker.tracked() == WriteTracker::kMaxClients);
  CHECK(tracker.wrote_recently("newest", t0 + 2s));
  CHECK_FALSE(tracker.wrote_recently("client-0", t0 + 2s));
  CHECK(tracker.wrote_recently("client-1", t0 + 2s));
}
