#include "rules/checker.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "core/decimal.h"
#include "re2/re2.h"
#include "rules/builtins.h"
#include "rules/limits.h"
#include "rules/parser.h"

namespace zhida::rules {

std::string TypeName(const Type& type) {
  switch (type.kind) {
    case TypeKind::kNull:
      return "null";
    case TypeKind::kBool:
      return "bool";
    case TypeKind::kInt:
      return "int";
    case TypeKind::kDecimal:
      return "decimal";
    case TypeKind::kString:
      return "string";
    case TypeKind::kDate:
      return "date";
    case TypeKind::kList:
      return absl::StrCat("list(", TypeName(type.Elem()), ")");
    case TypeKind::kMap:
      return absl::StrCat("map(", TypeName(type.Elem()), ")");
    case TypeKind::kDyn:
      return "dyn";
  }
  return "?";
}

namespace {

const Type kDyn = Type::Of(TypeKind::kDyn);
const Type kBoolT = Type::Of(TypeKind::kBool);
const Type kIntT = Type::Of(TypeKind::kInt);
const Type kDecT = Type::Of(TypeKind::kDecimal);
const Type kStrT = Type::Of(TypeKind::kString);
const Type kDateT = Type::Of(TypeKind::kDate);

// Chinese names of types for messages a policy officer reads.
std::string TypeNameZh(const Type& t) {
  switch (t.kind) {
    case TypeKind::kNull:
      return "空值 null";
    case TypeKind::kBool:
      return "真/假 bool";
    case TypeKind::kInt:
      return "整数 int";
    case TypeKind::kDecimal:
      return "小数 decimal";
    case TypeKind::kString:
      return "文本 string";
    case TypeKind::kDate:
      return "日期 date";
    case TypeKind::kList:
      return absl::StrCat("列表 ", TypeName(t));
    case TypeKind::kMap:
      return absl::StrCat("映射 ", TypeName(t));
    case TypeKind::kDyn:
      return "任意类型 dyn";
  }
  return "?";
}

Type FromFieldType(FieldType f) {
  switch (f) {
    case FieldType::kBool:
      return kBoolT;
    case FieldType::kInt:
      return kIntT;
    case FieldType::kDecimal:
      return kDecT;
    case FieldType::kString:
      return kStrT;
    case FieldType::kDate:
      return kDateT;
    case FieldType::kList:
      return Type::ListOf(kDyn);
    case FieldType::kMap:
      return Type::MapOf(kDyn);
    case FieldType::kDyn:
      return kDyn;
  }
  return kDyn;
}

bool IsDyn(const Type& t) { return t.kind == TypeKind::kDyn; }
bool IsNumeric(const Type& t) { return t.kind == TypeKind::kInt || t.kind == TypeKind::kDecimal; }
bool Is(const Type& t, TypeKind k) { return t.kind == k || IsDyn(t); }
bool IsNumOrDyn(const Type& t) { return IsNumeric(t) || IsDyn(t); }

bool SameType(const Type& a, const Type& b) {
  if (a.kind != b.kind) return false;
  if (a.kind == TypeKind::kList || a.kind == TypeKind::kMap) return SameType(a.Elem(), b.Elem());
  return true;
}

// Whether values of the two types may be compared with == (CEL's checker rule, with int and
// decimal mixing).
bool Comparable(const Type& a, const Type& b) {
  if (IsDyn(a) || IsDyn(b)) return true;
  if (IsNumeric(a) && IsNumeric(b)) return true;
  if (a.kind != b.kind) return false;
  if (a.kind == TypeKind::kList || a.kind == TypeKind::kMap) return Comparable(a.Elem(), b.Elem());
  return true;
}

// The common type of two branches or elements; nullopt when they have none.
std::optional<Type> Join(const Type& a, const Type& b) {
  if (SameType(a, b)) return a;
  if (IsNumeric(a) && IsNumeric(b)) return kDecT;
  if (IsDyn(a) || IsDyn(b)) return kDyn;
  if (a.kind == b.kind && (a.kind == TypeKind::kList || a.kind == TypeKind::kMap)) {
    std::optional<Type> e = Join(a.Elem(), b.Elem());
    Type elem = e ? *e : kDyn;
    return a.kind == TypeKind::kList ? Type::ListOf(elem) : Type::MapOf(elem);
  }
  return std::nullopt;
}

class Checker {
 public:
  Checker(const Ast& ast, const Schema& schema, const CheckOptions& options, IssueList& issues)
      : ast_(ast),
        schema_(schema),
        options_(options),
        issues_(issues),
        types_(static_cast<std::size_t>(ast.size()), kDyn) {}

