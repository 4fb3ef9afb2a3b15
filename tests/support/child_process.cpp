#include "child_process.hpp"

#include "http_client.hpp"

#include <boost/json.hpp>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sstream>
#include <string_view>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace ecom::test {

std::vector<std::string> with_server_test_env(std::vector<std::string> extra_env) {
  extra_env.emplace_back("ECOM_HTTP_ALLOWED_HOSTS=test");
  extra_env.emplace_back("ECOM_HTTP_OPS_PORT=0");
  return extra_env;
}

ChildProcess::ChildProcess(const std::vector<std::string>& argv, const std::vector<std::string>& extra_env,
                           const std::filesystem::path& cwd) {
  int fds[2];
  if (pipe(fds) != 0) {
    throw TestError("pipe() failed");
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
  posix_spawn_file_actions_adddup2(&actions, fds[1], 2);
  posix_spawn_file_actions_addclose(&actions, fds[0]);
  if (!cwd.empty()) {
    posix_spawn_file_actions_addchdir_np(&actions, cwd.c_str());
  }
  std::vector<std::string> arg_store(argv);
  std::vector<char*> args;
  args.reserve(arg_store.size() + 1);
  for (auto& a : arg_store) {
    args.push_back(a.data());
  }
  args.push_back(nullptr);
  std::vector<std::string> env_store;
  for (char** e = environ; *e != nullptr; ++e) {
    if (!std::string_view(*e).starts_with("ECOM_")) {  // the test decides every override
      env_store.emplace_back(*e);
    }
  }
  env_store.insert(env_store.end(), extra_env.begin(), extra_env.end());
  std::vector<char*> envp;
  envp.reserve(env_store.size() + 1);
  for (auto& e : env_store) {
    envp.push_back(e.data());
  }
  envp.push_back(nullptr);
  int rc = posix_spawn(&pid_, args[0], &actions, nullptr, args.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  close(fds[1]);
  fd_ = fds[0];
  if (rc != 0) {
    pid_ = -1;
    throw TestError("posix_spawn(" + argv.at(0) + ") failed");
  }
  fcntl(fd_, F_SETFL, O_NONBLOCK);
}

ChildProcess::~ChildProcess() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  close(fd_);
}

bool ChildProcess::read_until(const std::function<bool(const std::string&)>& pred, std::chrono::milliseconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (!pred(output_)) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      return false;
    }
    pollfd p{fd_, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(left.count())) <= 0) {
      continue;
    }
    char buf[4096];
    auto n = read(fd_, buf, sizeof buf);
    if (n <= 0) {
      return pred(output_);
    }
    output_.append(buf, static_cast<std::size_t>(n));
  }
  return true;
}

std::optional<int> ChildProcess::wait_exit(std::chrono::milliseconds limit) {
  using namespace std::chrono_literals;
  auto deadline = std::chrono::steady_clock::now() + limit;
  for (;;) {
    int status = 0;
    pid_t r = waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      pid_ = -1;
      read_until([](const std::string&) { return false; }, 50ms);
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    if (std::chrono::steady_clock::now() > deadline) {
      return std::nullopt;
    }
    read_until([](const std::string&) { return false; }, 20ms);
  }
}

void ChildProcess::signal(int sig) const {
  if (pid_ > 0) {
    kill(pid_, sig);
  }
}

std::optional<std::uint16_t> listening_port(const std::string& output, std::string_view field) {
  std::istringstream lines(output);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.find("\"listening\"") == std::string::npos) {
      continue;
    }
    boost::system::error_code ec;
    auto doc = boost::json::parse(line, ec);  // the last line may still be arriving
    if (!ec && doc.is_object() && doc.as_object().contains(field)) {
      return static_cast<std::uint16_t>(doc.at(field).to_number<std::int64_t>());
    }
  }
  return std::nullopt;
}

}  // namespace ecom::test
