// Listing cursors without a database: encoding round trips, and any change to a cursor is refused.
#include "cursor.hpp"

#include <ecom/platform/error.hpp>

#include <catch2/catch.hpp>

using ecom::catalog::detail::base64url_decode;
using ecom::catalog::detail::base64url_encode;
using ecom::catalog::detail::CursorPosition;
using ecom::catalog::detail::decode_cursor;
using ecom::catalog::detail::encode_cursor;

TEST_CASE("base64url round trips every length and refuses other alphabets", "[catalog][cursor]") {
  std::string bytes;
  for (int i = 0; i < 40; ++i) {
    std::string back;
    REQUIRE(base64url_decode(base64url_encode(bytes), back));
    CHECK(back == bytes);
    bytes.push_back(static_cast<char>(i * 37));
  }
  std::string out;
  CHECK_FALSE(base64url_decode("ab+/", out));
  CHECK_FALSE(base64url_decode("ab==", out));
  CHECK_FALSE(base64url_decode("A", out));  // six bits cannot end a byte string
}

TEST_CASE("a cursor decodes to its position with the key that signed it", "[catalog][cursor]") {
  const auto cursor = encode_cursor("key", CursorPosition{1'764'000'000'123'456, 42, 0});
  CHECK(cursor.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.") ==
        std::string::npos);
  const auto position = decode_cursor("key", cursor);
  CHECK(position.key == 1'764'000'000'123'456);
  CHECK(position.id == 42);
}

TEST_CASE("a changed, forged or foreign cursor is a bad cursor parameter", "[catalog][cursor]") {
  const auto cursor = encode_cursor("key", CursorPosition{1000, 7, 0});
  auto refused = [](const std::string& key, const std::string& text) {
    try {
      (void)decode_cursor(key, text);
    } catch (const ecom::core::Error& e) {
      return e.code() == ecom::core::ErrorCode::bad_request && e.details().size() == 1 &&
             e.details()[0].name == "cursor";
    }
    return false;
  };
  for (std::size_t i = 0; i < cursor.size(); ++i) {
    std::string changed = cursor;
    changed[i] = changed[i] == 'A' ? 'B' : 'A';
    CHECK(refused("key", changed));
  }
  CHECK(refused("other key", cursor));
  CHECK(refused("key", base64url_encode("1000|8") + cursor.substr(cursor.find('.'))));
  CHECK(refused("key", ""));
  CHECK(refused("key", "."));
  CHECK(refused("key", std::string(500, 'A')));
}

TEST_CASE("a search cursor carries its offset and is refused for another scope", "[catalog][cursor]") {
  const auto cursor = encode_cursor("key", CursorPosition{1000, 7, 48}, "search||lamp");
  const auto position = decode_cursor("key", cursor, "search||lamp");
  CHECK(position.offset == 48);
  CHECK(position.id == 7);
  const auto refused = [&](const std::string& text, const std::string& scope) {
    try {
      (void)decode_cursor("key", text, scope);
    } catch (const ecom::core::Error& e) {
      return e.code() == ecom::core::ErrorCode::bad_request && e.details().at(0).name == "cursor";
    }
    return false;
  };
  CHECK(refused(cursor, "search||lamps"));
  CHECK(refused(cursor, ""));
  CHECK(refused(encode_cursor("key", CursorPosition{1000, 7, 0}), "search||lamp"));
}
