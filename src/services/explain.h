// Explain(policy version, enterprise facts, as_of) (issue 3 §3; DESIGN.md §4 "every evaluation
// can be explained"): each top-level condition of the eligibility rule — held, failed, unknown or
// error — with the values compared, the facts read with their source and as-of date, a Chinese
// sentence and, when it failed, how far it is; then the award computed step by step.
//
// Pure: no store, no clock. The matching service (matching.h) loads policies and facts and calls
// it; the HTTP layer encodes the result.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/decimal.h"
#include "core/status.h"
#include "rules/eval.h"
#include "rules/program.h"
#include "services/award_trace.h"
#include "services/catalog.h"
#include "services/explain_text.h"
#include "services/fact_sheet.h"

namespace zhida::services {

// A policy version's rules, compiled against the field schema.
struct PolicyRules {
  PolicyRecord record;  // id, version, body (title, region, mode, cap, …)
  std::shared_ptr<const rules::Program> eligibility;
  std::shared_ptr<const rules::Program> award;
  std::optional<core::Decimal> cap;
};

// Compiles the version in `record` against `schema` (the field schema, RulesSchema) extended
// with the version's parameters (PolicySchema). FailedPrecondition ("explain.rule") when a
// stored rule no longer compiles (the field schema changed since it was published).
absl::StatusOr<PolicyRules> CompilePolicy(PolicyRecord record,
                                          std::shared_ptr<const rules::Schema> schema);

// A fact a condition reads, with its origin.
struct FactUse {
  std::string field;
  std::string label;
  std::string unit;
  rules::Value value;      // unknown when the enterprise's record lacks it
  std::string value_text;  // as people read it ("1,500.00 万元", "是", "晋江市")
  FactOrigin origin;
};

// One side of a comparison, the operand of `!`, an argument of a call.
struct OperandView {
  std::string text;   // rule text: "revenue - revenue_prev"
  std::string label;  // with labels: "上年度营业收入 − 前年度营业收入"
  rules::Value value;
  bool constant = false;
};

struct ConditionExplanation {
  int index = 0;        // 0-based among the top-level conditions
  std::string text;     // rule text of the condition
  std::string text_zh;  // with labels
  int line = 0, column = 0;
  rules::ConditionOutcome outcome = rules::ConditionOutcome::kHeld;
  std::vector<OperandView> operands;
  std::vector<FactUse> facts;
  std::vector<std::string> missing;         // field codes, for kUnknown
  std::vector<std::string> missing_labels;  // their Chinese labels
  rules::ErrorInfo error;                   // for kError
  ConditionReading reading;                 // the sentence, and the gap for kFailed
};

// A parameter the policy's rules read, with the value in force on the as-of date and the legal
// basis of that value.
struct ParameterUse {
  std::string code;
  std::string label;
  std::string value_text;  // as people read it, in the parameter's unit; "" when none in force
  std::string from;        // YYYY-MM-DD the value took effect; "" when none is in force
  std::string basis;       // 文号 and article of that value
  std::string sentence;    // 参数“研发费用补助比例”为 0.12（自 2026年7月1日起，依据 …）
};

struct Explanation {
  PolicyRecord policy;  // the version explained
  int64_t policy_id = 0;
  int version = 0;
  std::string title;
  std::string as_of;  // YYYY-MM-DD
  rules::Eligibility outcome = rules::Eligibility::kNotEligible;
  std::vector<ConditionExplanation> conditions;
  std::vector<std::string> missing;         // field codes the outcome needs (cannot determine)
  std::vector<std::string> missing_labels;  // their Chinese labels, for the portal to ask
  rules::ErrorInfo error;                   // for kError
  std::vector<ParameterUse> parameters;     // read by the rules, in order of first use
  std::optional<AwardTrace> award;          // computed when eligible
  std::vector<std::string> notes;           // about the policy itself: not in force, suspended
  std::string summary;                      // one sentence for the whole
};

// "eligible", "not_eligible", "cannot_determine", "error".
const char* EligibilityName(rules::Eligibility outcome);

// Explains top-level condition `index` of eligibility rule `program` from its `trace`.
ConditionExplanation ExplainCondition(const rules::Program& program, int index,
                                      const rules::ConditionTrace& trace, const FactSheet& sheet);

// Explains `policy` for the facts in `sheet` (on its as-of date). Never fails: rule errors and
// missing facts are part of the explanation.
Explanation Explain(const PolicyRules& policy, const FactSheet& sheet);

}  // namespace zhida::services
