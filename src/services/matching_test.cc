// MatchingService over a real store (SQLite, or PostgreSQL under tests/pg/with_pg.sh): which
// policies an enterprise is matched against (published, in force, its county's and the city's),
// the three lists, the scope rules, and explanations for stored and for supplied facts.
#include "services/matching.h"

#include "gtest/gtest.h"
#include "services/catalog.h"
#include "services/registry.h"
#include "services/rule_check.h"
#include "services/test_support.h"

namespace zhida::services {
namespace {

using nlohmann::json;

constexpr char kJinjiang[] = "91350582MA6KKM2WX5";
constexpr char kShishi[] = "91350581133456810F";

class MatchingServiceTest : public testing::RegistryAndCatalogTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(RegistryAndCatalogTest::SetUp());
    matching_ = std::make_unique<MatchingService>(*env_->store, env_->clock, *registry_, *catalog_);
    const std::string csv =
        "uscc,name,region,industry,scale,established,employees,insured_employees,revenue,"
        "revenue_prev,high_tech,dishonest,tax_credit_grade\n"
        "91350582MA6KKM2WX5,泉州嘉德塑胶鞋业有限公司,350582,C1953,small,2015-11-24,40,38,"
        "18000000.00,15000000.00,true,false,A\n"
        "91350581133456810F,泉州利瑞城市配送有限公司,350581,G5437,micro,2002-01-16,4,0,"
        "2072768.47,,false,false,M\n";
    ASSERT_TRUE(testing::ImportAll(*registry_, csv, 2));
    const std::string from = "2026-01-01", to = "2026-12-31";
    above_ = Add("规上工业企业奖励", "350500", "revenue >= 20000000.00 && !dishonest", from, to);
    high_tech_ = Add("高新技术企业奖励", "350500", "high_tech && !dishonest", from, to);
    growth_ = Add("晋江市工业增长奖励", "350582",
                  "revenue - revenue_prev >= revenue_prev * 0.30 && !dishonest", from, to);
    Add("南安市技术改造补助", "350583", "!dishonest", from, to);
    Add("未发布的草稿政策", "350500", "!dishonest", from, to, "draft");
    last_year_ = Add("2025年稳就业奖补", "350500", "!dishonest", "2025-01-01", "2025-12-31");
    Add("暂停受理的政策", "350500", "!dishonest", from, to, "suspended");
    tax_ = Add("纳税贡献奖励", "350500", "tax_paid >= 1000000.00 && !dishonest", from, to);
  }

  int64_t Add(const std::string& title, const std::string& region, const std::string& rule,
              const std::string& from, const std::string& to,
              const std::string& status = "published") {
    const int64_t id = testing::CreatePolicy(
        *catalog_, testing::PolicyJson(title, region, rule, "200000.00", "500000.00", from, to),
        status != "draft");
    if (status == "suspended") {
      EXPECT_TRUE(catalog_->SetStatus(Actor::System(), id, "suspended", "额度用完").ok());
    }
    return id;
  }

  static Actor Enterprise(const std::string& uscc) {
    Actor actor;
    actor.user_id = 9;
    actor.username = "ent";
    actor.kind = "enterprise";
    actor.enterprise_uscc = uscc;
    actor.roles.push_back(RoleGrant{"enterprise", "350500", ""});
    return actor;
  }

  std::unique_ptr<MatchingService> matching_;
  int64_t above_ = 0, high_tech_ = 0, growth_ = 0, last_year_ = 0, tax_ = 0;
};

TEST_F(MatchingServiceTest, ThreeListsOverThePoliciesInForceInScope) {
  auto m = matching_->Match(Enterprise(kJinjiang), kJinjiang, std::nullopt);
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(m->as_of, "2026-11-30");  // the test clock's day in China
  EXPECT_EQ(m->name, "泉州嘉德塑胶鞋业有限公司");
  // The city's four published policies in force and 晋江's one; not 南安's, the draft, last
  // year's or the suspended one.
  EXPECT_EQ(m->evaluated, 4);
  ASSERT_EQ(m->eligible.size(), 1u);
  EXPECT_EQ(m->eligible[0].policy.id, high_tech_);
  EXPECT_EQ(m->eligible[0].policy.version, 1);
  EXPECT_EQ(m->eligible[0].award.ToString(), "200000.00");
  ASSERT_EQ(m->near.size(), 2u);
  EXPECT_EQ(m->near[0].policy.id, above_);
  EXPECT_EQ(m->near[0].condition.reading.sentence,
            "上年度营业收入 1,800.00 万元，低于 2,000.00 万元，还差 200.00 万元");
  EXPECT_EQ(m->near[1].policy.id, growth_);
  EXPECT_EQ(m->near[1].condition.reading.gap->text, "还差 10.0 个百分点");
  ASSERT_EQ(m->cannot_determine.size(), 1u);
  EXPECT_EQ(m->cannot_determine[0].policy.id, tax_);
  EXPECT_EQ(m->cannot_determine[0].missing_labels, std::vector<std::string>{"上年度纳税额"});
  EXPECT_TRUE(m->errors.empty());

  // Another date, other policies in force — and the facts known then: the registry's were all
  // imported in 2026, so as of 2025 the enterprise's dishonesty status was not known yet.
  auto last_year =
      matching_->Match(Enterprise(kJinjiang), kJinjiang, core::Date::FromYmd(2025, 6, 1));
  ASSERT_TRUE(last_year.ok()) << last_year.status();
  EXPECT_EQ(last_year->evaluated, 1);
  EXPECT_TRUE(last_year->eligible.empty());
  ASSERT_EQ(last_year->cannot_determine.size(), 1u);
  EXPECT_EQ(last_year->cannot_determine[0].policy.id, last_year_);
  EXPECT_EQ(last_year->cannot_determine[0].missing_labels.size(), 1u);
}

