#include "pages/format.hpp"

#include <boost/json.hpp>

#include <array>
#include <limits>

namespace ecom::storefront::pages {
namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

}  // namespace

std::string summarize(std::string_view text, std::size_t max_bytes) {
  std::string collapsed;
  collapsed.reserve(text.size());
  for (char c : text) {
    if (is_space(c)) {
      if (!collapsed.empty() && collapsed.back() != ' ') {
        collapsed.push_back(' ');
      }
    } else {
      collapsed.push_back(c);
    }
  }
  while (!collapsed.empty() && collapsed.back() == ' ') {
    collapsed.pop_back();
  }
  if (collapsed.size() <= max_bytes) {
    return collapsed;
  }
  static constexpr std::string_view kEllipsis = "\u2026";
  std::size_t cut = max_bytes > kEllipsis.size() ? max_bytes - kEllipsis.size() : 0;
  // Never split a UTF-8 sequence: back up over continuation bytes.
  while (cut > 0 && (static_cast<unsigned char>(collapsed[cut]) & 0xC0U) == 0x80U) {
    --cut;
  }
  const auto space = collapsed.rfind(' ', cut);
  if (space != std::string::npos && space > cut / 2) {
    cut = space;
  }
  collapsed.resize(cut);
  return collapsed + std::string(kEllipsis);
}

std::string json_for_script(const boost::json::value& value) {
  const auto json = boost::json::serialize(value);
  std::string out;
  out.reserve(json.size());
  for (char c : json) {
    // Outside strings JSON has none of these characters, so the replacement keeps it valid.
    switch (c) {
      case '<':
        out += "\\u003c";
        break;
      case '>':
        out += "\\u003e";
        break;
      case '&':
        out += "\\u0026";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

}  // namespace ecom::storefront::pages
