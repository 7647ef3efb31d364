// Test support for the API suites: one request through Api::Handle, logging in, and the fixture
// they share. Header-only: only the api_*_test binaries include it.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"
#include "http/api.h"
#include "http/message.h"
#include "nlohmann/json.hpp"
#include "services/test_support.h"

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

// A fresh store (services::testing::NewTestEnv, SQLite or the private PostgreSQL), the App and the
// Api over it, and what every API suite does with them.
class ApiFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    env_ = services::testing::NewTestEnv();
    ASSERT_NE(env_, nullptr);
    app_ = std::make_unique<App>(*env_->store, env_->clock, env_->ids, nullptr);
    api_ = std::make_unique<Api>(*app_, ApiOptions{});
  }

  // A user with password "secret-pass-1" and one role grant; `uscc` for an enterprise user.
  void AddUser(std::string name, std::string kind, services::RoleGrant grant,
               std::optional<std::string> uscc = std::nullopt) {
    services::NewUser user{name, "测试" + name, std::move(kind), "secret-pass-1", std::move(uscc),
                           {std::move(grant)}};
    ASSERT_TRUE(app_->accounts.CreateUser(services::Actor::System(), user).ok()) << name;
  }

  Response Call(std::string method, std::string target, std::string body = {},
                std::string cookie = {}, std::string content_type = "application/json") {
    return CallApi(*api_, std::move(method), std::move(target), std::move(body),
                   std::move(cookie), std::move(content_type));
  }

  std::string Login(const std::string& username) { return LoginAs(*api_, username); }

  static nlohmann::json Body(const Response& r) { return nlohmann::json::parse(r.body); }

  std::unique_ptr<services::testing::TestEnv> env_;
  std::unique_ptr<App> app_;
  std::unique_ptr<Api> api_;
};

}  // namespace zhida::http::testing
