// The Chinese sentences of explanations, one case per shape of condition (explain_text.h): every
// comparison operator, rates, increases, dates, bools, codes, string tests, has, `||`, unknown
// and error; and the number formatting they rest on.
#include "services/explain_text.h"

#include <map>

#include "gtest/gtest.h"
#include "rules/schema.h"
#include "services/explain_format.h"
#include "services/fact_sheet.h"
#include "services/reference.h"

namespace zhida::services {
namespace {

class ReadConditionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto schema = RulesSchema(StandardFields());
    ASSERT_TRUE(schema.ok()) << schema.status();
    schema_ = *schema;
  }

  // Reads condition `index` of eligibility rule `rule` for the facts `facts` (code → text), on
  // 2026-06-30.
  ConditionReading Read(const std::string& rule, const std::map<std::string, std::string>& facts,
                        size_t index = 0) {
    rules::CompileResult compiled = rules::Compile(rule, schema_, rules::ResultKind::kBool);
    EXPECT_TRUE(compiled.ok()) << rule;
    if (!compiled.ok()) return {};
    rules::Activation activation(schema_, core::Date::FromYmd(2026, 6, 30));
    for (const auto& [code, text] : facts) {
      const rules::FieldDef* f = schema_->FindField(code);
      EXPECT_NE(f, nullptr) << code;
      auto value = rules::ParseFactText(text, f->type, code);
      EXPECT_TRUE(value.ok()) << code << "=" << text;
      EXPECT_TRUE(activation.Set(code, *value).ok());
    }
    rules::EvalResult r = rules::EvalRow(*compiled.program, activation, rules::EvalOptions{true});
    program_ = compiled.program;
    outcome_ = r.trace.at(index).outcome;
    return ReadCondition(*compiled.program, compiled.program->conditions().at(index),
                         r.trace.at(index), activation);
  }

  std::string Sentence(const std::string& rule, const std::map<std::string, std::string>& facts,
                       size_t index = 0) {
    return Read(rule, facts, index).sentence;
  }

  std::shared_ptr<const rules::Schema> schema_;
  std::shared_ptr<const rules::Program> program_;
  rules::ConditionOutcome outcome_ = rules::ConditionOutcome::kHeld;
};

TEST(ExplainFormatTest, NumbersAmountsRatesDates) {
  auto d = [](const char* text) { return *core::Decimal::Parse(text); };
  EXPECT_EQ(GroupedDecimal(d("1234567.891"), 2), "1,234,567.891");
  EXPECT_EQ(GroupedDecimal(d("60000.0000"), 2), "60,000.00");
  EXPECT_EQ(GroupedDecimal(d("-0.50"), 0), "-0.5");
  EXPECT_EQ(GroupedDecimal(d("100"), 2), "100.00");
  EXPECT_EQ(YuanText(d("15000000.00")), "1,500.00 万元");
  EXPECT_EQ(YuanText(d("9999.50")), "9,999.50 元");
  EXPECT_EQ(YuanText(d("19999999.99"), Cut::kDown), "1,999.99 万元");
  EXPECT_EQ(YuanText(d("19999999.99")), "2,000.00 万元");
  EXPECT_EQ(YuanText(d("200000.01"), Cut::kUp), "20.01 万元");
  EXPECT_EQ(PercentText(d("0.08237"), 1, Cut::kDown), "8.2%");
  EXPECT_EQ(PercentExactText(d("0.125")), "12.5%");
  EXPECT_EQ(PercentExactText(d("0.30")), "30%");
  EXPECT_EQ(DateText(core::Date::FromYmd(2024, 12, 31)), "2024年12月31日");
  EXPECT_EQ(CodeText("region", "350582"), "晋江市");
  EXPECT_EQ(CodeText("scale", "medium"), "中型");
  EXPECT_EQ(Tidy(" 为 晋江市 ，以 C 开头  "), "为晋江市，以 C 开头");
  EXPECT_EQ(Tidy("8.2% （上年度 1.00 万元 ）"), "8.2%（上年度 1.00 万元）");
}

