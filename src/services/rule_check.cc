#include "services/rule_check.h"

#include "rules/checker.h"
#include "rules/schema.h"

namespace zhida::services {

RuleChecker::RuleChecker(std::shared_ptr<const rules::Schema> schema)
    : schema_(std::move(schema)) {}

absl::StatusOr<std::shared_ptr<const rules::Schema>> RulesSchema(
    const std::vector<FieldDef>& fields) {
  auto schema = std::make_shared<rules::Schema>();
  for (const FieldDef& f : fields) {
    std::optional<rules::FieldType> type = rules::ParseFieldType(f.type);
    if (!type) {
      return absl::FailedPreconditionError("field " + f.code + " has unknown type " + f.type);
    }
    RETURN_IF_ERROR(schema->AddField(rules::FieldDef{f.code, f.label, f.unit, *type}));
  }
  return std::shared_ptr<const rules::Schema>(std::move(schema));
}

absl::StatusOr<std::shared_ptr<const RuleChecker>> RuleChecker::Make(
    const std::vector<FieldDef>& fields) {
  ASSIGN_OR_RETURN(std::shared_ptr<const rules::Schema> schema, RulesSchema(fields));
  return std::shared_ptr<const RuleChecker>(new RuleChecker(std::move(schema)));
}

absl::StatusOr<std::shared_ptr<const RuleChecker>> RuleChecker::Load(store::Store& store) {
  std::vector<FieldDef> fields;
  RETURN_IF_ERROR(store.InTx(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(fields, ListFields(tx));
    return absl::OkStatus();
  }));
  return Make(fields);
}

std::vector<RuleIssue> RuleChecker::Check(std::string_view source, bool is_award) const {
  rules::CheckResult result = rules::Check(
      source, *schema_, is_award ? rules::ResultKind::kDecimal : rules::ResultKind::kBool);
  std::vector<RuleIssue> issues;
  for (const rules::Issue& i : result.issues) {
    issues.push_back(RuleIssue{i.line, i.column, i.code, i.message_zh, i.message_en});
  }
  return issues;
}

RuleValidator RuleChecker::AsValidator() const {
  // The validator keeps the schema alive on its own: the catalog may outlive this checker.
  std::shared_ptr<const RuleChecker> self(new RuleChecker(schema_));
  return [self](std::string_view source, bool is_award) -> std::string {
    std::vector<RuleIssue> issues = self->Check(source, is_award);
    if (issues.empty()) return "";
    return "第 " + std::to_string(issues[0].line) + " 行第 " + std::to_string(issues[0].column) +
           " 列：" + issues[0].message_zh;
  };
}

absl::StatusOr<RuleValidator> LoadRuleValidator(store::Store& store) {
  ASSIGN_OR_RETURN(std::shared_ptr<const RuleChecker> checker, RuleChecker::Load(store));
  return checker->AsValidator();
}

}  // namespace zhida::services
