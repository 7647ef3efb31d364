// Operators and built-in functions on data values (unknowns and errors are handled by the
// caller, eval.cc). Every failure is an error value.
#include <algorithm>
#include <limits>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "core/date.h"
#include "core/decimal.h"
#include "re2/re2.h"
#include "rules/eval_internal.h"
#include "rules/lexer.h"
#include "rules/limits.h"

namespace zhida::rules::internal {
namespace {

using core::Decimal;

Value IntOverflow() { return Err("eval.int_overflow", "整数运算溢出", "integer overflow"); }
Value DivisionByZero() { return Err("eval.division_by_zero", "除数为零", "division by zero"); }

Value FromDecimal(const absl::StatusOr<Decimal>& d) {
  return d.ok() ? Value::Dec(*d) : ErrFromStatus(d.status());
}

// The quotient carried to kDivisionScale places (fewer when the integer part is so large that
// 38 digits do not allow it), rounded half-up, then without trailing zeros: 1 / 4 = 0.25,
// 1 / 3 = 0.333333333333333333.
Value DivideDecimal(const Decimal& x, const Decimal& y) {
  if (y.IsZero()) return DivisionByZero();
  absl::StatusOr<Decimal> q = absl::InternalError("unset");
  for (int scale = kDivisionScale; scale >= 0; scale -= 6) {
    q = x.Div(y, scale, core::RoundingMode::kHalfUp);
    if (q.ok() || ErrorCode(q.status()) != "decimal.overflow") break;
  }
  if (!q.ok()) return ErrFromStatus(q.status());
  absl::StatusOr<Decimal> reduced = Decimal::Parse(q->Normalized());
  return FromDecimal(reduced.ok() ? reduced : q);
}

Value IntArith(BinaryOp op, std::int64_t a, std::int64_t b) {
  std::int64_t r = 0;
  switch (op) {
    case BinaryOp::kAdd:
      if (__builtin_add_overflow(a, b, &r)) return IntOverflow();
      return Value::Int(r);
    case BinaryOp::kSub:
      if (__builtin_sub_overflow(a, b, &r)) return IntOverflow();
      return Value::Int(r);
    case BinaryOp::kMul:
      if (__builtin_mul_overflow(a, b, &r)) return IntOverflow();
      return Value::Int(r);
    case BinaryOp::kDiv:
    case BinaryOp::kMod:
      if (b == 0) return DivisionByZero();
      if (a == std::numeric_limits<std::int64_t>::min() && b == -1) return IntOverflow();
      return Value::Int(op == BinaryOp::kDiv ? a / b : a % b);  // truncation, as in CEL
    default:
      return NoOverload(BinaryOpText(op), Value::Int(a), Value::Int(b));
  }
}

Value StringValueOf(const Value& v) {
  switch (v.kind()) {
    case ValueKind::kString:
      return v;
    case ValueKind::kInt:
      return Value::String(absl::StrCat(v.int_value()));
    case ValueKind::kDecimal:
      return Value::String(v.decimal_value().ToString());
    case ValueKind::kDate:
      return Value::String(v.date_value().ToString());
    case ValueKind::kBool:
      return Value::String(v.bool_value() ? "true" : "false");
    default:
      return NoOverload("string", v);
  }
}

Value IntValueOf(const Value& v) {
  if (v.is_int()) return v;
  if (v.is_decimal()) {
    // Toward zero, like CEL's int(double): int(2.9) is 2, int(-2.9) is -2.
    absl::StatusOr<Decimal> t = v.decimal_value().Round(0, core::RoundingMode::kDown);
    if (!t.ok()) return ErrFromStatus(t.status());
    absl::StatusOr<std::int64_t> i = t->ToInt64();
    return i.ok() ? Value::Int(*i) : IntOverflow();
  }
  if (v.is_string()) {
    std::int64_t i = 0;
    const std::string& s = v.string_value();
    if (!absl::SimpleAtoi(absl::string_view(s.data(), s.size()), &i)) {
      return Err("eval.bad_conversion", absl::StrCat("“", s, "” 不是整数"),
                 absl::StrCat("'", s, "' is not an integer"));
    }
    return Value::Int(i);
  }
  return NoOverload("int", v);
}

Value DecimalValueOf(const Value& v) {
  Decimal d;
  if (v.AsDecimal(&d)) return Value::Dec(d);
  if (v.is_string()) return FromDecimal(Decimal::Parse(v.string_value()));
  return NoOverload("decimal", v);
}

Value DateValueOf(const Value& v) {
  if (v.is_date()) return v;
  if (!v.is_string()) return NoOverload("date", v);
  absl::StatusOr<core::Date> d = core::Date::Parse(v.string_value());
  if (!d.ok()) {
    return Err("eval.bad_date",
               absl::StrCat("“", v.string_value(), "” 不是有效日期（应为 YYYY-MM-DD）"),
               absl::StrCat("'", v.string_value(), "' is not a valid date (YYYY-MM-DD)"));
  }
  return Value::Date(*d);
}

Value MinMax(bool is_min, const std::vector<Value>& args) {
  const std::vector<Value>* items = &args;
  if (args.size() == 1) {
    if (!args[0].is_list()) return NoOverload(is_min ? "min" : "max", args[0]);
    items = &args[0].list_value();
    Value special;
    if (PropagateSpecial(items->data(), items->size(), &special)) return special;
  }
  if (items->empty()) {
    return Err("eval.empty_list", "min/max 不能用于空列表", "min/max of an empty list");
  }
  const Value* best = &(*items)[0];
  for (std::size_t i = 1; i < items->size(); ++i) {
    int cmp = 0;
    if (!Order((*items)[i], *best, &cmp)) {
      return NoOverload(is_min ? "min" : "max", *best, (*items)[i]);
    }
    if (is_min ? cmp < 0 : cmp > 0) best = &(*items)[i];
  }
  return *best;
}

Value Matches(const Step& step, const std::string& text, const std::string& pattern) {
  if (step.regex) return Value::Bool(RE2::PartialMatch(text, *step.regex));
  if (pattern.size() > kMaxRegexBytes) {
    return Err("limit.regex", "正则表达式过长", "regular expression too long");
  }
  RE2::Options opts;
  opts.set_log_errors(false);
  opts.set_max_mem(kMaxRegexMemoryBytes);
  RE2 re(pattern, opts);
  if (!re.ok()) {
    return Err("eval.bad_regex", absl::StrCat("正则表达式无效：", re.error()),
               absl::StrCat("invalid regular expression: ", re.error()));
  }
  return Value::Bool(RE2::PartialMatch(text, re));
}

bool StartsWith(const std::string& s, const std::string& p) {
  return s.size() >= p.size() && s.compare(0, p.size(), p) == 0;
}
bool EndsWith(const std::string& s, const std::string& p) {
  return s.size() >= p.size() && s.compare(s.size() - p.size(), p.size(), p) == 0;
}

}  // namespace

Value Arith(BinaryOp op, const Value& a, const Value& b) {
  if (a.is_int() && b.is_int()) return IntArith(op, a.int_value(), b.int_value());
  if (op == BinaryOp::kAdd && a.is_string() && b.is_string()) {
    if (a.string_value().size() + b.string_value().size() > kMaxStringBytes) {
      return Err("limit.string_size", "文本过长", "string too long");
    }
    return Value::String(a.string_value() + b.string_value());
  }
  if (op == BinaryOp::kAdd && a.is_list() && b.is_list()) {
    const ValueList& l = a.list_value();
    const ValueList& r = b.list_value();
    if (static_cast<std::int64_t>(l.size() + r.size()) > kMaxListSize) {
      return Err("limit.list_size", absl::StrCat("列表超过 ", kMaxListSize, " 项"),
                 absl::StrCat("list longer than ", kMaxListSize));
    }
    ValueList out = l;
    out.insert(out.end(), r.begin(), r.end());
    return Value::List(std::move(out));
  }
  Decimal x, y;
  if (!a.AsDecimal(&x) || !b.AsDecimal(&y)) return NoOverload(BinaryOpText(op), a, b);
  switch (op) {
    case BinaryOp::kAdd:
      return FromDecimal(x.Add(y));
    case BinaryOp::kSub:
      return FromDecimal(x.Sub(y));
    case BinaryOp::kMul:
      return FromDecimal(x.Mul(y));
    case BinaryOp::kDiv:
      return DivideDecimal(x, y);
    default:
      return NoOverload(BinaryOpText(op), a, b);
  }
}

Value Compare(BinaryOp op, const Value& a, const Value& b) {
  if (op == BinaryOp::kEq || op == BinaryOp::kNe) {
    Value eq = Equal(a, b);
    if (op == BinaryOp::kNe && eq.is_bool()) return Value::Bool(!eq.bool_value());
    return eq;
  }
  int cmp = 0;
  if (!Order(a, b, &cmp)) return NoOverload(BinaryOpText(op), a, b);
  switch (op) {
    case BinaryOp::kLt:
      return Value::Bool(cmp < 0);
    case BinaryOp::kLe:
      return Value::Bool(cmp <= 0);
    case BinaryOp::kGt:
      return Value::Bool(cmp > 0);
    case BinaryOp::kGe:
      return Value::Bool(cmp >= 0);
    default:
      return NoOverload(BinaryOpText(op), a, b);
  }
}

Value CallBuiltin(const Step& step, const std::vector<Value>& args) {
  auto strings2 = [&](const char* name, auto fn) -> Value {
    if (!args[0].is_string() || !args[1].is_string()) return NoOverload(name, args[0], args[1]);
    return fn(args[0].string_value(), args[1].string_value());
  };
  switch (step.builtin) {
    case Builtin::kSize: {
      const Value& v = args[0];
      if (v.is_string()) return Value::Int(Utf8Length(v.string_value()));
      if (v.is_list()) return Value::Int(static_cast<std::int64_t>(v.list_value().size()));
      if (v.is_map()) return Value::Int(static_cast<std::int64_t>(v.map_value().size()));
      return NoOverload("size", v);
    }
    case Builtin::kContains:
      return strings2("contains", [](const std::string& s, const std::string& t) {
        return Value::Bool(s.find(t) != std::string::npos);
      });
    case Builtin::kStartsWith:
      return strings2("startsWith", [](const std::string& s, const std::string& t) {
        return Value::Bool(StartsWith(s, t));
      });
    case Builtin::kEndsWith:
      return strings2("endsWith", [](const std::string& s, const std::string& t) {
        return Value::Bool(EndsWith(s, t));
      });
    case Builtin::kMatches:
      return strings2("matches", [&](const std::string& s, const std::string& t) {
        return Matches(step, s, t);
      });
    case Builtin::kInt:
      return IntValueOf(args[0]);
    case Builtin::kString:
      return StringValueOf(args[0]);
    case Builtin::kDecimal:
      return DecimalValueOf(args[0]);
    case Builtin::kDate:
      return DateValueOf(args[0]);
    case Builtin::kMin:
      return MinMax(true, args);
    case Builtin::kMax:
      return MinMax(false, args);
    case Builtin::kRound: {
      Decimal x;
      if (!args[0].AsDecimal(&x)) return NoOverload("round", args[0]);
      std::int64_t places = 0;
      if (args.size() == 2) {
        if (!args[1].is_int()) return NoOverload("round", args[0], args[1]);
        places = args[1].int_value();
      }
      if (places < 0 || places > kMaxDecimalScale) {
        return Err("eval.round_places",
                   absl::StrCat("round 的小数位数应在 0 到 ", kMaxDecimalScale, " 之间"),
                   absl::StrCat("round() places must be 0..", kMaxDecimalScale));
      }
      return FromDecimal(x.Round(static_cast<int>(places), core::RoundingMode::kHalfUp));
    }
    case Builtin::kYearsBetween:
    case Builtin::kDaysBetween: {
      const char* name = step.builtin == Builtin::kYearsBetween ? "years_between" : "days_between";
      if (!args[0].is_date() || !args[1].is_date()) return NoOverload(name, args[0], args[1]);
      core::Date a = args[0].date_value();
      core::Date b = args[1].date_value();
      return Value::Int(step.builtin == Builtin::kYearsBetween ? core::YearsBetween(a, b)
                                                               : core::DaysBetween(a, b));
    }
    case Builtin::kHasFact:
      break;  // planned as OpCode::kHasFact, never called
  }
  return NoOverload("call", args.empty() ? Value() : args[0]);
}

}  // namespace zhida::rules::internal
