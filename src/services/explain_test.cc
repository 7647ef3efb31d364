// Explain, the award trace, the fact sheets (calculator validation, registry origins) and the
// pure matching rules (near misses), without a store.
#include "services/explain.h"

#include "gtest/gtest.h"
#include "services/award_trace.h"
#include "services/fact_sheet.h"
#include "services/matching.h"
#include "services/reference.h"

namespace zhida::services {
namespace {

using nlohmann::json;

class ExplainTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto schema = RulesSchema(StandardFields());
    ASSERT_TRUE(schema.ok()) << schema.status();
    schema_ = *schema;
  }

  PolicyRules Policy(const std::string& eligibility, const std::string& award,
                     std::optional<std::string> cap = std::nullopt, int64_t id = 7) {
    PolicyRecord record;
    record.id = id;
    record.version = 2;
    record.status = "published";
    record.version_status = "published";
    record.body.title = "企业研发经费投入奖补";
    record.body.eligibility = eligibility;
    record.body.award = award;
    if (cap) record.body.award_cap = *core::Money::Parse(*cap);
    auto compiled = CompilePolicy(record, schema_);
    EXPECT_TRUE(compiled.ok()) << compiled.status();
    return *compiled;
  }

  FactSheet Sheet(const json& facts) {
    auto sheet = FactSheetFromInput(schema_, facts, core::Date::FromYmd(2026, 6, 30));
    EXPECT_TRUE(sheet.ok()) << sheet.status();
    return *sheet;
  }

  std::shared_ptr<const rules::Schema> schema_;
};

TEST_F(ExplainTest, EligibleWithTheAwardStepByStep) {
  PolicyRules p =
      Policy("high_tech && rd_expense - rd_expense_prev >= 1000000.00 && !dishonest",
             "min(round((rd_expense - rd_expense_prev) * 0.06, 2), 6000000.00)", "6000000.00");
  Explanation e = Explain(p, Sheet({{"high_tech", true},
                                    {"rd_expense", "3000000.00"},
                                    {"rd_expense_prev", "2000000.00"},
                                    {"dishonest", false}}));
  EXPECT_EQ(e.outcome, rules::Eligibility::kEligible);
  EXPECT_EQ(e.policy_id, 7);
  EXPECT_EQ(e.version, 2);
  EXPECT_EQ(e.as_of, "2026-06-30");
  ASSERT_EQ(e.conditions.size(), 3u);
  EXPECT_EQ(e.conditions[1].reading.sentence,
            "研发费用增加额 100.00 万元（上年度研发费用 300.00 万元，前年度研发费用 200.00 万元），"
            "不低于 100.00 万元");
  EXPECT_EQ(e.conditions[1].text_zh, "上年度研发费用 − 前年度研发费用 ≥ 1,000,000.00");
  ASSERT_EQ(e.conditions[1].facts.size(), 2u);
  EXPECT_EQ(e.conditions[1].facts[0].origin.source, "calculator");
  EXPECT_EQ(e.conditions[1].operands[0].label, "上年度研发费用 − 前年度研发费用");
  ASSERT_TRUE(e.award.has_value());
  const AwardTrace& a = *e.award;
  EXPECT_EQ(a.outcome, "computed");
  EXPECT_EQ(a.formula_zh, "min(round((上年度研发费用 − 前年度研发费用) × 0.06, 2), 6,000,000.00)");
  EXPECT_EQ(a.substituted, "min(round((3,000,000.00 − 2,000,000.00) × 0.06, 2), 6,000,000.00)");
  ASSERT_EQ(a.steps.size(), 4u);
  EXPECT_EQ(a.steps[0].sentence,
            "〔1〕上年度研发费用 − 前年度研发费用 = 3,000,000.00 − 2,000,000.00 = 1,000,000.00");
  EXPECT_EQ(a.steps[1].sentence, "〔2〕〔1〕 × 0.06 = 1,000,000.00 × 0.06 = 60,000.0000");
  EXPECT_EQ(a.steps[1].formula, "(上年度研发费用 − 前年度研发费用) × 0.06");
  EXPECT_EQ(a.steps[1].value, "60000.0000");
  EXPECT_EQ(a.steps[2].sentence, "〔3〕round(〔2〕, 2) = round(60,000.0000, 2) = 60,000.00");
  EXPECT_EQ(a.steps[3].expression, "min(〔3〕, 6,000,000.00)");
  EXPECT_EQ(a.steps[3].computation, "min(60,000.00, 6,000,000.00)");
  EXPECT_EQ(a.formula_value, "60000.00");
  EXPECT_EQ(a.cap, "6000000.00");
  EXPECT_FALSE(a.capped);
  EXPECT_EQ(a.amount, "60000.00");
  EXPECT_EQ(a.sentences.back(), "奖补金额：60,000.00 元（6.00 万元）");
  EXPECT_EQ(e.summary, "符合「企业研发经费投入奖补」的条件，预计奖补 60,000.00 元。");
}

