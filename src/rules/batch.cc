// The batch evaluator's driver: preparing a program for a table (step modes, lookup tables),
// walking the steps over a batch, and sending the rows the typed path could not finish to
// EvalRow. The kernels are in batch_logic.cc, batch_compare.cc, batch_arith.cc and
// batch_scalar.cc; the award in batch_award.cc.
#include "rules/batch.h"

#include <algorithm>
#include <numeric>

#include "rules/batch_internal.h"
#include "rules/eval_internal.h"
#include "rules/limits.h"

namespace zhida::rules {

using batch_internal::Ctx;
using batch_internal::Lookup;
using batch_internal::RowState;
using batch_internal::Sel;
using batch_internal::StepMode;
using batch_internal::StepPlan;
using batch_internal::Vec;
using batch_internal::VecKind;

namespace {

// The first step of every step's subtree (steps are in post-order, subtrees contiguous).
std::vector<std::int32_t> SubtreeStarts(const std::vector<Step>& steps) {
  std::vector<std::int32_t> start(steps.size());
  for (std::size_t i = 0; i < steps.size(); ++i) {
    start[i] = steps[i].args.empty() ? static_cast<std::int32_t>(i)
                                     : start[static_cast<std::size_t>(steps[i].args[0])];
  }
  return start;
}

// The one field the steps [first, last] read, or -1 when they read none, several, or cannot be
// evaluated apart from the rest of the program (loop variables, comprehensions).
int SoleField(const std::vector<Step>& steps, std::int32_t first, std::int32_t last) {
  int field = -1;
  for (std::int32_t i = first; i <= last; ++i) {
    const Step& s = steps[static_cast<std::size_t>(i)];
    if (s.op == OpCode::kComprehension || s.op == OpCode::kLoopVar) return -1;
    if (s.op != OpCode::kField && s.op != OpCode::kHasFact) continue;
    if (field >= 0 && field != s.slot) return -1;
    field = s.slot;
  }
  return field;
}

}  // namespace

BatchProgram::~BatchProgram() = default;

const StepPlan& BatchProgram::plan(std::int32_t step) const {
  return plans_[static_cast<std::size_t>(step)];
}

std::shared_ptr<const BatchProgram> BatchProgram::Prepare(std::shared_ptr<const Program> program,
                                                          const ColumnTable* table,
                                                          core::Date as_of) {
  ZCHECK(program != nullptr && table != nullptr);
  ZCHECK(table->schema()->SameFields(program->schema()));
  std::shared_ptr<BatchProgram> p(new BatchProgram());
  p->program_ = std::move(program);
  p->table_ = table;
  p->as_of_ = as_of;
  const std::vector<int>& used = p->program_->fields_used();
  p->rows_only_ = static_cast<int>(used.size()) > kBatchFieldsMax;
  p->bit_of_field_.assign(p->program_->schema().fields().size(), -1);
  if (!p->rows_only_) {
    for (std::size_t b = 0; b < used.size(); ++b) {
      p->bit_of_field_[static_cast<std::size_t>(used[b])] = static_cast<int>(b);
    }
    p->bits_by_code_.resize(used.size());
    std::iota(p->bits_by_code_.begin(), p->bits_by_code_.end(), 0);
    const auto& fields = p->program_->schema().fields();
    std::sort(p->bits_by_code_.begin(), p->bits_by_code_.end(), [&](int a, int b) {
      return fields[static_cast<std::size_t>(used[static_cast<std::size_t>(a)])].code <
             fields[static_cast<std::size_t>(used[static_cast<std::size_t>(b)])].code;
    });
  }
  p->PlanSteps();
  return p;
}

void BatchProgram::PlanSteps() {
  const std::vector<Step>& steps = program_->steps();
  plans_.resize(steps.size());
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const Step& s = steps[i];
    StepPlan& plan = plans_[i];
    if (s.op == OpCode::kComprehension) plan.mode = StepMode::kRows;
    if (s.op == OpCode::kParam)
      plan.constant = internal::ParamValue(program_->schema(), s.slot, as_of_);
    if (s.op == OpCode::kAsOf) plan.constant = Value::Date(as_of_);
  }
  if (!rows_only_) PlanLookups(program_->root(), SubtreeStarts(steps));
  // The cost of a step's subtree in kernel calls, for ordering `&&` / `||` operands.
  std::vector<double> cost(steps.size());
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const Step& s = steps[i];
    StepPlan& plan = plans_[i];
    cost[i] = plan.mode == StepMode::kLookup ? 1 : (s.args.empty() ? 0 : 1);
    if (plan.mode != StepMode::kLookup) {
      for (std::int32_t a : s.args) cost[i] += cost[static_cast<std::size_t>(a)];
    }
    if (s.op == OpCode::kComprehension || s.op == OpCode::kCall) cost[i] += 10;  // row by row
    if (s.op == OpCode::kAnd || s.op == OpCode::kOr) {
      plan.order.resize(s.args.size());
      std::iota(plan.order.begin(), plan.order.end(), 0);
      for (std::int32_t a : s.args) plan.cost.push_back(cost[static_cast<std::size_t>(a)]);
    }
  }
}

