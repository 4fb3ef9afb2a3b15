// ecomctl seed --products N [--seed S] [--append | --if-empty] [--config FILE]: fills the catalog
// with demo data (catalog/seed.hpp).
#include "commands.hpp"
#include "ctl_config.hpp"

#include <ecom/catalog/seed.hpp>
#include <ecom/db/database.hpp>
#include <ecom/platform/config.hpp>
#include <ecom/platform/error.hpp>
#include <ecom/storage/storage.hpp>

#include <fmt/format.h>

#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

namespace ecom::ctl {
namespace {

constexpr std::string_view kUsage =
    "Usage: ecomctl seed --products N [--seed S] [--append | --if-empty] [--no-images] [--config FILE]\n\n"
    "Creates a deterministic demo catalog: a category tree (6 departments with 3-5 sub-categories)\n"
    "and N products over its leaf categories, with attributes, 1-6 variants each, EUR prices and\n"
    "stock, and 1-3 placeholder images each (12 PNGs written once under storage.root, default\n"
    "var/media; --no-images: none). The same --seed (default 1) gives the same products.\n\n"
    "A catalog that already has products is refused (exit 1) unless --append is given, which adds\n"
    "N more with slugs and SKUs that do not collide; --if-empty exits 0 without seeding instead.\n"
    "The storefront's cached category tree and listings catch up within their TTL (5 minutes).\n";

constexpr std::int64_t kMaxProducts = 10'000'000;

struct Options {
  std::int64_t products = -1;
  std::uint64_t seed = 1;
  bool append = false;
  bool if_empty = false;
  bool images = true;
  std::string config_path;
};

template <typename Int>
std::optional<Int> parse_number(std::string_view text) {
  Int value{};
  const auto* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc{} || ptr != end || text.empty()) {
    return std::nullopt;
  }
  return value;
}

int usage_error(std::string_view message) {
  fmt::print(stderr, "ecomctl seed: {}\n\n{}", message, kUsage);
  return 2;
}

// nullopt with exit_code set when the command should stop here.
std::optional<Options> parse_args(Args args, int& exit_code) {
  Options options;
  std::optional<std::string> config_path;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string_view arg = args[i];
    const bool has_value = i + 1 < args.size();
    if (arg == "--help" || arg == "-h") {
      fmt::print("{}", kUsage);
      exit_code = 0;
      return std::nullopt;
    }
    if (arg == "--products" && has_value) {
      const auto n = parse_number<std::int64_t>(args[++i]);
      if (!n || *n < 0 || *n > kMaxProducts) {
        exit_code = usage_error(fmt::format("--products must be a number from 0 to {}", kMaxProducts));
        return std::nullopt;
      }
      options.products = *n;
    } else if (arg == "--seed" && has_value) {
      const auto s = parse_number<std::uint64_t>(args[++i]);
      if (!s) {
        exit_code = usage_error("--seed must be a non-negative number");
        return std::nullopt;
      }
      options.seed = *s;
    } else if (arg == "--no-images") {
      options.images = false;
    } else if (arg == "--append") {
      options.append = true;
    } else if (arg == "--if-empty") {
      options.if_empty = true;
    } else if (arg == "--config" && has_value) {
      config_path = args[++i];
    } else if (arg.starts_with("--config=")) {
      config_path = std::string(arg.substr(9));
    } else {
      exit_code = usage_error(fmt::format("unknown argument '{}'", arg));
      return std::nullopt;
    }
  }
  if (options.products < 0) {
    exit_code = usage_error("--products N is required");
    return std::nullopt;
  }
  if (options.append && options.if_empty) {
    exit_code = usage_error("--append and --if-empty contradict each other");
    return std::nullopt;
  }
  options.config_path = ecom::ctl::config_path(config_path);
  return options;
}

}  // namespace

int seed_command(Args args) {
  int exit_code = 0;
  auto options = parse_args(args, exit_code);
  if (!options) {
    return exit_code;
  }
  return report_errors("seed", [&] {
    const auto cfg = load_config(options->config_path);
    db::Database db(db::options_from(cfg));
    if (options->if_empty) {
      const auto existing = catalog::count_products(db);
      if (existing > 0) {
        fmt::print("catalog already has {} products: nothing seeded\n", existing);
        return 0;
      }
    }
    storage::LocalDiskStorage media(storage::options_from(cfg).root);
    storage::Storage* images = options->images ? &media : nullptr;
    const auto started = std::chrono::steady_clock::now();
    const auto result = catalog::seed_catalog(
        db, catalog::SeedOptions{
                .products = options->products, .seed = options->seed, .append = options->append, .storage = images});
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
    fmt::print("seeded {} products, {} variants, {} images, {} categories in {:.1f} s\n", result.products,
               result.variants, result.images, result.categories, took.count());
    return 0;
  });
}

}  // namespace ecom::ctl
