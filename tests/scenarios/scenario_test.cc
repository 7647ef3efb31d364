// OpenFisca-style policy scenarios (README.md): every case of every tests/scenarios/*.yaml through
// the row evaluator and the batch evaluator, each checked against the hand-worked expectation.
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

#include "core/test_files.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "rules/batch.h"
#include "rules/columns.h"
#include "rules/eval.h"
#include "rules/program.h"
#include "rules/schema.h"

namespace zhida::rules {
namespace {

const std::string kDir = std::string(ZHIDA_SOURCE_DIR) + "/tests/scenarios/";

std::shared_ptr<const Schema> BenchSchema() {
  auto schema = SchemaFromJson(nlohmann::json::parse(core::testing::ReadTestFile(
      std::string(ZHIDA_SOURCE_DIR) + "/tests/data/bench-sample/schema.json")));
  ZCHECK(schema.ok());
  return *schema;
}

// What one evaluator says of one case, in the words of the YAML `output:`.
struct Outcome {
  std::string outcome;  // eligible, not_eligible, cannot_determine, error
  std::string award;    // an amount, "unknown", or "" when not eligible
  std::vector<std::string> missing;
  friend bool operator==(const Outcome&, const Outcome&) = default;
};

std::ostream& operator<<(std::ostream& os, const Outcome& o) {
  os << o.outcome << " award=" << o.award << " missing=[";
  for (const std::string& m : o.missing) os << m << " ";
  return os << "]";
}

Outcome Classify(const Value& eligibility, const Value& award) {
  Outcome o;
  EligibilityDecision d = Decide(eligibility);
  switch (d.outcome) {
    case Eligibility::kEligible:
      o.outcome = "eligible";
      if (award.is_unknown()) {
        o.award = "unknown";
        o.missing = award.unknown_value().fields;
      } else if (award.is_decimal()) {
        o.award = award.decimal_value().ToString();
      } else if (award.is_error()) {
        o.award = "error:" + award.error_value().code;
      } else {
        o.award = award.DebugString();
      }
      break;
    case Eligibility::kNotEligible: o.outcome = "not_eligible"; break;
    case Eligibility::kCannotDetermine:
      o.outcome = "cannot_determine";
      o.missing = d.missing;
      break;
    case Eligibility::kError: o.outcome = "error"; break;
  }
  return o;
}

Outcome Expected(const YAML::Node& output) {
  Outcome o;
  o.outcome = output["outcome"].as<std::string>();
  if (output["award"]) o.award = output["award"].as<std::string>();
  if (output["missing"]) o.missing = output["missing"].as<std::vector<std::string>>();
  std::sort(o.missing.begin(), o.missing.end());
  return o;
}

std::shared_ptr<const Program> CompileOrFail(const std::string& text,
                                             std::shared_ptr<const Schema> schema,
                                             ResultKind kind, const std::string& file) {
  CompileResult r = Compile(text, std::move(schema), kind);
  for (const Issue& issue : r.issues) ADD_FAILURE() << file << ": " << FormatIssue(issue);
  return r.program;
}

// `fields` extended with the policy's `parameters:` (the catalog's form: code, label, unit, type,
// versions of from / value / basis), as the catalog's PolicySchema does; `fields` when none.
std::shared_ptr<const Schema> PolicySchema(const std::shared_ptr<const Schema>& fields,
                                           const YAML::Node& parameters, const std::string& file) {
  if (!parameters) return fields;
  std::shared_ptr<Schema> schema = Schema::Extend(fields);
  for (const YAML::Node& p : parameters) {
    const std::string code = p["code"].as<std::string>();
    std::optional<FieldType> type = ParseFieldType(p["type"] ? p["type"].as<std::string>() : "decimal");
    EXPECT_TRUE(type.has_value()) << file << ": parameter " << code;
    if (!type) return fields;
    ParameterDef def{code, p["label"].as<std::string>(), p["unit"] ? p["unit"].as<std::string>() : "",
                     *type, {}};
    for (const YAML::Node& v : p["versions"]) {
      auto from = core::Date::Parse(v["from"].as<std::string>());
      auto value = ParseFactText(v["value"].as<std::string>(), *type, code);
      EXPECT_TRUE(from.ok() && value.ok()) << file << ": parameter " << code;
      if (!from.ok() || !value.ok()) return fields;
      def.versions.push_back(ParameterVersion{*from, *value, v["basis"].as<std::string>()});
    }
    absl::Status added = schema->AddParameter(std::move(def));
    EXPECT_TRUE(added.ok()) << file << ": " << added;
  }
  return schema;
}

void RunFile(const std::filesystem::path& path, const std::shared_ptr<const Schema>& fields) {
  const std::string file = path.filename().string();
  YAML::Node doc = YAML::LoadFile(path.string());
  const std::shared_ptr<const Schema> schema = PolicySchema(fields, doc["policy"]["parameters"], file);
  auto eligibility = CompileOrFail(doc["policy"]["eligibility"].as<std::string>(), schema,
                                   ResultKind::kBool, file);
  auto award = CompileOrFail(doc["policy"]["award"].as<std::string>(), schema,
                             ResultKind::kDecimal, file);
  ASSERT_TRUE(eligibility && award) << file;
  std::optional<core::Decimal> cap;
  if (doc["policy"]["cap"]) cap = *core::Decimal::Parse(doc["policy"]["cap"].as<std::string>());
  core::Date as_of = core::Date::FromYmd(2025, 6, 30);
  if (doc["as_of"]) as_of = *core::Date::Parse(doc["as_of"].as<std::string>());

  // Every case is one row of a table for the batch evaluator, and one activation for EvalRow.
  // A case may have its own `as_of` (a parameter's value changes on a date).
  const YAML::Node cases = doc["scenarios"];
  ASSERT_GT(cases.size(), 0u) << file;
  ColumnTableBuilder builder(fields);
  std::vector<Activation> rows;
  for (const YAML::Node& c : cases) {
    Activation activation(fields, c["as_of"] ? *core::Date::Parse(c["as_of"].as<std::string>())
                                             : as_of);
    for (const auto& fact : c["input"]) {
      const std::string code = fact.first.as<std::string>();
      const int field = schema->FieldIndex(code);
      ASSERT_GE(field, 0) << file << ": unknown field " << code;
      const std::string text = fact.second.as<std::string>();
      ASSERT_TRUE(builder.AppendText(field, text).ok()) << file << ": " << code << "=" << text;
      auto value = ParseFactText(text, schema->fields()[static_cast<size_t>(field)].type, code);
      ASSERT_TRUE(value.ok()) << file << ": " << code << "=" << text;
      activation.SetIndex(field, *value);
    }
    builder.EndRow();
    rows.push_back(std::move(activation));
  }
  std::vector<ColumnTableBuilder> parts;
  parts.push_back(std::move(builder));
  const ColumnTable table = ColumnTableBuilder::Concat(std::move(parts));
  const int count = static_cast<int>(rows.size());
  for (int i = 0; i < count; ++i) {
    const std::string name = file + " / " + cases[i]["name"].as<std::string>();
    const Outcome expected = Expected(cases[i]["output"]);
    const Activation& activation = rows[static_cast<size_t>(i)];
    const Outcome row = Classify(EvalRow(*eligibility, activation).value,
                                 ComputeAward(*award, activation, cap));
    EXPECT_EQ(row, expected) << name << " (EvalRow)";
    // The batch evaluator over the whole table on this case's date, read at its row.
    auto batch_eligibility = BatchProgram::Prepare(eligibility, &table, activation.as_of());
    auto batch_award = BatchProgram::Prepare(award, &table, activation.as_of());
    BatchScratch eligibility_scratch, award_scratch;
    BatchResult decided =
        EvalBatch(*batch_eligibility, 0, count, nullptr, 0, &eligibility_scratch);
    AwardBatch awards = ComputeAwardBatch(*batch_award, cap, 0, count, nullptr, 0, &award_scratch);
    const Outcome batch = Classify(decided.Get(i), awards.Get(i));
    EXPECT_EQ(batch, expected) << name << " (EvalBatch)";
  }
}

TEST(ScenarioTest, EveryCaseThroughBothEvaluators) {
  const auto schema = BenchSchema();
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(kDir)) {
    if (entry.path().extension() != ".yaml") continue;
    ++files;
    RunFile(entry.path(), schema);
  }
  EXPECT_GE(files, 5);
}

}  // namespace
}  // namespace zhida::rules
