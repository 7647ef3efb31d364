#include "services/rule_text.h"

#include <algorithm>
#include <optional>

#include "absl/strings/str_cat.h"
#include "services/explain_format.h"

namespace zhida::services {

namespace {

using rules::OpCode;
using rules::Step;

// Binding strength, loosest first: a part is wrapped in parentheses when it binds looser than
// its place requires.
enum Prec : int { kCondP, kOrP, kAndP, kRelP, kAddP, kMulP, kUnaryP, kPrimaryP };

const char* OperatorText(rules::BinaryOp op) {
  switch (op) {
    case rules::BinaryOp::kAdd: return " + ";
    case rules::BinaryOp::kSub: return " − ";
    case rules::BinaryOp::kMul: return " × ";
    case rules::BinaryOp::kDiv: return " ÷ ";
    case rules::BinaryOp::kMod: return " % ";
    // In words: "=" also joins the lines of a computation ("a = 1 + 2 = 3").
    case rules::BinaryOp::kEq: return " 等于 ";
    case rules::BinaryOp::kNe: return " 不等于 ";
    case rules::BinaryOp::kLt: return " < ";
    case rules::BinaryOp::kLe: return " ≤ ";
    case rules::BinaryOp::kGt: return " > ";
    case rules::BinaryOp::kGe: return " ≥ ";
    case rules::BinaryOp::kIn: return " 属于 ";
  }
  return " ? ";
}

}  // namespace

std::string FormulaValueText(const rules::Value& v, std::string_view field) {
  switch (v.kind()) {
    case rules::ValueKind::kInt: return GroupedDecimal(core::Decimal::FromInt(v.int_value()), 0);
    case rules::ValueKind::kDecimal:
      return GroupedDecimal(v.decimal_value(), v.decimal_value().scale());
    case rules::ValueKind::kString:
      return absl::StrCat("“", CodeText(field, v.string_value()), "”");
    case rules::ValueKind::kBool: return v.bool_value() ? "是" : "否";
    case rules::ValueKind::kDate: return DateText(v.date_value());
    case rules::ValueKind::kList: {
      std::string out = "[";
      for (size_t i = 0; i < v.list_value().size(); ++i) {
        if (i > 0) out += ", ";
        out += FormulaValueText(v.list_value()[i], field);
      }
      return out + "]";
    }
    case rules::ValueKind::kUnknown: return "未知";
    case rules::ValueKind::kError: return "出错";
    default: return v.DebugString();
  }
}

namespace {

bool IsNegative(const rules::Value& v) {
  return (v.is_int() && v.int_value() < 0) || (v.is_decimal() && v.decimal_value().Sign() < 0);
}

struct Printed {
  std::string text;
  int prec = kPrimaryP;
};

// Prints a subtree; with an activation, facts are written as their values.
class Printer {
 public:
  // With `operand` set, the operands of the printed step are written by it (one level deep)
  // instead of being printed in turn.
  Printer(const rules::Program& program, const rules::Activation* activation,
          const OperandText* operand = nullptr)
      : program_(program), activation_(activation), operand_(operand) {}

