// RuleChecker and PolicySchema over the stored field schema: rule texts are checked with their
// positions, and a policy's own parameters are usable by code — and refused, on their path, when
// a code is a field's or a reserved word, or a value does not have the parameter's type.
#include "services/rule_check.h"

#include <cstdio>
#include <cstdlib>
#include <iterator>
#include <random>

#include "gtest/gtest.h"
#include "rules/schema.h"
#include "services/test_support.h"

namespace zhida::services {
namespace {

class RuleCheckTest : public ::testing::Test {
 protected:
  void SetUp() override {
    env_ = testing::NewTestEnv();
    ASSERT_NE(env_, nullptr);
    auto checker = RuleChecker::Load(*env_->store);
    ASSERT_TRUE(checker.ok()) << checker.status();
    checker_ = *checker;
  }

  // A policy whose rules use two parameters: a threshold and a rate raised on 2026-07-01.
  PolicyBody Body() {
    auto body = PolicyBodyFromJson(testing::PolicyJson(
        "研发投入奖补（参数）", "350500", "rd_expense >= rd_threshold && !dishonest",
        "rd_expense * rate_rd", "500000.00"));
    EXPECT_TRUE(body.ok()) << body.status();
    body->parameters = {
        PolicyParameter{"rd_threshold", "研发费用门槛", "元", "decimal",
                        {{"2024-01-01", "1000000.00", "泉政文〔2021〕12号 第三条"}}},
        PolicyParameter{"rate_rd", "研发费用补助比例", "", "decimal",
                        {{"2024-01-01", "0.10", "泉政文〔2021〕12号 第三条"},
                         {"2026-07-01", "0.12", "泉政文〔2026〕3号 第二条"}}}};
    return *body;
  }