TEST_F(ExplainTest, AwardCapRoundingAndBranches) {
  PolicyRules capped = Policy("revenue > 0.00", "revenue * 0.5", "100.00");
  AwardTrace a = *Explain(capped, Sheet({{"revenue", "1000.00"}})).award;
  EXPECT_TRUE(a.capped);
  EXPECT_EQ(a.formula_value, "500.000");
  EXPECT_EQ(a.amount, "100.00");
  EXPECT_NE(
      std::find(a.sentences.begin(), a.sentences.end(), "超过每家企业奖补上限 100.00 元，按上限计"),
      a.sentences.end());
  PolicyRules rounding = Policy("revenue > 0.00", "revenue * 0.333");
  a = *Explain(rounding, Sheet({{"revenue", "100.01"}})).award;
  EXPECT_EQ(a.formula_value, "33.30333");
  EXPECT_EQ(a.amount, "33.30");
  EXPECT_NE(
      std::find(a.sentences.begin(), a.sentences.end(), "33.30333 元四舍五入到分，为 33.30 元"),
      a.sentences.end());
  EXPECT_NE(std::find(a.sentences.begin(), a.sentences.end(), "本政策未设每家企业奖补上限"),
            a.sentences.end());
  PolicyRules tiers = Policy(
      "tax_paid > 0.00",
      "tax_paid >= 50000000.00 ? 500000.00 : (tax_paid >= 10000000.00 ? 300000.00 : 100000.00)");
  a = *Explain(tiers, Sheet({{"tax_paid", "12000000.00"}})).award;
  EXPECT_EQ(a.amount, "300000.00");
  ASSERT_EQ(a.steps.size(), 4u);  // two comparisons, two choices: the last branch is skipped
  EXPECT_EQ(a.steps[0].sentence,
            "〔1〕上年度纳税额 ≥ 50,000,000.00 = 12,000,000.00 ≥ 50,000,000.00 = 否");
  EXPECT_EQ(a.steps[2].sentence, "〔3〕「上年度纳税额 ≥ 10,000,000.00」成立，取 300,000.00");
  EXPECT_EQ(a.steps[3].sentence,
            "〔4〕「上年度纳税额 ≥ 50,000,000.00」不成立，取〔3〕= 300,000.00");
  // A part the formula repeats is computed once and referred to by its number.
  PolicyRules twice =
      Policy("tax_paid > 0.00", "max(tax_paid * 0.1, 1.00) + max(tax_paid * 0.1, 1.00)");
  a = *Explain(twice, Sheet({{"tax_paid", "100.00"}})).award;
  ASSERT_EQ(a.steps.size(), 3u);
  EXPECT_EQ(a.steps[2].expression, "〔2〕 + 〔2〕");
  EXPECT_EQ(a.amount, "20.00");
}