  Printed Print(std::int32_t i) {
    const Step& s = program_.steps()[static_cast<size_t>(i)];
    switch (s.op) {
      case OpCode::kConst:
        return {FormulaValueText(s.constant, code_field_),
                IsNegative(s.constant) ? kUnaryP : kPrimaryP};
      case OpCode::kField: return {FieldText(s.slot)};
      case OpCode::kParam:
        if (activation_ != nullptr) return {FormulaValueText(EvalPart(program_, i, *activation_))};
        return {program_.schema().parameters()[static_cast<size_t>(s.slot)].label_zh};
      case OpCode::kAsOf:
        return {activation_ != nullptr ? DateText(activation_->as_of()) : "评估日"};
      case OpCode::kHasFact: return {absl::StrCat("has(", Label(s.slot), ")")};
      case OpCode::kNot: return {absl::StrCat("非", Wrap(s.args[0], kUnaryP)), kUnaryP};
      case OpCode::kNeg: return {absl::StrCat("-", Wrap(s.args[0], kUnaryP)), kUnaryP};
      case OpCode::kArith: {
        bool add = s.binary_op == rules::BinaryOp::kAdd || s.binary_op == rules::BinaryOp::kSub;
        int p = add ? kAddP : kMulP;
        return {Wrap(s.args[0], p) + OperatorText(s.binary_op) + Wrap(s.args[1], p + 1), p};
      }
      case OpCode::kCompare:
      case OpCode::kIn: {
        // A code compared with a field reads as the field's values do: “large” → “大型”.
        std::string saved = code_field_;
        for (std::int32_t a : s.args) {
          const Step& arg = program_.steps()[static_cast<size_t>(a)];
          if (arg.op == OpCode::kField) code_field_ = FieldCode(arg.slot);
        }
        Printed out{Wrap(s.args[0], kAddP) + OperatorText(s.binary_op) + Wrap(s.args[1], kAddP),
                    kRelP};
        code_field_ = saved;
        return out;
      }
      case OpCode::kAnd:
      case OpCode::kOr: {
        bool is_and = s.op == OpCode::kAnd;
        std::string out;
        for (size_t k = 0; k < s.args.size(); ++k) {
          if (k > 0) out += is_and ? " 且 " : " 或 ";
          out += Wrap(s.args[k], is_and ? kRelP : kAndP);
        }
        return {out, is_and ? kAndP : kOrP};
      }
      case OpCode::kCond:
        return {Wrap(s.args[0], kOrP) + " ? " + Wrap(s.args[1], kCondP) + " : " +
                    Wrap(s.args[2], kCondP),
                kCondP};
      case OpCode::kCall: return {CallText(s)};
      case OpCode::kList: {
        std::string items;
        for (size_t k = 0; k < s.args.size(); ++k) {
          if (k > 0) items += ", ";
          items += Wrap(s.args[k], kCondP);
        }
        return {absl::StrCat("[", items, "]")};
      }
      default:
        // Selections, indexing, literals built at run time and comprehensions keep their rule
        // text: they name no field directly in a way a label would make clearer.
        return {program_.StepText(i)};
    }
  }

 private:
  std::string Wrap(std::int32_t i, int min_prec) {
    if (operand_ != nullptr) {
      std::string text = (*operand_)(i);
      bool negative = !text.empty() && text[0] == '-';
      return negative && min_prec >= kUnaryP ? absl::StrCat("(", text, ")") : text;
    }
    Printed p = Print(i);
    return p.prec < min_prec ? absl::StrCat("(", p.text, ")") : p.text;
  }

  std::string FieldCode(int slot) const {
    return program_.schema().fields()[static_cast<size_t>(slot)].code;
  }

  std::string Label(int slot) const {
    return program_.schema().fields()[static_cast<size_t>(slot)].label_zh;
  }

  std::string FieldText(int slot) const {
    if (activation_ == nullptr) return Label(slot);
    const rules::Value& v = activation_->Get(slot);
    if (v.is_unknown()) return absl::StrCat("「", Label(slot), "」未知");
    return FormulaValueText(v, FieldCode(slot));
  }

  std::string CallText(const Step& s) {
    const rules::Expr& e = program_.ast().node(s.expr);
    std::string args;
    size_t first = e.has_target ? 1 : 0;
    for (size_t k = first; k < s.args.size(); ++k) {
      if (k > first) args += ", ";
      args += Wrap(s.args[k], kCondP);
    }
    if (e.has_target) return Wrap(s.args[0], kPrimaryP) + "." + e.text + "(" + args + ")";
    return e.text + "(" + args + ")";
  }

