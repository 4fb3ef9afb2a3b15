// The log lines written while a test runs, through log::set_sink; stderr and the info level come
// back when it ends. One at a time: the sink is process-wide.
#pragma once

#include <ecom/platform/log.hpp>

#include <algorithm>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace ecom::test {

class CapturedLog {
 public:
  CapturedLog() {
    log::set_sink([this](std::string_view line) { lines_.emplace_back(line); });
  }
  ~CapturedLog() {
    log::set_sink(nullptr);
    log::set_level(log::Level::info);
  }
  CapturedLog(const CapturedLog&) = delete;
  CapturedLog& operator=(const CapturedLog&) = delete;

  [[nodiscard]] const std::vector<std::string>& lines() const { return lines_; }
  // True when some line holds every one of the texts.
  [[nodiscard]] bool has_line_with(std::initializer_list<std::string_view> texts) const {
    return std::any_of(lines_.begin(), lines_.end(), [&](const std::string& line) {
      return std::all_of(texts.begin(), texts.end(),
                         [&](std::string_view t) { return line.find(t) != std::string::npos; });
    });
  }

 private:
  std::vector<std::string> lines_;
};

}  // namespace ecom::test
