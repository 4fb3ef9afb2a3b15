#include "backend_suite.hpp"

#include <catch2/catch.hpp>

#include <utility>

namespace ecom::test {

namespace {

class FunctionInvoker final : public Catch::ITestInvoker {
 public:
  explicit FunctionInvoker(std::function<void()> body) : body_(std::move(body)) {}
  void invoke() const override { body_(); }

 private:
  std::function<void()> body_;
};

}  // namespace

void register_test_case(const std::string& name, const std::string& tags, std::function<void()> body, const char* file,
                        std::size_t line) {
  // Catch copies the name and the tags into its registry and owns the invoker.
  const Catch::AutoReg registration(new FunctionInvoker(std::move(body)), Catch::SourceLineInfo(file, line),
                                    Catch::StringRef(), Catch::NameAndTags(name, tags));
}

}  // namespace ecom::test