  const rules::Program& program_;
  const rules::Activation* activation_;
  const OperandText* operand_;
  std::string code_field_;  // the field whose codes constants are, inside a comparison
};

void CollectFields(const rules::Program& program, std::int32_t i, std::vector<int>* out) {
  const Step& s = program.steps()[static_cast<size_t>(i)];
  if (s.op == OpCode::kField || s.op == OpCode::kHasFact) out->push_back(s.slot);
  for (std::int32_t a : s.args) CollectFields(program, a, out);
}

// The unit of a subtree: nullopt for a plain number (a constant scales anything), "" for none.
std::optional<std::string> Unit(const rules::Program& program, std::int32_t i) {
  const Step& s = program.steps()[static_cast<size_t>(i)];
  auto common = [&](std::int32_t a, std::int32_t b) -> std::optional<std::string> {
    std::optional<std::string> ua = Unit(program, a), ub = Unit(program, b);
    if (!ua) return ub;
    if (!ub) return ua;
    return *ua == *ub ? ua : std::optional<std::string>("");
  };
  switch (s.op) {
    case OpCode::kConst:
      if (s.constant.is_int() || s.constant.is_decimal()) return std::nullopt;
      return "";
    case OpCode::kField: return program.schema().fields()[static_cast<size_t>(s.slot)].unit;
    case OpCode::kNeg: return Unit(program, s.args[0]);
    case OpCode::kArith:
      switch (s.binary_op) {
        case rules::BinaryOp::kAdd:
        case rules::BinaryOp::kSub: return common(s.args[0], s.args[1]);
        case rules::BinaryOp::kMul:
        case rules::BinaryOp::kDiv: {
          // Scaling by a plain number keeps the unit; a product or ratio of two units has none
          // we can name.
          std::optional<std::string> ua = Unit(program, s.args[0]), ub = Unit(program, s.args[1]);
          if (!ub) return ua;
          if (!ua && s.binary_op == rules::BinaryOp::kMul) return ub;
          return "";
        }
        default: return "";
      }
    case OpCode::kCond: return common(s.args[1], s.args[2]);
    case OpCode::kCall:
      if (s.builtin == rules::Builtin::kRound) return Unit(program, s.args[0]);
      if (s.builtin == rules::Builtin::kMin || s.builtin == rules::Builtin::kMax) {
        std::optional<std::string> u = std::nullopt;
        for (std::int32_t a : s.args) {
          std::optional<std::string> ua = Unit(program, a);
          if (!ua) continue;
          if (u && *u != *ua) return "";
          u = ua;
        }
        return u;
      }
      return "";
    default: return "";
  }
}

}  // namespace

std::string LabelText(const rules::Program& program, std::int32_t step) {
  return Printer(program, nullptr).Print(step).text;
}

std::string ValuesText(const rules::Program& program, std::int32_t step,
                       const rules::Activation& activation) {
  return Printer(program, &activation).Print(step).text;
}

std::string OneLevelText(const rules::Program& program, std::int32_t step,
                         const OperandText& operand) {
  return Printer(program, nullptr, &operand).Print(step).text;
}

std::string OperandsText(const rules::Program& program, std::int32_t step,
                         const rules::Activation& activation) {
  // The field an operand belongs to, so that a code reads by name.
  std::string field;
  for (std::int32_t a : program.steps()[static_cast<size_t>(step)].args) {
    const Step& arg = program.steps()[static_cast<size_t>(a)];
    if (arg.op == OpCode::kField)
      field = program.schema().fields()[static_cast<size_t>(arg.slot)].code;
  }
  OperandText value = [&](std::int32_t a) {
    return FormulaValueText(EvalPart(program, a, activation), field);
  };
  return OneLevelText(program, step, value);
}

rules::Value EvalPart(const rules::Program& program, std::int32_t step,
                      const rules::Activation& activation) {
  const Step& s = program.steps()[static_cast<size_t>(step)];
  if (s.op == OpCode::kConst) return s.constant;
  if (s.op == OpCode::kField) return activation.Get(s.slot);
  if (step == program.root()) return rules::EvalRow(program, activation).value;
  rules::CompileResult part =
      rules::Compile(program.StepText(step), program.shared_schema(), rules::ResultKind::kAny);
  if (!part.ok()) {
    // The printer's text always compiles (rules/ast.h); this is the honest answer if it did not.
    return rules::Value::Error("explain.part", "无法单独计算规则的这一部分",
                               "this part of the rule cannot be evaluated alone");
  }
  return rules::EvalRow(*part.program, activation).value;
}

std::vector<int> FieldsIn(const rules::Program& program, std::int32_t step) {
  std::vector<int> out;
  CollectFields(program, step, &out);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::string UnitOf(const rules::Program& program, std::int32_t step) {
  return Unit(program, step).value_or("");
}

}  // namespace zhida::services
