#include "rules/eval.h"

#include <algorithm>
#include <limits>

#include "absl/strings/str_cat.h"
#include "rules/eval_internal.h"
#include "rules/limits.h"

namespace zhida::rules {
namespace internal {

Value Err(std::string code, std::string message_zh, std::string message_en) {
  return Value::Error(std::move(code), std::move(message_zh), std::move(message_en));
}

Value ErrFromStatus(const absl::Status& status) {
  std::string code = ErrorCode(status);
  std::string en = ErrorEnglish(status);
  std::string zh(status.message());
  return Err(code.empty() ? "eval.error" : code, zh, en.empty() ? zh : en);
}

Value NoOverload(const char* op, const Value& a) {
  return Err("eval.no_such_overload",
             absl::StrCat("“", op, "” 不能用于 ", ValueKindName(a.kind()), " 类型的值"),
             absl::StrCat("no such overload: ", op, "(", ValueKindName(a.kind()), ")"));
}

Value NoOverload(const char* op, const Value& a, const Value& b) {
  return Err("eval.no_such_overload",
             absl::StrCat("“", op, "” 不能用于 ", ValueKindName(a.kind()), " 和 ",
                          ValueKindName(b.kind())),
             absl::StrCat("no such overload: ", ValueKindName(a.kind()), " ", op, " ",
                          ValueKindName(b.kind())));
}

bool PropagateSpecial(const Value* args, std::size_t n, Value* out) {
  const Value* error = nullptr;
  bool unknown = false;
  Value merged;
  for (std::size_t i = 0; i < n; ++i) {
    const Value& v = args[i];
    if (v.is_unknown()) {
      merged = unknown ? MergeUnknown(merged, v) : v;
      unknown = true;
    } else if (v.is_error() && error == nullptr) {
      error = &v;
    }
  }
  if (unknown) {
    *out = std::move(merged);
    return true;
  }
  if (error != nullptr) {
    *out = *error;
    return true;
  }
  return false;
}

Value RowEvaluator::Fold(bool is_and, const std::vector<Value>& values) {
  // The deciding value (false for &&, true for ||) wins over unknowns and errors; then unknown;
  // then the first error (CEL's commutative logic, with unknowns as in cel-spec).
  Value pending;
  bool have_pending = false;
  for (const Value& v : values) {
    if (v.is_bool()) {
      if (v.bool_value() != is_and) return v;
      continue;
    }
    Value special = v.is_special() ? v : NoOverload(is_and ? "&&" : "||", v);
    if (!have_pending || (special.is_unknown() && !pending.is_unknown())) {
      pending = special;
      have_pending = true;
    } else if (special.is_unknown()) {
      pending = MergeUnknown(pending, special);
    }
  }
  return have_pending ? pending : Value::Bool(is_and);
}

Value RowEvaluator::Logic(const Step& step) {
  bool is_and = step.op == OpCode::kAnd;
  Value pending;
  bool have_pending = false;
  for (std::int32_t a : step.args) {
    Value v = Eval(a);
    if (v.is_bool()) {
      if (v.bool_value() != is_and) return v;  // short circuit
      continue;
    }
    Value special = v.is_special() ? v : NoOverload(is_and ? "&&" : "||", v);
    if (!have_pending || (special.is_unknown() && !pending.is_unknown())) {
      pending = std::move(special);
      have_pending = true;
    } else if (special.is_unknown()) {
      pending = MergeUnknown(pending, special);
    }
  }
  return have_pending ? pending : Value::Bool(is_and);
}

Value IndexOf(const Value& coll, const Value& index) {
  if (coll.is_list()) {
    if (!index.is_int()) return NoOverload("[]", coll, index);
    const ValueList& l = coll.list_value();
    std::int64_t i = index.int_value();
    if (i < 0 || i >= static_cast<std::int64_t>(l.size())) {
      return Err("eval.index_out_of_range",
                 absl::StrCat("下标 ", i, " 超出范围（列表共 ", l.size(), " 项）"),
                 absl::StrCat("index ", i, " out of range (size ", l.size(), ")"));
    }
    return l[static_cast<std::size_t>(i)];
  }
  if (coll.is_map()) {
    if (!index.is_string()) return NoOverload("[]", coll, index);
    const ValueMap& m = coll.map_value();
    auto it = m.find(index.string_value());
    if (it == m.end()) {
      return Err("eval.no_such_key", absl::StrCat("映射中没有键 “", index.string_value(), "”"),
                 absl::StrCat("no such key: ", index.string_value()));
    }
    return it->second;
  }
  return NoOverload("[]", coll, index);
}

Value InCollection(const Step& step, const Value& x, const Value& coll) {
  if (coll.is_list()) {
    if (step.string_set && x.is_string()) {
      return Value::Bool(step.string_set->contains(x.string_value()));
    }
    Value pending;
    bool have_pending = false;
    for (const Value& e : coll.list_value()) {
      Value eq = Equal(x, e);
      if (eq.is_bool()) {
        if (eq.bool_value()) return eq;
      } else if (!have_pending) {
        pending = std::move(eq);
        have_pending = true;
      }
    }
    return have_pending ? pending : Value::Bool(false);
  }
  if (coll.is_map()) {
    if (!x.is_string()) return Value::Bool(false);  // keys are strings: nothing else is in it
    return Value::Bool(coll.map_value().count(x.string_value()) > 0);
  }
  return NoOverload("in", x, coll);
}

Value RowEvaluator::Comprehension(const Step& step) {
  Value range = Eval(step.args[0]);
  if (range.is_special()) return range;
  std::vector<Value> keys;
  const ValueList* items = nullptr;
  if (range.is_list()) {
    items = &range.list_value();
  } else if (range.is_map()) {
    for (const auto& [k, v] : range.map_value()) keys.push_back(Value::String(k));
    items = &keys;
  } else {
    return NoOverload(MacroText(step.macro), range);
  }
  Value& var = loop_[static_cast<std::size_t>(step.slot)];
  const std::int32_t body = step.args[1];
  ValueList out;
  std::int64_t count = 0;
  Value pending;
  bool have_pending = false;
  const bool is_all = step.macro == MacroKind::kAll;
  for (const Value& item : *items) {
    if (++iterations_ > kMaxComprehensionIterations) {
      return Err("limit.iterations",
                 absl::StrCat("列表运算循环超过 ", kMaxComprehensionIterations, " 次"),
                 absl::StrCat("comprehensions iterated more than ", kMaxComprehensionIterations,
                              " times"));
    }
    var = item;
    Value v = Eval(body);
    switch (step.macro) {
      case MacroKind::kAll:
      case MacroKind::kExists:
        if (v.is_bool()) {
          if (v.bool_value() != is_all) return v;
        } else {
          Value special = v.is_special() ? v : NoOverload(MacroText(step.macro), v);
          if (!have_pending || (special.is_unknown() && !pending.is_unknown())) {
            pending = std::move(special);
            have_pending = true;
          }
        }
        break;
      case MacroKind::kExistsOne:
        if (!v.is_bool()) return v.is_special() ? v : NoOverload("exists_one", v);
        if (v.bool_value()) ++count;
        break;
      case MacroKind::kFilter:
        if (!v.is_bool()) return v.is_special() ? v : NoOverload("filter", v);
        if (v.bool_value()) out.push_back(item);
        break;
      case MacroKind::kMap:
        if (step.args.size() == 3) {
          if (!v.is_bool()) return v.is_special() ? v : NoOverload("map", v);
          if (!v.bool_value()) break;
          v = Eval(step.args[2]);
        }
        if (v.is_special()) return v;
        out.push_back(std::move(v));
        break;
    }
  }
  switch (step.macro) {
    case MacroKind::kAll:
    case MacroKind::kExists:
      return have_pending ? pending : Value::Bool(is_all);
    case MacroKind::kExistsOne:
      return Value::Bool(count == 1);
    case MacroKind::kFilter:
    case MacroKind::kMap:
      return Value::List(std::move(out));
  }
  return Value();
}

Value ApplyUnary(const Step& step, const Value& v) {
  switch (step.op) {
    case OpCode::kSelect:
    case OpCode::kHasKey: {
      if (v.is_special()) return v;
      if (!v.is_map()) return NoOverload(step.op == OpCode::kHasKey ? "has" : ".", v);
      auto it = v.map_value().find(step.name);
      if (step.op == OpCode::kHasKey) return Value::Bool(it != v.map_value().end());
      if (it == v.map_value().end()) {
        return Err("eval.no_such_key", absl::StrCat("映射中没有字段 “", step.name, "”"),
                   absl::StrCat("no such key: ", step.name));
      }
      return it->second;
    }
    case OpCode::kNot:
      if (v.is_special()) return v;
      if (!v.is_bool()) return NoOverload("!", v);
      return Value::Bool(!v.bool_value());
    case OpCode::kNeg: {
      if (v.is_special()) return v;
      if (v.is_int()) {
        if (v.int_value() == std::numeric_limits<std::int64_t>::min()) {
          return Err("eval.int_overflow", "整数运算溢出", "integer overflow");
        }
        return Value::Int(-v.int_value());
      }
      if (v.is_decimal()) {
        absl::StatusOr<core::Decimal> d = v.decimal_value().Neg();
        return d.ok() ? Value::Dec(*d) : ErrFromStatus(d.status());
      }
      return NoOverload("-", v);
    }
    default:
      ZCHECK(false);  // not a unary step
      return Value();
  }
}

Value ApplyBinary(const Step& step, const Value& a, const Value& b) {
  if (step.op == OpCode::kCompare &&
      (step.binary_op == BinaryOp::kEq || step.binary_op == BinaryOp::kNe)) {
    return Compare(step.binary_op, a, b);
  }
  Value args[2] = {a, b};
  Value special;
  if (PropagateSpecial(args, 2, &special)) return special;
  switch (step.op) {
    case OpCode::kIndex:
      return IndexOf(a, b);
    case OpCode::kArith:
      return Arith(step.binary_op, a, b);
    case OpCode::kIn:
      return InCollection(step, a, b);
    case OpCode::kCompare:
      return Compare(step.binary_op, a, b);
    default:
      ZCHECK(false);  // not a binary step
      return Value();
  }
}

Value ApplyNary(const Step& step, const std::vector<Value>& args) {
  Value special;
  if (PropagateSpecial(args.data(), args.size(), &special)) return special;
  if (step.op == OpCode::kCall) return CallBuiltin(step, args);
  if (step.op == OpCode::kList) return Value::List(args);
  ZCHECK(step.op == OpCode::kMap);
  ValueMap m;
  for (std::size_t i = 0; i + 1 < args.size(); i += 2) {
    if (!args[i].is_string()) return NoOverload("{}", args[i]);
    if (!m.emplace(args[i].string_value(), args[i + 1]).second) {
      return Err("eval.duplicate_key", absl::StrCat("映射中键 “", args[i].string_value(), "” 重复"),
                 absl::StrCat("repeated map key: ", args[i].string_value()));
    }
  }
  return Value::Map(std::move(m));
}

Value RowEvaluator::Eval(std::int32_t index) {
  const Step& step = steps_[static_cast<std::size_t>(index)];
  switch (step.op) {
    case OpCode::kConst:
      return step.constant;
    case OpCode::kField:
      return activation_->Get(step.slot);
    case OpCode::kParam:
      return ParamValue(*schema_, step.slot, activation_->as_of());
    case OpCode::kAsOf:
      return Value::Date(activation_->as_of());
    case OpCode::kLoopVar:
      return loop_[static_cast<std::size_t>(step.slot)];
    case OpCode::kHasFact:
      return Value::Bool(!activation_->Get(step.slot).is_unknown());
    case OpCode::kSelect:
    case OpCode::kHasKey:
    case OpCode::kNot:
    case OpCode::kNeg:
      return ApplyUnary(step, Eval(step.args[0]));
    case OpCode::kIndex:
    case OpCode::kArith:
    case OpCode::kCompare:
    case OpCode::kIn:
      return ApplyBinary(step, Eval(step.args[0]), Eval(step.args[1]));
    case OpCode::kAnd:
    case OpCode::kOr:
      return Logic(step);
    case OpCode::kCond: {
      Value c = Eval(step.args[0]);
      if (c.is_bool()) return Eval(step.args[c.bool_value() ? 1 : 2]);
      if (c.is_special()) return c;
      return NoOverload("?:", c);
    }
    case OpCode::kCall:
    case OpCode::kList:
    case OpCode::kMap: {
      std::vector<Value> args;
      args.reserve(step.args.size());
      for (std::int32_t a : step.args) args.push_back(Eval(a));
      return ApplyNary(step, args);
    }
    case OpCode::kComprehension:
      return Comprehension(step);
  }
  return Value();
}

Value ParamValue(const Schema& schema, int slot, core::Date as_of) {
  const ParameterDef& p = schema.parameters()[static_cast<std::size_t>(slot)];
  const ParameterVersion* v = p.InForce(as_of);
  if (v == nullptr) {
    return Err(
        "eval.parameter_not_in_force",
        absl::StrCat("参数 “", p.code, "” 在 ", as_of.ToString(), " 没有生效的取值"),
        absl::StrCat("parameter '", p.code, "' has no value in force on ", as_of.ToString()));
  }
  return v->value;
}

Value FinishAward(const Value& v, const std::optional<core::Decimal>& cap) {
  if (v.is_special()) return v;
  core::Decimal amount;
  if (!v.AsDecimal(&amount)) {
    return Err("eval.award_type",
               absl::StrCat("奖补金额公式的结果不是数字，而是 ", ValueKindName(v.kind())),
               absl::StrCat("the award formula gave ", ValueKindName(v.kind()), ", not a number"));
  }
  if (cap.has_value() && amount.Compare(*cap) > 0) amount = *cap;
  // Rounded once, at the end, half-up to the fen (DESIGN.md §3).
  absl::StatusOr<core::Decimal> rounded = amount.Round(2, core::RoundingMode::kHalfUp);
  if (!rounded.ok()) return ErrFromStatus(rounded.status());
  return Value::Dec(*rounded);
}

}  // namespace internal

Activation::Activation(std::shared_ptr<const Schema> schema, core::Date as_of)
    : schema_(std::move(schema)), as_of_(as_of) {
  ZCHECK(schema_ != nullptr);
  Reset();
}

void Activation::Reset() {
  values_.clear();
  values_.reserve(schema_->fields().size());
  for (const FieldDef& f : schema_->fields()) values_.push_back(Value::Unknown(f.code));
}

absl::Status Activation::Set(std::string_view code, Value value) {
  int i = schema_->FieldIndex(code);
  if (i < 0) {
    return NotFoundError("rules.unknown_field", absl::StrCat("未知字段 ", std::string(code)),
                         absl::StrCat("unknown field ", std::string(code)));
  }
  const FieldDef& f = schema_->fields()[static_cast<std::size_t>(i)];
  if (!ValueFitsType(value, f.type)) {
    return InvalidField("rules.field_type", f.code,
                        absl::StrCat("字段 ", f.code, " 应为 ", FieldTypeName(f.type), "，实为 ",
                                     ValueKindName(value.kind())),
                        absl::StrCat("field ", f.code, " must be ", FieldTypeName(f.type), ", got ",
                                     ValueKindName(value.kind())));
  }
  if (value.is_unknown()) value = Value::Unknown(f.code);
  values_[static_cast<std::size_t>(i)] = std::move(value);
  return absl::OkStatus();
}

const char* ConditionOutcomeName(ConditionOutcome outcome) {
  switch (outcome) {
    case ConditionOutcome::kHeld:
      return "held";
    case ConditionOutcome::kFailed:
      return "failed";
    case ConditionOutcome::kUnknown:
      return "unknown";
    case ConditionOutcome::kError:
      return "error";
  }
  return "?";
}

namespace {

ConditionOutcome OutcomeOf(const Value& v) {
  if (v.is_bool()) return v.bool_value() ? ConditionOutcome::kHeld : ConditionOutcome::kFailed;
  if (v.is_unknown()) return ConditionOutcome::kUnknown;
  return ConditionOutcome::kError;
}

ConditionTrace TraceCondition(const Program& program, const Activation& activation,
                              internal::RowEvaluator& ev, std::int32_t index) {
  const Step& step = program.steps()[static_cast<std::size_t>(index)];
  ConditionTrace t;
  t.text = program.StepText(index);
  t.pos = program.ast().node(step.expr).pos;
  bool show_operands = step.op == OpCode::kCompare || step.op == OpCode::kIn ||
                       step.op == OpCode::kNot || step.op == OpCode::kCall;
  if (show_operands) {
    // Operands are evaluated by a separate evaluator so that showing them cannot use up the
    // rule's comprehension budget: the traced result must equal the untraced one.
    internal::RowEvaluator side(program.steps(), &program.schema(), &activation,
                                program.loop_slots());
    for (std::int32_t a : step.args) {
      bool is_constant = program.steps()[static_cast<std::size_t>(a)].op == OpCode::kConst;
      t.operands.push_back(TracedOperand{program.StepText(a), side.Eval(a), is_constant});
    }
  }
  t.value = ev.Eval(index);
  t.outcome = OutcomeOf(t.value);
  return t;
}

}  // namespace

EvalResult EvalRow(const Program& program, const Activation& activation,
                   const EvalOptions& options) {
  ZCHECK(activation.schema().SameFields(program.schema()));
  internal::RowEvaluator ev(program.steps(), &program.schema(), &activation, program.loop_slots());
  EvalResult result;
  if (!options.trace) {
    result.value = ev.Eval(program.root());
    return result;
  }
  std::vector<Value> values;
  for (std::int32_t c : program.conditions()) {
    result.trace.push_back(TraceCondition(program, activation, ev, c));
    values.push_back(result.trace.back().value);
  }
  const Step& root = program.steps().back();
  bool root_is_and = root.op == OpCode::kAnd && program.conditions().size() > 1;
  result.value = root_is_and ? internal::RowEvaluator::Fold(true, values) : values.at(0);
  return result;
}

EligibilityDecision Decide(const Value& value) {
  EligibilityDecision d;
  if (value.is_bool()) {
    d.outcome = value.bool_value() ? Eligibility::kEligible : Eligibility::kNotEligible;
  } else if (value.is_unknown()) {
    d.outcome = Eligibility::kCannotDetermine;
    d.missing = value.unknown_value().fields;
  } else if (value.is_error()) {
    d.outcome = Eligibility::kError;
    d.error = value.error_value();
  } else {
    d.outcome = Eligibility::kError;
    d.error =
        ErrorInfo{"eval.result_type",
                  absl::StrCat("申报条件的结果不是真/假，而是 ", ValueKindName(value.kind())),
                  absl::StrCat("eligibility gave ", ValueKindName(value.kind()), ", not a bool")};
  }
  return d;
}

Value ComputeAward(const Program& program, const Activation& activation,
                   const std::optional<core::Decimal>& cap) {
  return internal::FinishAward(EvalRow(program, activation).value, cap);
}

}  // namespace zhida::rules
