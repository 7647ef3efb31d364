// One top-level condition of an eligibility rule, read in Chinese for an enterprise owner
// (issue 3 §3): "上年度营业收入 1,500.00 万元，低于 2,000.00 万元，还差 500.00 万元".
//
// The sentence says the enterprise's value, the requirement and, when the condition failed, how
// far it is. Shapes recognised (anything else reads "满足/不满足条件「…」" with labels):
//
//   quantity ≥ > ≤ < = ≠ threshold   amounts (元 → 万元 per explain_format.h), counts, dates
//   a − b ≥ b × r, a ≥ b × m          a growth rate of a over b in %, the gap in 个百分点
//   a ≥ b × r, a ÷ b ≥ r              a share of a in b in %
//   a − b ≥ x                          an increase (a, b the current and previous year of a fact)
//   bool field, !bool field            高新技术企业：是 / 失信被执行人：否
//   x in [..], x == "A", x != "D"      coded values by name (地区, 企业规模)
//   x.startsWith/endsWith/contains/matches, an `||` of prefixes of one field
//   has(x), an `||` or `&&` of any of these
//   unknown → 缺少「…」数据，无法判断; error → the error's message
//
// Shown figures never misstate the comparison: figures are rounded the nearest way (so that a
// fact reads the same in every sentence), a threshold the policy writes is shown exactly, and
// when rounding would make the figures compare otherwise than the exact values do (19,999,999.99
// 元 would read 2,000.00 万元 "低于 2,000.00 万元"), they are shown with more places (or in 元
// instead of 万元). A gap is rounded up: closing the gap shown is always enough.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "rules/eval.h"
#include "rules/program.h"

namespace zhida::services {

// How far a failed condition is from holding.
struct Gap {
  // "amount": a number must grow (or shrink) by `value` `unit`; "change": a value must change
  // (a bool, a code, a date), `value` and `unit` are empty.
  std::string kind;
  // The shortfall in `unit`, exact for amounts and counts; for a rate, in 个百分点 rounded up
  // to two places (a quotient has no exact finite form).
  std::string value;
  std::string unit;  // 元, 人, 个百分点, …
  std::string text;  // "还差 500.00 万元", "「纳税信用等级」须为 A"
};

// A condition as read.
struct ConditionReading {
  std::string sentence;
  std::optional<Gap> gap;  // set for a failed condition (outcome kFailed)
  // The quantity compared when the condition is a recognised comparison of numbers
  // ("营业收入增长率"), its value and the threshold as shown in the sentence; empty otherwise.
  std::string quantity;
  std::string quantity_value;
  std::string threshold;
};

// Reads top-level condition `step` of `program` (one of program.conditions()), whose trace is
// `trace`, for the enterprise in `activation` (built on the program's schema).
ConditionReading ReadCondition(const rules::Program& program, std::int32_t step,
                               const rules::ConditionTrace& trace,
                               const rules::Activation& activation);

// "缺少「上年度营业收入」「前年度营业收入」数据，无法判断" for the unknown value `value`.
std::string MissingSentence(const rules::Schema& schema, const rules::Value& value);

// The Chinese labels of the unknown value's missing fields, in its order.
std::vector<std::string> MissingLabels(const rules::Schema& schema, const rules::Value& value);

}  // namespace zhida::services