  Type Run() { return Visit(ast_.root()); }
  std::vector<Type> TakeTypes() { return std::move(types_); }

 private:
  void Issue(const Expr& e, std::string code, std::string zh, std::string en) {
    issues_.Add(e.pos, std::move(code), std::move(zh), std::move(en));
  }
  // A type mistake: reported only when types are checked.
  void TypeIssue(const Expr& e, std::string zh, std::string en) {
    if (options_.check_types) Issue(e, "check.type", std::move(zh), std::move(en));
  }

  Type Visit(ExprId id) {
    Type t = VisitNode(id);
    types_[static_cast<std::size_t>(id)] = t;
    return t;
  }

  Type VisitNode(ExprId id) {
    const Expr& e = ast_.node(id);
    switch (e.kind) {
      case ExprKind::kLiteral:
        return Literal(e);
      case ExprKind::kIdent:
        return Ident(e);
      case ExprKind::kSelect:
        return Select(e);
      case ExprKind::kIndex:
        return Index(e);
      case ExprKind::kUnary:
        return Unary(e);
      case ExprKind::kBinary:
        return Binary(e);
      case ExprKind::kAnd:
      case ExprKind::kOr:
        return Logic(e);
      case ExprKind::kCond:
        return Cond(e);
      case ExprKind::kCall:
        return Call(e);
      case ExprKind::kList:
        return List(e);
      case ExprKind::kMap:
        return MapLit(e);
      case ExprKind::kComprehension:
        return Comprehension(e);
    }
    return kDyn;
  }

  Type Literal(const Expr& e) {
    switch (e.lit_kind) {
      case LiteralKind::kNull:
        return Type::Of(TypeKind::kNull);
      case LiteralKind::kBool:
        return kBoolT;
      case LiteralKind::kInt:
        return kIntT;
      case LiteralKind::kString:
        return kStrT;
      case LiteralKind::kDecimal:
        if (!core::Decimal::Parse(e.text).ok()) {
          Issue(e, "limit.decimal_literal",
                absl::StrCat("小数 ", e.text, " 超出精度：最多 38 位有效数字、", kMaxDecimalScale,
                             " 位小数"),
                absl::StrCat("decimal ", e.text, " exceeds 38 digits or ", kMaxDecimalScale,
                             " decimal places"));
        }
        return kDecT;
    }
    return kDyn;
  }

  Type Ident(const Expr& e) {
    for (auto it = scopes_.rbegin(); it != scopes_.rend(); ++it) {
      if (it->first == e.text) return it->second;
    }
    if (e.text == kAsOfName) return kDateT;
    if (const FieldDef* f = schema_.FindField(e.text)) return FromFieldType(f->type);
    if (const ParameterDef* p = schema_.FindParameter(e.text)) return FromFieldType(p->type);
    std::string hint = schema_.Suggest(e.text);
    Issue(
        e, "check.unknown_field",
        absl::StrCat("未知字段 “", e.text, "”", hint.empty() ? "" : "，是否应为 “" + hint + "”？"),
        absl::StrCat("unknown field '", e.text, "'",
                     hint.empty() ? "" : "; did you mean '" + hint + "'?"));
    return kDyn;
  }

  Type Select(const Expr& e) {
    Type operand = Visit(e.args[0]);
    if (!Is(operand, TypeKind::kMap)) {
      TypeIssue(e, absl::StrCat("“.", e.text, "” 只能用于映射，这里是 ", TypeNameZh(operand)),
                absl::StrCat("'.", e.text, "' needs a map, got ", TypeName(operand)));
      return e.test_only ? kBoolT : kDyn;
    }
    return e.test_only ? kBoolT : operand.Elem();
  }

