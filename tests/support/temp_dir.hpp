// A scratch folder for a test: created fresh and unique (mkdtemp) under the system's temporary
// directory, removed with everything in it when the object goes away.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace ecom::test {

class TempDir {
 public:
  // prefix names the folder, so that one left behind by a crashed test shows who made it.
  explicit TempDir(std::string_view prefix = "ecom-test");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  TempDir(TempDir&& other) noexcept;
  TempDir& operator=(TempDir&& other) noexcept;

  [[nodiscard]] const std::filesystem::path& path() const noexcept { return path_; }
  [[nodiscard]] std::filesystem::path operator/(const std::filesystem::path& name) const { return path_ / name; }

 private:
  void remove() noexcept;
  std::filesystem::path path_;
};

}  // namespace ecom::test
