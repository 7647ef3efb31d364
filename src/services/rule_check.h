// The catalog's view of the rule engine: a RuleValidator (services/policy.h) that checks rule
// texts against the field schema as stored, with the engine of src/rules.
#pragma once

#include <vector>

#include "core/status.h"
#include "services/policy.h"
#include "services/reference.h"
#include "store/store.h"

namespace zhida::services {

// A validator over `fields`: eligibility must be a boolean rule, award a decimal formula; the
// first issue comes back as "第 L 行第 C 列：<message>". Fails when a field's type is unknown.
absl::StatusOr<RuleValidator> MakeRuleValidator(const std::vector<FieldDef>& fields);

// The same over the field schema read from `store`.
absl::StatusOr<RuleValidator> LoadRuleValidator(store::Store& store);

}  // namespace zhida::services