  Type Index(const Expr& e) {
    Type operand = Visit(e.args[0]);
    Type index = Visit(e.args[1]);
    if (operand.kind == TypeKind::kList) {
      if (!Is(index, TypeKind::kInt)) {
        TypeIssue(e, absl::StrCat("列表下标必须是整数，这里是 ", TypeNameZh(index)),
                  absl::StrCat("list index must be an int, got ", TypeName(index)));
      }
      return operand.Elem();
    }
    if (operand.kind == TypeKind::kMap) {
      if (!Is(index, TypeKind::kString)) {
        TypeIssue(e, absl::StrCat("映射的键必须是文本，这里是 ", TypeNameZh(index)),
                  absl::StrCat("map key must be a string, got ", TypeName(index)));
      }
      return operand.Elem();
    }
    if (!IsDyn(operand)) {
      TypeIssue(e, absl::StrCat("“[]” 只能用于列表或映射，这里是 ", TypeNameZh(operand)),
                absl::StrCat("'[]' needs a list or a map, got ", TypeName(operand)));
    }
    return kDyn;
  }

  Type Unary(const Expr& e) {
    Type operand = Visit(e.args[0]);
    if (e.unary_op == UnaryOp::kNot) {
      if (!Is(operand, TypeKind::kBool)) {
        TypeIssue(e, absl::StrCat("“!” 需要真/假值，这里是 ", TypeNameZh(operand)),
                  absl::StrCat("'!' needs a bool, got ", TypeName(operand)));
      }
      return kBoolT;
    }
    if (!IsNumOrDyn(operand)) {
      TypeIssue(e, absl::StrCat("负号需要数字，这里是 ", TypeNameZh(operand)),
                absl::StrCat("'-' needs a number, got ", TypeName(operand)));
      return kDyn;
    }
    return operand;
  }

  void OperandIssue(const Expr& e, const Type& a, const Type& b) {
    const char* op = BinaryOpText(e.binary_op);
    TypeIssue(e, absl::StrCat("运算符 “", op, "” 不能用于 ", TypeNameZh(a), " 和 ", TypeNameZh(b)),
              absl::StrCat("operator '", op, "' cannot take ", TypeName(a), " and ", TypeName(b)));
  }

  Type Binary(const Expr& e) {
    Type a = Visit(e.args[0]);
    Type b = Visit(e.args[1]);
    switch (e.binary_op) {
      case BinaryOp::kAdd:
        if (a.kind == TypeKind::kString && b.kind == TypeKind::kString) return kStrT;
        if (a.kind == TypeKind::kList && b.kind == TypeKind::kList) {
          std::optional<Type> j = Join(a, b);
          return j ? *j : Type::ListOf(kDyn);
        }
        [[fallthrough]];
      case BinaryOp::kSub:
      case BinaryOp::kMul:
      case BinaryOp::kDiv:
        if (a.kind == TypeKind::kInt && b.kind == TypeKind::kInt) return kIntT;
        if (IsNumeric(a) && IsNumeric(b)) return kDecT;
        if (IsDyn(a) || IsDyn(b)) {
          if ((IsDyn(a) || IsNumeric(a) || e.binary_op == BinaryOp::kAdd) &&
              (IsDyn(b) || IsNumeric(b) || e.binary_op == BinaryOp::kAdd)) {
            return kDyn;
          }
        }
        OperandIssue(e, a, b);
        return kDyn;
      case BinaryOp::kMod:
        if (Is(a, TypeKind::kInt) && Is(b, TypeKind::kInt)) {
          return IsDyn(a) || IsDyn(b) ? kDyn : kIntT;
        }
        OperandIssue(e, a, b);
        return kDyn;
      case BinaryOp::kEq:
      case BinaryOp::kNe:
        if (!Comparable(a, b)) {
          if (a.kind == TypeKind::kNull || b.kind == TypeKind::kNull) {
            TypeIssue(e, "事实缺失不是 null：判断某项数据是否已知请用 has(字段)",
                      "a missing fact is not null: use has(field) to test whether it is known");
          } else {
            OperandIssue(e, a, b);
          }
        }
        return kBoolT;
      case BinaryOp::kLt:
      case BinaryOp::kLe:
      case BinaryOp::kGt:
      case BinaryOp::kGe: {
        bool ok = (IsNumOrDyn(a) && IsNumOrDyn(b)) ||
                  ((a.kind == b.kind || IsDyn(a) || IsDyn(b)) &&
                   (Is(a, TypeKind::kString) || Is(a, TypeKind::kBool) || Is(a, TypeKind::kDate)) &&
                   (Is(b, TypeKind::kString) || Is(b, TypeKind::kBool) || Is(b, TypeKind::kDate)));
        if (!ok) OperandIssue(e, a, b);
        return kBoolT;
      }
      case BinaryOp::kIn:
        if (b.kind == TypeKind::kList) {
          if (!Comparable(a, b.Elem())) OperandIssue(e, a, b);
        } else if (b.kind == TypeKind::kMap) {
          if (!Is(a, TypeKind::kString)) OperandIssue(e, a, b);
        } else if (!IsDyn(b)) {
          OperandIssue(e, a, b);
        }
        return kBoolT;
    }
    return kDyn;
  }

