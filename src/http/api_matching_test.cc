// The matching routes through Api::Handle, in process, over a fresh store (SQLite, or PostgreSQL
// under tests/pg/with_pg.sh): explain for stored facts within scope, the public calculator with
// its validation, and an enterprise's matches. Money and numbers are strings everywhere.
#include <functional>

#include "gtest/gtest.h"
#include "http/api.h"
#include "http/api_testing.h"
#include "services/test_support.h"

namespace zhida::http {
namespace {

using nlohmann::json;

constexpr char kJinjiang[] = "91350582MA6KKM2WX5";
constexpr char kShishi[] = "91350581133456810F";

class ApiMatchingTest : public testing::ApiFixture {
 protected:
  void SetUp() override {
    ApiFixture::SetUp();
    const std::string csv =
        "uscc,name,region,industry,scale,established,employees,insured_employees,revenue,"
        "revenue_prev,rd_expense,rd_expense_prev,high_tech,dishonest,tax_credit_grade\n"
        "91350582MA6KKM2WX5,泉州嘉德塑胶鞋业有限公司,350582,C1953,small,2015-11-24,40,38,"
        "18000000.00,15000000.00,3000000.00,2000000.00,true,false,A\n"
        "91350581133456810F,泉州利瑞城市配送有限公司,350581,G5437,micro,2002-01-16,4,0,"
        "2072768.47,,,,false,false,M\n";
    ASSERT_TRUE(services::testing::ImportAll(app_->registry, csv, 2));
    AddUser("ent-jj", "enterprise", {"enterprise", "350500", ""}, std::string(kJinjiang));
    AddUser("officer-ss", "staff", {"policy_officer", "350581", "350581.gxj"}, std::nullopt);
    AddUser("officer-jj", "staff", {"policy_officer", "350582", "350582.gxj"}, std::nullopt);
    rd_ = AddPolicy("企业研发经费投入奖补",
                    "high_tech && rd_expense - rd_expense_prev >= 1000000.00 && !dishonest",
                    "min(round((rd_expense - rd_expense_prev) * 0.06, 2), 6000000.00)", true);
    above_ =
        AddPolicy("规上工业企业奖励", "revenue >= 20000000.00 && !dishonest", "50000.00", true);
    tax_ = AddPolicy("纳税贡献奖励", "tax_paid >= 1000000.00 && !dishonest", "100000.00", true);
    draft_ = AddPolicy("草稿政策", "!dishonest", "1.00", false);
  }

  // A city policy in force through 2026, capped at 6,000,000.00.
  int64_t AddPolicy(const std::string& title, const std::string& eligibility,
                    const std::string& award, bool publish,
                    const json& parameters = json::array()) {
    json body = services::testing::PolicyJson(title, "350500", eligibility, award, "6000000.00");
    body["parameters"] = parameters;
    return services::testing::CreatePolicy(app_->catalog, body, publish);
  }

  std::string Explain(int64_t id) { return "/api/v1/policies/" + std::to_string(id) + "/explain"; }

  // No JSON number with a fraction anywhere: money and decimals travel as strings.
  static void ExpectNoFractions(const json& j) {
    std::function<void(const json&)> walk = [&](const json& v) {
      EXPECT_FALSE(v.is_number_float()) << v.dump();
      if (v.is_structured()) {
        for (const json& child : v) walk(child);
      }
    };
    walk(j);
  }

  int64_t FactRecords() {
    int64_t n = 0;
    EXPECT_TRUE(env_->store
                    ->InTx(store::TxMode::kRead,
                           [&](store::Tx& tx) -> absl::Status {
                             ASSIGN_OR_RETURN(store::Result r,
                                              tx.Query("SELECT COUNT(*) FROM fact_records"));
                             n = r.rows.at(0).Int(0);
                             return absl::OkStatus();
                           })
                    .ok());
    return n;
  }

