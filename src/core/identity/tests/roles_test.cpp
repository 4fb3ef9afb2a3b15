// The role table: its own rules, and docs/identity.md's copy of it, cell by cell, so the page
// staff and auditors read cannot drift from what the admin enforces.
#include <ecom/identity/roles.hpp>

#include <catch2/catch.hpp>

#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace {

std::vector<std::string> cells(const std::string& line) {
  std::vector<std::string> out;
  std::stringstream in(line.substr(1));
  std::string cell;
  while (std::getline(in, cell, '|')) {
    const auto first = cell.find_first_not_of(' ');
    const auto last = cell.find_last_not_of(' ');
    out.push_back(first == std::string::npos ? "" : cell.substr(first, last - first + 1));
  }
  return out;
}

}  // namespace

TEST_CASE("roles: analysts never change anything, owners and administrators hold every permission", "[identity]") {
  using namespace ecom::identity;
  REQUIRE(all_roles().size() == 6);
  for (const auto permission : all_permissions()) {
    CAPTURE(permission);
    CHECK(is_permission(permission));
    CHECK(role_grants("owner", permission));
    CHECK(role_grants("administrator", permission));
    if (!permission.ends_with(".read") && permission != "admin.view") {
      CHECK_FALSE(role_grants("analyst", permission));
    }
  }
  for (const auto role : {"catalog_manager", "order_manager", "support", "analyst"}) {
    CAPTURE(role);
    for (const auto permission : {"staff.read", "staff.write", "api_keys.write", "audit.read"}) {
      CHECK_FALSE(role_grants(role, permission));
    }
  }
  CHECK_FALSE(is_permission("catalog.delete"));
  CHECK_FALSE(is_role("root"));
  CHECK_FALSE(role_grants("root", "catalog.read"));
}

TEST_CASE("roles: the table in docs/identity.md is the one the code enforces", "[identity]") {
  std::ifstream doc(ECOM_SOURCE_DIR "/docs/identity.md");
  REQUIRE(doc.good());
  std::string line;
  while (std::getline(doc, line) && line != "## Roles and permissions") {
  }
  std::vector<std::string> header;
  std::map<std::string, std::vector<std::string>> rows;
  while (std::getline(doc, line) && !line.starts_with("## ")) {
    if (!line.starts_with("| ")) {
      continue;
    }
    auto row = cells(line);
    if (header.empty()) {
      header = row;
    } else if (!row.empty() && !row[0].starts_with("---")) {
      rows[row[0]] = row;
    }
  }
  REQUIRE(header.size() == 7);
  REQUIRE(rows.size() == ecom::identity::all_permissions().size());
  for (const auto permission : ecom::identity::all_permissions()) {
    CAPTURE(permission);
    REQUIRE(rows.count(std::string(permission)) == 1);
    const auto& row = rows[std::string(permission)];
    for (std::size_t i = 1; i < header.size(); ++i) {
      CAPTURE(header[i]);
      const bool documented = i < row.size() && row[i] == "yes";
      CHECK(documented == ecom::identity::role_grants(header[i], permission));
    }
  }
}
