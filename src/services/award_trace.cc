#include "services/award_trace.h"

#include <map>

#include "services/explain_format.h"
#include "services/explain_text.h"
#include "services/rule_text.h"

namespace zhida::services {

namespace {

using rules::OpCode;
using rules::Step;
using rules::Value;

// Walks the formula in evaluation order and records each operation that was evaluated: the
// branch of a `?:` not taken is skipped, as the evaluator skips it.
class Tracer {
 public:
  Tracer(const rules::Program& program, const rules::Activation& activation, AwardTrace* out)
      : program_(program), activation_(activation), out_(out) {}

  void Walk(std::int32_t i) {
    const Step& s = program_.steps()[static_cast<size_t>(i)];
    switch (s.op) {
      case OpCode::kConst:
      case OpCode::kField:
      case OpCode::kParam:
      case OpCode::kAsOf:
      case OpCode::kLoopVar:
      case OpCode::kHasFact: return;  // leaves: their values appear in the step that uses them
      default: break;
    }
    std::string formula = LabelText(program_, i);
    if (auto same = by_formula_.find(formula); same != by_formula_.end()) {
      number_[i] = same->second;  // computed already: the same text has the same value
      return;
    }
    switch (s.op) {
      case OpCode::kCond: {
        Walk(s.args[0]);
        Value c = EvalPart(program_, s.args[0], activation_);
        if (!c.is_bool()) return Add(i, formula);
        std::int32_t branch = s.args[c.bool_value() ? 1 : 2];
        Walk(branch);
        return AddChoice(i, formula, s.args[0], c.bool_value(), branch);
      }
      case OpCode::kArith:
      case OpCode::kCompare:
      case OpCode::kIn:
      case OpCode::kNot:
      case OpCode::kNeg:
      case OpCode::kCall:
        for (std::int32_t a : s.args) Walk(a);
        return Add(i, formula);
      default:
        return Add(i,
                   formula);  // && || and comprehensions: one step, their inside is not arithmetic
    }
  }

 private:
  // An operand of step `parent` as the step writes it: 〔n〕 for an earlier result, else its
  // label or value (a code compared with a field by name, as LabelText writes it).
  std::string Ref(std::int32_t parent, std::int32_t a) const {
    auto it = number_.find(a);
    if (it != number_.end()) return "〔" + std::to_string(it->second) + "〕";
    const Step& operand = program_.steps()[static_cast<size_t>(a)];
    if (operand.op == OpCode::kConst) {
      for (std::int32_t sibling : program_.steps()[static_cast<size_t>(parent)].args) {
        const Step& s = program_.steps()[static_cast<size_t>(sibling)];
        if (s.op == OpCode::kField) {
          return FormulaValueText(operand.constant,
                                  program_.schema().fields()[static_cast<size_t>(s.slot)].code);
        }
      }
    }
    return LabelText(program_, a);
  }

  // Starts step `i`, or returns nullptr past kAwardStepsMax.
  AwardStep* Start(std::int32_t i, const std::string& formula) {
    if (out_->steps.size() >= kAwardStepsMax) {
      out_->steps_truncated = true;
      return nullptr;
    }
    AwardStep& step = out_->steps.emplace_back();
    step.number = static_cast<int>(out_->steps.size());
    step.formula = formula;
    step.expression = OneLevelText(program_, i, [this, i](std::int32_t a) { return Ref(i, a); });
    step.computation = OperandsText(program_, i, activation_);
    Value v = EvalPart(program_, i, activation_);
    step.value =
        v.is_special() ? "" : (v.is_decimal() ? v.decimal_value().ToString() : FormulaValueText(v));
    number_[i] = step.number;
    by_formula_[formula] = step.number;
    return &step;
  }

  static std::string Tag(const AwardStep& step) {
    return "〔" + std::to_string(step.number) + "〕";
  }

  void Add(std::int32_t i, const std::string& formula) {
    AwardStep* step = Start(i, formula);
    if (step == nullptr) return;
    std::string value_text = FormulaValueText(EvalPart(program_, i, activation_));
    step->sentence = Tag(*step) + step->expression;
    if (step->computation != step->expression) step->sentence += " = " + step->computation;
    if (value_text != step->computation) step->sentence += " = " + value_text;
  }

