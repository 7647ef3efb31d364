#include "rules/program.h"

#include <algorithm>

#include "re2/re2.h"
#include "rules/eval_internal.h"
#include "rules/limits.h"

namespace zhida::rules {

std::string Program::StepText(std::int32_t step) const {
  const std::string& cached = step_texts_[static_cast<std::size_t>(step)];
  if (!cached.empty()) return cached;
  return Print(ast_, steps_[static_cast<std::size_t>(step)].expr);
}

// Turns a checked Ast into the steps of a Program (see program.h).
class Planner {
 public:
  Planner(const Ast& ast, const std::vector<Type>& types, const Schema& schema, Program* program)
      : ast_(ast), types_(types), schema_(schema), p_(program) {}

  void Run() {
    std::int32_t root = Plan(ast_.root());
    ZCHECK(root == p_->root());
    const Step& r = p_->steps_.back();
    if (r.op == OpCode::kAnd) {
      p_->conditions_ = r.args;
    } else {
      p_->conditions_ = {root};
    }
    std::sort(p_->fields_used_.begin(), p_->fields_used_.end());
    p_->fields_used_.erase(std::unique(p_->fields_used_.begin(), p_->fields_used_.end()),
                           p_->fields_used_.end());
    p_->loop_slots_ = max_loop_depth_;
  }

 private:
  std::vector<Step>& steps() { return p_->steps_; }

  Step Make(OpCode op, ExprId id) {
    Step s;
    s.op = op;
    s.expr = id;
    s.type = types_[static_cast<std::size_t>(id)].kind;
    return s;
  }

  // Appends `s`, whose subtree's steps start at `start`. When every operand is a constant and
  // the step reads nothing from the activation, evaluates it now and keeps only the result.
  std::int32_t Emit(Step s, std::size_t start) {
    bool foldable = s.op != OpCode::kConst && s.op != OpCode::kField && s.op != OpCode::kParam &&
                    s.op != OpCode::kAsOf && s.op != OpCode::kLoopVar && s.op != OpCode::kHasFact;
    for (std::int32_t a : s.args) {
      if (steps()[static_cast<std::size_t>(a)].op != OpCode::kConst) foldable = false;
    }
    Specialize(s);
    steps().push_back(std::move(s));
    std::int32_t index = static_cast<std::int32_t>(steps().size()) - 1;
    if (!foldable) return index;
    internal::RowEvaluator ev(steps(), &schema_, nullptr, max_loop_depth_ + 1);
    Value v = ev.Eval(index);
    Step c = Make(OpCode::kConst, steps()[static_cast<std::size_t>(index)].expr);
    c.constant = std::move(v);
    steps().resize(start);
    steps().push_back(std::move(c));
    return static_cast<std::int32_t>(steps().size()) - 1;
  }

  // Precomputes what a step can: a hash set for `in` over constant strings, a compiled regex.
  void Specialize(Step& s) {
    if (s.op == OpCode::kIn) {
      const Step& coll = steps()[static_cast<std::size_t>(s.args[1])];
      if (coll.op == OpCode::kConst && coll.constant.is_list() &&
          !coll.constant.list_value().empty()) {
        auto set = std::make_shared<absl::flat_hash_set<std::string>>();
        for (const Value& e : coll.constant.list_value()) {
          if (!e.is_string()) return;
          set->insert(e.string_value());
        }
        s.string_set = std::move(set);
      }
    }
    if (s.op == OpCode::kCall && s.builtin == Builtin::kMatches) {
      const Step& pat = steps()[static_cast<std::size_t>(s.args[1])];
      if (pat.op == OpCode::kConst && pat.constant.is_string() &&
          pat.constant.string_value().size() <= kMaxRegexBytes) {
        RE2::Options opts;
        opts.set_log_errors(false);
        opts.set_max_mem(kMaxRegexMemoryBytes);
        const std::string& text = pat.constant.string_value();
        auto re = std::make_shared<RE2>(text, opts);
        if (re->ok()) s.regex = std::move(re);
      }
    }
  }

  std::int32_t PlanAll(ExprId id, OpCode op) {
    std::size_t start = steps().size();
    Step s = Make(op, id);
    for (ExprId a : ast_.node(id).args) s.args.push_back(Plan(a));
    return Emit(std::move(s), start);
  }

  std::int32_t Leaf(Step s) { return Emit(std::move(s), steps().size()); }