  Type Logic(const Expr& e) {
    for (ExprId arg : e.args) {
      Type t = Visit(arg);
      if (!Is(t, TypeKind::kBool)) {
        const char* op = e.kind == ExprKind::kAnd ? "&&" : "||";
        TypeIssue(ast_.node(arg),
                  absl::StrCat("“", op, "” 两边必须是条件（真/假），这里是 ", TypeNameZh(t)),
                  absl::StrCat("'", op, "' needs bool operands, got ", TypeName(t)));
      }
    }
    return kBoolT;
  }

  Type Cond(const Expr& e) {
    Type c = Visit(e.args[0]);
    Type yes = Visit(e.args[1]);
    Type no = Visit(e.args[2]);
    if (!Is(c, TypeKind::kBool)) {
      TypeIssue(ast_.node(e.args[0]),
                absl::StrCat("“?:” 的条件必须是真/假，这里是 ", TypeNameZh(c)),
                absl::StrCat("the condition of '?:' must be a bool, got ", TypeName(c)));
    }
    std::optional<Type> j = Join(yes, no);
    if (!j) {
      TypeIssue(
          e, absl::StrCat("“?:” 两个分支的类型不同：", TypeNameZh(yes), " 和 ", TypeNameZh(no)),
          absl::StrCat("the branches of '?:' differ: ", TypeName(yes), " and ", TypeName(no)));
      return kDyn;
    }
    return *j;
  }

  Type List(const Expr& e) {
    std::optional<Type> elem;
    for (ExprId arg : e.args) {
      Type t = Visit(arg);
      if (!elem) {
        elem = t;
      } else {
        std::optional<Type> j = Join(*elem, t);
        elem = j ? *j : kDyn;  // a mixed list is a list of dyn, as in CEL
      }
    }
    return Type::ListOf(elem ? *elem : kDyn);
  }

  Type MapLit(const Expr& e) {
    std::optional<Type> value;
    for (std::size_t i = 0; i + 1 < e.args.size(); i += 2) {
      Type k = Visit(e.args[i]);
      if (!Is(k, TypeKind::kString)) {
        TypeIssue(ast_.node(e.args[i]), absl::StrCat("映射的键必须是文本，这里是 ", TypeNameZh(k)),
                  absl::StrCat("map keys must be strings, got ", TypeName(k)));
      }
      Type v = Visit(e.args[i + 1]);
      if (!value) {
        value = v;
      } else {
        std::optional<Type> j = Join(*value, v);
        value = j ? *j : kDyn;
      }
    }
    return Type::MapOf(value ? *value : kDyn);
  }

  // An upper bound on the number of elements `id` can produce, for the iteration limit.
  std::int64_t SizeBound(ExprId id) const {
    const Expr& e = ast_.node(id);
    switch (e.kind) {
      case ExprKind::kList:
        return static_cast<std::int64_t>(e.args.size());
      case ExprKind::kMap:
        return static_cast<std::int64_t>(e.args.size() / 2);
      case ExprKind::kBinary:
        if (e.binary_op == BinaryOp::kAdd) {
          return std::min(kMaxListSize, SizeBound(e.args[0]) + SizeBound(e.args[1]));
        }
        return kMaxListSize;
      case ExprKind::kCond:
        return std::max(SizeBound(e.args[1]), SizeBound(e.args[2]));
      case ExprKind::kComprehension:
        return SizeBound(e.args[0]);
      default:
        return kMaxListSize;
    }
  }