TEST_F(MatchingServiceTest, ScopeIsTheRegistrysScope) {
  auto other = matching_->Match(Enterprise(kShishi), kJinjiang, std::nullopt);
  EXPECT_EQ(other.status().code(), absl::StatusCode::kNotFound);
  auto county =
      matching_->Match(testing::StaffActor("policy_officer", "350581"), kJinjiang, std::nullopt);
  EXPECT_EQ(county.status().code(), absl::StatusCode::kNotFound);
  auto own_county =
      matching_->Match(testing::StaffActor("policy_officer", "350582"), kJinjiang, std::nullopt);
  EXPECT_TRUE(own_county.ok()) << own_county.status();
  auto city = matching_->Match(testing::StaffActor("leader", "350500"), kShishi, std::nullopt);
  ASSERT_TRUE(city.ok()) << city.status();
  EXPECT_EQ(city->evaluated, 3);  // the city's: 石狮 has none of its own here
  auto missing = matching_->Match(Actor::System(), "91350100000000000X", std::nullopt);
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
}

TEST_F(MatchingServiceTest, ExplainsStoredFactsWithTheirOrigins) {
  auto e = matching_->ExplainEnterprise(Enterprise(kJinjiang), above_, std::nullopt, kJinjiang,
                                        std::nullopt);
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ(e->outcome, rules::Eligibility::kNotEligible);
  EXPECT_EQ(e->version, 1);
  ASSERT_EQ(e->conditions.size(), 2u);
  const FactUse& revenue = e->conditions[0].facts.at(0);
  EXPECT_EQ(revenue.field, "revenue");
  EXPECT_EQ(revenue.value_text, "1,800.00 万元");
  EXPECT_EQ(revenue.origin.source, "import");
  EXPECT_EQ(revenue.origin.source_name, "数据导入");
  EXPECT_EQ(revenue.origin.as_of, "2026-11-30");
  EXPECT_EQ(revenue.origin.period, "2025");
  EXPECT_TRUE(e->notes.empty());
  // Out of scope and unpublished are both "not found".
  EXPECT_EQ(
      matching_
          ->ExplainEnterprise(Enterprise(kShishi), above_, std::nullopt, kJinjiang, std::nullopt)
          .status()
          .code(),
      absl::StatusCode::kNotFound);
  auto draft_id = Add("另一草稿", "350500", "!dishonest", "2026-01-01", "2026-12-31", "draft");
  EXPECT_EQ(matching_
                ->ExplainEnterprise(Enterprise(kJinjiang), draft_id, std::nullopt, kJinjiang,
                                    std::nullopt)
                .status()
                .code(),
            absl::StatusCode::kNotFound);
  // A policy out of its period is still explained, with a note.
  auto old = matching_->ExplainEnterprise(Enterprise(kJinjiang), last_year_, std::nullopt,
                                          kJinjiang, std::nullopt);
  ASSERT_TRUE(old.ok()) << old.status();
  ASSERT_EQ(old->notes.size(), 1u);
  EXPECT_NE(old->notes[0].find("不在有效期内"), std::string::npos);
}

TEST_F(MatchingServiceTest, ExplainsSuppliedFactsForThePublic) {
  auto e = matching_->ExplainFacts(nullptr, high_tech_, std::nullopt,
                                   {{"high_tech", true}, {"dishonest", false}},
                                   core::Date::FromYmd(2026, 5, 1));
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ(e->outcome, rules::Eligibility::kEligible);
  ASSERT_TRUE(e->award.has_value());
  EXPECT_EQ(e->award->amount, "200000.00");
  EXPECT_EQ(e->conditions[0].facts[0].origin.source_name, "政策计算器填写");
  auto bad = matching_->ExplainFacts(nullptr, high_tech_, std::nullopt, {{"high_tech", "maybe"}},
                                     std::nullopt);
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ErrorField(bad.status()), "high_tech");
  auto missing =
      matching_->ExplainFacts(nullptr, 999999, std::nullopt, json::object(), std::nullopt);
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
}

