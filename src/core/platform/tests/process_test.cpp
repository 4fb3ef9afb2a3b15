// The stop-signal handling every binary's main() relies on.
#include <ecom/platform/process.hpp>

#include <catch2/catch.hpp>

#include <csignal>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

TEST_CASE("a stop signal sent before the wait, from another thread's start, is waited for and not fatal", "[process]") {
  // In a child: the test runner's own signal mask stays as it was.
  const pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    ecom::process::block_stop_signals();
    // A thread started after the block inherits it: the signal cannot end the process there.
    std::thread worker([] { kill(getpid(), SIGTERM); });
    worker.join();
    _exit(ecom::process::wait_for_stop_signal() == SIGTERM ? 0 : 3);
  }
  int status = 0;
  REQUIRE(waitpid(child, &status, 0) == child);
  REQUIRE(WIFEXITED(status));  // not killed by SIGTERM's default action
  CHECK(WEXITSTATUS(status) == 0);
}