TEST_F(ExplainTest, NotEligibleUnknownAndErrors) {
  PolicyRules p = Policy("revenue >= 20000000.00 && tax_credit_grade == \"A\"", "100.00");
  Explanation no = Explain(p, Sheet({{"revenue", "15000000.00"}, {"tax_credit_grade", "A"}}));
  EXPECT_EQ(no.outcome, rules::Eligibility::kNotEligible);
  EXPECT_FALSE(no.award.has_value());
  EXPECT_EQ(no.summary, "不符合「企业研发经费投入奖补」的条件：1 项条件未满足。");
  Explanation unknown = Explain(p, Sheet({{"tax_credit_grade", "A"}}));
  EXPECT_EQ(unknown.outcome, rules::Eligibility::kCannotDetermine);
  EXPECT_EQ(unknown.missing, std::vector<std::string>{"revenue"});
  EXPECT_EQ(unknown.conditions[0].missing, std::vector<std::string>{"revenue"});
  EXPECT_EQ(unknown.summary,
            "暂时无法判断是否符合「企业研发经费投入奖补」：缺少「上年度营业收入」数据。");
  // The award needs a fact the eligibility does not.
  PolicyRules award_needs = Policy("revenue > 0.00", "tax_paid * 0.1");
  Explanation needs = Explain(award_needs, Sheet({{"revenue", "1.00"}}));
  EXPECT_EQ(needs.outcome, rules::Eligibility::kCannotDetermine);
  EXPECT_EQ(needs.missing, std::vector<std::string>{"tax_paid"});
  PolicyRules divides = Policy("revenue / revenue_prev >= 1.0", "100.00");
  Explanation error = Explain(divides, Sheet({{"revenue", "1.00"}, {"revenue_prev", "0.00"}}));
  EXPECT_EQ(error.outcome, rules::Eligibility::kError);
  EXPECT_EQ(error.conditions[0].outcome, rules::ConditionOutcome::kError);
  EXPECT_FALSE(error.conditions[0].error.code.empty());
}

TEST_F(ExplainTest, CalculatorInputIsCheckedFieldByField) {
  auto date = core::Date::FromYmd(2026, 6, 30);
  auto bad = FactSheetFromInput(schema_,
                                {{"revenue", 1500.5}, {"employees", "many"}, {"nope", "1"}}, date);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ErrorCode(bad.status()), "calculator.fact");
  EXPECT_EQ(ErrorField(bad.status()), "employees");  // the first in key order
  std::string message(bad.status().message());
  EXPECT_NE(message.find("3 项数据有误"), std::string::npos) << message;
  EXPECT_NE(message.find("从业人数应为非负整数"), std::string::npos) << message;
  EXPECT_NE(message.find("没有名为 nope 的数据项"), std::string::npos) << message;
  EXPECT_NE(message.find("上年度营业收入请以字符串填写"), std::string::npos) << message;
  EXPECT_EQ(ErrorField(FactSheetFromInput(schema_, {{"revenue", "1.005"}}, date).status()),
            "revenue");
  EXPECT_FALSE(FactSheetFromInput(schema_, {{"region", "350500"}}, date).ok());  // the city
  EXPECT_FALSE(FactSheetFromInput(schema_, {{"industry", "C"}}, date).ok());
  EXPECT_FALSE(FactSheetFromInput(schema_, json::array(), date).ok());
  auto good = FactSheetFromInput(schema_,
                                 {{"revenue", "1500000.00"},
                                  {"employees", 12},
                                  {"scale", "小型"},
                                  {"high_tech", "是"},
                                  {"established", "2020-01-02"},
                                  {"tax_paid", nullptr}},
                                 date);
  ASSERT_TRUE(good.ok()) << good.status();
  const rules::Schema& s = good->activation.schema();
  EXPECT_EQ(good->activation.Get(s.FieldIndex("scale")).string_value(), "small");
  EXPECT_TRUE(good->activation.Get(s.FieldIndex("high_tech")).bool_value());
  EXPECT_EQ(good->activation.Get(s.FieldIndex("employees")).int_value(), 12);
  EXPECT_TRUE(good->activation.Get(s.FieldIndex("tax_paid")).is_unknown());
  EXPECT_EQ(good->origins[static_cast<size_t>(s.FieldIndex("revenue"))].source, "calculator");
  // Top-level registration fields are merged; a conflict is refused.
  auto merged = CalculatorFacts({{"region", "350582"}, {"facts", {{"revenue", "1.00"}}}});
  ASSERT_TRUE(merged.ok());
  EXPECT_EQ((*merged)["region"], "350582");
  EXPECT_FALSE(CalculatorFacts({{"region", "350582"}, {"facts", {{"region", "350581"}}}}).ok());
}