// A policy's own parameters: saved with the policy (checked against the field schema), and on
// each as-of date the value in force decides — here a revenue floor raised on 1 December (the
// facts were imported on 30 November: an earlier as-of date would not know them).
TEST_F(MatchingServiceTest, TheParameterValueInForceOnTheAsOfDateDecides) {
  auto rules = LoadRuleValidator(*env_->store);
  ASSERT_TRUE(rules.ok()) << rules.status();
  CatalogService checked(*env_->store, env_->clock, *rules);
  json body = testing::PolicyJson("营业收入达标奖励（参数）", "350500",
                                  "revenue >= revenue_floor && !dishonest", "revenue * rate",
                                  "500000.00");
  body["parameters"] = json::parse(R"([
    {"code": "revenue_floor", "label": "营业收入门槛", "unit": "元", "type": "decimal",
     "versions": [{"from": "2026-01-01", "value": "10000000.00", "basis": "泉政文〔2026〕1号 第二条"},
                  {"from": "2026-12-01", "value": "20000000.00", "basis": "泉政文〔2026〕9号 第一条"}]},
    {"code": "rate", "label": "奖励比例", "type": "decimal",
     "versions": [{"from": "2026-01-01", "value": "0.01", "basis": "泉政文〔2026〕1号 第二条"}]}])");
  // The validator refuses a parameter named like a field, on its path, and nothing is saved.
  json clash = body;
  clash["parameters"][1]["code"] = "revenue";
  auto refused = checked.Create(Actor::System(), *PolicyBodyFromJson(clash));
  EXPECT_EQ(ErrorField(refused.status()), "parameters[1].code") << refused.status();
  auto id = checked.Create(Actor::System(), *PolicyBodyFromJson(body));
  ASSERT_TRUE(id.ok()) << id.status();
  ASSERT_TRUE(checked.Publish(Actor::System(), *id).ok());
  auto stored = checked.Get(nullptr, *id, std::nullopt);
  ASSERT_TRUE(stored.ok()) << stored.status();
  ASSERT_EQ(stored->body.parameters.size(), 2u);
  EXPECT_EQ(stored->body.parameters[0].versions[1].basis, "泉政文〔2026〕9号 第一条");

  // Before 1 December: 1,800 万元 ≥ 1,000 万元, and the award is 1% of it.
  auto may = matching_->ExplainEnterprise(Enterprise(kJinjiang), *id, std::nullopt, kJinjiang,
                                          core::Date::FromYmd(2026, 11, 30));
  ASSERT_TRUE(may.ok()) << may.status();
  EXPECT_EQ(may->outcome, rules::Eligibility::kEligible);
  ASSERT_TRUE(may->award.has_value());
  EXPECT_EQ(may->award->amount, "180000.00");
  ASSERT_EQ(may->parameters.size(), 2u);
  EXPECT_EQ(may->parameters[0].code, "revenue_floor");
  EXPECT_EQ(may->parameters[0].from, "2026-01-01");
  EXPECT_EQ(may->parameters[0].basis, "泉政文〔2026〕1号 第二条");
  EXPECT_NE(may->parameters[0].sentence.find("1,000.00 万元"), std::string::npos)
      << may->parameters[0].sentence;

  // From 1 December the floor is 2,000 万元: not eligible, and a near miss by 200 万元.
  auto december = matching_->ExplainEnterprise(Enterprise(kJinjiang), *id, std::nullopt,
                                               kJinjiang, core::Date::FromYmd(2026, 12, 15));
  ASSERT_TRUE(december.ok()) << december.status();
  EXPECT_EQ(december->outcome, rules::Eligibility::kNotEligible);
  EXPECT_EQ(december->conditions[0].outcome, rules::ConditionOutcome::kFailed);
  EXPECT_EQ(december->parameters[0].from, "2026-12-01");
  EXPECT_NE(december->parameters[0].sentence.find("泉政文〔2026〕9号"), std::string::npos);
  auto listed = [&](const MatchResult& m) {
    for (const auto& e : m.eligible) {
      if (e.policy.id == *id) return "eligible";
    }
    for (const auto& n : m.near) {
      if (n.policy.id == *id) return "near";
    }
    return "other";
  };
  auto before =
      matching_->Match(Enterprise(kJinjiang), kJinjiang, core::Date::FromYmd(2026, 11, 30));
  auto after =
      matching_->Match(Enterprise(kJinjiang), kJinjiang, core::Date::FromYmd(2026, 12, 15));
  ASSERT_TRUE(before.ok() && after.ok());
  EXPECT_STREQ(listed(*before), "eligible");
  EXPECT_STREQ(listed(*after), "near");
}

}  // namespace
}  // namespace zhida::services