  Type Comprehension(const Expr& e) {
    Type range = Visit(e.args[0]);
    Type var = kDyn;
    if (range.kind == TypeKind::kList) {
      var = range.Elem();
    } else if (range.kind == TypeKind::kMap) {
      var = kStrT;
    } else if (!IsDyn(range)) {
      TypeIssue(
          e, absl::StrCat(MacroText(e.macro), "() 只能用于列表或映射，这里是 ", TypeNameZh(range)),
          absl::StrCat(MacroText(e.macro), "() needs a list or a map, got ", TypeName(range)));
    }
    // Nested comprehensions multiply; refuse a rule whose worst case exceeds the budget.
    std::int64_t saved = iteration_factor_;
    iteration_factor_ =
        std::min(kMaxComprehensionIterations + 1,
                 iteration_factor_ * std::max<std::int64_t>(1, SizeBound(e.args[0])));
    iterations_total_ =
        std::min(kMaxComprehensionIterations + 1, iterations_total_ + iteration_factor_);
    if (iterations_total_ > kMaxComprehensionIterations && !iteration_issue_) {
      iteration_issue_ = true;
      Issue(e, "limit.iterations",
            absl::StrCat("列表运算的循环次数可能超过 ", kMaxComprehensionIterations,
                         " 次，请缩小列表或减少嵌套"),
            absl::StrCat("comprehensions may iterate more than ", kMaxComprehensionIterations,
                         " times"));
    }
    scopes_.emplace_back(e.text, var);
    Type body = Visit(e.args[1]);
    Type result = kBoolT;
    switch (e.macro) {
      case MacroKind::kAll:
      case MacroKind::kExists:
      case MacroKind::kExistsOne:
        RequireBool(e.args[1], body);
        break;
      case MacroKind::kFilter:
        RequireBool(e.args[1], body);
        result = Type::ListOf(var);
        break;
      case MacroKind::kMap:
        if (e.args.size() == 3) {
          RequireBool(e.args[1], body);
          body = Visit(e.args[2]);
        }
        result = Type::ListOf(body);
        break;
    }
    scopes_.pop_back();
    iteration_factor_ = saved;
    return result;
  }

  void RequireBool(ExprId id, const Type& t) {
    if (!Is(t, TypeKind::kBool)) {
      TypeIssue(ast_.node(id), absl::StrCat("这里需要条件（真/假），实际是 ", TypeNameZh(t)),
                absl::StrCat("a bool is needed here, got ", TypeName(t)));
    }
  }

  void ArgIssue(const Expr& e, const char* fn, const std::vector<Type>& args) {
    std::string list;
    for (std::size_t i = 0; i < args.size(); ++i) {
      absl::StrAppend(&list, i ? ", " : "", TypeName(args[i]));
    }
    TypeIssue(e, absl::StrCat("函数 ", fn, " 不接受参数类型 (", list, ")"),
              absl::StrCat("function ", fn, " does not take (", list, ")"));
  }

  void CheckRegexLiteral(ExprId id) {
    const Expr& p = ast_.node(id);
    if (p.kind != ExprKind::kLiteral || p.lit_kind != LiteralKind::kString) return;
    if (p.text.size() > kMaxRegexBytes) {
      Issue(p, "limit.regex",
            absl::StrCat("正则表达式过长：", p.text.size(), " 字节，上限 ", kMaxRegexBytes),
            absl::StrCat("regular expression is ", p.text.size(), " bytes; the limit is ",
                         kMaxRegexBytes));
      return;
    }
    RE2::Options opts;
    opts.set_log_errors(false);
    opts.set_max_mem(kMaxRegexMemoryBytes);
    RE2 re(p.text, opts);
    if (!re.ok()) {
      Issue(p, "check.regex", absl::StrCat("正则表达式无效：", re.error()),
            absl::StrCat("invalid regular expression: ", re.error()));
    }
  }

