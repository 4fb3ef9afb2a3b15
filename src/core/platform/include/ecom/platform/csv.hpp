// RFC 4180 CSV, for the catalog's product import and export and the audit log's export:
// comma-separated fields, records ended by CRLF or LF, fields optionally in double quotes (a quote
// inside one doubled), quoted fields may span lines. Parsing is bounded (records, fields per record, bytes per field)
// because the text comes from a client; its errors name the record (1-based, the header is record 1).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace ecom::csv {

using Record = std::vector<std::string>;

struct Limits {
  std::size_t max_records = 100'001;  // the header and 100,000 rows
  std::size_t max_fields = 64;
  std::size_t max_field_bytes = 64 * 1024;
};

// What is wrong with the text and where: record is 1-based.
struct ParseError {
  std::size_t record = 0;
  std::string message;
};

struct ParseResult {
  std::vector<Record> records;
  std::vector<ParseError> errors;  // empty when the whole text parsed; parsing stops at the first
};

// A trailing line end after the last record adds no empty record; a UTF-8 byte-order mark at the
// start is skipped (spreadsheets write one). See append_record for the quote mark guard.
[[nodiscard]] ParseResult parse(std::string_view text, const Limits& limits = {});

// Appends one record, fields quoted only when they hold a comma, a quote, CR or LF, or begin or end
// with a space; ended with CRLF as RFC 4180 says. A field that begins with a formula character
// (= + - @ tab CR) or a quote mark (') is written with a quote mark before it, so a spreadsheet
// opening the export shows text instead of running a formula; parse removes that one quote mark
// again (a field of two or more characters that begins with ' and then one of those).
void append_record(std::string& out, const Record& record);

}  // namespace ecom::csv