TEST_F(ReadConditionTest, AtLeastAmounts) {
  ConditionReading r = Read("revenue >= 20000000.00", {{"revenue", "15000000.00"}});
  EXPECT_EQ(r.sentence, "上年度营业收入 1,500.00 万元，低于 2,000.00 万元，还差 500.00 万元");
  ASSERT_TRUE(r.gap.has_value());
  EXPECT_EQ(r.gap->kind, "amount");
  EXPECT_EQ(r.gap->value, "5000000.00");
  EXPECT_EQ(r.gap->unit, "元");
  EXPECT_EQ(r.quantity, "上年度营业收入");
  EXPECT_EQ(Sentence("revenue >= 20000000.00", {{"revenue", "25000000.00"}}),
            "上年度营业收入 2,500.00 万元，不低于 2,000.00 万元");
  EXPECT_FALSE(Read("revenue >= 20000000.00", {{"revenue", "25000000.00"}}).gap.has_value());
  // A constant on the left reads the same way round.
  EXPECT_EQ(Sentence("20000000.00 <= revenue", {{"revenue", "15000000.00"}}),
            "上年度营业收入 1,500.00 万元，低于 2,000.00 万元，还差 500.00 万元");
}

TEST_F(ReadConditionTest, FiguresNeverMisstateTheComparison) {
  // In 万元, 19,999,999.99 would read 2,000.00 万元 "低于 2,000.00 万元": 元 it is.
  EXPECT_EQ(Sentence("revenue >= 20000000.00", {{"revenue", "19999999.99"}}),
            "上年度营业收入 19,999,999.99 元，低于 20,000,000.00 元，还差 0.01 元");
  // Nearest rounding when it is honest: the same fact reads the same in every sentence.
  EXPECT_EQ(Sentence("revenue >= 20000000.00", {{"revenue", "10869999.00"}}),
            "上年度营业收入 1,087.00 万元，低于 2,000.00 万元，还差 913.00 万元");
  // Just above a strict bound: 万元 would show two equal figures, so 元 it is.
  EXPECT_EQ(Sentence("revenue > 20000000.00", {{"revenue", "20000000.01"}}),
            "上年度营业收入 20,000,000.01 元，超过 20,000,000.00 元");
  // A rate just under its threshold gets a second place; its gap is shown at the same places.
  EXPECT_EQ(Sentence("revenue - revenue_prev >= revenue_prev * 0.10",
                     {{"revenue", "21992000.00"}, {"revenue_prev", "20000000.00"}}),
            "营业收入增长率 9.96%（上年度营业收入 2,199.20 万元，前年度营业收入 2,000.00 万元），"
            "低于 10%，还差 0.04 个百分点");
  // A threshold that is another fact is rounded like any figure.
  EXPECT_EQ(Sentence("tax_paid >= tax_paid_prev",
                     {{"tax_paid", "7280700.64"}, {"tax_paid_prev", "8409847.10"}}),
            "上年度纳税额 728.07 万元，低于前年度纳税额 840.98 万元，还差 112.91 万元");
}

TEST_F(ReadConditionTest, GreaterLessAndEqual) {
  ConditionReading gt = Read("rd_expense > 2000000.00", {{"rd_expense", "2000000.00"}});
  EXPECT_EQ(gt.sentence, "上年度研发费用 200.00 万元，未超过 200.00 万元，还差 0.01 元");
  EXPECT_EQ(Sentence("revenue_prev < 20000000.00", {{"revenue_prev", "25000000.00"}}),
            "前年度营业收入 2,500.00 万元，不低于 2,000.00 万元，超出 500.00 万元");
  EXPECT_EQ(Sentence("revenue_prev < 20000000.00", {{"revenue_prev", "1800000.00"}}),
            "前年度营业收入 180.00 万元，低于 2,000.00 万元");
  EXPECT_EQ(Sentence("tax_paid <= 5000.00", {{"tax_paid", "4999.50"}}),
            "上年度纳税额 4,999.50 元，不超过 5,000.00 元");
  EXPECT_EQ(Sentence("tax_paid <= 5000.00", {{"tax_paid", "5200.00"}}),
            "上年度纳税额 5,200.00 元，超过 5,000.00 元，超出 200.00 元");
  EXPECT_EQ(Sentence("revenue == 1000000.00", {{"revenue", "1000000.00"}}),
            "上年度营业收入 100.00 万元，等于 100.00 万元");
  ConditionReading ne = Read("revenue != 1000000.00", {{"revenue", "1000000.00"}});
  EXPECT_EQ(ne.sentence, "上年度营业收入 100.00 万元，等于 100.00 万元");
  ASSERT_TRUE(ne.gap.has_value());
  EXPECT_EQ(ne.gap->text, "「上年度营业收入」须不等于 100.00 万元");
}