  int64_t rd_ = 0, above_ = 0, tax_ = 0, draft_ = 0;
};

TEST_F(ApiMatchingTest, ExplainsAnEnterprisesOwnFactsWithinScope) {
  json request = {{"uscc", kJinjiang}, {"as_of", "2026-12-15"}};
  EXPECT_EQ(Call("POST", Explain(above_), request.dump()).status, 401);
  std::string ent = Login("ent-jj");
  Response r = Call("POST", Explain(above_), request.dump(), ent);
  ASSERT_EQ(r.status, 200) << r.body;
  json e = Body(r);
  ExpectNoFractions(e);
  EXPECT_EQ(e["policy"]["id"], above_);
  EXPECT_EQ(e["policy"]["version"], 1);
  EXPECT_EQ(e["policy"]["award_cap"], "6000000.00");
  EXPECT_EQ(e["as_of"], "2026-12-15");
  EXPECT_EQ(e["outcome"], "not_eligible");
  EXPECT_EQ(e["award"], nullptr);
  json c = e["conditions"][0];
  EXPECT_EQ(c["outcome"], "failed");
  EXPECT_EQ(c["sentence"], "上年度营业收入 1,800.00 万元，低于 2,000.00 万元，还差 200.00 万元");
  EXPECT_EQ(c["gap"]["value"], "2000000.00");
  EXPECT_EQ(c["operands"][0]["value"], "18000000.00");
  EXPECT_EQ(c["facts"][0]["source_name"], "数据导入");
  EXPECT_EQ(c["facts"][0]["as_of"], "2026-11-30");
  EXPECT_EQ(e["sentences"][1],
            "【不满足】上年度营业收入 1,800.00 万元，低于 2,000.00 万元，还差 200.00 万元");
  // Another enterprise's facts, another county's staff: not found; the county's own staff may.
  EXPECT_EQ(Call("POST", Explain(above_), json{{"uscc", kShishi}}.dump(), ent).status, 404);
  std::string ss = Login("officer-ss");
  EXPECT_EQ(Call("POST", Explain(above_), request.dump(), ss).status, 404);
  std::string jj = Login("officer-jj");
  EXPECT_EQ(Call("POST", Explain(above_), request.dump(), jj).status, 200);
  // A draft is not there for the enterprise.
  EXPECT_EQ(Call("POST", Explain(draft_), request.dump(), ent).status, 404);
}

TEST_F(ApiMatchingTest, EligibleExplanationShowsTheAwardStepByStep) {
  std::string ent = Login("ent-jj");
  Response r =
      Call("POST", Explain(rd_), json{{"uscc", kJinjiang}, {"as_of", "2026-12-15"}}.dump(), ent);
  ASSERT_EQ(r.status, 200) << r.body;
  json e = Body(r);
  ExpectNoFractions(e);
  EXPECT_EQ(e["outcome"], "eligible");
  EXPECT_EQ(e["award"]["amount"], "60000.00");
  EXPECT_EQ(e["award"]["cap"], "6000000.00");
  EXPECT_EQ(e["award"]["capped"], false);
  EXPECT_EQ(e["award"]["steps"].size(), 4u);
  EXPECT_EQ(e["award"]["substituted"],
            "min(round((3,000,000.00 − 2,000,000.00) × 0.06, 2), 6,000,000.00)");
  EXPECT_EQ(e["summary"], "符合「企业研发经费投入奖补」的条件，预计奖补 60,000.00 元。");
}

TEST_F(ApiMatchingTest, CalculatorIsPublicValidatesAndWritesNothing) {
  int64_t records = FactRecords();
  json facts = {{"facts",
                 {{"high_tech", true},
                  {"rd_expense", "5000000.00"},
                  {"rd_expense_prev", "3000000.00"},
                  {"dishonest", false}}},
                {"region", "350582"},
                {"as_of", "2026-12-15"}};
  Response r = Call("POST", Explain(rd_), facts.dump());
  ASSERT_EQ(r.status, 200) << r.body;
  json e = Body(r);
  ExpectNoFractions(e);
  EXPECT_EQ(e["outcome"], "eligible");
  EXPECT_EQ(e["award"]["amount"], "120000.00");
  EXPECT_EQ(e["conditions"][0]["facts"][0]["source"], "calculator");
  EXPECT_EQ(FactRecords(), records);

  json bad = {{"facts", {{"revenue", "lots"}, {"employees", 1.5}}}};
  Response invalid = Call("POST", Explain(above_), bad.dump());
  EXPECT_EQ(invalid.status, 400);
  EXPECT_EQ(Body(invalid)["error"]["code"], "calculator.fact");
  EXPECT_EQ(Body(invalid)["error"]["field"], "employees");
  std::string message = Body(invalid)["error"]["message"];
  EXPECT_NE(message.find("上年度营业收入应为数字"), std::string::npos) << message;

  EXPECT_EQ(
      Body(Call("POST", Explain(above_),
                json{{"uscc", kJinjiang}, {"facts", json::object()}}.dump()))["error"]["field"],
      "facts");
  EXPECT_EQ(
      Body(Call("POST", Explain(above_), json{{"as_of", "2026-12-15"}}.dump()))["error"]["field"],
      "uscc");
  EXPECT_EQ(
      Body(Call("POST", Explain(above_), json{{"fcats", json::object()}}.dump()))["error"]["field"],
      "fcats");
  EXPECT_EQ(
      Body(Call("POST", Explain(above_),
                json{{"facts", json::object()}, {"as_of", "2026-6-30"}}.dump()))["error"]["field"],
      "as_of");
  EXPECT_EQ(Call("POST", Explain(999999), json{{"facts", json::object()}}.dump()).status, 404);
  EXPECT_EQ(Call("POST", Explain(draft_), json{{"facts", json::object()}}.dump()).status, 404);
  EXPECT_EQ(Call("POST", "/api/v1/policies/abc/explain", "{}").status, 404);
  // Nothing known: every condition waits for its facts.
  json empty = Body(Call("POST", Explain(above_), json{{"facts", json::object()}}.dump()));
  EXPECT_EQ(empty["outcome"], "cannot_determine");
  ASSERT_EQ(empty["missing"].size(), 2u);  // by field code: dishonest, revenue
  EXPECT_EQ(empty["missing"][0]["label"], "失信被执行人");
  EXPECT_EQ(empty["missing"][1]["label"], "上年度营业收入");
}

TEST_F(ApiMatchingTest, MatchesListsEligibleNearAndCannotDetermine) {
  EXPECT_EQ(Call("GET", std::string("/api/v1/enterprises/") + kJinjiang + "/matches").status, 401);
  std::string ent = Login("ent-jj");
  Response r = Call("GET", std::string("/api/v1/enterprises/") + kJinjiang + "/matches", "", ent);
  ASSERT_EQ(r.status, 200) << r.body;
  json m = Body(r);
  ExpectNoFractions(m);
  EXPECT_EQ(m["enterprise"]["region_name"], "晋江市");
  EXPECT_EQ(m["as_of"], "2026-11-30");
  EXPECT_EQ(m["evaluated"], 3);
  ASSERT_EQ(m["eligible"].size(), 1u);
  EXPECT_EQ(m["eligible"][0]["policy"]["id"], rd_);
  EXPECT_EQ(m["eligible"][0]["award"], "60000.00");
  ASSERT_EQ(m["near"].size(), 1u);
  EXPECT_EQ(m["near"][0]["policy"]["id"], above_);
  EXPECT_EQ(m["near"][0]["condition"]["gap"]["text"], "还差 200.00 万元");
  ASSERT_EQ(m["cannot_determine"].size(), 1u);
  EXPECT_EQ(m["cannot_determine"][0]["missing"][0]["label"], "上年度纳税额");
  EXPECT_TRUE(m["errors"].empty());
  // Out of the policies' period: nothing to evaluate.
  json before = Body(
      Call("GET", std::string("/api/v1/enterprises/") + kJinjiang + "/matches?as_of=2025-06-01", "",
           ent));
  EXPECT_EQ(before["evaluated"], 0);
  EXPECT_EQ(
      Call("GET", std::string("/api/v1/enterprises/") + kJinjiang + "/matches?as_of=x", "", ent)
          .status,
      400);
  EXPECT_EQ(Call("GET", std::string("/api/v1/enterprises/") + kShishi + "/matches", "", ent).status,
            404);
  std::string ss = Login("officer-ss");
  EXPECT_EQ(
      Call("GET", std::string("/api/v1/enterprises/") + kJinjiang + "/matches", "", ss).status,
      404);
  EXPECT_EQ(Call("GET", std::string("/api/v1/enterprises/") + kShishi + "/matches", "", ss).status,
            200);
}

// A policy's parameters over the API: the explanation names the value in force and its basis,
// a simulation takes changed parameters, and a rule is checked with draft parameters — a wrong
// parameter is refused on its path.
TEST_F(ApiMatchingTest, ParametersInExplainSimulateAndRuleCheck) {
  const json parameters = json::parse(R"([
    {"code": "growth_floor", "label": "研发费用增长额门槛", "unit": "元",
     "versions": [{"from": "2026-01-01", "value": "500000.00", "basis": "泉政文〔2026〕1号 第二条"}]},
    {"code": "rate", "label": "奖补比例",
     "versions": [{"from": "2026-01-01", "value": "0.05", "basis": "泉政文〔2026〕1号 第二条"}]}])");
  const int64_t id = AddPolicy("研发投入增长奖补（参数）",
                               "rd_expense - rd_expense_prev >= growth_floor && !dishonest",
                               "round((rd_expense - rd_expense_prev) * rate, 2)", true, parameters);
  // The policy's JSON carries its parameters.
  json policy = Body(Call("GET", "/api/v1/policies/" + std::to_string(id)));
  ASSERT_EQ(policy["parameters"].size(), 2u) << policy.dump();
  EXPECT_EQ(policy["parameters"][1]["versions"][0]["value"], "0.05");

