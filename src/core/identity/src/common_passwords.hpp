// The list of common passwords (data/common-passwords.txt, Openwall's public-domain list as
// Debian's john-data ships it), compiled into the module by CMake so that no file has to be found
// at run time. One password a line; lines starting with "#!comment:" are its header.
#pragma once

#include <string_view>

namespace ecom::identity::detail {

extern const std::string_view kCommonPasswordList;

}  // namespace ecom::identity::detail