  Type Call(const Expr& e) {
    std::optional<BuiltinInfo> info = LookupBuiltin(e.text);
    if (!info) {
      for (ExprId a : e.args) Visit(a);
      Issue(e, "check.unknown_function", absl::StrCat("未知函数 “", e.text, "”"),
            absl::StrCat("unknown function '", e.text, "'"));
      return kDyn;
    }
    if (e.has_target && !info->method_ok) {
      for (ExprId a : e.args) Visit(a);
      Issue(e, "check.not_a_method",
            absl::StrCat("“", e.text, "” 不能写成 x.", e.text, "(…)，请写作 ", e.text, "(x, …)"),
            absl::StrCat("'", e.text, "' is not a method; write ", e.text, "(x, ...)"));
      return kDyn;
    }
    int n = static_cast<int>(e.args.size());
    if (n < info->min_args || (info->max_args >= 0 && n > info->max_args)) {
      for (ExprId a : e.args) Visit(a);
      std::string want = info->max_args < 0 ? absl::StrCat("至少 ", info->min_args)
                         : info->min_args == info->max_args
                             ? absl::StrCat(info->min_args)
                             : absl::StrCat(info->min_args, "–", info->max_args);
      std::string want_en = info->max_args < 0 ? absl::StrCat("at least ", info->min_args)
                            : info->min_args == info->max_args
                                ? absl::StrCat(info->min_args)
                                : absl::StrCat(info->min_args, "-", info->max_args);
      Issue(e, "check.arity",
            absl::StrCat("函数 ", e.text, " 需要 ", want, " 个参数，实际 ", n, " 个"),
            absl::StrCat("function ", e.text, " takes ", want_en, " arguments, got ", n));
      return kDyn;
    }
    if (info->id == Builtin::kHasFact) {
      const Expr& arg = ast_.node(e.args[0]);
      bool is_fact = arg.kind == ExprKind::kIdent &&
                     (schema_.FindField(arg.text) || schema_.FindParameter(arg.text));
      if (!is_fact) {
        Visit(e.args[0]);
        Issue(e, "check.has_argument",
              "has() 的参数应为字段名（has(营收字段)）或映射字段（has(m.f)）",
              "has() takes a field name or a map field selection");
      } else {
        Visit(e.args[0]);
      }
      return kBoolT;
    }
    std::vector<Type> args;
    for (ExprId a : e.args) args.push_back(Visit(a));
    return CallType(e, *info, args);
  }