TEST_F(ReadConditionTest, CountsAndZero) {
  EXPECT_EQ(Sentence("employees >= 10", {{"employees", "8"}}),
            "从业人数 8 人，低于 10 人，还差 2 人");
  ConditionReading strict = Read("employees > 10", {{"employees", "8"}});
  EXPECT_EQ(strict.sentence, "从业人数 8 人，未超过 10 人，还差 3 人");
  EXPECT_EQ(strict.gap->value, "3");
  EXPECT_EQ(Sentence("insured_employees > 0", {{"insured_employees", "35"}}),
            "参保人数 35 人，大于零");
  ConditionReading zero = Read("insured_employees > 0", {{"insured_employees", "0"}});
  EXPECT_EQ(zero.sentence, "参保人数 0 人，须大于零");
  EXPECT_EQ(zero.gap->kind, "change");
  EXPECT_EQ(zero.gap->text, "「参保人数」须大于零");
  EXPECT_EQ(Sentence("export_value_prev > 0.00", {{"export_value_prev", "0.00"}}),
            "前年度出口额 0.00 元，须大于零");
}

TEST_F(ReadConditionTest, GrowthRatesSharesAndIncreases) {
  ConditionReading growth = Read("revenue - revenue_prev >= revenue_prev * 0.10",
                                 {{"revenue", "21640000.00"}, {"revenue_prev", "20000000.00"}});
  EXPECT_EQ(growth.sentence,
            "营业收入增长率 8.2%（上年度营业收入 2,164.00 万元，前年度营业收入 2,000.00 万元），"
            "低于 10%，还差 1.8 个百分点");
  EXPECT_EQ(growth.gap->unit, "个百分点");
  EXPECT_EQ(growth.gap->value, "1.80");
  EXPECT_EQ(Sentence("tax_paid >= tax_paid_prev * 1.30",
                     {{"tax_paid", "1250000.00"}, {"tax_paid_prev", "1000000.00"}}),
            "纳税额增长率 25.0%（上年度纳税额 125.00 万元，前年度纳税额 100.00 万元），低于 30%，"
            "还差 5.0 个百分点");
  EXPECT_EQ(Sentence("(rd_expense - rd_expense_prev) / rd_expense_prev >= 0.1",
                     {{"rd_expense", "3300000.00"}, {"rd_expense_prev", "3000000.00"}}),
            "研发费用增长率 10.0%（上年度研发费用 330.00 万元，前年度研发费用 300.00 万元），"
            "不低于 10%");
  EXPECT_EQ(Sentence("rd_expense >= revenue * 0.03",
                     {{"rd_expense", "500000.00"}, {"revenue", "20000000.00"}}),
            "上年度研发费用占营业收入的比例 2.5%（上年度研发费用 50.00 万元，上年度营业收入 "
            "2,000.00 万元），低于 3%，还差 0.5 个百分点");
  EXPECT_EQ(Sentence("rd_expense - rd_expense_prev >= 1000000.00",
                     {{"rd_expense", "3000000.00"}, {"rd_expense_prev", "2200000.00"}}),
            "研发费用增加额 80.00 万元（上年度研发费用 300.00 万元，前年度研发费用 220.00 万元），"
            "低于 100.00 万元，还差 20.00 万元");
  EXPECT_EQ(Sentence("export_value - export_value_prev >= 5000000.00",
                     {{"export_value", "9000000.00"}, {"export_value_prev", "6000000.00"}}),
            "出口增加额 300.00 万元（上年度出口额 900.00 万元，前年度出口额 600.00 万元），"
            "低于 500.00 万元，还差 200.00 万元");
  // No rate over a zero base: the amounts are compared.
  EXPECT_EQ(Sentence("revenue - revenue_prev >= revenue_prev * 0.10",
                     {{"revenue", "100.00"}, {"revenue_prev", "0.00"}}),
            "营业收入增加额 100.00 元（上年度营业收入 100.00 元，前年度营业收入 0.00 元），"
            "不低于「前年度营业收入 × 0.10」0.00 元");
  EXPECT_EQ(Sentence("tax_paid >= tax_paid_prev",
                     {{"tax_paid", "6000000.00"}, {"tax_paid_prev", "5500000.00"}}),
            "上年度纳税额 600.00 万元，不低于前年度纳税额 550.00 万元");
}

