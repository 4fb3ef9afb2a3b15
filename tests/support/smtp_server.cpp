#include "smtp_server.hpp"

#include <algorithm>
#include <arpa/inet.h>
#include <cctype>
#include <netinet/in.h>
#include <optional>
#include <poll.h>
#include <stdexcept>
#include <sys/socket.h>
#include <unistd.h>

namespace ecom::test {
namespace {

std::string upper(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return out;
}

// The address between < and > of "MAIL FROM:<a@b>" or "RCPT TO:<a@b>".
std::string bracketed(const std::string& line) {
  const auto open = line.find('<');
  const auto close = line.find('>', open == std::string::npos ? 0 : open);
  if (open == std::string::npos || close == std::string::npos) {
    return "";
  }
  return line.substr(open + 1, close - open - 1);
}

class Connection {
 public:
  Connection(int fd, const std::atomic<bool>& stopping) : fd_(fd), stopping_(stopping) {}
  ~Connection() { ::close(fd_); }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  void reply(std::string_view text) const {
    std::string out(text);
    out += "\r\n";
    std::size_t sent = 0;
    while (sent < out.size()) {
      const auto n = ::send(fd_, out.data() + sent, out.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) {
        return;
      }
      sent += static_cast<std::size_t>(n);
    }
  }

  // One line without its CRLF; nullopt when the client is gone or the server stops.
  std::optional<std::string> line() {
    for (;;) {
      if (const auto end = buffer_.find("\r\n"); end != std::string::npos) {
        auto out = buffer_.substr(0, end);
        buffer_.erase(0, end + 2);
        return out;
      }
      pollfd p{fd_, POLLIN, 0};
      const int ready = ::poll(&p, 1, 100);
      if (stopping_) {
        return std::nullopt;
      }
      if (ready <= 0) {
        continue;
      }
      char chunk[4096];
      const auto n = ::recv(fd_, chunk, sizeof chunk, 0);
      if (n <= 0) {
        return std::nullopt;
      }
      buffer_.append(chunk, static_cast<std::size_t>(n));
    }
  }

 private:
  int fd_;
  const std::atomic<bool>& stopping_;
  std::string buffer_;
};

}  // namespace

std::string SmtpMessage::body() const {
  const auto end = data.find("\r\n\r\n");
  return end == std::string::npos ? std::string() : data.substr(end + 4);
}

std::string SmtpMessage::header(std::string_view name) const {
  const std::string wanted = upper(name) + ":";
  std::size_t at = 0;
  while (at < data.size()) {
    const auto end = data.find("\r\n", at);
    const auto line = data.substr(at, end == std::string::npos ? std::string::npos : end - at);
    if (line.empty()) {
      break;
    }
    if (upper(line.substr(0, wanted.size())) == wanted) {
      auto value = line.substr(wanted.size());
      value.erase(0, value.find_first_not_of(' '));
      return value;
    }
    at = end == std::string::npos ? data.size() : end + 2;
  }
  return "";
}

SmtpServer::SmtpServer() {
  listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t size = sizeof address;
  if (listener_ < 0 || ::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::listen(listener_, 16) != 0 || ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &size) != 0) {
    throw std::runtime_error("smtp test server: cannot listen on loopback");
  }
  port_ = ntohs(address.sin_port);
  thread_ = std::thread([this] { serve(); });
}

SmtpServer::~SmtpServer() {
  stopping_ = true;
  thread_.join();
  ::close(listener_);
}

std::string SmtpServer::url() const {
  return "smtp://127.0.0.1:" + std::to_string(port_);
}

std::vector<SmtpMessage> SmtpServer::messages() const {
  const std::lock_guard lock(mutex_);
  return messages_;
}

std::vector<SmtpMessage> SmtpServer::wait_for(std::size_t count, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mutex_);
  arrived_.wait_for(lock, timeout, [&] { return messages_.size() >= count; });
  return messages_;
}

void SmtpServer::serve() {
  while (!stopping_) {
    pollfd p{listener_, POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) {
      continue;
    }
    const int fd = ::accept(listener_, nullptr, nullptr);
    if (fd >= 0) {
      session(fd);  // one client at a time: enough for a test's mailer
    }
  }
}

void SmtpServer::session(int fd) {
  Connection c(fd, stopping_);
  c.reply("220 localhost ESMTP ecom test server");
  SmtpMessage message;
  while (auto line = c.line()) {
    const auto verb = upper(line->substr(0, 4));
    if (verb == "EHLO") {
      c.reply("250-localhost\r\n250-8BITMIME\r\n250 SIZE 10485760");
    } else if (verb == "HELO" || verb == "NOOP") {
      c.reply("250 OK");
    } else if (verb == "RSET") {
      message = {};
      c.reply("250 OK");
    } else if (verb == "MAIL") {
      message = {};
      message.from = bracketed(*line);
      c.reply("250 OK");
    } else if (verb == "RCPT") {
      message.to.push_back(bracketed(*line));
      c.reply("250 OK");
    } else if (verb == "DATA") {
      c.reply("354 End data with <CR><LF>.<CR><LF>");
      while (auto data = c.line()) {
        if (*data == ".") {
          break;
        }
        message.data += (data->starts_with('.') ? data->substr(1) : *data) + "\r\n";
      }
      {
        const std::lock_guard lock(mutex_);
        messages_.push_back(std::move(message));
      }
      arrived_.notify_all();
      message = {};
      c.reply("250 OK: queued");
    } else if (verb == "QUIT") {
      c.reply("221 Bye");
      return;
    } else {
      c.reply("502 Command not implemented");
    }
  }
}

}  // namespace ecom::test
