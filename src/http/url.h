// Parsing of request targets: percent-decoding, path and query. Shared by the server (to fill
// Request::path and Request::query) and the router (which decodes each path segment on its own so
// that an encoded '/' never splits a segment).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace zhida::http {

// Decodes %XX escapes (either case of hex digit). With `plus_is_space`, '+' becomes ' ' (query
// strings, application/x-www-form-urlencoded). Returns nullopt on a malformed escape ("%4", "%zz").
// The result may contain any byte, NUL included: callers that use it as a file name must check.
std::optional<std::string> PercentDecode(std::string_view text, bool plus_is_space = false);

// The path part of a raw target: everything before '?' or '#'.
std::string_view TargetPath(std::string_view target);

// The decoded path and query of a raw origin-form target ("/a/b?x=1&y"). A parameter without '='
// has an empty value; empty pieces ("a=1&&b=2") are skipped. Returns false when the target does
// not start with '/' or has a malformed escape.
bool ParseTarget(std::string_view target, std::string* path,
                 std::vector<std::pair<std::string, std::string>>* query);

}  // namespace zhida::http