TEST_F(ReadConditionTest, Dates) {
  ConditionReading r = Read("established <= date(\"2024-12-31\")", {{"established", "2025-03-01"}});
  EXPECT_EQ(r.sentence, "成立日期 2025年3月1日，晚于 2024年12月31日");
  EXPECT_EQ(r.gap->kind, "change");
  EXPECT_EQ(r.gap->text, "「成立日期」须不晚于 2024年12月31日");
  EXPECT_EQ(Sentence("established < date(\"2024-12-31\")", {{"established", "2020-01-01"}}),
            "成立日期 2020年1月1日，早于 2024年12月31日");
  EXPECT_EQ(Sentence("established >= date(\"2021-01-01\")", {{"established", "2020-01-01"}}),
            "成立日期 2020年1月1日，早于 2021年1月1日");
  EXPECT_EQ(Sentence("years_between(established, as_of) >= 3", {{"established", "2024-08-01"}}),
            "成立年限 1 年，低于 3 年，还差 2 年");
}

TEST_F(ReadConditionTest, BoolFields) {
  EXPECT_EQ(Sentence("high_tech", {{"high_tech", "true"}}), "高新技术企业：是");
  ConditionReading r = Read("high_tech", {{"high_tech", "false"}});
  EXPECT_EQ(r.sentence, "高新技术企业：否，要求为是");
  EXPECT_EQ(r.gap->kind, "change");
  EXPECT_EQ(r.gap->text, "「高新技术企业」须为“是”");
  EXPECT_EQ(Sentence("!dishonest", {{"dishonest", "false"}}), "失信被执行人：否");
  EXPECT_EQ(Sentence("!dishonest", {{"dishonest", "true"}}), "失信被执行人：是，要求为否");
  EXPECT_EQ(Sentence("high_tech == true", {{"high_tech", "false"}}), "高新技术企业：否，要求为是");
  EXPECT_EQ(Sentence("listed != true", {{"listed", "false"}}), "上市企业：否");
}

TEST_F(ReadConditionTest, CodesAndStrings) {
  ConditionReading eq = Read("tax_credit_grade == \"A\"", {{"tax_credit_grade", "B"}});
  EXPECT_EQ(eq.sentence, "纳税信用等级为 B，要求为 A");
  EXPECT_EQ(eq.gap->text, "「纳税信用等级」须为 A");
  EXPECT_EQ(Sentence("tax_credit_grade == \"A\"", {{"tax_credit_grade", "A"}}), "纳税信用等级为 A");
  EXPECT_EQ(Sentence("tax_credit_grade != \"D\"", {{"tax_credit_grade", "B"}}),
            "纳税信用等级为 B，不是 D");
  EXPECT_EQ(Sentence("tax_credit_grade != \"D\"", {{"tax_credit_grade", "D"}}),
            "纳税信用等级为 D，要求不为 D");
  EXPECT_EQ(Sentence("region == \"350582\"", {{"region", "350581"}}),
            "所在地区为石狮市，要求为晋江市");
  ConditionReading in = Read("scale in [\"small\", \"medium\"]", {{"scale", "large"}});
  EXPECT_EQ(in.sentence, "企业规模为大型，要求为小型、中型之一");
  EXPECT_EQ(in.gap->text, "「企业规模」须为小型、中型之一");
  EXPECT_EQ(Sentence("scale in [\"small\", \"medium\"]", {{"scale", "small"}}),
            "企业规模为小型，属于小型、中型之一");
}

