// Golden tests: every tests/golden/rules/*.json file (except schema.json) holds scenarios in the
// OpenFisca style — a rule, the facts as `input`, and the expected `output` (value, decision,
// award, issues, trace). Run with ZHIDA_UPDATE_GOLDEN=1 to rewrite the outputs after a deliberate
// change; review the diff before committing it.
//
// File format:
//   {"description": "...", "schema": "schema.json", "as_of": "2024-06-30",
//    "cases": [{"name": "...", "rule": "revenue > 0", "kind": "bool" | "decimal" | "any",
//               "cap": "500000.00" (decimal only, optional), "trace": true (optional),
//               "as_of": "2023-12-31" (optional, overrides the file's),
//               "input": {"revenue": "1500.25", ...}  (text as in a CSV cell, or a value in
//                                                     rules/value_json.h encoding),
//               "output": {...}}]}
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "core/test_files.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "rules/eval.h"
#include "rules/program.h"
#include "rules/value_json.h"

namespace zhida::rules {
namespace {

using core::testing::ReadTestFile;
using Json = nlohmann::ordered_json;
const std::filesystem::path kDir = std::filesystem::path(ZHIDA_SOURCE_DIR) / "tests/golden/rules";

std::string DecisionText(const EligibilityDecision& d) {
  switch (d.outcome) {
    case Eligibility::kEligible:
      return "eligible";
    case Eligibility::kNotEligible:
      return "not eligible";
    case Eligibility::kCannotDetermine:
      return absl::StrCat("cannot determine: needs ", absl::StrJoin(d.missing, ", "));
    case Eligibility::kError:
      return absl::StrCat("error: ", d.error.code);
  }
  return "?";
}

std::string TraceText(const ConditionTrace& t) {
  std::string s = absl::StrCat(ConditionOutcomeName(t.outcome), ": ", t.text);
  if (!t.operands.empty()) {
    std::vector<std::string> parts;
    for (const TracedOperand& o : t.operands) {
      if (!o.is_constant) parts.push_back(absl::StrCat(o.text, " = ", o.value.DebugString()));
    }
    if (!parts.empty()) absl::StrAppend(&s, " [", absl::StrJoin(parts, "; "), "]");
  }
  return s;
}

absl::StatusOr<Json> RunCase(const Json& c, const std::shared_ptr<const Schema>& schema,
                             core::Date as_of) {
  std::string kind_name = c.value("kind", "bool");
  ResultKind kind = kind_name == "bool"      ? ResultKind::kBool
                    : kind_name == "decimal" ? ResultKind::kDecimal
                                             : ResultKind::kAny;
  Json out = Json::object();
  CompileResult r = Compile(c.value("rule", ""), schema, kind);
  if (!r.ok()) {
    Json issues = Json::array();
    for (const Issue& i : r.issues) {
      issues.push_back(absl::StrCat(i.line, ":", i.column, " ", i.code, " ", i.message_zh));
    }
    out["issues"] = issues;
    return out;
  }
  if (c.contains("as_of")) {
    ASSIGN_OR_RETURN(as_of, core::Date::Parse(c["as_of"].get<std::string>()));
  }
  Activation a(schema, as_of);
  if (c.contains("input")) {
    for (const auto& [code, json] : c["input"].items()) {
      const FieldDef* f = schema->FindField(code);
      if (f == nullptr) return absl::InvalidArgumentError("unknown input field " + code);
      Value v;
      if (json.is_string()) {
        ASSIGN_OR_RETURN(v, ParseFactText(json.get<std::string>(), f->type, code));
      } else {
        ASSIGN_OR_RETURN(v, ValueFromJson(nlohmann::json::parse(json.dump())));
      }
      RETURN_IF_ERROR(a.Set(code, std::move(v)));
    }
  }
  EvalOptions options;
  options.trace = c.value("trace", false);
  EvalResult result = EvalRow(*r.program, a, options);
  out["value"] = ValueToJson(result.value);
  if (kind == ResultKind::kBool) out["decision"] = DecisionText(Decide(result.value));
  if (kind == ResultKind::kDecimal) {
    std::optional<core::Decimal> cap;
    if (c.contains("cap")) {
      ASSIGN_OR_RETURN(cap, core::Decimal::Parse(c["cap"].get<std::string>()));
    }
    Value award = ComputeAward(*r.program, a, cap);
    out["award"] = award.is_decimal() ? award.decimal_value().ToString() : award.DebugString();
  }
  if (options.trace) {
    Json trace = Json::array();
    for (const ConditionTrace& t : result.trace) trace.push_back(TraceText(t));
    out["trace"] = trace;
  }
  return out;
}

TEST(GoldenTest, Scenarios) {
  const bool update = std::getenv("ZHIDA_UPDATE_GOLDEN") != nullptr;
  int files = 0, cases = 0;
  std::vector<std::filesystem::path> paths;
  for (const auto& e : std::filesystem::directory_iterator(kDir)) {
    if (e.path().extension() == ".json" && e.path().filename() != "schema.json") {
      paths.push_back(e.path());
    }
  }
  std::sort(paths.begin(), paths.end());
  for (const auto& path : paths) {
    ++files;
    Json doc = Json::parse(ReadTestFile(path));
    absl::StatusOr<std::shared_ptr<Schema>> schema = SchemaFromJson(
        nlohmann::json::parse(ReadTestFile(kDir / doc.value("schema", "schema.json"))));
    ASSERT_TRUE(schema.ok()) << schema.status();
    absl::StatusOr<core::Date> as_of = core::Date::Parse(doc.value("as_of", "2024-06-30"));
    ASSERT_TRUE(as_of.ok());
    for (Json& c : doc["cases"]) {
      ++cases;
      std::string where = absl::StrCat(path.filename().string(), ": ", c.value("name", "?"));
      absl::StatusOr<Json> got = RunCase(c, *schema, *as_of);
      ASSERT_TRUE(got.ok()) << where << ": " << got.status();
      if (update) {
        c["output"] = *got;
      } else {
        EXPECT_EQ(got->dump(1), c.value("output", Json()).dump(1)) << where;
      }
    }
    if (update) std::ofstream(path, std::ios::binary) << doc.dump(1, ' ', false) << "\n";
  }
  EXPECT_GE(files, 6);
  EXPECT_GE(cases, 60);
}

}  // namespace
}  // namespace zhida::rules
