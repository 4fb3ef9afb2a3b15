#include <ecom/platform/error.hpp>
#include <ecom/platform/log.hpp>
#include <ecom/storage/storage.hpp>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <random>
#include <sstream>
#include <system_error>
#include <unistd.h>

namespace ecom::storage {
namespace {

using core::Error;
using core::ErrorCode;

// What the client sees; the errno goes to the log only.
Error write_failed(std::string_view key, int err) {
  log::error("storage write failed", {{"key", key}, {"error", std::strerror(err)}});
  return Error(ErrorCode::unavailable, "The file store cannot write now.");
}

// Unique within the process (counter) and across processes (random prefix chosen once).
std::string temp_name(const std::filesystem::path& target) {
  static const std::uint64_t kProcessTag = std::random_device{}();
  static std::atomic<std::uint64_t> counter{0};
  return "." + target.filename().string() + ".tmp-" + std::to_string(kProcessTag) + "-" +
         std::to_string(counter.fetch_add(1));
}

// Writes every byte, retrying short writes and EINTR; the errno on failure, else 0.
int write_all(int fd, std::string_view bytes) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      return errno;
    }
    done += static_cast<std::size_t>(n);
  }
  return 0;
}

}  // namespace

LocalDiskStorage::LocalDiskStorage(std::filesystem::path root) : root_(std::move(root)) {}

std::optional<std::filesystem::path> LocalDiskStorage::path_of(std::string_view key) const {
  if (!valid_key(key)) {
    return std::nullopt;
  }
  return root_ / std::filesystem::path(std::string(key));
}

void LocalDiskStorage::put(std::string_view key, std::string_view bytes) {
  const auto target = path_of(key);
  if (!target) {
    throw Error::bad_parameter("key", "not a valid storage key");
  }
  std::error_code ec;
  std::filesystem::create_directories(target->parent_path(), ec);
  if (ec) {
    throw write_failed(key, ec.value());
  }
  const auto temp = target->parent_path() / temp_name(*target);
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) {
    throw write_failed(key, errno);
  }
  int err = write_all(fd, bytes);
  // fsync before the rename: otherwise a crash could leave the new name pointing at an empty file.
  if (err == 0 && ::fsync(fd) != 0) {
    err = errno;
  }
  if (::close(fd) != 0 && err == 0) {
    err = errno;
  }
  if (err == 0 && std::rename(temp.c_str(), target->c_str()) != 0) {
    err = errno;
  }
  if (err != 0) {
    std::filesystem::remove(temp, ec);
    throw write_failed(key, err);
  }
}

std::optional<std::string> LocalDiskStorage::get(std::string_view key) const {
  auto in = open(key);
  if (!in) {
    return std::nullopt;
  }
  std::ostringstream out;
  out << in->rdbuf();
  return std::move(out).str();
}

std::unique_ptr<std::istream> LocalDiskStorage::open(std::string_view key) const {
  const auto file = path_of(key);
  std::error_code ec;
  if (!file || !std::filesystem::is_regular_file(*file, ec)) {
    return nullptr;
  }
  auto in = std::make_unique<std::ifstream>(*file, std::ios::binary);
  if (!*in) {
    return nullptr;
  }
  return in;
}

bool LocalDiskStorage::remove(std::string_view key) {
  const auto file = path_of(key);
  if (!file) {
    return false;
  }
  std::error_code ec;
  const bool removed = std::filesystem::remove(*file, ec);
  if (ec) {
    throw write_failed(key, ec.value());
  }
  return removed;
}

bool LocalDiskStorage::exists(std::string_view key) const {
  const auto file = path_of(key);
  std::error_code ec;
  return file && std::filesystem::is_regular_file(*file, ec);
}

}  // namespace ecom::storage
