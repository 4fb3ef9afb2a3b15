#include <ecom/web/templates.hpp>

#include <boost/json.hpp>

#include <fstream>
#include <kainjow/mustache.hpp>
#include <sstream>
#include <utility>
#include <vector>

namespace ecom::web {
namespace {

namespace mstch = kainjow::mustache;

mstch::data to_data(const boost::json::value& value) {
  switch (value.kind()) {
    case boost::json::kind::object: {
      mstch::data out{mstch::data::type::object};
      for (const auto& [key, item] : value.get_object()) {
        out.set(std::string(key), to_data(item));
      }
      return out;
    }
    case boost::json::kind::array: {
      mstch::data out{mstch::data::type::list};
      for (const auto& item : value.get_array()) {
        out.push_back(to_data(item));
      }
      return out;
    }
    case boost::json::kind::string:
      // An empty string is false, as in JavaScript Mustache: {{#note}}...{{/note}} skips it.
      if (value.get_string().empty()) {
        return mstch::data{false};
      }
      return mstch::data{std::string(value.get_string())};
    case boost::json::kind::bool_:
      return mstch::data{value.get_bool()};
    case boost::json::kind::null:
      return mstch::data{false};
    default:
      // Numbers: their JSON text ("12", "1.5").
      return mstch::data{boost::json::serialize(value)};
  }
}

using PartialTable = std::map<std::string, mstch::data, std::less<>>;

// Partials come from the template set, never from the view model, so a model key can never be
// taken for template source.
class PartialContext : public mstch::context<std::string> {
 public:
  PartialContext(const mstch::data* data, const PartialTable& partials)
      : mstch::context<std::string>(data), partials_(partials) {}
  const mstch::data* get_partial(const std::string& name) const override {
    auto it = partials_.find(name);
    return it == partials_.end() ? nullptr : &it->second;
  }

 private:
  const PartialTable& partials_;
};

}  // namespace

struct Templates::Impl {
  std::map<std::string, std::string, std::less<>> sources;
  PartialTable partials;  // the same texts, as the library looks partials up
};

std::shared_ptr<const Templates> Templates::load(const std::filesystem::path& dir) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    throw TemplateError("templates: no folder " + dir.string());
  }
  std::map<std::string, std::string> sources;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (!entry.is_regular_file() || entry.path().extension() != ".mustache") {
      continue;
    }
    std::ifstream in(entry.path(), std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    if (!in) {
      throw TemplateError("templates: cannot read " + entry.path().string());
    }
    sources.emplace(entry.path().stem().string(), text.str());
  }
  if (sources.empty()) {
    throw TemplateError("templates: no *.mustache file in " + dir.string());
  }
  try {
    return from_sources(sources);
  } catch (const TemplateError& e) {
    throw TemplateError(std::string(e.what()) + " (in " + dir.string() + ")");
  }
}

std::shared_ptr<const Templates> Templates::from_sources(const std::map<std::string, std::string>& sources) {
  auto impl = std::make_shared<Impl>();
  for (const auto& [name, text] : sources) {
    const mstch::mustache parsed{text};
    if (!parsed.is_valid()) {
      throw TemplateError("template " + name + ".mustache: " + parsed.error_message());
    }
    impl->partials.emplace(name, mstch::data{text});
    impl->sources.emplace(name, text);
  }
  return std::shared_ptr<const Templates>(new Templates(std::move(impl)));
}

Templates::Templates(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}

bool Templates::contains(std::string_view name) const {
  return impl_->sources.find(name) != impl_->sources.end();
}

std::string Templates::render(std::string_view name, const boost::json::value& model) const {
  auto it = impl_->sources.find(name);
  if (it == impl_->sources.end()) {
    throw TemplateError("no template named " + std::string(name));
  }
  // Parsed per call: the library's renderer is not const, and parsing a page's few kilobytes costs
  // microseconds, far below the database reads behind the page.
  mstch::mustache tmpl{it->second};
  const auto data = to_data(model);
  PartialContext context(&data, impl_->partials);
  auto out = tmpl.render(context);
  if (!tmpl.is_valid()) {
    throw TemplateError("template " + std::string(name) + ": " + tmpl.error_message());
  }
  return out;
}

}  // namespace ecom::web
