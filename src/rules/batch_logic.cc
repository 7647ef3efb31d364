// The batch evaluator's logic: `&&` and `||` over selection vectors, `?:`, `!`, and lookups of
// subtrees that read one few-valued column.
//
// `&&` (and `||` alike) follows the row evaluator's Logic exactly: a false operand decides the
// row whatever the others are; otherwise every operand was evaluated and the row is unknown if
// any operand was (the union of their missing facts), else the error of the first erring
// operand, else true. Since a false decides wherever it appears, operands may be evaluated in
// any order (StepPlan::order): a row leaves the selection at its first false, and an error
// remembers its operand's position so that "first" means first in the rule.
#include <algorithm>
#include <cstring>

#include "rules/batch_internal.h"
#include "rules/eval_internal.h"

namespace zhida::rules::batch_internal {
namespace {

// The bool at row r, or false (with *error set) when the row holds data of another kind.
bool BoolAt(Ctx& c, const Vec& v, int r, const char* op, std::uint64_t* error) {
  const int i = v.At(r);
  if (v.kind == VecKind::kBool) return v.u8[i] != 0;
  if (v.kind == VecKind::kBoxed && v.boxed[i].is_bool()) return v.boxed[i].bool_value();
  *error = AddError(c, internal::NoOverload(op, Box(c, v, r)));
  return false;
}

// Folds an operand's special row into the row's pending outcome (see the file comment).
void MergePending(std::uint8_t s, std::uint64_t a, int position, std::uint8_t* state,
                  std::uint64_t* aux, std::int32_t* pos) {
  if (*state == kFallback) return;
  if (s == kFallback) {
    *state = kFallback;
  } else if (s == kUnknown) {
    *aux = *state == kUnknown ? (*aux | a) : a;
    *state = kUnknown;
  } else if (*state == kData || (*state == kError && position < *pos)) {
    *state = kError;
    *aux = a;
    *pos = position;
  }
}

// The representation a `?:` result takes when its branches are `a` and `b`.
struct Unified {
  VecKind kind = VecKind::kNull;
  bool per_row_scales = false;
  int scale = 0;
  const std::string* dict = nullptr;
};

Unified Unify(const Vec* a, const Vec* b) {
  Unified u;
  const Vec* only = a == nullptr ? b : (b == nullptr ? a : nullptr);
  const Vec& x = only != nullptr ? *only : *a;
  const Vec& y = only != nullptr ? *only : *b;
  if (x.IsNumeric() && y.IsNumeric()) {
    if (x.kind == VecKind::kInt && y.kind == VecKind::kInt) {
      u.kind = VecKind::kInt;
      return u;
    }
    u.kind = VecKind::kNum;
    u.per_row_scales =
        x.kind != y.kind || x.scales != nullptr || y.scales != nullptr || x.scale != y.scale;
    u.scale = x.scale;
    return u;
  }
  if (x.kind == y.kind && (x.kind == VecKind::kBool || x.kind == VecKind::kDate)) {
    u.kind = x.kind;
    return u;
  }
  if (x.kind == VecKind::kString && y.kind == VecKind::kString && x.dict != nullptr &&
      x.dict == y.dict) {
    u.kind = VecKind::kString;
    u.dict = x.dict;
    return u;
  }
  u.kind = VecKind::kBoxed;
  return u;
}

// Copies the rows of `rows` from a branch into the `?:` result.
void CopyRows(Ctx& c, const Vec& src, Sel rows, const Unified& u, MutVec* dst, Value* boxed,
              std::int32_t* codes) {
  for (int k = 0; k < rows.n; ++k) {
    const int r = rows.rows[k];
    const std::uint8_t s = src.StateAt(r);
    if (dst->state != nullptr) {
      dst->state[r] = s;
      if (s != kData) {
        dst->aux[r] = src.AuxAt(r);
        continue;
      }
    }
    const int i = src.At(r);
    switch (u.kind) {
      case VecKind::kBool:
        dst->u8[r] = src.u8[i];
        break;
      case VecKind::kInt:
      case VecKind::kNum:
        dst->i64[r] = src.i64[i];
        if (u.per_row_scales) dst->scales[r] = static_cast<std::uint8_t>(src.ScaleAt(r));
        break;
      case VecKind::kDate:
        dst->i32[r] = src.i32[i];
        break;
      case VecKind::kString:
        codes[r] = src.i32[i];
        break;
      default:
        boxed[r] = Box(c, src, r);
        break;
    }
  }
}

template <typename Code>
void LookupRows(Ctx& c, const Lookup& lookup, const Code* codes, const std::uint8_t* cell_state,
                Sel sel, Vec* out) {
  auto* u8 = c.s.arena.Alloc<std::uint8_t>();
  const std::uint8_t* table = lookup.value.data();
  if (cell_state == nullptr && !lookup.any_special) {
    for (int k = 0; k < sel.n; ++k) {
      const int r = sel.rows[k];
      u8[r] = table[codes[r]];
    }
    out->kind = VecKind::kBool;
    out->u8 = u8;
    return;
  }
  auto* state = c.s.arena.Alloc<std::uint8_t>();
  auto* aux = c.s.arena.Alloc<std::uint64_t>();
  const std::size_t unknown_entry = lookup.value.size() - 1;
  const std::uint64_t field_mask = std::uint64_t{1} << c.program.bit_of_field(lookup.field);
  for (int k = 0; k < sel.n; ++k) {
    const int r = sel.rows[k];
    const std::size_t e = cell_state != nullptr && cell_state[r] == kUnknown
                              ? unknown_entry
                              : static_cast<std::size_t>(codes[r]);
    u8[r] = table[e];
    state[r] = lookup.state[e];
    if (state[r] == kUnknown) aux[r] = field_mask;
    if (state[r] == kError) aux[r] = AddError(c, lookup.special[e]);
  }
  out->kind = VecKind::kBool;
  out->u8 = u8;
  out->state = state;
  out->aux = aux;
}

// How often (in calls) a thread revises an order, and the prior behind each operand's observed
// rate (as if it had seen this many rows and decided half): enough that a few rows do not swing
// the order, few enough that one batch outweighs it.
constexpr int kOrderCallsPerRevision = 16;
constexpr double kOrderPriorRows = 64;

// This thread's order for the operands of `plan`'s step: the operand that decides the most rows
// per unit of cost first (sorting independent filters by cost / (1 - pass rate) minimizes the
// expected work). Any order gives the same values (see the file comment); the differential test
// checks that with random orders.
OperandOrder& OrderFor(Ctx& c, const StepPlan& plan) {
  OperandOrder& o = c.s.orders[&plan];
  // (A new plan at a freed plan's address starts afresh when the sizes differ; when they agree,
  // the stale order is still a valid order.)
  if (o.order.size() != plan.order.size()) {
    o.order = plan.order;
    o.rows_in.assign(plan.order.size(), 0);
    o.rows_decided.assign(plan.order.size(), 0);
  }
  if (g_shuffle_operands) {
    for (std::size_t i = o.order.size(); i > 1; --i) {
      c.s.shuffle_state = c.s.shuffle_state * 6364136223846793005ULL + 1442695040888963407ULL;
      std::swap(o.order[i - 1], o.order[(c.s.shuffle_state >> 33) % i]);
    }
    return o;
  }
  if (++o.calls % kOrderCallsPerRevision != 0) return o;
  auto rank = [&](int j) {
    const std::size_t i = static_cast<std::size_t>(j);
    const double decided =
        (o.rows_decided[i] + kOrderPriorRows / 2) / (o.rows_in[i] + kOrderPriorRows);
    return plan.cost[i] / decided;
  };
  std::stable_sort(o.order.begin(), o.order.end(), [&](int a, int b) { return rank(a) < rank(b); });
  return o;
}

}  // namespace

void EvalLookup(Ctx& c, const Lookup& lookup, Sel sel, Vec* out) {
  const Column& col = c.program.table().column(lookup.field);
  const std::size_t begin = static_cast<std::size_t>(c.begin);
  const std::uint8_t* cell_state = col.has_state() ? col.state.data() + begin : nullptr;
  if (col.type == FieldType::kBool) {
    LookupRows(c, lookup, col.u8.data() + begin, cell_state, sel, out);
  } else {
    LookupRows(c, lookup, col.i32.data() + begin, cell_state, sel, out);
  }
}

namespace {

// `!` of an evaluated operand.
void NotOf(Ctx& c, const Step& step, const Vec& a, Sel sel, Vec* out) {
  if (a.kind != VecKind::kBool) return EvalPerRow(c, step, {a}, sel, out);
  *out = a;
  out->true_rows = nullptr;
  auto* u8 = c.s.arena.Alloc<std::uint8_t>();
  if (a.constant) {
    u8[0] = !a.u8[0];
  } else {
    for (int k = 0; k < sel.n; ++k) u8[sel.rows[k]] = !a.u8[sel.rows[k]];
  }
  out->u8 = u8;  // the special rows keep their state and aux
}

// Select for a lookup: the rows whose code's entry is `want`.
template <typename Code>
int SelectLookup(const Lookup& lookup, const Code* codes, Sel sel, bool want, std::uint16_t* out) {
  const std::uint8_t* table = lookup.value.data();
  const std::uint8_t flip = want ? 0 : 1;
  int m = 0;
  for (int k = 0; k < sel.n; ++k) {
    const int r = sel.rows[k];
    out[m] = static_cast<std::uint16_t>(r);
    m += table[codes[r]] ^ flip;
  }
  return m;
}

}  // namespace

void EvalNot(Ctx& c, const Step& step, Sel sel, Vec* out) {
  Vec a;
  Eval(c, step.args[0], sel, &a);
  NotOf(c, step, a, sel, out);
}

bool Select(Ctx& c, std::int32_t index, Sel sel, bool want, std::uint16_t* out, int* n, Vec* v) {
  const Step& step = c.program.program().steps()[static_cast<std::size_t>(index)];
  const StepPlan& plan = c.program.plan(index);
  if (plan.mode == StepMode::kLookup) {
    const Lookup& lookup = *plan.lookup;
    const Column& col = c.program.table().column(lookup.field);
    if (col.has_state() || lookup.any_special) {
      EvalLookup(c, lookup, sel, v);
      return false;
    }
    const std::size_t begin = static_cast<std::size_t>(c.begin);
    *n = col.type == FieldType::kBool
             ? SelectLookup(lookup, col.u8.data() + begin, sel, want, out)
             : SelectLookup(lookup, col.i32.data() + begin, sel, want, out);
    return true;
  }
  if (plan.mode == StepMode::kNative) {
    if (step.op == OpCode::kCompare) return SelectCompare(c, step, sel, want, out, n, v);
    if (step.op == OpCode::kNot) {
      Vec a;
      if (Select(c, step.args[0], sel, !want, out, n, &a)) return true;
      NotOf(c, step, a, sel, v);
      return false;
    }
  }
  v->Clear();
  Eval(c, index, sel, v);
  return false;
}

void EvalLogic(Ctx& c, const Step& step, const StepPlan& plan, Sel sel, Vec* out) {
  const bool is_and = step.op == OpCode::kAnd;
  const std::uint8_t deciding = is_and ? 0 : 1;
  const char* op = is_and ? "&&" : "||";
  Arena& arena = c.s.arena;
  // `active`: the rows no operand has decided yet, filtered in place operand by operand. The
  // pending state of a row an operand left unknown or in error is kept from the first such row
  // on (state == nullptr until then); a decided row is data again.
  auto* active = arena.Alloc<std::uint16_t>();
  std::memcpy(active, sel.rows, sizeof(std::uint16_t) * static_cast<std::size_t>(sel.n));
  std::uint8_t* state = nullptr;
  std::uint64_t* aux = nullptr;
  std::int32_t* pos = nullptr;
  OperandOrder& order = OrderFor(c, plan);
  int n = sel.n;
  for (std::size_t o = 0; o < order.order.size() && n > 0; ++o) {
    const int j = order.order[o];
    const std::int32_t arg = step.args[static_cast<std::size_t>(j)];
    const Sel in{active, n};
    Vec v;
    int m = 0;
    // No row pending yet: the operand may filter the rows directly (DuckDB's Select).
    if (state == nullptr && Select(c, arg, in, !deciding, active, &m, &v)) {
      // (the rows it kept are in active[0, m))
    } else {
      if (state != nullptr) Eval(c, arg, in, &v);
      if (v.kind == VecKind::kBool && v.state == nullptr && !v.constant) {
        for (int k = 0; k < n; ++k) {
          const int r = active[k];
          const std::uint8_t keep = v.u8[r] ^ deciding;
          if (state != nullptr) state[r] *= keep;  // a decided row is data
          active[m] = static_cast<std::uint16_t>(r);
          m += keep;
        }
      } else {
        for (int k = 0; k < n; ++k) {
          const int r = active[k];
          std::uint8_t s = v.StateAt(r);
          std::uint64_t a = v.AuxAt(r);
          if (s == kData) {
            std::uint64_t error = ~std::uint64_t{0};
            const bool b = BoolAt(c, v, r, op, &error);
            if (error == ~std::uint64_t{0}) {
              if (b == static_cast<bool>(deciding)) {
                if (state != nullptr) state[r] = kData;
                continue;
              }
              active[m++] = static_cast<std::uint16_t>(r);
              continue;
            }
            s = kError;
            a = error;
          }
          if (state == nullptr) {
            state = arena.Alloc<std::uint8_t>();
            aux = arena.Alloc<std::uint64_t>();
            pos = arena.Alloc<std::int32_t>();
            std::memset(state, kData, static_cast<std::size_t>(c.count));
          }
          MergePending(s, a, j, &state[r], &aux[r], &pos[r]);
          active[m++] = static_cast<std::uint16_t>(r);
        }
      }
    }
    order.rows_in[static_cast<std::size_t>(j)] += n;
    order.rows_decided[static_cast<std::size_t>(j)] += n - m;
    n = m;
  }
  // Every row an operand decided has the deciding value; the rest held in every operand.
  auto* value = arena.Alloc<std::uint8_t>();
  std::memset(value, deciding, static_cast<std::size_t>(c.count));
  for (int k = 0; k < n; ++k) value[active[k]] = !deciding;
  out->kind = VecKind::kBool;
  out->u8 = value;
  out->state = state;
  out->aux = aux;
  if (is_and && state == nullptr) {
    out->true_rows = active;
    out->true_count = n;
  }
}

void EvalCond(Ctx& c, const Step& step, Sel sel, Vec* out) {
  Arena& arena = c.s.arena;
  auto* rows_true = arena.Alloc<std::uint16_t>();
  auto* rows_false = arena.Alloc<std::uint16_t>();
  auto* cond_state = arena.Alloc<std::uint8_t>();
  auto* cond_aux = arena.Alloc<std::uint64_t>();
  int nt = 0, nf = 0;
  bool any_special = false;
  Vec cond;
  const bool selected = Select(c, step.args[0], sel, true, rows_true, &nt, &cond);
  if (selected) {
    // The condition as a filter: the false rows are the others, in order.
    for (int k = 0, t = 0; k < sel.n; ++k) {
      const int r = sel.rows[k];
      if (t < nt && rows_true[t] == r) {
        ++t;
      } else {
        rows_false[nf++] = static_cast<std::uint16_t>(r);
      }
    }
  }
  for (int k = 0; k < sel.n && !selected; ++k) {
    const int r = sel.rows[k];
    cond_state[r] = cond.StateAt(r);
    if (cond_state[r] == kData) {
      std::uint64_t error = ~std::uint64_t{0};
      const bool b = BoolAt(c, cond, r, "?:", &error);
      if (error == ~std::uint64_t{0}) {
        (b ? rows_true[nt++] : rows_false[nf++]) = static_cast<std::uint16_t>(r);
        continue;
      }
      cond_state[r] = kError;
      cond_aux[r] = error;
    } else {
      cond_aux[r] = cond.AuxAt(r);
    }
    any_special = true;
  }
  Vec vt, vf;
  if (nt > 0) Eval(c, step.args[1], Sel{rows_true, nt}, &vt);
  if (nf > 0) Eval(c, step.args[2], Sel{rows_false, nf}, &vf);
  if (!any_special && (nt == 0 || nf == 0)) {
    *out = nt > 0 ? vt : vf;  // one branch took every row: its vector is the result
    return;
  }
  if (nt == 0 && nf == 0) {
    out->state = cond_state;
    out->aux = cond_aux;
    return;
  }
  const Unified u = Unify(nt > 0 ? &vt : nullptr, nf > 0 ? &vf : nullptr);
  MutVec dst{out, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr};
  out->kind = u.kind;
  out->scale = u.scale;
  out->dict = u.dict;
  if (any_special || vt.state != nullptr || vf.state != nullptr) {
    dst.state = cond_state;
    dst.aux = cond_aux;
    out->state = cond_state;
    out->aux = cond_aux;
  }
  Value* boxed = nullptr;
  std::int32_t* codes = nullptr;
  switch (u.kind) {
    case VecKind::kBool:
      out->u8 = dst.u8 = arena.Alloc<std::uint8_t>();
      break;
    case VecKind::kInt:
    case VecKind::kNum:
      out->i64 = dst.i64 = arena.Alloc<std::int64_t>();
      if (u.per_row_scales) out->scales = dst.scales = arena.Alloc<std::uint8_t>();
      break;
    case VecKind::kDate:
      out->i32 = dst.i32 = arena.Alloc<std::int32_t>();
      break;
    case VecKind::kString:
      out->i32 = codes = arena.Alloc<std::int32_t>();
      break;
    default:
      out->boxed = boxed = arena.AllocValues();
      break;
  }
  if (nt > 0) CopyRows(c, vt, Sel{rows_true, nt}, u, &dst, boxed, codes);
  if (nf > 0) CopyRows(c, vf, Sel{rows_false, nf}, u, &dst, boxed, codes);
}

}  // namespace zhida::rules::batch_internal