TEST_F(ReadConditionTest, StringTests) {
  EXPECT_EQ(Sentence("industry.startsWith(\"C\")", {{"industry", "C1951"}}),
            "国民经济行业为 C1951，以 C 开头");
  ConditionReading r = Read("industry.startsWith(\"C\")", {{"industry", "F5123"}});
  EXPECT_EQ(r.sentence, "国民经济行业为 F5123，要求以 C 开头");
  EXPECT_EQ(r.gap->text, "「国民经济行业」须以 C 开头");
  EXPECT_EQ(Sentence("region.startsWith(\"3505\")", {{"region", "350582"}}),
            "所在地区为晋江市，属于泉州市");
  EXPECT_EQ(Sentence("industry.matches(\"^[BCD]\")", {{"industry", "C1951"}}),
            "国民经济行业为 C1951，以 B、C、D 之一开头");
  EXPECT_EQ(Sentence("industry.matches(\"^[BCD]\")", {{"industry", "G5437"}}),
            "国民经济行业为 G5437，要求以 B、C、D 之一开头");
  EXPECT_EQ(Sentence("industry.matches(\"^C[0-9]+$\")", {{"industry", "C1951"}}),
            "国民经济行业为 C1951，符合格式“^C[0-9]+$”");
  EXPECT_EQ(Sentence("industry.endsWith(\"51\")", {{"industry", "C1951"}}),
            "国民经济行业为 C1951，以“51”结尾");
  EXPECT_EQ(Sentence("tax_credit_grade.contains(\"A\")", {{"tax_credit_grade", "B"}}),
            "纳税信用等级为 B，要求包含“A”");
  EXPECT_EQ(Sentence("(industry.startsWith(\"C13\") || industry.startsWith(\"C14\"))",
                     {{"industry", "C1951"}}),
            "国民经济行业为 C1951，要求以 C13、C14 之一开头");
}

TEST_F(ReadConditionTest, HasOrAndGeneric) {
  EXPECT_EQ(Sentence("has(revenue)", {}), "没有「上年度营业收入」数据");
  EXPECT_EQ(Sentence("has(revenue)", {{"revenue", "1.00"}}), "已有「上年度营业收入」数据");
  ConditionReading none = Read("(high_tech || specialized_sme)",
                               {{"high_tech", "false"}, {"specialized_sme", "false"}});
  EXPECT_EQ(
      none.sentence,
      "以下各项均不满足（满足一项即可）：高新技术企业：否，要求为是；专精特新企业：否，要求为是");
  EXPECT_EQ(none.gap->kind, "change");
  EXPECT_EQ(Sentence("(high_tech || specialized_sme)",
                     {{"high_tech", "false"}, {"specialized_sme", "true"}}),
            "满足其中一项：专精特新企业：是");
  EXPECT_EQ(Sentence("size([employees, insured_employees]) == 2",
                     {{"employees", "3"}, {"insured_employees", "2"}}),
            "「size([从业人数, 参保人数])」2，等于 2");
  EXPECT_EQ(Sentence("[employees, insured_employees].all(x, x > 2)",
                     {{"employees", "3"}, {"insured_employees", "2"}}),
            "不满足条件「[employees, insured_employees].all(x, x > 2)」");
}

TEST_F(ReadConditionTest, UnknownAndError) {
  EXPECT_EQ(Sentence("revenue >= 20000000.00", {}), "缺少「上年度营业收入」数据，无法判断");
  EXPECT_EQ(outcome_, rules::ConditionOutcome::kUnknown);
  EXPECT_EQ(Sentence("revenue - revenue_prev >= 1.00", {}),
            "缺少「上年度营业收入」「前年度营业收入」数据，无法判断");
  ConditionReading error =
      Read("revenue / revenue_prev >= 1.0", {{"revenue", "1.00"}, {"revenue_prev", "0.00"}});
  EXPECT_EQ(outcome_, rules::ConditionOutcome::kError);
  EXPECT_FALSE(error.sentence.empty());
  EXPECT_NE(error.sentence.find("除"), std::string::npos) << error.sentence;
  EXPECT_FALSE(error.gap.has_value());
}

}  // namespace
}  // namespace zhida::services
