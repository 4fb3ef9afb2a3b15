#include "csv.hpp"

namespace ecom::catalog::csv {

ParseResult parse(std::string_view text, const Limits& limits) {
  ParseResult result;
  if (text.starts_with("\xEF\xBB\xBF")) {
    text.remove_prefix(3);
  }
  const auto fail = [&](std::string message) {
    result.errors.push_back(ParseError{result.records.size() + 1, std::move(message)});
    return result;
  };
  Record record;
  std::string field;
  std::size_t i = 0;
  const std::size_t n = text.size();
  // One pass over the text: i only moves forward, so the loop ends after n steps at most.
  while (i < n) {
    // The start of a field.
    if (text[i] == '"') {
      ++i;
      bool closed = false;
      while (i < n) {
        const char c = text[i];
        if (c == '"') {
          if (i + 1 < n && text[i + 1] == '"') {
            field.push_back('"');
            i += 2;
            continue;
          }
          ++i;
          closed = true;
          break;
        }
        field.push_back(c);
        ++i;
        if (field.size() > limits.max_field_bytes) {
          return fail("a field is longer than " + std::to_string(limits.max_field_bytes) + " bytes");
        }
      }
      if (!closed) {
        return fail("a quoted field is not closed");
      }
      if (i < n && text[i] != ',' && text[i] != '\r' && text[i] != '\n') {
        return fail("text after a closing quote: a quote inside a quoted field must be doubled");
      }
    } else {
      while (i < n && text[i] != ',' && text[i] != '\r' && text[i] != '\n') {
        if (text[i] == '"') {
          return fail("a quote inside an unquoted field: quote the whole field and double the quote");
        }
        field.push_back(text[i]);
        ++i;
        if (field.size() > limits.max_field_bytes) {
          return fail("a field is longer than " + std::to_string(limits.max_field_bytes) + " bytes");
        }
      }
    }
    // The end of a field: a comma, a line end or the end of the text.
    record.push_back(std::move(field));
    field.clear();
    if (record.size() > limits.max_fields) {
      return fail("more than " + std::to_string(limits.max_fields) + " fields");
    }
    if (i < n && text[i] == ',') {
      ++i;
      if (i == n) {
        record.emplace_back();  // "a,b," ends with an empty field
      } else {
        continue;
      }
    }
    if (i < n && text[i] == '\r') {
      ++i;
      if (i < n && text[i] == '\n') {
        ++i;
      }
    } else if (i < n && text[i] == '\n') {
      ++i;
    }
    if (result.records.size() >= limits.max_records) {
      return fail("more than " + std::to_string(limits.max_records) + " records");
    }
    result.records.push_back(std::move(record));
    record.clear();
  }
  return result;
}

void append_record(std::string& out, const Record& record) {
  bool first = true;
  for (const auto& field : record) {
    if (!first) {
      out.push_back(',');
    }
    first = false;
    const bool quote = field.find_first_of(",\"\r\n") != std::string::npos ||
                       (!field.empty() && (field.front() == ' ' || field.back() == ' '));
    if (!quote) {
      out += field;
      continue;
    }
    out.push_back('"');
    for (const char c : field) {
      if (c == '"') {
        out.push_back('"');
      }
      out.push_back(c);
    }
    out.push_back('"');
  }
  out += "\r\n";
}

}  // namespace ecom::catalog::csv
