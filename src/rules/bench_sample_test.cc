// The key correctness test: the 50 sample policies over the 10,000 sample enterprises
// (tests/data/bench-sample, from ../shared/bench/sample) through EvalRow and ComputeAward must
// give expected.csv — what DuckDB and PostgreSQL compute from the SQL translation — byte for
// byte: policy_id,uscc,award sorted by policy_id then uscc, award half-up to two decimals.
#include <algorithm>
#include <string>
#include <vector>

#include "core/csv.h"
#include "core/test_files.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "rules/eval.h"
#include "rules/program.h"
#include "rules/schema.h"

namespace zhida::rules {
namespace {

using core::testing::FirstDifference;
using core::testing::ReadTestFile;

const std::string kDir = std::string(ZHIDA_SOURCE_DIR) + "/tests/data/bench-sample/";

TEST(BenchSampleTest, EvalRowMatchesExpectedCsvByteForByte) {
  absl::StatusOr<std::shared_ptr<Schema>> schema =
      SchemaFromJson(nlohmann::json::parse(ReadTestFile(kDir + "schema.json")));
  ASSERT_TRUE(schema.ok()) << schema.status();
  std::shared_ptr<const Schema> shared = *schema;
  const core::Date as_of = core::Date::FromYmd(2024, 6, 30);

  // Load the enterprises: one activation each.
  std::string csv_text = ReadTestFile(kDir + "enterprises.csv");
  core::CsvReader reader(csv_text);
  std::vector<std::string_view> cells;
  std::string error;
  ASSERT_TRUE(reader.Next(&cells, &error)) << error;
  std::vector<int> slot;
  for (std::string_view header : cells) {
    slot.push_back(shared->FieldIndex(header));
    ASSERT_GE(slot.back(), 0) << header;
  }
  std::vector<Activation> enterprises;
  std::vector<std::string> usccs;
  while (reader.Next(&cells, &error)) {
    ASSERT_EQ(cells.size(), slot.size()) << "line " << reader.line();
    Activation a(shared, as_of);
    for (std::size_t i = 0; i < cells.size(); ++i) {
      const FieldDef& f = shared->fields()[static_cast<std::size_t>(slot[i])];
      absl::StatusOr<Value> v = ParseFactText(cells[i], f.type, f.code);
      ASSERT_TRUE(v.ok()) << "line " << reader.line() << ": " << v.status();
      a.SetIndex(slot[i], *std::move(v));
    }
    usccs.emplace_back(cells[0]);
    enterprises.push_back(std::move(a));
  }
  ASSERT_TRUE(error.empty()) << error;
  ASSERT_EQ(enterprises.size(), 10000u);

  nlohmann::json policies = nlohmann::json::parse(ReadTestFile(kDir + "policies.json"));
  ASSERT_EQ(policies.size(), 50u);
  std::vector<std::string> rows;
  int undetermined = 0, errors = 0;
  for (const nlohmann::json& p : policies) {
    const std::string id = p["id"].get<std::string>();
    CompileResult eligibility =
        Compile(p["eligibility"].get<std::string>(), shared, ResultKind::kBool);
    ASSERT_TRUE(eligibility.ok()) << id << ": " << FormatIssue(eligibility.issues[0]);
    CompileResult award = Compile(p["award"].get<std::string>(), shared, ResultKind::kDecimal);
    ASSERT_TRUE(award.ok()) << id << ": " << FormatIssue(award.issues[0]);
    for (std::size_t e = 0; e < enterprises.size(); ++e) {
      EligibilityDecision d = Decide(EvalRow(*eligibility.program, enterprises[e]).value);
      if (d.outcome == Eligibility::kCannotDetermine) ++undetermined;
      if (d.outcome == Eligibility::kError) ++errors;
      if (d.outcome != Eligibility::kEligible) continue;
      Value amount = ComputeAward(*award.program, enterprises[e]);
      ASSERT_TRUE(amount.is_decimal()) << id << " " << usccs[e] << ": " << amount;
      rows.push_back(id + "," + usccs[e] + "," + amount.decimal_value().ToString());
    }
  }
  EXPECT_EQ(undetermined, 0);
  EXPECT_EQ(errors, 0);
  std::sort(rows.begin(), rows.end());
  std::string out = "policy_id,uscc,award\n";
  for (const std::string& r : rows) out += r + "\n";
  const std::string expected = ReadTestFile(kDir + "expected.csv");
  EXPECT_EQ(rows.size(), 13157u);
  EXPECT_TRUE(out == expected) << "output differs from expected.csv: "
                               << FirstDifference(out, expected);
}

}  // namespace
}  // namespace zhida::rules
