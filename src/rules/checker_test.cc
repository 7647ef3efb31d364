#include "rules/checker.h"

#include <string>

#include "gtest/gtest.h"
#include "rules/limits.h"
#include "rules/test_schema.h"

namespace zhida::rules {
namespace {

// The first issue of checking `src` as `kind`, as "line:column code", or "ok".
std::string FirstIssue(std::string_view src, ResultKind kind = ResultKind::kBool,
                       bool check_types = true) {
  static const std::shared_ptr<Schema> schema = testing::TestSchema();
  CheckOptions options;
  options.check_types = check_types;
  CheckResult r = Check(src, *schema, kind, options);
  if (r.ok()) return "ok";
  return std::to_string(r.issues[0].line) + ":" + std::to_string(r.issues[0].column) + " " +
         r.issues[0].code;
}

TEST(CheckerTest, AcceptsTheSamplePolicies) {
  EXPECT_EQ(FirstIssue("industry.startsWith(\"F\") && revenue >= 50000000.00 && "
                       "revenue - revenue_prev >= revenue_prev * 0.10 && "
                       "region in [\"350503\", \"350524\"] && !dishonest"),
            "ok");
  EXPECT_EQ(FirstIssue("revenue * 0.002 <= 500000.00 ? revenue * 0.002 : 500000.00",
                       ResultKind::kDecimal),
            "ok");
  EXPECT_EQ(FirstIssue("insured_employees * 10 >= employees * 7"), "ok");
  EXPECT_EQ(FirstIssue("established <= date(\"2021-12-31\") && years_between(established, "
                       "as_of) >= 3"),
            "ok");
  EXPECT_EQ(FirstIssue("round(min(revenue * rate_rd, 500000), 2)", ResultKind::kDecimal), "ok");
  EXPECT_EQ(FirstIssue("has(revenue) && codes.exists(c, c == 'A1')"), "ok");
  EXPECT_EQ(FirstIssue("scale in ['medium', 'large'] ? 200000.00 : 150000", ResultKind::kDecimal),
            "ok");
}

TEST(CheckerTest, UnknownFieldWithPositionAndSuggestion) {
  EXPECT_EQ(FirstIssue("revenue > 0 &&\n  revenu_prev > 0"), "2:3 check.unknown_field");
  CheckResult r = Check("revenu > 1", *testing::TestSchema(), ResultKind::kBool);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.issues[0].message_zh.find("revenue"), std::string::npos) << r.issues[0].message_zh;
  EXPECT_NE(r.issues[0].message_en.find("did you mean 'revenue'"), std::string::npos);
}

TEST(CheckerTest, TypeMistakes) {
  EXPECT_EQ(FirstIssue("industry > 5"), "1:10 check.type");
  EXPECT_EQ(FirstIssue("revenue && true"), "1:1 check.type");
  EXPECT_EQ(FirstIssue("!revenue"), "1:1 check.type");
  EXPECT_EQ(FirstIssue("revenue + 'x' > 0"), "1:9 check.type");
  EXPECT_EQ(FirstIssue("revenue == null"), "1:9 check.type");
  EXPECT_EQ(FirstIssue("high_tech ? 1 : 'x'", ResultKind::kAny), "1:11 check.type");
  EXPECT_EQ(FirstIssue("region in [1, 2]"), "1:8 check.type");
  EXPECT_EQ(FirstIssue("employees % 1.5 == 0"), "1:11 check.type");
  EXPECT_EQ(FirstIssue("established > 5"), "1:13 check.type");
  EXPECT_EQ(FirstIssue("region.size() > 'a'"), "1:15 check.type");
}

TEST(CheckerTest, ResultKind) {
  EXPECT_EQ(FirstIssue("revenue * 2"), "1:9 check.result_type");
  EXPECT_EQ(FirstIssue("revenue > 2", ResultKind::kDecimal), "1:9 check.result_type");
  EXPECT_EQ(FirstIssue("employees * 100", ResultKind::kDecimal), "ok");
}

TEST(CheckerTest, Functions) {
  EXPECT_EQ(FirstIssue("frobnicate(revenue)"), "1:1 check.unknown_function");
  EXPECT_EQ(FirstIssue("size(region, 1) > 0"), "1:1 check.arity");
  EXPECT_EQ(FirstIssue("region.startsWith() "), "1:8 check.arity");
  EXPECT_EQ(FirstIssue("revenue.round(2) > 0"), "1:9 check.not_a_method");
  EXPECT_EQ(FirstIssue("startsWith(industry, 'C')"), "ok");
  EXPECT_EQ(FirstIssue("industry.matches('[')"), "1:18 check.regex");
  EXPECT_EQ(FirstIssue("established > date('2024-02-30')"), "1:20 check.date_literal");
  EXPECT_EQ(FirstIssue("round(revenue, 19) > 0"), "1:16 check.round_places");
  EXPECT_EQ(FirstIssue("has(1)"), "1:1 check.has_argument");
  EXPECT_EQ(FirstIssue("years_between(established, '2024-01-01') > 1"), "1:1 check.type");
}

TEST(CheckerTest, Limits) {
  EXPECT_EQ(FirstIssue("revenue > 0.0000000000000000001"), "1:11 limit.decimal_literal");
  std::string big_regex = "industry.matches('" + std::string(kMaxRegexBytes + 1, 'a') + "')";
  EXPECT_EQ(FirstIssue(big_regex), "1:18 limit.regex");
  // A comprehension over a fact list may iterate kMaxListSize times; nesting two exceeds the
  // iteration budget and is refused at save.
  EXPECT_EQ(FirstIssue("codes.all(a, codes.all(b, a == b))"), "1:20 limit.iterations");
  EXPECT_EQ(FirstIssue("codes.all(a, [1, 2, 3].all(b, b > 0))"), "ok");
}

TEST(CheckerTest, UncheckedModeSkipsTypesButNotNames) {
  EXPECT_EQ(FirstIssue("'horses' && false", ResultKind::kAny, false), "ok");
  EXPECT_EQ(FirstIssue("'horses' && nope", ResultKind::kAny, false), "1:13 check.unknown_field");
}

TEST(CheckerTest, Types) {
  CheckResult r = Check("[revenue, 1].map(x, x * 2)", *testing::TestSchema(), ResultKind::kAny);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(TypeName(r.result_type), "list(decimal)");
  r = Check("{'a': [1]}['a']", *testing::TestSchema(), ResultKind::kAny);
  EXPECT_EQ(TypeName(r.result_type), "list(int)");
}

}  // namespace
}  // namespace zhida::rules
