// The API through Api::Handle, in process, over a fresh store (SQLite, or PostgreSQL under
// tests/pg/with_pg.sh): status codes, error bodies, sessions, scope, and the OpenAPI document
// against the real routes.
#include "http/api.h"
#include "http/api_testing.h"

#include <set>

#include "gtest/gtest.h"
#include "services/registry.h"
#include "services/test_support.h"

namespace zhida::http {
namespace {

using nlohmann::json;

class ApiTest : public testing::ApiFixture {
 protected:
  void SetUp() override {
    ApiFixture::SetUp();
    ASSERT_TRUE(
        services::testing::ImportAll(app_->registry, services::testing::ThreeEnterprisesCsv(), 3));
    AddUser("officer", "staff", {"policy_officer", "350500", "350500.gxj"});
    AddUser("officer-jj", "staff", {"policy_officer", "350582", "350582.gxj"});
    AddUser("ent1", "enterprise", {"enterprise", "350500", ""}, "91350581133456810F");
  }

  Response Call(std::string method, std::string target, std::string body = {},
                std::string cookie = {}, std::string language = {}) {
    std::vector<std::pair<std::string, std::string>> extra;
    if (!language.empty()) extra.emplace_back("Accept-Language", language);
    return testing::CallApi(*api_, method, target, body, cookie, "application/json", extra);
  }

  // Logs in and returns the session token; every session cookie must be HttpOnly and
  // SameSite=Strict.
  std::string Login(const std::string& username) {
    Response r = Call("POST", "/api/v1/auth/login",
                      json{{"username", username}, {"password", "secret-pass-1"}}.dump());
    EXPECT_EQ(r.status, 200) << r.body;
    for (const auto& [name, value] : r.headers) {
      if (name != "Set-Cookie") continue;
      EXPECT_NE(value.find("HttpOnly"), std::string::npos);
      EXPECT_NE(value.find("SameSite=Strict"), std::string::npos);
    }
    std::string token = testing::SessionToken(r);
    EXPECT_FALSE(token.empty()) << "no session cookie";
    return token;
  }

