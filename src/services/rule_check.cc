#include "services/rule_check.h"

#include <memory>

#include "rules/checker.h"
#include "rules/schema.h"

namespace zhida::services {

absl::StatusOr<RuleValidator> MakeRuleValidator(const std::vector<FieldDef>& fields) {
  auto schema = std::make_shared<rules::Schema>();
  for (const FieldDef& f : fields) {
    std::optional<rules::FieldType> type = rules::ParseFieldType(f.type);
    if (!type) {
      return absl::FailedPreconditionError("field " + f.code + " has unknown type " + f.type);
    }
    RETURN_IF_ERROR(schema->AddField(rules::FieldDef{f.code, f.label, f.unit, *type}));
  }
  return RuleValidator([schema](std::string_view source, bool is_award) -> std::string {
    rules::CheckResult result = rules::Check(
        source, *schema, is_award ? rules::ResultKind::kDecimal : rules::ResultKind::kBool);
    if (result.ok()) return "";
    const rules::Issue& issue = result.issues.front();
    return "第 " + std::to_string(issue.line) + " 行第 " + std::to_string(issue.column) + " 列：" +
           issue.message_zh;
  });
}

absl::StatusOr<RuleValidator> LoadRuleValidator(store::Store& store) {
  std::vector<FieldDef> fields;
  RETURN_IF_ERROR(store.InTx(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(fields, ListFields(tx));
    return absl::OkStatus();
  }));
  return MakeRuleValidator(fields);
}

}  // namespace zhida::services