  std::unique_ptr<testing::TestEnv> env_;
  std::shared_ptr<const RuleChecker> checker_;
};

TEST_F(RuleCheckTest, RulesAreCheckedAgainstTheFieldSchemaWithPositions) {
  EXPECT_TRUE(checker_->Check("revenue >= 20000000.00 && !dishonest", false).empty());
  EXPECT_TRUE(checker_->Check("revenue * 0.002", true).empty());
  std::vector<RuleIssue> unknown = checker_->Check("revenue >= 1 &&\n  turnover > 2", false);
  ASSERT_FALSE(unknown.empty());
  EXPECT_EQ(unknown[0].line, 2);
  EXPECT_EQ(unknown[0].column, 3);
  EXPECT_FALSE(checker_->Check("revenue * 0.002", false).empty());  // eligibility must be a bool
  EXPECT_FALSE(checker_->Check("revenue >", false).empty());        // syntax
}

TEST_F(RuleCheckTest, APolicysParametersAreUsableByCode) {
  PolicyBody body = Body();
  EXPECT_TRUE(checker_->CheckPolicy(body).ok()) << checker_->CheckPolicy(body);
  EXPECT_TRUE(checker_->AsValidator()(body).ok());

  // The same rules without the parameters name an unknown name, on the rule and its position.
  PolicyBody bare = body;
  bare.parameters.clear();
  absl::Status status = checker_->CheckPolicy(bare);
  EXPECT_EQ(ErrorField(status), "eligibility");
  EXPECT_NE(std::string(status.message()).find("第 1 行第 15 列"), std::string::npos) << status;

  // The parameters' schema has the field schema's slots, and the field schema is unchanged.
  auto schema = PolicySchema(checker_->schema(), body.parameters);
  ASSERT_TRUE(schema.ok()) << schema.status();
  EXPECT_TRUE((*schema)->SameFields(*checker_->schema()));
  EXPECT_EQ((*schema)->parameters().size(), 2u);
  EXPECT_EQ((*schema)->FindParameter("rate_rd")->versions.size(), 2u);
  EXPECT_EQ(checker_->schema()->FindParameter("rate_rd"), nullptr);
  EXPECT_EQ(*PolicySchema(checker_->schema(), {}), checker_->schema());

  // Checked before saving, as POST /rules/check does.
  auto issues = checker_->CheckWithParameters("revenue >= rd_threshold", false, body.parameters);
  ASSERT_TRUE(issues.ok());
  EXPECT_TRUE(issues->empty());
  issues = checker_->CheckWithParameters("rate_rd", false, body.parameters);  // not a bool
  ASSERT_TRUE(issues.ok());
  EXPECT_FALSE(issues->empty());
}

TEST_F(RuleCheckTest, AWrongParameterIsRefusedOnItsPath) {
  struct Case {
    const char* what;
    std::function<void(PolicyBody&)> change;
    const char* field;
    const char* says;
  };
  const Case cases[] = {
      {"a field's code", [](PolicyBody& b) { b.parameters[0].code = "revenue"; },
       "parameters[0].code", "企业数据字段"},
      {"a reserved word", [](PolicyBody& b) { b.parameters[1].code = "in"; },
       "parameters[1].code", "保留字"},
      {"the evaluation date's name", [](PolicyBody& b) { b.parameters[1].code = "as_of"; },
       "parameters[1].code", "保留字"},
      {"a decimal that is not one",
       [](PolicyBody& b) { b.parameters[1].versions[1].value = "百分之十二"; },
       "parameters[1].versions[1].value", "不是数值"},
      {"an int with a fraction",
       [](PolicyBody& b) {
         b.parameters[0].type = "int";
         b.parameters[0].versions[0].value = "0.5";
       },
       "parameters[0].versions[0].value", "不是整数"},
      {"a bool spelt otherwise",
       [](PolicyBody& b) {
         b.parameters[0].type = "bool";
         b.parameters[0].versions[0].value = "是";
       },
       "parameters[0].versions[0].value", "true 或 false"},
      {"a type the rules cannot use", [](PolicyBody& b) { b.parameters[0].type = "list"; },
       "parameters[0].type", "decimal"},
      {"a string threshold compared with a number",
       [](PolicyBody& b) {
         b.parameters[0].type = "string";
         b.parameters[0].versions[0].value = "一百万";
       },
       "eligibility", "申报条件规则有误"},
  };
  for (const Case& c : cases) {
    PolicyBody body = Body();
    c.change(body);
    absl::Status status = checker_->CheckPolicy(body);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << c.what;
    EXPECT_EQ(ErrorField(status), c.field) << c.what << ": " << status;
    EXPECT_NE(std::string(status.message()).find(c.says), std::string::npos)
        << c.what << ": " << status;
  }
}

// Random damage to a valid body's JSON — a member removed, or replaced by a value of another
// type, an odd string or number, anywhere in the tree including the parameters — never crashes
// reading, validating and checking it: each body is accepted or refused with the path of what is
// wrong. The seed is printed; ZHIDA_SEED replays a run.
TEST_F(RuleCheckTest, DamagedBodiesAreRefusedOnAPathAndNeverCrash) {
  const char* env = std::getenv("ZHIDA_SEED");
  const uint64_t seed = env != nullptr ? std::strtoull(env, nullptr, 10) : std::random_device{}();
  std::printf("damaged bodies seed: %llu (ZHIDA_SEED)\n", static_cast<unsigned long long>(seed));
  std::mt19937_64 rng(seed);
  nlohmann::json valid = PolicyBodyToJson(Body());
  ASSERT_TRUE(checker_->CheckPolicy(*PolicyBodyFromJson(valid)).ok());
  const nlohmann::json odd[] = {nullptr, true, 0, -1, 1e300, "", "x", "2026-02-30", "0.1e5",
                                "in", "as_of", "revenue", std::string(300, 'a'), "\xE6\xB3",
                                nlohmann::json::array(), nlohmann::json::object(),
                                nlohmann::json::array({nlohmann::json::object()})};
  int refused = 0;
  for (int round = 0; round < 2000; ++round) {
    nlohmann::json body = valid;
    const int damages = static_cast<int>(rng() % 3) + 1;
    for (int d = 0; d < damages; ++d) {
      // Walk down to a random node, then remove it or replace it.
      nlohmann::json* node = &body;
      while (node->is_structured() && !node->empty() && rng() % 3 != 0) {
        auto it = node->begin();
        std::advance(it, static_cast<long>(rng() % node->size()));
        node = &*it;
      }
      *node = odd[rng() % std::size(odd)];
    }
    absl::StatusOr<PolicyBody> parsed = PolicyBodyFromJson(body);
    absl::Status status = parsed.ok() ? ValidatePolicyBody(*parsed, checker_->AsValidator())
                                      : parsed.status();
    if (!status.ok()) {
      ++refused;
      EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
      EXPECT_FALSE(std::string(status.message()).empty());
      EXPECT_FALSE(ErrorField(status).empty()) << status;
    }
  }
  EXPECT_GT(refused, 1000);  // the damage was real
}

}  // namespace
}  // namespace zhida::services
