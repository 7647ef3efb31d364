#include "services/matching.h"

#include <algorithm>

#include "services/explain_text.h"
#include "services/rule_text.h"

namespace zhida::services {

namespace {

// A near miss: exactly one condition failed, every other held, and the failed one reads a fact
// the enterprise can change.
std::optional<int> NearCondition(const rules::Program& program,
                                 const std::vector<rules::ConditionTrace>& trace) {
  std::optional<int> failed;
  for (size_t i = 0; i < trace.size(); ++i) {
    if (trace[i].outcome == rules::ConditionOutcome::kHeld) continue;
    if (trace[i].outcome != rules::ConditionOutcome::kFailed || failed) return std::nullopt;
    failed = static_cast<int>(i);
  }
  if (!failed) return std::nullopt;
  std::int32_t step = program.conditions()[static_cast<size_t>(*failed)];
  for (int slot : FieldsIn(program, step)) {
    if (!IsRegistrationField(program.schema().fields()[static_cast<size_t>(slot)].code)) {
      return failed;
    }
  }
  return std::nullopt;
}

void Classify(const PolicyRules& p, const FactSheet& sheet, MatchResult* out) {
  const rules::Program& program = *p.eligibility;
  rules::EvalResult r = rules::EvalRow(program, sheet.activation, rules::EvalOptions{true});
  rules::EligibilityDecision d = rules::Decide(r.value);
  switch (d.outcome) {
    case rules::Eligibility::kEligible: {
      rules::Value amount = rules::ComputeAward(*p.award, sheet.activation, p.cap);
      if (amount.is_unknown()) {
        d.outcome = rules::Eligibility::kCannotDetermine;
        d.missing = amount.unknown_value().fields;
        break;
      }
      absl::StatusOr<core::Money> money =
          amount.is_decimal()
              ? core::Money::FromDecimal(amount.decimal_value(), core::RoundingMode::kHalfUp)
              : absl::StatusOr<core::Money>(absl::InvalidArgumentError(""));
      if (!money.ok()) {
        out->errors.push_back(
            {p.record, amount.is_error() ? amount.error_value().code : "eval.award_type",
             amount.is_error() ? amount.error_value().message_zh : "奖补金额不是有效的金额"});
        return;
      }
      out->eligible.push_back({p.record, *money});
      return;
    }
    case rules::Eligibility::kNotEligible:
      if (std::optional<int> i = NearCondition(program, r.trace)) {
        out->near.push_back(
            {p.record, ExplainCondition(program, *i, r.trace[static_cast<size_t>(*i)], sheet)});
      }
      return;
    case rules::Eligibility::kError:
      out->errors.push_back({p.record, d.error.code, d.error.message_zh});
      return;
    case rules::Eligibility::kCannotDetermine: break;
  }
  out->cannot_determine.push_back(
      {p.record, d.missing,
       MissingLabels(program.schema(), rules::Value::Unknown(rules::UnknownSet{d.missing}))});
}

}  // namespace

bool IsRegistrationField(std::string_view code) {
  return code == "region" || code == "industry" || code == "scale" || code == "established";
}

MatchResult MatchPolicies(const std::vector<PolicyRules>& policies, const FactSheet& sheet) {
  MatchResult out;
  out.as_of = sheet.activation.as_of().ToString();
  for (const PolicyRules& p : policies) {
    Classify(p, sheet, &out);
    ++out.evaluated;
  }
  std::stable_sort(out.eligible.begin(), out.eligible.end(), [](const auto& a, const auto& b) {
    if (a.award != b.award) return a.award > b.award;
    return a.policy.id < b.policy.id;
  });
  // A figure to reach is more actionable than a status to obtain: amounts first.
  std::stable_sort(out.near.begin(), out.near.end(), [](const auto& a, const auto& b) {
    bool amount_a = a.condition.reading.gap && a.condition.reading.gap->kind == "amount";
    bool amount_b = b.condition.reading.gap && b.condition.reading.gap->kind == "amount";
    if (amount_a != amount_b) return amount_a;
    return a.policy.id < b.policy.id;
  });
  std::stable_sort(out.cannot_determine.begin(), out.cannot_determine.end(),
                   [](const auto& a, const auto& b) {
                     if (a.missing.size() != b.missing.size()) {
                       return a.missing.size() < b.missing.size();
                     }
                     return a.policy.id < b.policy.id;
                   });
  return out;
}

}  // namespace zhida::services
