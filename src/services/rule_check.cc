#include "services/rule_check.h"

#include "absl/strings/str_cat.h"
#include "rules/checker.h"
#include "rules/schema.h"

namespace zhida::services {

namespace {

// How a parameter type is named to a policy officer.
std::string TypeLabel(rules::FieldType type) {
  switch (type) {
    case rules::FieldType::kBool: return "是否（true 或 false）";
    case rules::FieldType::kInt: return "整数";
    case rules::FieldType::kDecimal: return "数值（如 0.10）";
    case rules::FieldType::kDate: return "日期（YYYY-MM-DD）";
    default: return "文本";
  }
}

// `p` as the rule engine's parameter, its values parsed by type.
absl::StatusOr<rules::ParameterDef> ToRulesParameter(const PolicyParameter& p,
                                                     const std::string& at) {
  std::optional<rules::FieldType> type = rules::ParseFieldType(p.type);
  if (!type) return InvalidField("policy.invalid", at + ".type", at + ".type：未知的参数类型");
  rules::ParameterDef def{p.code, p.label, p.unit, *type, {}};
  for (size_t v = 0; v < p.versions.size(); ++v) {
    const ParameterValue& value = p.versions[v];
    std::string vat = absl::StrCat(at, ".versions[", v, "]");
    absl::StatusOr<core::Date> from = core::Date::Parse(value.from);
    if (!from.ok()) return InvalidField("policy.invalid", vat + ".from", vat + ".from：日期无效");
    absl::StatusOr<rules::Value> parsed = rules::ParseFactText(value.value, *type, p.code);
    if (!parsed.ok() || parsed->is_unknown()) {
      return InvalidField("policy.invalid", vat + ".value",
                          absl::StrCat(vat, ".value：“", value.value, "”不是", TypeLabel(*type)),
                          absl::StrCat(vat, ".value: '", value.value, "' is not a ", p.type));
    }
    def.versions.push_back(rules::ParameterVersion{*from, *std::move(parsed), value.basis});
  }
  return def;
}

}  // namespace

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

absl::StatusOr<std::shared_ptr<const rules::Schema>> PolicySchema(
    std::shared_ptr<const rules::Schema> fields, const std::vector<PolicyParameter>& parameters) {
  if (parameters.empty()) return fields;
  RETURN_IF_ERROR(ValidatePolicyParameters(parameters));
  std::shared_ptr<rules::Schema> schema = rules::Schema::Extend(fields);
  for (size_t i = 0; i < parameters.size(); ++i) {
    const PolicyParameter& p = parameters[i];
    std::string at = absl::StrCat("parameters[", i, "]");
    ASSIGN_OR_RETURN(rules::ParameterDef def, ToRulesParameter(p, at));
    if (fields->FindField(p.code) != nullptr) {
      return InvalidField(
          "policy.invalid", at + ".code",
          absl::StrCat(at, ".code：“", p.code, "”已是企业数据字段（",
                       fields->FindField(p.code)->label_zh, "）的代码，参数请换一个代码"),
          absl::StrCat(at, ".code: '", p.code, "' is the code of a field"));
    }
    absl::Status added = schema->AddParameter(std::move(def));
    if (!added.ok()) {
      // Codes are identifiers and unique among parameters (ValidatePolicyParameters) and not a
      // field's (above): what is left is a reserved word of the language.
      return InvalidField("policy.invalid", at + ".code",
                          absl::StrCat(at, ".code：“", p.code, "”是规则语言的保留字，不能作为参数代码"),
                          absl::StrCat(at, ".code: '", p.code, "' is a reserved word"));
    }
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

std::vector<RuleIssue> RuleChecker::Check(
    std::string_view source, bool is_award,
    const std::shared_ptr<const rules::Schema>& schema) const {
  rules::CheckResult result =
      rules::Check(source, schema != nullptr ? *schema : *schema_,
                   is_award ? rules::ResultKind::kDecimal : rules::ResultKind::kBool);
  std::vector<RuleIssue> issues;
  for (const rules::Issue& i : result.issues) {
    issues.push_back(RuleIssue{i.line, i.column, i.code, i.message_zh, i.message_en});
  }
  return issues;
}

absl::StatusOr<std::vector<RuleIssue>> RuleChecker::CheckWithParameters(
    std::string_view source, bool is_award, const std::vector<PolicyParameter>& parameters) const {
  ASSIGN_OR_RETURN(std::shared_ptr<const rules::Schema> schema, PolicySchema(schema_, parameters));
  return Check(source, is_award, schema);
}

absl::Status FirstRuleIssue(const RuleChecker& checker, std::string_view machine_code,
                            std::string_view field, std::string_view source,
                            const std::shared_ptr<const rules::Schema>& schema) {
  const bool is_award = field == "award";
  std::vector<RuleIssue> issues = checker.Check(source, is_award, schema);
  if (issues.empty()) return absl::OkStatus();
  const RuleIssue& i = issues.front();
  return InvalidField(machine_code, field,
                      absl::StrCat(is_award ? "奖补标准公式有误：" : "申报条件规则有误：", "第 ",
                                   i.line, " 行第 ", i.column, " 列：", i.message_zh),
                      absl::StrCat(is_award ? "award formula " : "eligibility rule ", i.line, ":",
                                   i.column, ": ", i.message_en));
}

absl::Status RuleChecker::CheckPolicy(const PolicyBody& body) const {
  ASSIGN_OR_RETURN(std::shared_ptr<const rules::Schema> schema,
                   PolicySchema(schema_, body.parameters));
  RETURN_IF_ERROR(FirstRuleIssue(*this, "policy.rule", "eligibility", body.eligibility, schema));
  return FirstRuleIssue(*this, "policy.rule", "award", body.award, schema);
}

RuleValidator RuleChecker::AsValidator() const {
  // The validator keeps the schema alive on its own: the catalog may outlive this checker.
  std::shared_ptr<const RuleChecker> self(new RuleChecker(schema_));
  return [self](const PolicyBody& body) { return self->CheckPolicy(body); };
}

absl::StatusOr<RuleValidator> LoadRuleValidator(store::Store& store) {
  ASSIGN_OR_RETURN(std::shared_ptr<const RuleChecker> checker, RuleChecker::Load(store));
  return checker->AsValidator();
}

}  // namespace zhida::services
