#include <ecom/platform/csv.hpp>

namespace ecom::csv {
namespace {

// A spreadsheet runs a cell that begins with one of these as a formula ("=HYPERLINK(...)" in a
// product title would run on a staff member's machine), so such fields are written behind a
// quote mark, which spreadsheets show as text; a leading quote mark is guarded too, so that
// reading strips exactly what writing added.
bool guarded(char c) {
  return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r' || c == '\'';
}

}  // namespace

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
    if (field.size() > 1 && field.front() == '\'' && guarded(field[1])) {
      field.erase(0, 1);  // the guard append_record put before a formula character
    }
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
  for (const auto& raw : record) {
    if (!first) {
      out.push_back(',');
    }
    first = false;
    const std::string field = !raw.empty() && guarded(raw.front()) ? "'" + raw : raw;
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

}  // namespace ecom::csv
