#include <ecom/storage/image.hpp>
#include <ecom/storage/sizes.hpp>

#include <algorithm>
#include <charconv>
#include <stdexcept>

namespace ecom::storage {
namespace {

constexpr std::string_view kWidthSuffix = "w";

// The position of the extension's dot in the last segment, or the end when there is none.
std::size_t extension_at(std::string_view key) {
  const auto slash = key.rfind('/');
  const auto dot = key.rfind('.');
  return dot == std::string_view::npos || (slash != std::string_view::npos && dot < slash) ? key.size() : dot;
}

bool is_ladder_width(std::int64_t width) {
  return std::find(kImageWidths.begin(), kImageWidths.end(), width) != kImageWidths.end();
}

// True when the file under key is an image exactly side pixels wide.
bool has_width(const Storage& store, std::string_view key, std::uint32_t side) {
  const auto bytes = store.get(key);
  if (!bytes) {
    return false;
  }
  try {
    return inspect_image(*bytes).width == static_cast<std::int64_t>(side);
  } catch (const std::exception&) {
    return false;
  }
}

}  // namespace

std::string sized_key(std::string_view key, std::int64_t width) {
  const auto dot = extension_at(key);
  std::string out(key.substr(0, dot));
  out += '-';
  out += std::to_string(width);
  out += kWidthSuffix;
  out += key.substr(dot);
  return out;
}

std::optional<SizedKey> parse_sized_key(std::string_view key) {
  const auto dot = extension_at(key);
  const auto stem = key.substr(0, dot);
  const auto dash = stem.rfind('-');
  if (dash == std::string_view::npos || !stem.ends_with(kWidthSuffix)) {
    return std::nullopt;
  }
  const auto digits = stem.substr(dash + 1, stem.size() - dash - 1 - kWidthSuffix.size());
  std::int64_t width = 0;
  const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), width);
  if (digits.empty() || error != std::errc{} || end != digits.data() + digits.size() || !is_ladder_width(width) ||
      sized_key(std::string(stem.substr(0, dash)) + std::string(key.substr(dot)), width) != key) {
    return std::nullopt;
  }
  return SizedKey{std::string(stem.substr(0, dash)) + std::string(key.substr(dot)), width};
}

std::vector<SizeCandidate> size_candidates(std::string_view key, std::int64_t width) {
  std::vector<SizeCandidate> out;
  for (const auto smaller : kImageWidths) {
    if (smaller < width) {
      out.push_back(SizeCandidate{sized_key(key, smaller), smaller});
    }
  }
  out.push_back(SizeCandidate{std::string(key), width});
  return out;
}

void put_placeholder(Storage& store, std::string_view key, std::uint32_t side, Rgb top, Rgb bottom) {
  for (const auto& candidate : size_candidates(key, side)) {
    const auto width = static_cast<std::uint32_t>(candidate.width);
    if (!has_width(store, candidate.key, width)) {
      store.put(candidate.key, placeholder_png(width, width, top, bottom));
    }
  }
}

}  // namespace ecom::storage