  json PolicyJson(std::string title = "企业研发经费投入奖补") {
    return json{{"title", title}, {"level", "city"}, {"region", "350500"},
                {"owner_dept", "350500.gxj"},
                {"basis", {{{"document", "泉政文〔2021〕12号"}, {"article", "第三条"}}}},
                {"summary", "对研发投入增长的企业给予奖补。"}, {"beneficiaries", "工业企业"},
                {"eligibility", "rd_expense > rd_expense_prev"},
                {"award", "(rd_expense - rd_expense_prev) * 0.1"}, {"award_cap", "500000.00"},
                {"mode", "auto"}, {"industries", {"C"}}, {"accepting_dept", "350500.xzfw"},
                {"contact", {{"name", "张科长"}, {"phone", "0595-22561234"}}},
                {"fund_source", "市级专项资金"},
                {"effective", {{"from", "2024-01-01"}, {"to", "2026-12-31"}}}};
  }

};

TEST_F(ApiTest, HealthMetricsAndUnknownRoutes) {
  Response health = Call("GET", "/healthz");
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(Body(health)["status"], "ok");
  EXPECT_EQ(Body(health)["schema_version"], store::Store::LatestSchemaVersion());
  Response missing = Call("GET", "/api/v1/nothing-here");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(Body(missing)["error"]["code"], "not_found");
  Response wrong_method = Call("DELETE", "/api/v1/policies");
  EXPECT_EQ(wrong_method.status, 405);
  Response metrics = Call("GET", "/metrics");
  EXPECT_EQ(metrics.status, 200);
  EXPECT_NE(metrics.body.find("zhida_http_requests_total{route=\"/healthz\",method=\"GET\","
                              "status=\"200\"} 1"),
            std::string::npos)
      << metrics.body;
  EXPECT_NE(metrics.body.find("zhida_http_request_duration_seconds_count"), std::string::npos);
}

TEST_F(ApiTest, LoginMeLogout) {
  Response bad = Call("POST", "/api/v1/auth/login",
                      json{{"username", "officer"}, {"password", "nope-1234"}}.dump());
  EXPECT_EQ(bad.status, 401);
  EXPECT_EQ(Body(bad)["error"]["code"], "auth.invalid_credentials");
  EXPECT_EQ(Body(bad)["error"]["message"], "用户名或密码错误");
  Response english = Call("POST", "/api/v1/auth/login",
                          json{{"username", "officer"}, {"password", "nope-1234"}}.dump(), "",
                          "en-US,en;q=0.9");
  EXPECT_EQ(Body(english)["error"]["message"], "wrong username or password");
  EXPECT_EQ(Call("GET", "/api/v1/auth/me").status, 401);
  std::string token = Login("officer");
  Response me = Call("GET", "/api/v1/auth/me", "", token);
  ASSERT_EQ(me.status, 200);
  EXPECT_EQ(Body(me)["user"]["username"], "officer");
  EXPECT_EQ(Body(me)["user"]["roles"][0]["dept"], "350500.gxj");
  EXPECT_EQ(Call("POST", "/api/v1/auth/logout", "{}", token).status, 200);
  EXPECT_EQ(Call("GET", "/api/v1/auth/me", "", token).status, 401);
}

TEST_F(ApiTest, BadBodiesAreRefusedWithTheFieldAndChangeNothing) {
  std::string token = Login("officer");
  Response not_json = Call("POST", "/api/v1/policies", "{not json", token);
  EXPECT_EQ(not_json.status, 400);
  EXPECT_EQ(Body(not_json)["error"]["code"], "request.json");
  json policy = PolicyJson();
  policy["award_cap"] = "12.345";
  Response bad_cap = Call("POST", "/api/v1/policies", policy.dump(), token);
  EXPECT_EQ(bad_cap.status, 400);
  EXPECT_EQ(Body(bad_cap)["error"]["field"], "award_cap");
  policy = PolicyJson();
  policy["materials"] = {{{"name", "报告"}, {"formats", {"exe"}}}};
  Response bad_format = Call("POST", "/api/v1/policies", policy.dump(), token);
  EXPECT_EQ(Body(bad_format)["error"]["field"], "materials[0].formats");
  Response list = Call("GET", "/api/v1/policies?status=all", "", token);
  EXPECT_EQ(Body(list)["total"], 0);
  EXPECT_EQ(Call("GET", "/api/v1/policies?page=0").status, 400);
  EXPECT_EQ(Body(Call("GET", "/api/v1/policies?size=abc"))["error"]["field"], "size");
  EXPECT_EQ(Call("GET", "/api/v1/policies/abc").status, 404);
}

TEST_F(ApiTest, PolicyLifecycleThroughTheApi) {
  // Writes need a session.
  EXPECT_EQ(Call("POST", "/api/v1/policies", PolicyJson().dump()).status, 401);
  std::string jj = Login("officer-jj");
  EXPECT_EQ(Call("POST", "/api/v1/policies", PolicyJson().dump(), jj).status, 403);
  std::string token = Login("officer");
  Response created = Call("POST", "/api/v1/policies", PolicyJson().dump(), token);
  ASSERT_EQ(created.status, 201) << created.body;
  int64_t id = Body(created)["id"];
  EXPECT_EQ(Body(created)["version_status"], "draft");
  std::string path = "/api/v1/policies/" + std::to_string(id);
  EXPECT_EQ(Call("GET", path).status, 404);  // a draft is not public
  Response published = Call("POST", path + "/publish", "{}", token);
  ASSERT_EQ(published.status, 200) << published.body;
  Response pub = Call("GET", path);
  ASSERT_EQ(pub.status, 200);
  EXPECT_EQ(Body(pub)["award_cap"], "500000.00");
  EXPECT_EQ(Body(pub)["owner_dept_name"], "泉州市工业和信息化局");
  EXPECT_EQ(Body(pub)["region_name"], "泉州市");
  // Editing makes version 2 as a draft; the public still reads version 1.
  Response edited = Call("PUT", path, PolicyJson("企业研发经费投入奖补（修订）").dump(), token);
  ASSERT_EQ(edited.status, 200) << edited.body;
  EXPECT_EQ(Body(edited)["version"], 2);
  EXPECT_EQ(Body(Call("GET", path))["title"], "企业研发经费投入奖补");
  EXPECT_EQ(Body(Call("GET", path + "?version=latest", "", token))["version"], 2);
  EXPECT_EQ(Call("GET", path + "/versions/2").status, 404);  // the public sees no draft
  ASSERT_EQ(Call("POST", path + "/publish", "{}", token).status, 200);
  EXPECT_EQ(Body(Call("GET", path + "/versions/1"))["version_status"], "superseded");
  // Search finds 研发.
  Response found = Call("GET", "/api/v1/policies?q=%E7%A0%94%E5%8F%91");
  ASSERT_EQ(found.status, 200);
  EXPECT_EQ(Body(found)["total"], 1);
  EXPECT_EQ(Body(found)["items"][0]["title"], "企业研发经费投入奖补（修订）");
  // Suspension needs a reason.
  Response no_reason = Call("POST", path + "/status", json{{"status", "suspended"}}.dump(), token);
  EXPECT_EQ(Body(no_reason)["error"]["field"], "reason");
  Response suspended = Call("POST", path + "/status",
                            json{{"status", "suspended"}, {"reason", "额度用完"}}.dump(), token);
  EXPECT_EQ(Body(suspended)["status"], "suspended");
}

TEST_F(ApiTest, EnterprisesAreScoped) {
  EXPECT_EQ(Call("GET", "/api/v1/enterprises/91350581133456810F").status, 401);
  std::string jj = Login("officer-jj");
  EXPECT_EQ(Call("GET", "/api/v1/enterprises/91350582MA6KKM2WX5", "", jj).status, 200);
  EXPECT_EQ(Call("GET", "/api/v1/enterprises/91350581133456810F", "", jj).status, 404);
  std::string ent = Login("ent1");
  Response own = Call("GET", "/api/v1/enterprises/91350581133456810F", "", ent);
  ASSERT_EQ(own.status, 200);
  EXPECT_EQ(Body(own)["region_name"], "石狮市");
  bool has_revenue = false;
  json enterprise = Body(own);  // the loop below must not iterate a temporary
  for (const json& f : enterprise["facts"]) {
    if (f["field"] == "revenue") {
      has_revenue = true;
      EXPECT_EQ(f["value"], "2072768.47");  // money as a string, exact
    }
  }
  EXPECT_TRUE(has_revenue);
  EXPECT_EQ(Call("GET", "/api/v1/enterprises/91350582MA6KKM2WX5", "", ent).status, 404);
}

TEST_F(ApiTest, RuleCheckGivesIssuesWithPositions) {
  json rule = {{"rule", "revenue >= 20000000.00 && !dishonest"}};
  EXPECT_EQ(Call("POST", "/api/v1/rules/check", rule.dump()).status, 401);
  std::string token = Login("officer");
  Response ok = Call("POST", "/api/v1/rules/check", rule.dump(), token);
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(Body(ok)["ok"], true);
  EXPECT_TRUE(Body(ok)["issues"].empty());
  Response bad = Call("POST", "/api/v1/rules/check",
                      json{{"rule", "revenue >= 1 &&\n  turnover > 2"}}.dump(), token);
  json issues = Body(bad)["issues"];
  EXPECT_EQ(Body(bad)["ok"], false);
  ASSERT_FALSE(issues.empty());
  EXPECT_EQ(issues[0]["line"], 2);
  EXPECT_EQ(issues[0]["column"], 3);
  EXPECT_EQ(issues[0]["code"], "check.unknown_field");
  // An award formula must be an amount; a boolean is refused.
  Response award = Call("POST", "/api/v1/rules/check",
                        json{{"rule", "revenue > 1"}, {"kind", "award"}}.dump(), token);
  EXPECT_EQ(Body(award)["ok"], false);
  EXPECT_EQ(Body(Call("POST", "/api/v1/rules/check", json{{"kind", "award"}}.dump(), token))
                ["error"]["field"],
            "rule");
}

TEST_F(ApiTest, ReferenceData) {
  json regions = Body(Call("GET", "/api/v1/regions"));
  EXPECT_EQ(regions.size(), 12u);
  json departments = Body(Call("GET", "/api/v1/departments?region=350582"));
  ASSERT_FALSE(departments.empty());
  EXPECT_EQ(departments[0]["region"], "350582");
  EXPECT_EQ(Call("GET", "/api/v1/departments?region=999999").status, 400);
  json fields = Body(Call("GET", "/api/v1/fields"));
  EXPECT_GE(fields.size(), 20u);
}

// Every route the router has is in the OpenAPI document, and every documented operation has a
// route: the document cannot drift from the code.
TEST_F(ApiTest, OpenApiMatchesTheRoutes) {
  json doc = json::parse(OpenApiJson());
  EXPECT_EQ(doc["openapi"].get<std::string>().substr(0, 2), "3.");
  std::set<std::string> documented;
  for (const auto& [path, ops] : doc["paths"].items()) {
    for (const auto& [method, op] : ops.items()) {
      std::string upper = method;
      for (char& c : upper) c = static_cast<char>(std::toupper(c));
      documented.insert(upper + " " + path);
    }
  }
  std::set<std::string> routed;
  for (const RouteInfo& r : api_->router().Routes()) routed.insert(r.method + " " + r.pattern);
  EXPECT_EQ(documented, routed);
  Response served = Call("GET", "/api/v1/openapi.json");
  EXPECT_EQ(served.status, 200);
  EXPECT_EQ(json::parse(served.body), doc);
}

}  // namespace
}  // namespace zhida::http
