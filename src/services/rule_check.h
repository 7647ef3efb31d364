// The catalog's view of the rule engine: checks rule texts against the field schema as stored,
// with the engine of src/rules, for saving policies (a RuleValidator, services/policy.h) and for
// authors checking a rule as they write it (POST /api/v1/rules/check).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "services/policy.h"
#include "services/reference.h"
#include "store/store.h"

namespace zhida::rules {
class Schema;
}

namespace zhida::services {

// One mistake in a rule text, with its place (1-based line and character column).
struct RuleIssue {
  int line = 0;
  int column = 0;
  std::string code;  // e.g. check.unknown_field
  std::string message_zh;
  std::string message_en;
};

// The rule engine's schema for the stored field schema. FailedPrecondition when a field's type
// is not one the rule language has.
absl::StatusOr<std::shared_ptr<const rules::Schema>> RulesSchema(
    const std::vector<FieldDef>& fields);

class RuleChecker {
 public:
  // A checker over `fields`. Fails when a field's type is not one the rule language has.
  static absl::StatusOr<std::shared_ptr<const RuleChecker>> Make(
      const std::vector<FieldDef>& fields);
  // The same over the field schema read from `store`.
  static absl::StatusOr<std::shared_ptr<const RuleChecker>> Load(store::Store& store);

  // The issues of `source`: an eligibility rule must be boolean, an award formula a decimal
  // amount. Empty when the rule may be saved. Thread-safe.
  std::vector<RuleIssue> Check(std::string_view source, bool is_award) const;

  // A validator for the catalog: "" or the first issue as "第 L 行第 C 列：<message>".
  RuleValidator AsValidator() const;

 private:
  explicit RuleChecker(std::shared_ptr<const rules::Schema> schema);
  std::shared_ptr<const rules::Schema> schema_;
};

// Shorthand: RuleChecker::Load(store) as a validator.
absl::StatusOr<RuleValidator> LoadRuleValidator(store::Store& store);

}  // namespace zhida::services
