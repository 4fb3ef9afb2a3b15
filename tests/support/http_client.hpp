// A deliberately simple blocking HTTP/1.1 client over a raw socket, for tests that must control
// the exact bytes sent (pipelining, malformed requests, slow clients) and see the exact answer.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ecom::test {

struct RawResponse {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  [[nodiscard]] std::optional<std::string> header(std::string_view name) const;
};

class TestError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Connection {
 public:
  explicit Connection(std::uint16_t port);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  void send(std::string_view bytes);
  // Reads one response (Content-Length framed, or until close). Throws TestError on timeout or when
  // the connection closes before a whole response arrived. head: the request was HEAD (no body).
  RawResponse read_response(std::chrono::milliseconds timeout = std::chrono::seconds(5), bool head = false);
  // True when the peer closes (read returns 0 or reset) within the timeout; bytes read are discarded.
  bool closed_by_peer(std::chrono::milliseconds timeout);

 private:
  bool fill(std::chrono::steady_clock::time_point deadline);  // false on EOF
  int fd_ = -1;
  std::string buffer_;
};

// "GET /path HTTP/1.1\r\nHost: test\r\n<extra>\r\n" with Content-Length when a body is given.
[[nodiscard]] std::string build_request(std::string_view method, std::string_view target,
                                        const std::vector<std::pair<std::string, std::string>>& headers = {},
                                        std::string_view body = {});

// One request on a new connection.
[[nodiscard]] RawResponse fetch(std::uint16_t port, std::string_view method, std::string_view target,
                                const std::vector<std::pair<std::string, std::string>>& headers = {},
                                std::string_view body = {});

}  // namespace ecom::test
