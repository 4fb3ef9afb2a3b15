#include <ecom/platform/http/router.hpp>

#include <algorithm>
#include <stdexcept>

namespace ecom::http {
namespace {

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> out;
  // The leading '/' is required and not a segment.
  std::size_t pos = 1;
  while (pos <= path.size()) {
    auto slash = path.find('/', pos);
    if (slash == std::string_view::npos) {
      out.push_back(path.substr(pos));
      break;
    }
    out.push_back(path.substr(pos, slash - pos));
    pos = slash + 1;
  }
  return out;
}

bool valid_name(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
}

// Specificity for choosing between templates that both match: literal beats parameter beats rest.
int weight(const auto& segment) {
  using Kind = std::remove_cvref_t<decltype(segment.kind)>;
  switch (segment.kind) {
    case Kind::literal:
      return 2;
    case Kind::param:
      return 1;
    case Kind::rest:
      return 0;
  }
  return 0;
}

}  // namespace

Router& Router::add(Method method, std::string pattern, Handler handler, RouteOptions options, FastHandler fast) {
  if (pattern.empty() || pattern.front() != '/') {
    throw std::invalid_argument("route pattern must start with '/': " + pattern);
  }
  Compiled compiled;
  auto parts = split_path(pattern);
  for (std::size_t i = 0; i < parts.size(); ++i) {
    std::string_view part = parts[i];
    if (part.size() >= 2 && part.front() == '{' && part.back() == '}') {
      std::string_view name = part.substr(1, part.size() - 2);
      Segment::Kind kind = Segment::Kind::param;
      if (name.ends_with("...")) {
        name.remove_suffix(3);
        kind = Segment::Kind::rest;
        if (i + 1 != parts.size()) {
          throw std::invalid_argument("a {name...} segment must be last: " + pattern);
        }
      }
      if (!valid_name(name)) {
        throw std::invalid_argument("bad parameter name in route pattern: " + pattern);
      }
      compiled.segments.push_back({kind, std::string(name)});
    } else if (part.find_first_of("{}") != std::string_view::npos) {
      throw std::invalid_argument("braces must enclose a whole segment: " + pattern);
    } else {
      compiled.segments.push_back({Segment::Kind::literal, std::string(part)});
    }
  }
  for (const auto& r : routes_) {
    if (r->method == method && r->pattern == pattern) {
      throw std::invalid_argument("duplicate route: " + std::string(to_string(method)) + " " + pattern);
    }
  }
  routes_.push_back(std::make_unique<Route>(
      Route{method, std::move(pattern), std::move(handler), std::move(options), std::move(fast)}));
  compiled.route = routes_.back().get();
  compiled_.push_back(std::move(compiled));
  return *this;
}

std::optional<Router::Params> Router::match_segments(const std::vector<Segment>& segs, std::string_view path,
                                                     const std::vector<std::string_view>& parts) {
  Params params;
  std::size_t i = 0;
  for (; i < segs.size(); ++i) {
    const auto& seg = segs[i];
    if (seg.kind == Segment::Kind::rest) {
      if (i >= parts.size()) {
        return std::nullopt;
      }
      // The rest of the path, slashes included, from this segment's start.
      std::size_t offset = 1;
      for (std::size_t k = 0; k < i; ++k) {
        offset += parts[k].size() + 1;
      }
      std::string_view rest = path.substr(offset);
      if (rest.empty()) {
        return std::nullopt;
      }
      params.emplace_back(seg.text, std::string(rest));
      return params;
    }
    if (i >= parts.size()) {
      return std::nullopt;
    }
    if (seg.kind == Segment::Kind::literal) {
      if (parts[i] != seg.text) {
        return std::nullopt;
      }
    } else {
      if (parts[i].empty()) {
        return std::nullopt;
      }
      params.emplace_back(seg.text, std::string(parts[i]));
    }
  }
  if (i != parts.size()) {
    return std::nullopt;
  }
  return params;
}

Match Router::match(Method method, std::string_view path) const {
  Match best;
  const Compiled* best_compiled = nullptr;
  std::vector<Method> allowed;
  if (path.empty() || path.front() != '/') {
    return best;
  }
  // Split once; every template is compared against the same segments.
  const auto parts = split_path(path);
  for (const auto& c : compiled_) {
    auto params = match_segments(c.segments, path, parts);
    if (!params) {
      continue;
    }
    allowed.push_back(c.route->method);
    bool method_ok = c.route->method == method || (method == Method::head && c.route->method == Method::get);
    if (!method_ok) {
      continue;
    }
    bool better = best_compiled == nullptr;
    if (!better) {
      // Lexicographic comparison of segment weights: the more literal template wins.
      const auto& a = c.segments;
      const auto& b = best_compiled->segments;
      for (std::size_t k = 0; k < std::min(a.size(), b.size()); ++k) {
        if (weight(a[k]) != weight(b[k])) {
          better = weight(a[k]) > weight(b[k]);
          break;
        }
      }
      // An exact HEAD route beats GET serving HEAD.
      if (!better && c.route->method == method && best_compiled->route->method != method && a.size() == b.size()) {
        better = true;
      }
    }
    if (better) {
      best_compiled = &c;
      best.kind = Match::Kind::found;
      best.route = c.route;
      best.params = std::move(*params);
    }
  }
  if (best_compiled != nullptr) {
    return best;
  }
  if (allowed.empty()) {
    return best;  // not_found
  }
  if (std::find(allowed.begin(), allowed.end(), Method::get) != allowed.end() &&
      std::find(allowed.begin(), allowed.end(), Method::head) == allowed.end()) {
    allowed.push_back(Method::head);
  }
  std::sort(allowed.begin(), allowed.end());
  allowed.erase(std::unique(allowed.begin(), allowed.end()), allowed.end());
  best.kind = Match::Kind::method_not_allowed;
  for (Method m : allowed) {
    if (!best.allow.empty()) {
      best.allow += ", ";
    }
    best.allow += to_string(m);
  }
  return best;
}

}  // namespace ecom::http