  void AddChoice(std::int32_t i, const std::string& formula, std::int32_t cond, bool taken,
                 std::int32_t branch) {
    AwardStep* step = Start(i, formula);
    if (step == nullptr) return;
    std::string value_text = FormulaValueText(EvalPart(program_, i, activation_));
    step->sentence = Tag(*step) + "「" + LabelText(program_, cond) + "」" +
                     (taken ? "成立" : "不成立") + "，取 " + Ref(i, branch);
    if (value_text != Ref(i, branch)) step->sentence += " = " + value_text;
    step->sentence = Tidy(step->sentence);
  }

  const rules::Program& program_;
  const rules::Activation& activation_;
  AwardTrace* out_;
  std::map<std::int32_t, int> number_;     // program step → its result's number
  std::map<std::string, int> by_formula_;  // a part's label text → its result's number
};

// "60,000.00 元（6.00 万元）": the exact amount, with 万元 when that is how people say it.
std::string AmountText(const core::Decimal& yuan) {
  std::string exact = YuanExactText(yuan);
  std::string wan = YuanText(yuan);
  return wan == exact ? exact : exact + "（" + wan + "）";
}

void Conclude(const core::Decimal& value, const std::optional<core::Decimal>& cap,
              const Value& amount, AwardTrace* t) {
  t->formula_value = value.ToString();
  t->sentences.push_back("公式计算结果：" + YuanExactText(value));
  core::Decimal after_cap = value;
  if (cap.has_value()) {
    t->cap = cap->ToString();
    t->capped = value.Compare(*cap) > 0;
    if (t->capped) after_cap = *cap;
    t->sentences.push_back(Tidy((t->capped ? "超过每家企业奖补上限 " : "未超过每家企业奖补上限 ") +
                                YuanExactText(*cap) + (t->capped ? "，按上限计" : "")));
  } else {
    t->sentences.push_back("本政策未设每家企业奖补上限");
  }
  if (amount.is_decimal()) {
    t->amount = amount.decimal_value().ToString();
    if (after_cap.scale() > 2 && amount.decimal_value() != after_cap) {
      t->sentences.push_back(Tidy(YuanExactText(after_cap) + " 四舍五入到分，为 " +
                                  YuanExactText(amount.decimal_value())));
    }
    t->sentences.push_back("奖补金额：" + AmountText(amount.decimal_value()));
  }
}

}  // namespace

AwardTrace TraceAward(const rules::Program& award, const rules::Activation& activation,
                      const std::optional<core::Decimal>& cap) {
  AwardTrace t;
  t.formula = award.source();
  t.formula_zh = LabelText(award, award.root());
  t.substituted = ValuesText(award, award.root(), activation);
  t.sentences.push_back("奖补公式：" + t.formula_zh);
  if (t.substituted != t.formula_zh) t.sentences.push_back("代入数据：" + t.substituted);
  Value value = rules::EvalRow(award, activation).value;
  if (value.is_unknown()) {
    t.outcome = "unknown";
    t.missing = value.unknown_value().fields;
    t.sentences.push_back(MissingSentence(award.schema(), value));
    return t;
  }
  // The reference computation: cap, then one rounding half-up to the fen.
  Value amount = rules::ComputeAward(award, activation, cap);
  core::Decimal exact;
  if (value.is_error() || amount.is_error() || !value.AsDecimal(&exact)) {
    const Value& bad = amount.is_error() ? amount : value;
    t.outcome = "error";
    t.error_code = bad.is_error() ? bad.error_value().code : "eval.award_type";
    t.error_message = bad.is_error() ? bad.error_value().message_zh : "奖补金额公式的结果不是数字";
    t.sentences.push_back("计算出错：" + t.error_message);
    return t;
  }
  t.outcome = "computed";
  Tracer(award, activation, &t).Walk(award.root());
  Conclude(exact, cap, amount, &t);
  return t;
}

}  // namespace zhida::services