// Turns the largest subtrees that read one few-valued column into lookup tables.
void BatchProgram::PlanLookups(std::int32_t index, const std::vector<std::int32_t>& start) {
  const std::vector<Step>& steps = program_->steps();
  const Step& step = steps[static_cast<std::size_t>(index)];
  if (step.args.empty()) return;  // a leaf is read directly
  const int field = step.type == TypeKind::kBool
                        ? SoleField(steps, start[static_cast<std::size_t>(index)], index)
                        : -1;
  const Column* column = field >= 0 ? &table_->column(field) : nullptr;
  const bool few_values =
      column != nullptr && ((column->type == FieldType::kString && column->dict_encoded) ||
                            column->type == FieldType::kBool);
  if (few_values) {
    // The subtree's value for each distinct cell, then for an unknown cell (the last entry).
    std::vector<Value> cells;
    if (column->type == FieldType::kBool) {
      cells = {Value::Bool(false), Value::Bool(true)};
    } else {
      for (const std::string& text : column->dict) cells.push_back(Value::String(text));
    }
    cells.push_back(
        Value::Unknown(program_->schema().fields()[static_cast<std::size_t>(field)].code));
    auto lookup = std::make_unique<Lookup>();
    lookup->field = field;
    bool all_bool = true;
    Activation activation(table_->schema(), as_of_);
    for (const Value& cell : cells) {
      activation.SetIndex(field, cell);
      internal::RowEvaluator ev(steps, &program_->schema(), &activation, program_->loop_slots());
      Value v = ev.Eval(index);
      if (!v.is_bool() && !v.is_special()) all_bool = false;
      lookup->value.push_back(v.is_bool() && v.bool_value() ? 1 : 0);
      lookup->state.push_back(
          v.is_unknown() ? batch_internal::kUnknown
                         : (v.is_error() ? batch_internal::kError : batch_internal::kData));
      if (&cell != &cells.back()) lookup->any_special = lookup->any_special || v.is_special();
      lookup->special.push_back(v.is_special() ? v : Value());
    }
    if (all_bool) {
      plans_[static_cast<std::size_t>(index)].mode = StepMode::kLookup;
      plans_[static_cast<std::size_t>(index)].lookup = std::move(lookup);
      return;
    }
  }
  for (std::int32_t a : step.args) PlanLookups(a, start);
}

