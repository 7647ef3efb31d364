// The row evaluator: one compiled Program over one enterprise's facts (portal, API, calculator,
// explanations). It is the reference the columnar evaluator must agree with on every row.
//
// Evaluation never fails and never throws: run-time rule errors are error values, missing facts
// are unknown values (value.h). Evaluation does not read the clock: date functions use the
// activation's as-of date.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/date.h"
#include "core/decimal.h"
#include "core/status.h"
#include "rules/program.h"
#include "rules/schema.h"
#include "rules/value.h"

namespace zhida::rules {

// The facts of one enterprise for one evaluation: one value per schema field (unknown until
// set) and the as-of date. Reusable: Reset() and set again for the next enterprise.
class Activation {
 public:
  // `schema` must not be null and must be the schema the programs were compiled against.
  Activation(std::shared_ptr<const Schema> schema, core::Date as_of);

  // Sets the fact `code`. NotFound ("rules.unknown_field") for a code not in the schema;
  // InvalidArgument ("rules.field_type") when the value does not fit the field's type.
  absl::Status Set(std::string_view code, Value value);
  // Sets the fact at schema index `index` without checks (the batch loader's fast path).
  void SetIndex(int index, Value value) {
    values_[static_cast<std::size_t>(index)] = std::move(value);
  }
  // Makes every fact unknown again.
  void Reset();

  const Value& Get(int index) const { return values_[static_cast<std::size_t>(index)]; }
  core::Date as_of() const { return as_of_; }
  void set_as_of(core::Date as_of) { as_of_ = as_of; }
  const Schema& schema() const { return *schema_; }

 private:
  std::shared_ptr<const Schema> schema_;
  std::vector<Value> values_;
  core::Date as_of_;
};

// How one top-level condition came out.
enum class ConditionOutcome : std::uint8_t { kHeld, kFailed, kUnknown, kError };
const char* ConditionOutcomeName(ConditionOutcome outcome);  // "held", "failed", ...

// One operand of a traced condition: its rule text and its value for this enterprise.
struct TracedOperand {
  std::string text;  // "revenue", "revenue_prev * 0.10"
  Value value;
  bool is_constant = false;  // a literal or constant subexpression: its text says its value
};

// The trace of one top-level condition (an operand of the root `&&`, or the whole rule).
struct ConditionTrace {
  std::string text;  // the condition, reprinted
  Position pos;      // where it starts in the rule text
  ConditionOutcome outcome = ConditionOutcome::kHeld;
  Value value;  // what it evaluated to
  // The values compared: both sides of a comparison or `in`, the operand of `!`, the arguments
  // of a function call; empty for other conditions.
  std::vector<TracedOperand> operands;
};

struct EvalOptions {
  // Records a ConditionTrace for every top-level condition. All conditions are then evaluated
  // (no short circuit between them) so that an explanation shows every one; the result is the
  // same either way.
  bool trace = false;
};

struct EvalResult {
  Value value;
  std::vector<ConditionTrace> trace;  // filled when EvalOptions::trace
};

// Evaluates `program` over `activation`, which must be built on program.schema() or on a schema
// with the same fields (Schema::SameFields: the schema a policy's parameters extend).
EvalResult EvalRow(const Program& program, const Activation& activation,
                   const EvalOptions& options = {});

// The three outcomes of an eligibility rule (DESIGN.md §4), plus error.
enum class Eligibility : std::uint8_t {
  kEligible,         // true
  kNotEligible,      // false
  kCannotDetermine,  // unknown: needs the facts in `missing`
  kError,            // a run-time error (or a non-bool result): not eligible, with the reason
};

struct EligibilityDecision {
  Eligibility outcome = Eligibility::kNotEligible;
  std::vector<std::string> missing;  // field codes, for kCannotDetermine
  ErrorInfo error;                   // for kError
};

// Classifies the value of an eligibility rule.
EligibilityDecision Decide(const Value& value);

// The award: `program` (an award formula) evaluated, capped at `cap` when given, then rounded
// half-up to 0.01 yuan once at the end (DESIGN.md §3; intermediate values stay exact). Returns a
// decimal with exactly two places, or the unknown or error value that prevented it (a result
// that is not a number is an error "eval.award_type").
Value ComputeAward(const Program& program, const Activation& activation,
                   const std::optional<core::Decimal>& cap = std::nullopt);

}  // namespace zhida::rules
