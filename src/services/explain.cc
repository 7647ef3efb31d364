#include "services/explain.h"

#include "rules/issue.h"
#include "services/explain_format.h"
#include "services/rule_check.h"
#include "services/rule_text.h"

namespace zhida::services {

namespace {

std::vector<FactUse> FactsOf(const rules::Program& program, std::int32_t step,
                             const FactSheet& sheet) {
  std::vector<FactUse> facts;
  for (int slot : FieldsIn(program, step)) {
    const rules::FieldDef& f = program.schema().fields()[static_cast<size_t>(slot)];
    const rules::Value& v = sheet.activation.Get(slot);
    facts.push_back(FactUse{f.code, f.label_zh, f.unit, v,
                            v.is_unknown() ? "未知" : ValueText(v, f.code, f.unit),
                            sheet.origins[static_cast<size_t>(slot)]});
  }
  return facts;
}

}  // namespace

ConditionExplanation ExplainCondition(const rules::Program& program, int index,
                                      const rules::ConditionTrace& trace, const FactSheet& sheet) {
  const std::int32_t step = program.conditions()[static_cast<size_t>(index)];
  const rules::Step& s = program.steps()[static_cast<size_t>(step)];
  ConditionExplanation c;
  c.index = index;
  c.text = trace.text;
  c.text_zh = LabelText(program, step);
  c.line = trace.pos.line;
  c.column = trace.pos.column;
  c.outcome = trace.outcome;
  for (size_t k = 0; k < trace.operands.size() && k < s.args.size(); ++k) {
    const rules::TracedOperand& o = trace.operands[k];
    c.operands.push_back(
        OperandView{o.text, LabelText(program, s.args[k]), o.value, o.is_constant});
  }
  c.facts = FactsOf(program, step, sheet);
  if (trace.value.is_unknown()) {
    c.missing = trace.value.unknown_value().fields;
    c.missing_labels = MissingLabels(program.schema(), trace.value);
  }
  if (trace.value.is_error()) c.error = trace.value.error_value();
  c.reading = ReadCondition(program, step, trace, sheet.activation);
  return c;
}

namespace {

std::string Summary(const Explanation& e, const rules::Schema& schema) {
  switch (e.outcome) {
    case rules::Eligibility::kEligible:
      return "符合「" + e.title + "」的条件，预计奖补 " +
             YuanExactText(core::Decimal::Parse(e.award->amount).value_or(core::Decimal())) + "。";
    case rules::Eligibility::kNotEligible: {
      int failed = 0;
      for (const ConditionExplanation& c : e.conditions) {
        failed += c.outcome == rules::ConditionOutcome::kFailed ? 1 : 0;
      }
      return "不符合「" + e.title + "」的条件：" + std::to_string(failed) + " 项条件未满足。";
    }
    case rules::Eligibility::kCannotDetermine: {
      std::string labels;
      for (const std::string& code : e.missing) {
        const rules::FieldDef* f = schema.FindField(code);
        labels += "「" + (f != nullptr ? f->label_zh : code) + "」";
      }
      return "暂时无法判断是否符合「" + e.title + "」：缺少" + labels + "数据。";
    }
    case rules::Eligibility::kError:
      return "「" + e.title + "」的条件计算出错：" + e.error.message_zh + "。";
  }
  return "";
}

// The parameters `programs` read (in order of first use), as of `as_of`.
std::vector<ParameterUse> ParametersUsed(
    std::initializer_list<const rules::Program*> programs, core::Date as_of) {
  std::vector<ParameterUse> out;
  std::vector<bool> seen;
  for (const rules::Program* program : programs) {
    const std::vector<rules::ParameterDef>& defs = program->schema().parameters();
    seen.resize(defs.size());
    for (const rules::Step& step : program->steps()) {
      if (step.op != rules::OpCode::kParam || seen[static_cast<size_t>(step.slot)]) continue;
      seen[static_cast<size_t>(step.slot)] = true;
      const rules::ParameterDef& p = defs[static_cast<size_t>(step.slot)];
      ParameterUse use{p.code, p.label_zh, "", "", "", ""};
      if (const rules::ParameterVersion* v = p.InForce(as_of)) {
        use.value_text = ValueText(v->value, p.code, p.unit);
        use.from = v->effective_from.ToString();
        use.basis = v->basis;
        use.sentence = Tidy(absl::StrCat("参数“", p.label_zh, "”为 ", use.value_text, "（自",
                                         DateText(v->effective_from), "起，依据 ", v->basis, "）"));
      } else {
        use.sentence = Tidy(absl::StrCat("参数“", p.label_zh, "”在", DateText(as_of),
                                         "没有生效的取值"));
      }
      out.push_back(std::move(use));
    }
  }
  return out;
}

}  // namespace

absl::StatusOr<PolicyRules> CompilePolicy(PolicyRecord record,
                                          std::shared_ptr<const rules::Schema> schema) {
  PolicyRules out;
  auto stale = [&](const std::string& reason) {
    return MakeError(absl::StatusCode::kFailedPrecondition, "explain.rule", "",
                     "政策「" + record.body.title + "」的规则与当前数据项不一致，请联系主管部门：" +
                         reason,
                     "the policy's rule no longer compiles: " + reason);
  };
  absl::StatusOr<std::shared_ptr<const rules::Schema>> policy_schema =
      PolicySchema(std::move(schema), record.body.parameters);
  if (!policy_schema.ok()) return stale(std::string(policy_schema.status().message()));
  rules::CompileResult eligibility =
      rules::Compile(record.body.eligibility, *policy_schema, rules::ResultKind::kBool);
  rules::CompileResult award =
      rules::Compile(record.body.award, *policy_schema, rules::ResultKind::kDecimal);
  for (const rules::CompileResult* r : {&eligibility, &award}) {
    if (!r->ok()) return stale(rules::FormatIssue(r->issues[0]));
  }
  out.eligibility = eligibility.program;
  out.award = award.program;
  if (record.body.award_cap) out.cap = record.body.award_cap->ToDecimal();
  out.record = std::move(record);
  return out;
}

const char* EligibilityName(rules::Eligibility outcome) {
  switch (outcome) {
    case rules::Eligibility::kEligible: return "eligible";
    case rules::Eligibility::kNotEligible: return "not_eligible";
    case rules::Eligibility::kCannotDetermine: return "cannot_determine";
    case rules::Eligibility::kError: return "error";
  }
  return "error";
}

Explanation Explain(const PolicyRules& policy, const FactSheet& sheet) {
  Explanation e;
  e.policy = policy.record;
  e.policy_id = policy.record.id;
  e.version = policy.record.version;
  e.title = policy.record.body.title;
  e.as_of = sheet.activation.as_of().ToString();
  const rules::Program& program = *policy.eligibility;
  rules::EvalResult result = rules::EvalRow(program, sheet.activation, rules::EvalOptions{true});
  for (size_t i = 0; i < result.trace.size(); ++i) {
    e.conditions.push_back(ExplainCondition(program, static_cast<int>(i), result.trace[i], sheet));
  }
  rules::EligibilityDecision decision = rules::Decide(result.value);
  e.outcome = decision.outcome;
  e.missing = decision.missing;
  e.error = decision.error;
  if (e.outcome == rules::Eligibility::kEligible) {
    e.award = TraceAward(*policy.award, sheet.activation, policy.cap);
    // The award needs a fact the eligibility did not: the amount cannot be determined.
    if (e.award->outcome == "unknown") {
      e.outcome = rules::Eligibility::kCannotDetermine;
      e.missing = e.award->missing;
    } else if (e.award->outcome == "error") {
      // As in screening: an error in the award makes the pair an error, with its reason.
      e.outcome = rules::Eligibility::kError;
      e.error = rules::ErrorInfo{e.award->error_code, e.award->error_message, ""};
    }
  }
  e.parameters = ParametersUsed({&program, policy.award.get()}, sheet.activation.as_of());
  e.missing_labels =
      MissingLabels(program.schema(), rules::Value::Unknown(rules::UnknownSet{e.missing}));
  e.summary = Summary(e, program.schema());
  return e;
}

}  // namespace zhida::services
