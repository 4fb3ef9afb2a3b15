// A child process for tests that run the real binaries: stdout and stderr captured through one
// pipe, the environment cleared of ECOM_* variables except those the test gives, every wait
// bounded, and the process killed if the test ends first.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <sys/types.h>
#include <vector>

namespace ecom::test {

class ChildProcess {
 public:
  // argv[0] is the executable's path. cwd empty: the test's own working directory.
  ChildProcess(const std::vector<std::string>& argv, const std::vector<std::string>& extra_env = {},
               const std::filesystem::path& cwd = {});
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // Reads output until pred(output) holds or the time runs out; returns whether it held.
  bool read_until(const std::function<bool(const std::string&)>& pred, std::chrono::milliseconds limit);
  // Waits for exit: the exit code (128 + signal when killed), or nullopt when it did not exit in time.
  std::optional<int> wait_exit(std::chrono::milliseconds limit);
  void signal(int sig) const;
  [[nodiscard]] pid_t pid() const noexcept { return pid_; }
  [[nodiscard]] const std::string& output() const noexcept { return output_; }

 private:
  pid_t pid_ = -1;
  int fd_ = -1;
  std::string output_;
};

// extra_env plus what a server binary under test needs: the Host that test::build_request sends
// ("test") allowed, and its operations listener on a free port, since tests run side by side.
[[nodiscard]] std::vector<std::string> with_server_test_env(std::vector<std::string> extra_env);

// The port of a server's "listening" log line in output (JSON lines), once it has been written;
// field "ops_port" for the operations listener's.
[[nodiscard]] std::optional<std::uint16_t> listening_port(const std::string& output, std::string_view field = "port");

}  // namespace ecom::test
