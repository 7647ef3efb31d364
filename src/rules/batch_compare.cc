// Comparison kernels of the batch evaluator: == != < <= > >= on numbers (ints and decimals of
// any scales, compared exactly: equal scales as int64, others aligned in 128 bits, which cannot
// overflow since 2^63 × 10^18 < 2^127), dates, bools, and dictionary codes of one column.
// Anything else (plain strings, mixed kinds of an unchecked rule) goes row by row.
#include <functional>

#include "rules/batch_internal.h"

namespace zhida::rules::batch_internal {
namespace {

__int128 Pow10(int n) {
  __int128 p = 1;
  for (int i = 0; i < n; ++i) p *= 10;
  return p;
}

// out[r] = cmp(a[r], b[r]) for the rows of `sel`, with constant sides read once.
template <typename Cmp, typename T, typename U>
void CompareFlat(const T* a, bool a_const, U a_mul, const T* b, bool b_const, U b_mul, Sel sel,
                 std::uint8_t* out) {
  Cmp cmp;
  if (a_const && !b_const) {
    const U x = static_cast<U>(a[0]) * a_mul;
    for (int k = 0; k < sel.n; ++k) {
      const int r = sel.rows[k];
      out[r] = cmp(x, static_cast<U>(b[r]) * b_mul);
    }
  } else if (!a_const && b_const) {
    const U y = static_cast<U>(b[0]) * b_mul;
    for (int k = 0; k < sel.n; ++k) {
      const int r = sel.rows[k];
      out[r] = cmp(static_cast<U>(a[r]) * a_mul, y);
    }
  } else {
    for (int k = 0; k < sel.n; ++k) {
      const int r = sel.rows[k];
      const int i = a_const ? 0 : r, j = b_const ? 0 : r;
      out[r] = cmp(static_cast<U>(a[i]) * a_mul, static_cast<U>(b[j]) * b_mul);
    }
  }
}

int ScaleOf(const Vec& v, int r) {
  const int s = v.ScaleAt(r);
  return s == kIntScale ? 0 : s;
}

template <typename Cmp>
void CompareNumbers(const Vec& a, const Vec& b, Sel sel, std::uint8_t* out) {
  if (a.scales == nullptr && b.scales == nullptr) {
    const int sa = a.kind == VecKind::kInt ? 0 : a.scale;
    const int sb = b.kind == VecKind::kInt ? 0 : b.scale;
    if (sa == sb) {
      return CompareFlat<Cmp, std::int64_t, std::int64_t>(a.i64, a.constant, 1, b.i64, b.constant,
                                                          1, sel, out);
    }
    const int s = std::max(sa, sb);
    return CompareFlat<Cmp, std::int64_t, __int128>(a.i64, a.constant, Pow10(s - sa), b.i64,
                                                    b.constant, Pow10(s - sb), sel, out);
  }
  Cmp cmp;
  for (int k = 0; k < sel.n; ++k) {
    const int r = sel.rows[k];
    const int sa = ScaleOf(a, r), sb = ScaleOf(b, r);
    __int128 x = a.i64[a.At(r)], y = b.i64[b.At(r)];
    if (sa < sb) x *= Pow10(sb - sa);
    if (sb < sa) y *= Pow10(sa - sb);
    out[r] = cmp(x, y);
  }
}

template <typename Cmp>
bool CompareTyped(const Vec& a, const Vec& b, Sel sel, std::uint8_t* out) {
  if (a.IsNumeric() && b.IsNumeric()) {
    CompareNumbers<Cmp>(a, b, sel, out);
    return true;
  }
  if (a.kind != b.kind) return false;
  switch (a.kind) {
    case VecKind::kDate:
      CompareFlat<Cmp, std::int32_t, std::int32_t>(a.i32, a.constant, 1, b.i32, b.constant, 1, sel,
                                                   out);
      return true;
    case VecKind::kBool:  // false < true, as Order has it
      CompareFlat<Cmp, std::uint8_t, int>(a.u8, a.constant, 1, b.u8, b.constant, 1, sel, out);
      return true;
    default:
      return false;
  }
}

// Equality of two strings coded in the same dictionary is equality of their codes.
template <typename Cmp>
bool CompareCodes(const Vec& a, const Vec& b, Sel sel, std::uint8_t* out) {
  if (a.kind != VecKind::kString || b.kind != VecKind::kString || a.dict == nullptr ||
      a.dict != b.dict) {
    return false;
  }
  CompareFlat<Cmp, std::int32_t, std::int32_t>(a.i32, a.constant, 1, b.i32, b.constant, 1, sel,
                                               out);
  return true;
}

bool Dispatch(BinaryOp op, const Vec& a, const Vec& b, Sel sel, std::uint8_t* out) {
  switch (op) {
    case BinaryOp::kEq:
      return CompareTyped<std::equal_to<>>(a, b, sel, out) ||
             CompareCodes<std::equal_to<>>(a, b, sel, out);
    case BinaryOp::kNe:
      return CompareTyped<std::not_equal_to<>>(a, b, sel, out) ||
             CompareCodes<std::not_equal_to<>>(a, b, sel, out);
    case BinaryOp::kLt:
      return CompareTyped<std::less<>>(a, b, sel, out);
    case BinaryOp::kLe:
      return CompareTyped<std::less_equal<>>(a, b, sel, out);
    case BinaryOp::kGt:
      return CompareTyped<std::greater<>>(a, b, sel, out);
    case BinaryOp::kGe:
      if (g_fault_compare_ge) return CompareTyped<std::greater<>>(a, b, sel, out);
      return CompareTyped<std::greater_equal<>>(a, b, sel, out);
    default:
      return false;
  }
}

// The select form: out[m] = r for the rows where cmp(a, b) is `want` (flip = !want).
template <typename Cmp, typename T, typename U>
int SelectFlat(const T* a, bool a_const, U a_mul, const T* b, bool b_const, U b_mul, Sel sel,
               bool flip, std::uint16_t* out) {
  Cmp cmp;
  int m = 0;
  if (!a_const && b_const) {
    const U y = static_cast<U>(b[0]) * b_mul;
    for (int k = 0; k < sel.n; ++k) {
      const int r = sel.rows[k];
      out[m] = static_cast<std::uint16_t>(r);
      m += cmp(static_cast<U>(a[r]) * a_mul, y) != flip;
    }
    return m;
  }
  for (int k = 0; k < sel.n; ++k) {
    const int r = sel.rows[k];
    const int i = a_const ? 0 : r, j = b_const ? 0 : r;
    out[m] = static_cast<std::uint16_t>(r);
    m += cmp(static_cast<U>(a[i]) * a_mul, static_cast<U>(b[j]) * b_mul) != flip;
  }
  return m;
}

// Select over two numeric or two date vectors with one scale each; -1 when not that shape.
template <typename Cmp>
int SelectTyped(const Vec& a, const Vec& b, Sel sel, bool flip, std::uint16_t* out) {
  if (a.kind == VecKind::kDate && b.kind == VecKind::kDate) {
    return SelectFlat<Cmp, std::int32_t, std::int32_t>(a.i32, a.constant, 1, b.i32, b.constant, 1,
                                                       sel, flip, out);
  }
  if (!a.IsNumeric() || !b.IsNumeric() || a.scales != nullptr || b.scales != nullptr) return -1;
  const int sa = a.kind == VecKind::kInt ? 0 : a.scale;
  const int sb = b.kind == VecKind::kInt ? 0 : b.scale;
  if (sa == sb) {
    return SelectFlat<Cmp, std::int64_t, std::int64_t>(a.i64, a.constant, 1, b.i64, b.constant, 1,
                                                       sel, flip, out);
  }
  const int s = std::max(sa, sb);
  return SelectFlat<Cmp, std::int64_t, __int128>(a.i64, a.constant, Pow10(s - sa), b.i64,
                                                 b.constant, Pow10(s - sb), sel, flip, out);
}

int SelectDispatch(BinaryOp op, const Vec& a, const Vec& b, Sel sel, bool flip,
                   std::uint16_t* out) {
  switch (op) {
    case BinaryOp::kEq:
      return SelectTyped<std::equal_to<>>(a, b, sel, flip, out);
    case BinaryOp::kNe:
      return SelectTyped<std::not_equal_to<>>(a, b, sel, flip, out);
    case BinaryOp::kLt:
      return SelectTyped<std::less<>>(a, b, sel, flip, out);
    case BinaryOp::kLe:
      return SelectTyped<std::less_equal<>>(a, b, sel, flip, out);
    case BinaryOp::kGt:
      return SelectTyped<std::greater<>>(a, b, sel, flip, out);
    case BinaryOp::kGe:
      if (g_fault_compare_ge) return SelectTyped<std::greater<>>(a, b, sel, flip, out);
      return SelectTyped<std::greater_equal<>>(a, b, sel, flip, out);
    default:
      return -1;
  }
}

// The comparison of evaluated operands as a vector.
void CompareVecs(Ctx& c, const Step& step, const Vec& a, const Vec& b, Sel sel, Vec* out) {
  auto* u8 = c.s.arena.Alloc<std::uint8_t>();
  if (!Dispatch(step.binary_op, a, b, sel, u8)) return EvalPerRow(c, step, {a, b}, sel, out);
  out->kind = VecKind::kBool;
  out->u8 = u8;
  const Vec* args[2] = {&a, &b};
  std::uint64_t* aux = nullptr;
  out->state = CombineSpecials(c, args, 2, sel, &aux);
  out->aux = aux;
}

}  // namespace

void EvalCompare(Ctx& c, const Step& step, Sel sel, Vec* out) {
  Vec a, b;
  Eval(c, step.args[0], sel, &a);
  Eval(c, step.args[1], sel, &b);
  CompareVecs(c, step, a, b, sel, out);
}

bool SelectCompare(Ctx& c, const Step& step, Sel sel, bool want, std::uint16_t* out, int* n,
                   Vec* v) {
  Vec a, b;
  Eval(c, step.args[0], sel, &a);
  Eval(c, step.args[1], sel, &b);
  if (a.state == nullptr && b.state == nullptr) {
    const int m = SelectDispatch(step.binary_op, a, b, sel, !want, out);
    if (m >= 0) {
      *n = m;
      return true;
    }
  }
  CompareVecs(c, step, a, b, sel, v);
  return false;
}

}  // namespace zhida::rules::batch_internal
