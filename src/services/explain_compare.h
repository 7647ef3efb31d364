// The comparisons of numbers, rates and dates among a rule's conditions, read in Chinese: the
// part of explain_text.h that knows amounts, growth rates, shares and gaps.
#pragma once

#include <cstdint>
#include <optional>

#include "rules/eval.h"
#include "rules/program.h"
#include "services/explain_text.h"

namespace zhida::services {

// Reads condition `step` (a comparison `<`, `<=`, `>`, `>=`, `==` or `!=` that held or failed,
// with its two operands in `trace`) when both sides are numbers or both are dates; nullopt for
// any other comparison (strings, bools), which explain_text.cc reads.
std::optional<ConditionReading> ReadComparison(const rules::Program& program, std::int32_t step,
                                               const rules::ConditionTrace& trace,
                                               const rules::Activation& activation);

}  // namespace zhida::services
