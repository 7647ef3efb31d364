// Test support for the API suites: one request through Api::Handle, and logging in. Header-only:
// only the api_*_test binaries include it.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"
#include "http/api.h"
#include "http/message.h"
#include "nlohmann/json.hpp"

namespace zhida::http::testing {

// Sends `method target` with `body` (as `content_type` when not empty), the session `cookie` and
// any `extra` headers, with request id "test-request".
inline Response CallApi(Api& api, std::string method, std::string target, std::string body = {},
                        std::string cookie = {}, std::string content_type = "application/json",
                        std::vector<std::pair<std::string, std::string>> extra = {}) {
  auto request = MakeRequest(std::move(method), std::move(target), body);
  EXPECT_TRUE(request.has_value());
  if (!body.empty()) request->headers.emplace_back("Content-Type", content_type);
  if (!cookie.empty()) request->headers.emplace_back("Cookie", "zhida_session=" + cookie);
  for (auto& header : extra) request->headers.push_back(std::move(header));
  request->request_id = "test-request";
  return api.Handle(*request);
}

// The session token of a login response's Set-Cookie, or "".
inline std::string SessionToken(const Response& r) {
  for (const auto& [name, value] : r.headers) {
    if (name == "Set-Cookie") {
      size_t eq = value.find('=');
      return value.substr(eq + 1, value.find(';') - eq - 1);
    }
  }
  return "";
}

// Logs `username` in with `password` and returns the session token.
inline std::string LoginAs(Api& api, const std::string& username,
                           const std::string& password = "secret-pass-1") {
  Response r = CallApi(api, "POST", "/api/v1/auth/login",
                       nlohmann::json{{"username", username}, {"password", password}}.dump());
  EXPECT_EQ(r.status, 200) << r.body;
  return SessionToken(r);
}

}  // namespace zhida::http::testing