  Type CallType(const Expr& e, const BuiltinInfo& info, const std::vector<Type>& a) {
    auto all = [&](auto pred) { return std::all_of(a.begin(), a.end(), pred); };
    switch (info.id) {
      case Builtin::kSize:
        if (Is(a[0], TypeKind::kString) || a[0].kind == TypeKind::kList ||
            a[0].kind == TypeKind::kMap) {
          return kIntT;
        }
        break;
      case Builtin::kContains:
      case Builtin::kStartsWith:
      case Builtin::kEndsWith:
      case Builtin::kMatches:
        if (info.id == Builtin::kMatches) CheckRegexLiteral(e.args[1]);
        if (Is(a[0], TypeKind::kString) && Is(a[1], TypeKind::kString)) return kBoolT;
        break;
      case Builtin::kInt:
        if (IsNumOrDyn(a[0]) || a[0].kind == TypeKind::kString) return kIntT;
        break;
      case Builtin::kString:
        if (IsNumOrDyn(a[0]) || a[0].kind == TypeKind::kString || a[0].kind == TypeKind::kDate ||
            a[0].kind == TypeKind::kBool) {
          return kStrT;
        }
        break;
      case Builtin::kDecimal: {
        const Expr& arg = ast_.node(e.args[0]);
        if (arg.kind == ExprKind::kLiteral && arg.lit_kind == LiteralKind::kString &&
            !core::Decimal::Parse(arg.text).ok()) {
          Issue(arg, "check.decimal_literal", absl::StrCat("“", arg.text, "” 不是有效的小数"),
                absl::StrCat("'", arg.text, "' is not a valid decimal"));
        }
        if (IsNumOrDyn(a[0]) || a[0].kind == TypeKind::kString) return kDecT;
        break;
      }
      case Builtin::kDate: {
        const Expr& arg = ast_.node(e.args[0]);
        if (arg.kind == ExprKind::kLiteral && arg.lit_kind == LiteralKind::kString &&
            !core::Date::Parse(arg.text).ok()) {
          Issue(arg, "check.date_literal",
                absl::StrCat("“", arg.text, "” 不是有效日期，应为 YYYY-MM-DD，如 2024-01-01"),
                absl::StrCat("'", arg.text, "' is not a valid date (YYYY-MM-DD)"));
        }
        if (Is(a[0], TypeKind::kString) || a[0].kind == TypeKind::kDate) return kDateT;
        break;
      }
      case Builtin::kMin:
      case Builtin::kMax: {
        if (a.size() == 1) {
          if (a[0].kind == TypeKind::kList) return a[0].Elem();
          if (IsDyn(a[0])) return kDyn;
          break;
        }
        if (all([](const Type& t) { return IsNumOrDyn(t); })) {
          if (all([](const Type& t) { return t.kind == TypeKind::kInt; })) return kIntT;
          if (all([](const Type& t) { return IsNumeric(t); })) return kDecT;
          return kDyn;
        }
        for (TypeKind k : {TypeKind::kString, TypeKind::kDate}) {
          if (all([k](const Type& t) { return Is(t, k); })) return Type::Of(k);
        }
        break;
      }
      case Builtin::kRound: {
        if (a.size() == 2) {
          const Expr& places = ast_.node(e.args[1]);
          if (places.kind == ExprKind::kLiteral && places.lit_kind == LiteralKind::kInt &&
              (places.int_value < 0 || places.int_value > kMaxDecimalScale)) {
            Issue(places, "check.round_places",
                  absl::StrCat("round 的小数位数应在 0 到 ", kMaxDecimalScale, " 之间"),
                  absl::StrCat("round() places must be 0..", kMaxDecimalScale));
          }
          if (!Is(a[1], TypeKind::kInt)) break;
        }
        if (IsNumOrDyn(a[0])) return kDecT;
        break;
      }
      case Builtin::kYearsBetween:
      case Builtin::kDaysBetween:
        if (Is(a[0], TypeKind::kDate) && Is(a[1], TypeKind::kDate)) return kIntT;
        break;
      case Builtin::kHasFact:
        return kBoolT;
    }
    ArgIssue(e, info.name, a);
    return kDyn;
  }

  const Ast& ast_;
  const Schema& schema_;
  const CheckOptions& options_;
  IssueList& issues_;
  std::vector<Type> types_;
  std::vector<std::pair<std::string, Type>> scopes_;
  std::int64_t iteration_factor_ = 1;
  std::int64_t iterations_total_ = 0;
  bool iteration_issue_ = false;
};

}  // namespace

CheckResult Check(std::string_view source, const Schema& schema, ResultKind kind,
                  const CheckOptions& options) {
  CheckResult result;
  ParseResult parsed = Parse(source);
  if (!parsed.ok()) {
    result.issues = std::move(parsed.issues);
    return result;
  }
  result.ast = std::move(parsed.ast);
  IssueList issues;
  Checker checker(result.ast, schema, options, issues);
  result.result_type = checker.Run();
  result.types = checker.TakeTypes();
  const Type& t = result.result_type;
  const Expr& root = result.ast.node(result.ast.root());
  if (options.check_types && kind == ResultKind::kBool && !Is(t, TypeKind::kBool)) {
    issues.Add(root.pos, "check.result_type",
               absl::StrCat("申报条件的结果必须是真/假（bool），这里是 ", TypeNameZh(t)),
               absl::StrCat("an eligibility rule must give a bool, this gives ", TypeName(t)));
  }
  if (options.check_types && kind == ResultKind::kDecimal && !IsNumOrDyn(t)) {
    issues.Add(root.pos, "check.result_type",
               absl::StrCat("奖补金额公式的结果必须是数字，这里是 ", TypeNameZh(t)),
               absl::StrCat("an award formula must give a number, this gives ", TypeName(t)));
  }
  result.issues = issues.Release();
  return result;
}

}  // namespace zhida::rules
