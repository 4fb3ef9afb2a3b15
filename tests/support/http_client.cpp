#include "http_client.hpp"

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace ecom::test {
namespace {

bool iequal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

int remaining_ms(std::chrono::steady_clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
  return left.count() < 0 ? 0 : static_cast<int>(left.count());
}

}  // namespace

std::optional<std::string> RawResponse::header(std::string_view name) const {
  for (const auto& [n, v] : headers) {
    if (iequal(n, name)) {
      return v;
    }
  }
  return std::nullopt;
}

Connection::Connection(std::uint16_t port) {
  fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd_ < 0) {
    throw TestError("socket() failed");
  }
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd_);
    throw TestError("connect() to 127.0.0.1:" + std::to_string(port) + " failed: " + std::strerror(errno));
  }
  int one = 1;
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

Connection::~Connection() {
  if (fd_ >= 0) {
    ::close(fd_);
  }
}

void Connection::send(std::string_view bytes) {
  while (!bytes.empty()) {
    auto n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      throw TestError(std::string("send() failed: ") + std::strerror(errno));
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
}

bool Connection::fill(std::chrono::steady_clock::time_point deadline) {
  pollfd p{fd_, POLLIN, 0};
  int ready = ::poll(&p, 1, remaining_ms(deadline));
  if (ready == 0) {
    throw TestError("timed out waiting for the server");
  }
  char chunk[16384];
  auto n = ::recv(fd_, chunk, sizeof chunk, 0);
  if (n <= 0) {
    return false;
  }
  buffer_.append(chunk, static_cast<std::size_t>(n));
  return true;
}

RawResponse Connection::read_response(std::chrono::milliseconds timeout, bool head) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::size_t end = 0;
  while ((end = buffer_.find("\r\n\r\n")) == std::string::npos) {
    if (!fill(deadline)) {
      throw TestError("connection closed before a response header arrived");
    }
  }
  RawResponse res;
  std::string_view head_text(buffer_.data(), end);
  auto line_end = head_text.find("\r\n");
  std::string_view status_line = head_text.substr(0, line_end);
  if (status_line.size() < 12 || !status_line.starts_with("HTTP/1.")) {
    throw TestError("bad status line: " + std::string(status_line));
  }
  res.status = std::stoi(std::string(status_line.substr(9, 3)));
  std::size_t pos = line_end == std::string_view::npos ? head_text.size() : line_end + 2;
  while (pos < head_text.size()) {
    auto next = head_text.find("\r\n", pos);
    std::string_view line = head_text.substr(pos, next == std::string_view::npos ? std::string_view::npos : next - pos);
    auto colon = line.find(':');
    if (colon != std::string_view::npos) {
      std::string_view value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') {
        value.remove_prefix(1);
      }
      res.headers.emplace_back(std::string(line.substr(0, colon)), std::string(value));
    }
    pos = next == std::string_view::npos ? head_text.size() : next + 2;
  }
  buffer_.erase(0, end + 4);
  bool bodiless = head || res.status == 204 || res.status == 304 || (res.status >= 100 && res.status < 200);
  if (bodiless) {
    return res;
  }
  if (auto cl = res.header("Content-Length")) {
    auto length = static_cast<std::size_t>(std::stoull(*cl));
    while (buffer_.size() < length) {
      if (!fill(deadline)) {
        throw TestError("connection closed in the middle of a response body");
      }
    }
    res.body = buffer_.substr(0, length);
    buffer_.erase(0, length);
  } else {
    while (fill(deadline)) {
    }
    res.body = std::move(buffer_);
    buffer_.clear();
  }
  return res;
}

bool Connection::closed_by_peer(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  try {
    while (fill(deadline)) {
      buffer_.clear();
    }
    return true;
  } catch (const TestError&) {
    return false;
  }
}

std::string build_request(std::string_view method, std::string_view target,
                          const std::vector<std::pair<std::string, std::string>>& headers, std::string_view body) {
  std::string out;
  out.append(method).append(" ").append(target).append(" HTTP/1.1\r\nHost: test\r\n");
  for (const auto& [n, v] : headers) {
    out.append(n).append(": ").append(v).append("\r\n");
  }
  if (!body.empty()) {
    out.append("Content-Length: ").append(std::to_string(body.size())).append("\r\n");
  }
  out.append("\r\n").append(body);
  return out;
}

RawResponse fetch(std::uint16_t port, std::string_view method, std::string_view target,
                  const std::vector<std::pair<std::string, std::string>>& headers, std::string_view body) {
  Connection c(port);
  c.send(build_request(method, target, headers, body));
  return c.read_response(std::chrono::seconds(10), method == "HEAD");
}

}  // namespace ecom::test