namespace batch_internal {

bool g_fault_compare_ge = false;
bool g_shuffle_operands = false;

namespace {

void FieldVec(Ctx& c, int field, Sel sel, Vec* out) {
  const Column& col = c.program.table().column(field);
  const std::size_t begin = static_cast<std::size_t>(c.begin);
  out->field_mask = std::uint64_t{1} << c.program.bit_of_field(field);
  if (col.has_state()) out->state = col.state.data() + begin;
  switch (col.type) {
    case FieldType::kBool:
      out->kind = VecKind::kBool;
      out->u8 = col.u8.data() + begin;
      return;
    case FieldType::kInt:
      out->kind = VecKind::kInt;
      out->i64 = col.i64.data() + begin;
      return;
    case FieldType::kDecimal:
      out->kind = VecKind::kNum;
      out->i64 = col.i64.data() + begin;
      out->scale = col.scale;
      if (!col.scales.empty()) out->scales = col.scales.data() + begin;
      return;
    case FieldType::kDate:
      out->kind = VecKind::kDate;
      out->i32 = col.i32.data() + begin;
      return;
    case FieldType::kString: {
      out->kind = VecKind::kString;
      if (col.dict_encoded) {
        out->i32 = col.i32.data() + begin;
        out->dict = col.dict.data();
        return;
      }
      auto* views = c.s.arena.Alloc<std::string_view>();
      for (int k = 0; k < sel.n; ++k) {
        const int r = sel.rows[k];
        if (col.cell_state(c.begin + r) == CellState::kKnown) views[r] = col.StringAt(c.begin + r);
      }
      out->str = views;
      return;
    }
    default:
      out->kind = VecKind::kBoxed;
      out->boxed = col.values.data() + begin;
      return;
  }
}

void HasFactVec(Ctx& c, int field, Sel sel, Vec* out) {
  const Column& col = c.program.table().column(field);
  if (!col.has_state()) {
    *out = ConstVec(c, Value::Bool(true));
    return;
  }
  auto* u8 = c.s.arena.Alloc<std::uint8_t>();
  const std::uint8_t* state = col.state.data() + c.begin;
  for (int k = 0; k < sel.n; ++k) {
    const int r = sel.rows[k];
    u8[r] = state[r] != static_cast<std::uint8_t>(CellState::kUnknown);
  }
  out->kind = VecKind::kBool;
  out->u8 = u8;
}

void AllFallback(Ctx& c, Sel sel, Vec* out) {
  auto* state = c.s.arena.Alloc<std::uint8_t>();
  for (int k = 0; k < sel.n; ++k) state[sel.rows[k]] = kFallback;
  out->kind = VecKind::kNull;
  out->state = state;
}

}  // namespace

void Eval(Ctx& c, std::int32_t index, Sel sel, Vec* out) {
  const Step& step = c.program.program().steps()[static_cast<std::size_t>(index)];
  const StepPlan& plan = c.program.plan(index);
  out->Clear();
  if (plan.mode == StepMode::kLookup) return EvalLookup(c, *plan.lookup, sel, out);
  if (plan.mode == StepMode::kRows) return AllFallback(c, sel, out);
  switch (step.op) {
    case OpCode::kConst:
      *out = ConstVec(c, step.constant);
      return;
    case OpCode::kParam:
    case OpCode::kAsOf:
      *out = ConstVec(c, plan.constant);
      return;
    case OpCode::kField:
      return FieldVec(c, step.slot, sel, out);
    case OpCode::kHasFact:
      return HasFactVec(c, step.slot, sel, out);
    case OpCode::kNot:
      return EvalNot(c, step, sel, out);
    case OpCode::kNeg:
      return EvalNeg(c, step, sel, out);
    case OpCode::kArith:
      return EvalArith(c, step, sel, out);
    case OpCode::kCompare:
      return EvalCompare(c, step, sel, out);
    case OpCode::kAnd:
    case OpCode::kOr:
      return EvalLogic(c, step, plan, sel, out);
    case OpCode::kCond:
      return EvalCond(c, step, sel, out);
    case OpCode::kCall:
      if ((step.builtin == Builtin::kMin || step.builtin == Builtin::kMax) &&
          step.args.size() >= 2) {
        return EvalMinMax(c, step, sel, out);
      }
      if (step.builtin == Builtin::kYearsBetween || step.builtin == Builtin::kDaysBetween) {
        return EvalDateDiff(c, step, sel, out);
      }
      break;
    default:
      break;
  }
  std::vector<Vec> args(step.args.size());
  for (std::size_t i = 0; i < args.size(); ++i) Eval(c, step.args[i], sel, &args[i]);
  EvalPerRow(c, step, args, sel, out);
}

}  // namespace batch_internal

BatchScratch::BatchScratch() : state_(std::make_unique<State>()) {
  std::iota(std::begin(state_->identity), std::end(state_->identity), 0);
}

BatchScratch::~BatchScratch() = default;

namespace {

// EvalRow over table row `begin + r`: the reference, for the rows the typed path gave up on.
Value EvalRowAt(const BatchProgram& program, BatchScratch::State& s, std::int64_t row) {
  if (!s.activation.has_value() || &s.activation->schema() != program.table().schema().get()) {
    s.activation.emplace(program.table().schema(), program.as_of());
  }
  s.activation->set_as_of(program.as_of());
  program.table().Fill(row, &*s.activation);
  return EvalRow(program.program(), *s.activation).value;
}

}  // namespace

