// The award computation shown step by step (issue 3 §3; OpenFisca's "the computation trace is a
// first-class output"): the formula, the values substituted, each intermediate result, the
// uncapped amount, the cap applied or not, and the one rounding half-up to the fen. Every figure
// is exact; the final amount equals rules::ComputeAward's, which stays the reference.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/decimal.h"
#include "rules/eval.h"
#include "rules/program.h"

namespace zhida::services {

// One intermediate result of the formula. Results are numbered 〔1〕〔2〕…; a later step refers
// to an earlier result by its number, and a part the formula repeats is computed once.
struct AwardStep {
  int number = 0;  // 1-based
  std::string formula;  // the whole part with labels: "(上年度研发费用 − 前年度研发费用) × 0.06"
  std::string expression;   // this operation over earlier results: "〔1〕 × 0.06"
  std::string computation;  // its operands' values: "1,000,000.00 × 0.06"
  std::string value;        // exact canonical text: "60000.0000" ("" when unknown or an error)
  std::string sentence;     // "〔2〕〔1〕 × 0.06 = 1,000,000.00 × 0.06 = 60,000.0000"
};

struct AwardTrace {
  // "computed", "unknown" (a fact the formula needs is missing) or "error".
  std::string outcome;
  std::string formula;           // the rule text as written
  std::string formula_zh;        // with labels
  std::string substituted;       // with the enterprise's values
  std::vector<AwardStep> steps;  // in evaluation order; at most kAwardStepsMax
  bool steps_truncated = false;
  std::string formula_value;         // the formula's exact result, before cap and rounding
  std::optional<std::string> cap;    // the per-enterprise cap, "6000000.00"
  bool capped = false;               // the cap was applied
  std::string amount;                // the award, two decimals ("60000.00"); "" unless computed
  std::vector<std::string> missing;  // field codes, for "unknown"
  std::string error_code, error_message;  // for "error"
  std::vector<std::string> sentences;     // the computation in Chinese, in order
};

// A formula longer than this is not read step by step; its result is still exact and shown.
inline constexpr size_t kAwardStepsMax = 60;

// Traces `award` (an award formula) for the enterprise in `activation`, capped at `cap`.
AwardTrace TraceAward(const rules::Program& award, const rules::Activation& activation,
                      const std::optional<core::Decimal>& cap);

}  // namespace zhida::services
