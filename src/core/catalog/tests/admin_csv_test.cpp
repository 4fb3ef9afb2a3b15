// The RFC 4180 reader and writer behind the admin's CSV import and export.
#include <ecom/platform/csv.hpp>

#include <catch2/catch.hpp>

#include <string>

using ecom::csv::append_record;
using ecom::csv::Limits;
using ecom::csv::parse;
using ecom::csv::Record;

TEST_CASE("csv: quoted fields, doubled quotes, embedded line ends, CRLF and LF", "[csv]") {
  const auto result = parse(
      "\xEF\xBB\xBF"
      "a,b,c\r\n\"x, y\",\"say \"\"hi\"\"\",\"two\nlines\"\nplain,,\"\"\n");
  REQUIRE(result.errors.empty());
  REQUIRE(result.records.size() == 3);
  CHECK(result.records[0] == Record{"a", "b", "c"});
  CHECK(result.records[1] == Record{"x, y", "say \"hi\"", "two\nlines"});
  CHECK(result.records[2] == Record{"plain", "", ""});
  // No line end after the last record, and a trailing empty field.
  const auto last = parse("a,b\n1,");
  REQUIRE(last.errors.empty());
  CHECK(last.records.at(1) == Record{"1", ""});
}

TEST_CASE("csv: malformed text names the record", "[csv]") {
  auto r = parse("a,b\n\"never closed,x\n");
  REQUIRE(r.errors.size() == 1);
  CHECK(r.errors[0].record == 2);
  r = parse("a,b\nx\"y,z\n");
  REQUIRE(r.errors.size() == 1);
  CHECK(r.errors[0].record == 2);
  r = parse("a\n\"x\"y\n");
  REQUIRE(r.errors.size() == 1);
  CHECK(r.errors[0].record == 2);
}

TEST_CASE("csv: limits bound records, fields and field size", "[csv]") {
  Limits limits;
  limits.max_records = 2;
  limits.max_fields = 3;
  limits.max_field_bytes = 5;
  CHECK_FALSE(parse("a\nb\nc\n", limits).errors.empty());
  CHECK(parse("a\nb\n", limits).errors.empty());
  CHECK_FALSE(parse("a,b,c,d\n", limits).errors.empty());
  CHECK_FALSE(parse("abcdef\n", limits).errors.empty());
  CHECK_FALSE(parse("\"abcdef\"\n", limits).errors.empty());
}

TEST_CASE("csv: what is written reads back the same", "[csv]") {
  const Record tricky = {"plain", "with, comma", "with \"quote\"", "line\r\nend", " padded ", ""};
  std::string out;
  append_record(out, {"h1", "h2", "h3", "h4", "h5", "h6"});
  append_record(out, tricky);
  CHECK(out.find("plain,\"with, comma\",\"with \"\"quote\"\"\"") != std::string::npos);
  const auto back = parse(out);
  REQUIRE(back.errors.empty());
  REQUIRE(back.records.size() == 2);
  CHECK(back.records[1] == tricky);
}

TEST_CASE("csv: formula characters are written as text and read back unchanged", "[csv]") {
  const Record risky = {"=HYPERLINK(\"http://x\")", "+1", "-5", "@SUM(A1)", "'quoted", "'=", "it's", "="};
  std::string out;
  append_record(out, risky);
  const auto written = parse(out, {});
  // What a spreadsheet sees: every risky cell begins with the quote mark (parse strips it, so read
  // the raw text here).
  CHECK(out.find("\"'=HYPERLINK(\"\"http://x\"\")\"") != std::string::npos);
  CHECK(out.find(",'+1,'-5,'@SUM(A1),''quoted,''=,it's,'=\r\n") != std::string::npos);
  REQUIRE(written.errors.empty());
  REQUIRE(written.records.size() == 1);
  CHECK(written.records[0] == risky);
  // A hand-written file without guards reads as typed.
  const auto plain = parse("'hello,it's\r\n");
  REQUIRE(plain.records.size() == 1);
  CHECK(plain.records[0] == Record{"'hello", "it's"});
}
