// A compiled rule read back for people: its text with field labels instead of codes, or with the
// enterprise's values substituted, and the values of its parts (issue 3 §3, explanations).
//
// Built on the public API of src/rules only (Program::steps(), StepText, Compile, EvalRow). The
// value of a part is found by compiling the part's own text against the same schema and
// evaluating it: the printer's text parses to the same tree (rules/ast.h), so the value is the
// one the whole rule saw. That costs a compile per part, which an explanation (one enterprise,
// one policy) can afford and a batch never asks for.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "rules/eval.h"
#include "rules/program.h"
#include "rules/value.h"

namespace zhida::services {

// The rule text of step `step`'s subtree with each field written as its Chinese label, each
// parameter as its label, `as_of` as 评估日, and the operators as people write them
// (− × ÷ ≥ ≤ ≠ 且 或): "(上年度研发费用 − 前年度研发费用) × 0.06".
std::string LabelText(const rules::Program& program, std::int32_t step);

// The same with every fact replaced by its value for this enterprise (amounts grouped, exact):
// "(3,000,000.00 − 2,000,000.00) × 0.06". An unknown fact reads 「label」未知.
std::string ValuesText(const rules::Program& program, std::int32_t step,
                       const rules::Activation& activation);

// How OneLevelText writes an operand (a step index of the program).
using OperandText = std::function<std::string(std::int32_t operand)>;

// Step `step`'s own operation with each operand written by `operand`, one level deep:
// "〔1〕 × 0.06" for a step-by-step computation that numbers its intermediate results.
std::string OneLevelText(const rules::Program& program, std::int32_t step,
                         const OperandText& operand);

// Step `step`'s own operation written over its operands' values, one level deep
// ("1,000,000.00 × 0.06", "min(60,000.00, 6,000,000.00)"): a line of a step-by-step computation.
std::string OperandsText(const rules::Program& program, std::int32_t step,
                         const rules::Activation& activation);

// A value as a formula writes it: numbers grouped and exact, keeping their places
// ("1,000,000.00", "0.06"), strings in quotes (a code of `field` by name: “大型”), bools 是/否,
// dates 2024年12月31日.
std::string FormulaValueText(const rules::Value& value, std::string_view field = {});

// The value of step `step`'s subtree for `activation` (which must be built on the program's
// schema). Not for steps inside a comprehension (their loop variable has no value alone).
rules::Value EvalPart(const rules::Program& program, std::int32_t step,
                      const rules::Activation& activation);

// The schema indices of the facts step `step`'s subtree reads (sorted, unique).
std::vector<int> FieldsIn(const rules::Program& program, std::int32_t step);

// The unit of the number step `step` computes when it is plain: a field's unit, or the common
// unit of the fields combined by + − min max round, or scaled by a constant (× ÷ a number).
// "" when there is none or it cannot be told.
std::string UnitOf(const rules::Program& program, std::int32_t step);

}  // namespace zhida::services