  std::int32_t Plan(ExprId id) {
    const Expr& e = ast_.node(id);
    switch (e.kind) {
      case ExprKind::kLiteral: {
        Step s = Make(OpCode::kConst, id);
        switch (e.lit_kind) {
          case LiteralKind::kNull:
            break;
          case LiteralKind::kBool:
            s.constant = Value::Bool(e.bool_value);
            break;
          case LiteralKind::kInt:
            s.constant = Value::Int(e.int_value);
            break;
          case LiteralKind::kString:
            s.constant = Value::String(e.text);
            break;
          case LiteralKind::kDecimal: {
            absl::StatusOr<core::Decimal> d = core::Decimal::Parse(e.text);
            s.constant = d.ok() ? Value::Dec(*d) : internal::ErrFromStatus(d.status());
            break;
          }
        }
        return Leaf(std::move(s));
      }
      case ExprKind::kIdent:
        return Ident(id, e);
      case ExprKind::kSelect: {
        std::int32_t start = static_cast<std::int32_t>(steps().size());
        Step s = Make(e.test_only ? OpCode::kHasKey : OpCode::kSelect, id);
        s.name = e.text;
        s.args = {Plan(e.args[0])};
        return Emit(std::move(s), static_cast<std::size_t>(start));
      }
      case ExprKind::kIndex:
        return PlanAll(id, OpCode::kIndex);
      case ExprKind::kUnary:
        return PlanAll(id, e.unary_op == UnaryOp::kNot ? OpCode::kNot : OpCode::kNeg);
      case ExprKind::kBinary: {
        OpCode op = OpCode::kCompare;
        switch (e.binary_op) {
          case BinaryOp::kAdd:
          case BinaryOp::kSub:
          case BinaryOp::kMul:
          case BinaryOp::kDiv:
          case BinaryOp::kMod:
            op = OpCode::kArith;
            break;
          case BinaryOp::kIn:
            op = OpCode::kIn;
            break;
          default:
            break;
        }
        std::size_t start = steps().size();
        Step s = Make(op, id);
        s.binary_op = e.binary_op;
        s.args = {Plan(e.args[0]), Plan(e.args[1])};
        return Emit(std::move(s), start);
      }
      case ExprKind::kAnd:
        return PlanAll(id, OpCode::kAnd);
      case ExprKind::kOr:
        return PlanAll(id, OpCode::kOr);
      case ExprKind::kCond:
        return PlanAll(id, OpCode::kCond);
      case ExprKind::kList:
        return PlanAll(id, OpCode::kList);
      case ExprKind::kMap:
        return PlanAll(id, OpCode::kMap);
      case ExprKind::kCall:
        return Call(id, e);
      case ExprKind::kComprehension:
        return Comprehension(id, e);
    }
    return Leaf(Make(OpCode::kConst, id));
  }

  std::int32_t Ident(ExprId id, const Expr& e) {
    for (auto it = scopes_.rbegin(); it != scopes_.rend(); ++it) {
      if (it->first == e.text) {
        Step s = Make(OpCode::kLoopVar, id);
        s.slot = it->second;
        return Leaf(std::move(s));
      }
    }
    if (e.text == kAsOfName) return Leaf(Make(OpCode::kAsOf, id));
    int field = schema_.FieldIndex(e.text);
    if (field >= 0) {
      Step s = Make(OpCode::kField, id);
      s.slot = field;
      p_->fields_used_.push_back(field);
      return Leaf(std::move(s));
    }
    int param = schema_.ParameterIndex(e.text);
    ZCHECK(param >= 0);  // the checker resolved every name
    Step s = Make(OpCode::kParam, id);
    s.slot = param;
    return Leaf(std::move(s));
  }

  std::int32_t Call(ExprId id, const Expr& e) {
    std::optional<BuiltinInfo> info = LookupBuiltin(e.text);
    ZCHECK(info.has_value());
    if (info->id == Builtin::kHasFact) {
      const Expr& arg = ast_.node(e.args[0]);
      int field = schema_.FieldIndex(arg.text);
      if (field < 0) {  // a parameter is always known
        Step s = Make(OpCode::kConst, id);
        s.constant = Value::Bool(true);
        return Leaf(std::move(s));
      }
      Step s = Make(OpCode::kHasFact, id);
      s.slot = field;
      p_->fields_used_.push_back(field);
      return Leaf(std::move(s));
    }
    std::size_t start = steps().size();
    Step s = Make(OpCode::kCall, id);
    s.builtin = info->id;
    for (ExprId a : e.args) s.args.push_back(Plan(a));
    return Emit(std::move(s), start);
  }

  std::int32_t Comprehension(ExprId id, const Expr& e) {
    std::size_t start = steps().size();
    Step s = Make(OpCode::kComprehension, id);
    s.macro = e.macro;
    s.args.push_back(Plan(e.args[0]));
    int slot = static_cast<int>(scopes_.size());
    s.slot = slot;
    max_loop_depth_ = std::max(max_loop_depth_, slot + 1);
    scopes_.emplace_back(e.text, slot);
    for (std::size_t i = 1; i < e.args.size(); ++i) s.args.push_back(Plan(e.args[i]));
    scopes_.pop_back();
    return Emit(std::move(s), start);
  }

  const Ast& ast_;
  const std::vector<Type>& types_;
  const Schema& schema_;
  Program* p_;
  std::vector<std::pair<std::string, int>> scopes_;
  int max_loop_depth_ = 0;
};

CompileResult Compile(std::string_view source, std::shared_ptr<const Schema> schema,
                      ResultKind kind, const CheckOptions& options) {
  ZCHECK(schema != nullptr);
  CompileResult result;
  CheckResult checked = Check(source, *schema, kind, options);
  if (!checked.ok()) {
    result.issues = std::move(checked.issues);
    return result;
  }
  auto program = std::make_shared<Program>();
  program->schema_ = std::move(schema);
  program->kind_ = kind;
  program->source_ = std::string(source);
  Planner(checked.ast, checked.types, *program->schema_, program.get()).Run();
  program->ast_ = std::move(checked.ast);
  program->step_texts_.resize(program->steps_.size());
  for (std::int32_t c : program->conditions_) {
    const Step& step = program->steps_[static_cast<std::size_t>(c)];
    program->step_texts_[static_cast<std::size_t>(c)] = Print(program->ast_, step.expr);
    for (std::int32_t a : step.args) {
      const Step& operand = program->steps_[static_cast<std::size_t>(a)];
      program->step_texts_[static_cast<std::size_t>(a)] = Print(program->ast_, operand.expr);
    }
  }
  result.program = std::move(program);
  return result;
}

}  // namespace zhida::rules
