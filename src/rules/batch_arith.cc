// Arithmetic kernels of the batch evaluator: + - * / % on ints (overflow and division by zero
// are the row evaluator's errors), + - * on decimals held as 64-bit coefficients (exact: the
// result's scale is the larger scale for + and -, the sum for *, as core::Decimal has it), unary
// minus, and min/max over numbers. The fast loops only detect trouble — overflow, a zero
// divisor, a scale past 18 — and leave those rows to the row evaluator's own operation
// (internal::ApplyBinary), whose result the vector stores or, when it cannot hold it (a decimal
// wider than 64 bits), sends to EvalRow. Decimal division goes row by row: its quotient's scale
// depends on the value.
#include <limits>

#include "core/date.h"
#include "core/decimal.h"
#include "rules/batch_internal.h"
#include "rules/eval_internal.h"

namespace zhida::rules::batch_internal {
namespace {

constexpr std::int64_t kPow10[19] = {1,
                                     10,
                                     100,
                                     1000,
                                     10000,
                                     100000,
                                     1000000,
                                     10000000,
                                     100000000,
                                     1000000000,
                                     10000000000,
                                     100000000000,
                                     1000000000000,
                                     10000000000000,
                                     100000000000000,
                                     1000000000000000,
                                     10000000000000000,
                                     100000000000000000,
                                     1000000000000000000};

// One operation on two int64s: false when the row evaluator must decide (overflow, zero
// divisor).
bool IntOp(BinaryOp op, std::int64_t x, std::int64_t y, std::int64_t* z) {
  switch (op) {
    case BinaryOp::kAdd:
      return !__builtin_add_overflow(x, y, z);
    case BinaryOp::kSub:
      return !__builtin_sub_overflow(x, y, z);
    case BinaryOp::kMul:
      return !__builtin_mul_overflow(x, y, z);
    case BinaryOp::kDiv:
    case BinaryOp::kMod:
      if (y == 0 || (x == std::numeric_limits<std::int64_t>::min() && y == -1)) return false;
      *z = op == BinaryOp::kDiv ? x / y : x % y;  // truncation, as in CEL
      return true;
    default:
      return false;
  }
}

// One decimal + - * on coefficients at scales sx, sy; the result's scale in *s.
bool DecOp(BinaryOp op, std::int64_t x, int sx, std::int64_t y, int sy, std::int64_t* z, int* s) {
  if (op == BinaryOp::kMul) {
    *s = sx + sy;
    return *s <= core::Decimal::kMaxScale && !__builtin_mul_overflow(x, y, z);
  }
  *s = std::max(sx, sy);
  if (sx < *s && __builtin_mul_overflow(x, kPow10[*s - sx], &x)) return false;
  if (sy < *s && __builtin_mul_overflow(y, kPow10[*s - sy], &y)) return false;
  return op == BinaryOp::kAdd ? !__builtin_add_overflow(x, y, z) : !__builtin_sub_overflow(x, y, z);
}

// Makes sure the output has a state array (every row of `sel` data so far).
void EnsureState(Ctx& c, Sel sel, MutVec* out) {
  if (out->state != nullptr) return;
  out->state = c.s.arena.Alloc<std::uint8_t>();
  out->aux = c.s.arena.Alloc<std::uint64_t>();
  for (int k = 0; k < sel.n; ++k) out->state[sel.rows[k]] = kData;
  out->v->state = out->state;
  out->v->aux = out->aux;
}

// Rows the fast loop gave up on, done by the row evaluator's operation.
void FinishByRows(Ctx& c, const Step& step, const Vec& a, const Vec& b, Sel sel,
                  const std::uint16_t* rows, int n, MutVec* out) {
  for (int k = 0; k < n; ++k) {
    const int r = rows[k];
    if (out->state != nullptr && out->state[r] != kData) continue;  // already special
    EnsureState(c, sel, out);
    Value v = step.op == OpCode::kNeg ? internal::ApplyUnary(step, Box(c, a, r))
                                      : internal::ApplyBinary(step, Box(c, a, r), Box(c, b, r));
    StoreValue(c, v, r, out);
  }
}

// The output vector of a numeric kernel, with its special rows from the operands.
MutVec NumericOut(Ctx& c, const Vec* const* args, int n, Sel sel, VecKind kind, bool per_row_scales,
                  Vec* out) {
  out->kind = kind;
  MutVec m{out, nullptr, nullptr, c.s.arena.Alloc<std::int64_t>(), nullptr, nullptr, nullptr};
  out->i64 = m.i64;
  if (per_row_scales) out->scales = m.scales = c.s.arena.Alloc<std::uint8_t>();
  m.state = CombineSpecials(c, args, n, sel, &m.aux);
  out->state = m.state;
  out->aux = m.aux;
  return m;
}

}  // namespace

void EvalArith(Ctx& c, const Step& step, Sel sel, Vec* out) {
  Vec a, b;
  Eval(c, step.args[0], sel, &a);
  Eval(c, step.args[1], sel, &b);
  const BinaryOp op = step.binary_op;
  const bool ints = a.kind == VecKind::kInt && b.kind == VecKind::kInt;
  const bool decimals = a.IsNumeric() && b.IsNumeric() &&
                        (op == BinaryOp::kAdd || op == BinaryOp::kSub || op == BinaryOp::kMul);
  if (!ints && !decimals) return EvalPerRow(c, step, {a, b}, sel, out);
  const bool per_row = a.scales != nullptr || b.scales != nullptr;
  if (!ints && !per_row && op == BinaryOp::kMul &&
      (a.kind == VecKind::kInt ? 0 : a.scale) + (b.kind == VecKind::kInt ? 0 : b.scale) >
          core::Decimal::kMaxScale) {
    // The product's scale needs reducing (core::Decimal's scale rule): row by row.
    return EvalPerRow(c, step, {a, b}, sel, out);
  }
  const Vec* args[2] = {&a, &b};
  MutVec m = NumericOut(c, args, 2, sel, ints ? VecKind::kInt : VecKind::kNum, per_row, out);
  auto* trouble = c.s.arena.Alloc<std::uint16_t>();
  int n_trouble = 0;
  if (ints) {
    for (int k = 0; k < sel.n; ++k) {
      const int r = sel.rows[k];
      trouble[n_trouble] = static_cast<std::uint16_t>(r);
      n_trouble += !IntOp(op, a.i64[a.At(r)], b.i64[b.At(r)], &m.i64[r]);
    }
  } else if (!per_row) {
    const int sa = a.kind == VecKind::kInt ? 0 : a.scale;
    const int sb = b.kind == VecKind::kInt ? 0 : b.scale;
    int s = 0;
    for (int k = 0; k < sel.n; ++k) {
      const int r = sel.rows[k];
      trouble[n_trouble] = static_cast<std::uint16_t>(r);
      n_trouble += !DecOp(op, a.i64[a.At(r)], sa, b.i64[b.At(r)], sb, &m.i64[r], &s);
    }
    out->scale = op == BinaryOp::kMul ? sa + sb : std::max(sa, sb);
  } else {
    for (int k = 0; k < sel.n; ++k) {
      const int r = sel.rows[k];
      const int sa = a.ScaleAt(r), sb = b.ScaleAt(r);
      bool ok = false;
      if (sa == kIntScale && sb == kIntScale) {  // two ints: int arithmetic, int overflow
        ok = IntOp(op, a.i64[a.At(r)], b.i64[b.At(r)], &m.i64[r]);
        m.scales[r] = kIntScale;
      } else {
        int s = 0;
        ok = DecOp(op, a.i64[a.At(r)], sa == kIntScale ? 0 : sa, b.i64[b.At(r)],
                   sb == kIntScale ? 0 : sb, &m.i64[r], &s);
        m.scales[r] = static_cast<std::uint8_t>(s);
      }
      trouble[n_trouble] = static_cast<std::uint16_t>(r);
      n_trouble += !ok;
    }
  }
  FinishByRows(c, step, a, b, sel, trouble, n_trouble, &m);
}

void EvalNeg(Ctx& c, const Step& step, Sel sel, Vec* out) {
  Vec a;
  Eval(c, step.args[0], sel, &a);
  if (!a.IsNumeric()) return EvalPerRow(c, step, {a}, sel, out);
  const Vec* args[1] = {&a};
  MutVec m = NumericOut(c, args, 1, sel, a.kind, false, out);
  out->scale = a.scale;
  out->scales = a.scales;  // same rows, same scales
  auto* trouble = c.s.arena.Alloc<std::uint16_t>();
  int n_trouble = 0;
  for (int k = 0; k < sel.n; ++k) {
    const int r = sel.rows[k];
    const std::int64_t x = a.i64[a.At(r)];
    trouble[n_trouble] = static_cast<std::uint16_t>(r);
    n_trouble += x == std::numeric_limits<std::int64_t>::min();
    m.i64[r] = x == std::numeric_limits<std::int64_t>::min() ? 0 : -x;
  }
  FinishByRows(c, step, a, a, sel, trouble, n_trouble, &m);
}

void EvalMinMax(Ctx& c, const Step& step, Sel sel, Vec* out) {
  std::vector<Vec> args(step.args.size());
  bool numeric = true;
  for (std::size_t i = 0; i < args.size(); ++i) {
    Eval(c, step.args[i], sel, &args[i]);
    numeric = numeric && args[i].IsNumeric();
  }
  if (!numeric) return EvalPerRow(c, step, args, sel, out);
  std::vector<const Vec*> pointers;
  bool all_int = true;
  for (const Vec& v : args) {
    pointers.push_back(&v);
    all_int = all_int && v.kind == VecKind::kInt;
  }
  const int n = static_cast<int>(args.size());
  MutVec m = NumericOut(c, pointers.data(), n, sel, all_int ? VecKind::kInt : VecKind::kNum,
                        !all_int, out);
  const bool is_min = step.builtin == Builtin::kMin;
  for (int k = 0; k < sel.n; ++k) {
    const int r = sel.rows[k];
    // As MinMax in functions.cc: the first of the smallest (largest) wins a tie.
    int best = 0;
    for (int i = 1; i < n; ++i) {
      const Vec& x = args[static_cast<std::size_t>(i)];
      const Vec& y = args[static_cast<std::size_t>(best)];
      int sx = x.ScaleAt(r), sy = y.ScaleAt(r);
      sx = sx == kIntScale ? 0 : sx;
      sy = sy == kIntScale ? 0 : sy;
      __int128 vx = x.i64[x.At(r)], vy = y.i64[y.At(r)];
      for (int d = sx; d < sy; ++d) vx *= 10;
      for (int d = sy; d < sx; ++d) vy *= 10;
      if (is_min ? vx < vy : vx > vy) best = i;
    }
    const Vec& chosen = args[static_cast<std::size_t>(best)];
    m.i64[r] = chosen.i64[chosen.At(r)];
    if (!all_int) m.scales[r] = static_cast<std::uint8_t>(chosen.ScaleAt(r));
  }
}

void EvalDateDiff(Ctx& c, const Step& step, Sel sel, Vec* out) {
  Vec a, b;
  Eval(c, step.args[0], sel, &a);
  Eval(c, step.args[1], sel, &b);
  if (a.kind != VecKind::kDate || b.kind != VecKind::kDate) {
    return EvalPerRow(c, step, {a, b}, sel, out);
  }
  const Vec* args[2] = {&a, &b};
  MutVec m = NumericOut(c, args, 2, sel, VecKind::kInt, false, out);
  const bool years = step.builtin == Builtin::kYearsBetween;
  for (int k = 0; k < sel.n; ++k) {
    const int r = sel.rows[k];
    if (m.state != nullptr && m.state[r] != kData) continue;  // its dates may be unset
    const core::Date from = core::Date::FromDays(a.i32[a.At(r)]);
    const core::Date to = core::Date::FromDays(b.i32[b.At(r)]);
    m.i64[r] = years ? core::YearsBetween(from, to) : core::DaysBetween(from, to);
  }
}

}  // namespace zhida::rules::batch_internal