  // Explained for the enterprise: 100 万元 growth ≥ 50 万元; 5% of it; both parameters named.
  std::string ent = Login("ent-jj");
  Response explained = Call("POST", Explain(id), json{{"uscc", kJinjiang}}.dump(), ent);
  ASSERT_EQ(explained.status, 200) << explained.body;
  json e = Body(explained);
  EXPECT_EQ(e["outcome"], "eligible");
  EXPECT_EQ(e["award"]["amount"], "50000.00");
  ASSERT_EQ(e["parameters"].size(), 2u);
  EXPECT_EQ(e["parameters"][0]["code"], "growth_floor");
  EXPECT_EQ(e["parameters"][0]["from"], "2026-01-01");
  EXPECT_EQ(e["parameters"][0]["basis"], "泉政文〔2026〕1号 第二条");
  bool sentence = false;
  for (const json& s : e["sentences"]) {
    sentence |= s.get<std::string>().find("奖补比例") != std::string::npos &&
                s.get<std::string>().find("泉政文〔2026〕1号") != std::string::npos;
  }
  EXPECT_TRUE(sentence) << e["sentences"].dump();

  // Simulated, then with the rate changed to 10%.
  std::string officer = Login("officer-jj");
  const std::string simulate = "/api/v1/policies/" + std::to_string(id) + "/simulate";
  EXPECT_EQ(Call("POST", simulate, "{}", ent).status, 403);
  Response plain = Call("POST", simulate, "{}", officer);
  ASSERT_EQ(plain.status, 200) << plain.body;
  EXPECT_EQ(Body(plain)["eligible"], 1);
  EXPECT_EQ(Body(plain)["cost"], "50000.00");
  EXPECT_EQ(Body(plain)["what_if"], false);
  json ten = parameters[1];
  ten["versions"][0]["value"] = "0.10";
  Response changed = Call("POST", simulate, json{{"parameters", json::array({ten})}}.dump(), officer);
  ASSERT_EQ(changed.status, 200) << changed.body;
  EXPECT_EQ(Body(changed)["cost"], "100000.00");
  EXPECT_EQ(Body(changed)["what_if"], true);
  ten["versions"][0]["value"] = "百分之十";
  Response wrong = Call("POST", simulate, json{{"parameters", json::array({ten})}}.dump(), officer);
  EXPECT_EQ(wrong.status, 400);
  EXPECT_EQ(Body(wrong)["error"]["field"], "parameters[0].versions[0].value") << wrong.body;

  // A rule checked with the draft's parameters; a parameter named like a field is refused.
  json check = {{"rule", "revenue >= growth_floor"}, {"parameters", parameters}};
  Response checked = Call("POST", "/api/v1/rules/check", check.dump(), officer);
  ASSERT_EQ(checked.status, 200) << checked.body;
  EXPECT_EQ(Body(checked)["ok"], true);
  EXPECT_EQ(Body(Call("POST", "/api/v1/rules/check",
                      json{{"rule", "revenue >= growth_floor"}}.dump(), officer))["ok"],
            false);
  check["parameters"][0]["code"] = "revenue";
  Response clash = Call("POST", "/api/v1/rules/check", check.dump(), officer);
  EXPECT_EQ(clash.status, 400);
  EXPECT_EQ(Body(clash)["error"]["field"], "parameters[0].code") << clash.body;
}

}  // namespace
}  // namespace zhida::http
