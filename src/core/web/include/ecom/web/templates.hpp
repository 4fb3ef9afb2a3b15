// Server-side HTML templates: Mustache (Debian's header-only kainjow/mustache) behind a small
// interface, so pages render from a boost::json view model and no other file sees the library.
//
// Every *.mustache file of a folder is read and parsed at start-up; a parse error fails start-up
// naming the file. Each template is also a partial under its file name ({{> layout_head}}), which
// is how pages share the layout. {{name}} HTML-escapes (&, <, >, ", '); triple mustache is for
// values the server already made safe (the JSON-LD block), never for user data.
#pragma once

#include <boost/json/value.hpp>

#include <filesystem>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

namespace ecom::web {

class TemplateError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Templates {
 public:
  // Every regular file named *.mustache directly in dir, by file stem. Throws TemplateError when
  // dir is missing or holds no template, or naming the file whose syntax is broken.
  [[nodiscard]] static std::shared_ptr<const Templates> load(const std::filesystem::path& dir);
  // The same from name -> source text (tests).
  [[nodiscard]] static std::shared_ptr<const Templates> from_sources(const std::map<std::string, std::string>& sources);

  // Renders a template with the view model: objects and arrays as Mustache sections, strings as
  // text (the empty string counts as false), numbers as their decimal text, true/false/null as
  // section switches. Throws TemplateError
  // for an unknown name or a render failure. Safe to call from many threads at once.
  [[nodiscard]] std::string render(std::string_view name, const boost::json::value& model) const;
  [[nodiscard]] bool contains(std::string_view name) const;

 private:
  struct Impl;  // the parsed-once partial table, kept out of this header with the library
  explicit Templates(std::shared_ptr<const Impl> impl);
  std::shared_ptr<const Impl> impl_;
};

}  // namespace ecom::web
