#include <ecom/messaging/subscription.hpp>

#include <vector>

namespace ecom::messaging {
namespace {

std::vector<std::string_view> words(std::string_view s) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  for (;;) {
    auto dot = s.find('.', start);
    out.push_back(s.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start));
    if (dot == std::string_view::npos) {
      return out;
    }
    start = dot + 1;
  }
}

}  // namespace

bool topic_matches(std::string_view pattern, std::string_view topic) {
  auto p = words(pattern);
  auto t = words(topic);
  // match[i][j]: the first i pattern words match the first j topic words. '#' may eat zero words,
  // so a recursive matcher can go exponential on "#.#.#..."; this table is O(|p| * |t|).
  std::vector<std::vector<bool>> match(p.size() + 1, std::vector<bool>(t.size() + 1, false));
  match[0][0] = true;
  for (std::size_t i = 1; i <= p.size(); ++i) {
    const bool hash = p[i - 1] == "#";
    match[i][0] = hash && match[i - 1][0];
    for (std::size_t j = 1; j <= t.size(); ++j) {
      if (hash) {
        match[i][j] = match[i - 1][j] || match[i][j - 1];
      } else {
        match[i][j] = match[i - 1][j - 1] && (p[i - 1] == "*" || p[i - 1] == t[j - 1]);
      }
    }
  }
  return match[p.size()][t.size()];
}

}  // namespace ecom::messaging