TEST_F(ExplainTest, RegistrySheetKeepsTheOrigins) {
  EnterpriseView view;
  view.enterprise.uscc = "91350582MA6KKM2WX5";
  view.enterprise.region = "350582";
  view.enterprise.industry = "C1953";
  view.enterprise.scale = "small";
  view.facts.push_back(
      FactValue{"revenue", "15000000.00", "350500.sw", "2025", "2026-03-31T17:00:00.000Z", 3});
  auto sheet = FactSheetFromRegistry(schema_, view, "2026-01-05T02:00:00.000Z",
                                     core::Date::FromYmd(2026, 6, 30));
  ASSERT_TRUE(sheet.ok()) << sheet.status();
  const rules::Schema& s = sheet->activation.schema();
  const FactOrigin& revenue = sheet->origins[static_cast<size_t>(s.FieldIndex("revenue"))];
  EXPECT_EQ(revenue.source_name, "泉州市税务局");
  EXPECT_EQ(revenue.period, "2025");
  EXPECT_EQ(revenue.as_of, "2026-04-01");  // 01:00 on 1 April in China
  const FactOrigin& region = sheet->origins[static_cast<size_t>(s.FieldIndex("region"))];
  EXPECT_EQ(region.source_name, "企业登记信息");
  EXPECT_EQ(region.as_of, "2026-01-05");
  EXPECT_TRUE(sheet->activation.Get(s.FieldIndex("established")).is_unknown());
  view.facts[0].value = "lots";
  EXPECT_EQ(
      FactSheetFromRegistry(schema_, view, "", core::Date::FromYmd(2026, 6, 30)).status().code(),
      absl::StatusCode::kDataLoss);
}

TEST_F(ExplainTest, MatchSortsIntoThreeListsAndFindsNearMisses) {
  std::vector<PolicyRules> policies = {
      Policy("revenue >= 10000000.00 && !dishonest", "revenue * 0.001", std::nullopt, 1),
      Policy("revenue >= 20000000.00 && !dishonest", "100.00", std::nullopt, 2),
      // Fails on two conditions: not near.
      Policy("revenue >= 20000000.00 && high_tech", "100.00", std::nullopt, 3),
      // Fails only on the region: not advice, not near.
      Policy("region == \"350582\" && !dishonest", "100.00", std::nullopt, 4),
      Policy("tax_paid >= 1.00 && !dishonest", "100.00", std::nullopt, 5),
      Policy("revenue >= 1.00", "200000.00", std::nullopt, 6),
      Policy("revenue / revenue_prev >= 1.0", "1.00", std::nullopt, 8),
  };
  MatchResult m = MatchPolicies(policies, Sheet({{"revenue", "15000000.00"},
                                                 {"revenue_prev", "0.00"},
                                                 {"dishonest", false},
                                                 {"high_tech", false},
                                                 {"region", "350581"}}));
  EXPECT_EQ(m.evaluated, 7);
  ASSERT_EQ(m.eligible.size(), 2u);
  EXPECT_EQ(m.eligible[0].policy.id, 6);  // the larger award first
  EXPECT_EQ(m.eligible[0].award.ToString(), "200000.00");
  EXPECT_EQ(m.eligible[1].award.ToString(), "15000.00");
  ASSERT_EQ(m.near.size(), 1u);
  EXPECT_EQ(m.near[0].policy.id, 2);
  EXPECT_EQ(m.near[0].condition.reading.gap->text, "还差 500.00 万元");
  ASSERT_EQ(m.cannot_determine.size(), 1u);
  EXPECT_EQ(m.cannot_determine[0].policy.id, 5);
  EXPECT_EQ(m.cannot_determine[0].missing_labels, std::vector<std::string>{"上年度纳税额"});
  ASSERT_EQ(m.errors.size(), 1u);
  EXPECT_EQ(m.errors[0].policy.id, 8);
}

TEST(PolicyNotesTest, SaysWhenAPolicyIsNotInForce) {
  PolicyRecord p;
  p.version = 1;
  p.status = "suspended";
  p.version_status = "superseded";
  p.body.effective = DateRange{"2026-01-01", "2026-12-31"};
  std::vector<std::string> notes = PolicyNotes(p, core::Date::FromYmd(2027, 1, 5));
  ASSERT_EQ(notes.size(), 3u);
  EXPECT_EQ(notes[0], "这是已被新版本替代的第 1 版");
  EXPECT_EQ(notes[1], "该政策已暂停受理");
  EXPECT_EQ(notes[2], "该政策有效期为 2026年1月1日至 2026年12月31日，2027年1月5日不在有效期内");
  p.status = "published";
  p.version_status = "published";
  EXPECT_TRUE(PolicyNotes(p, core::Date::FromYmd(2026, 5, 1)).empty());
}

}  // namespace
}  // namespace zhida::services