BatchResult EvalBatch(const BatchProgram& program, std::int64_t begin, int count,
                      const std::uint16_t* selection, int selected, BatchScratch* scratch) {
  ZCHECK(count >= 0 && count <= kBatchRows && begin >= 0 &&
         begin + count <= program.table().rows());
  BatchScratch::State& s = scratch->state();
  s.arena.Reset();
  s.errors.clear();
  const Sel sel = selection != nullptr ? Sel{selection, selected} : Sel{s.identity, count};
  Ctx c{program, s, begin, count};
  s.rows = sel;
  if (program.rows_only()) {
    batch_internal::Vec none;
    auto* state = s.arena.Alloc<std::uint8_t>();
    for (int k = 0; k < sel.n; ++k) state[sel.rows[k]] = batch_internal::kFallback;
    none.state = state;
    s.root = none;
  } else {
    batch_internal::Eval(c, program.program().root(), sel, &s.root);
  }
  s.any_fallback = false;
  if (s.root.state != nullptr) {
    for (int k = 0; k < sel.n; ++k) {
      const int r = sel.rows[k];
      if (s.root.StateAt(r) != batch_internal::kFallback) continue;
      if (!s.any_fallback) std::fill(s.fallback, s.fallback + count, 0);
      s.any_fallback = true;
      s.fallback[r] = 1;
      s.fallback_values[static_cast<std::size_t>(r)] = EvalRowAt(program, s, begin + r);
    }
  }
  return BatchResult(program, &s);
}

Value BatchResult::Get(int r) const {
  if (scratch_->FellBack(r)) return scratch_->fallback_values[static_cast<std::size_t>(r)];
  return batch_internal::Box(*program_, *scratch_, scratch_->root, r);
}

RowKind BatchResult::Kind(int r) const {
  const Vec& v = scratch_->root;
  if (!scratch_->FellBack(r)) {
    switch (v.StateAt(r)) {
      case batch_internal::kUnknown:
        return RowKind::kUnknown;
      case batch_internal::kError:
        return RowKind::kError;
      default:
        break;
    }
    if (v.kind == VecKind::kBool) return v.u8[v.At(r)] ? RowKind::kTrue : RowKind::kFalse;
    if (v.kind != VecKind::kBoxed) return RowKind::kOther;
  }
  const Value value = Get(r);
  if (value.is_bool()) return value.bool_value() ? RowKind::kTrue : RowKind::kFalse;
  if (value.is_unknown()) return RowKind::kUnknown;
  if (value.is_error()) return RowKind::kError;
  return RowKind::kOther;
}

std::uint64_t BatchResult::UnknownMask(int r) const {
  if (!scratch_->FellBack(r)) return scratch_->root.AuxAt(r);
  std::uint64_t mask = 0;
  batch_internal::MaskFromUnknown(*program_, scratch_->fallback_values[static_cast<std::size_t>(r)],
                                  &mask);
  return mask;
}

const ErrorInfo& BatchResult::Error(int r) const {
  if (scratch_->FellBack(r)) {
    return scratch_->fallback_values[static_cast<std::size_t>(r)].error_value();
  }
  return scratch_->errors[static_cast<std::size_t>(scratch_->root.AuxAt(r))].error_value();
}

bool BatchResult::AllBool() const {
  const Vec& v = scratch_->root;
  return v.kind == VecKind::kBool && v.state == nullptr && !scratch_->any_fallback;
}

int BatchResult::SelectTrue(std::uint16_t* out) const {
  const Vec& v = scratch_->root;
  const std::uint16_t* selection = scratch_->rows.rows;
  const int selected = scratch_->rows.n;
  int n = 0;
  if (AllBool() && v.true_rows != nullptr) {
    std::copy(v.true_rows, v.true_rows + v.true_count, out);
    return v.true_count;
  }
  if (AllBool()) {
    for (int k = 0; k < selected; ++k) {
      const int r = selection[k];
      out[n] = static_cast<std::uint16_t>(r);
      n += v.u8[v.At(r)];
    }
    return n;
  }
  for (int k = 0; k < selected; ++k) {
    const int r = selection[k];
    if (Kind(r) == RowKind::kTrue) out[n++] = static_cast<std::uint16_t>(r);
  }
  return n;
}

void SetBatchFaultForTest(bool compare_ge_off_by_one) {
  batch_internal::g_fault_compare_ge = compare_ge_off_by_one;
}

void SetBatchShuffleForTest(bool shuffle) { batch_internal::g_shuffle_operands = shuffle; }

}  // namespace zhida::rules
