// The catalog's view of the rule engine: checks rule texts against the field schema as stored
// plus a policy's own parameters, with the engine of src/rules — for saving policies (a
// RuleValidator, services/policy.h) and for authors checking a rule as they write it
// (POST /api/v1/rules/check). PolicySchema is the one place a policy's rules meet its
// parameters: the validator, explanations, matching, screening and simulation all compile
// against what it returns.
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

// The schema a policy's rules are compiled against: `fields` (RulesSchema) extended with
// `parameters` (rules::Schema::Extend: the same field slots, so the registry's facts evaluate
// it). `fields` itself when there are none. InvalidArgument naming the parameter's path
// ("parameters[1].code", "parameters[0].versions[2].value") when a code is a field's or a
// reserved word, or a value does not have the parameter's type; the shape checks of
// ValidatePolicyParameters are made first.
absl::StatusOr<std::shared_ptr<const rules::Schema>> PolicySchema(
    std::shared_ptr<const rules::Schema> fields, const std::vector<PolicyParameter>& parameters);

class RuleChecker {
 public:
  // A checker over `fields`. Fails when a field's type is not one the rule language has.
  static absl::StatusOr<std::shared_ptr<const RuleChecker>> Make(
      const std::vector<FieldDef>& fields);
  // The same over the field schema read from `store`.
  static absl::StatusOr<std::shared_ptr<const RuleChecker>> Load(store::Store& store);

  // The field schema (RulesSchema) the checker was made over.
  const std::shared_ptr<const rules::Schema>& schema() const { return schema_; }

  // The issues of `source` against `schema` (the field schema when null; else a PolicySchema
  // over it): an eligibility rule must be boolean, an award formula a decimal amount. Empty
  // when the rule may be saved. Thread-safe.
  std::vector<RuleIssue> Check(std::string_view source, bool is_award,
                               const std::shared_ptr<const rules::Schema>& schema = nullptr) const;

  // Check with a policy's `parameters` usable by code (for authors checking a rule before the
  // policy is saved). InvalidArgument naming the parameter's path when one is wrong (PolicySchema).
  absl::StatusOr<std::vector<RuleIssue>> CheckWithParameters(
      std::string_view source, bool is_award,
      const std::vector<PolicyParameter>& parameters) const;

  // A policy's parameters and both its rules: OK, or the first problem as InvalidArgument
  // ("policy.rule" on "eligibility" / "award" with "第 L 行第 C 列：…", or a parameter's path).
  absl::Status CheckPolicy(const PolicyBody& body) const;

  // CheckPolicy as the catalog's validator.
  RuleValidator AsValidator() const;

 private:
  explicit RuleChecker(std::shared_ptr<const rules::Schema> schema);
  std::shared_ptr<const rules::Schema> schema_;
};

// The first issue of `source` (a rule of `field`: "eligibility" or "award") as InvalidArgument
// `machine_code` on `field`, or OK. For requests that carry rule texts (saving, simulating).
absl::Status FirstRuleIssue(const RuleChecker& checker, std::string_view machine_code,
                            std::string_view field, std::string_view source,
                            const std::shared_ptr<const rules::Schema>& schema);

// Shorthand: RuleChecker::Load(store) as a validator.
absl::StatusOr<RuleValidator> LoadRuleValidator(store::Store& store);

}  // namespace zhida::services
