#include "core/decimal.h"

#include <algorithm>
#include <limits>

#include "core/wide_int.h"

namespace zhida::core {
namespace {

using internal::u128;
using internal::U256;

// 10^38: the first magnitude that no longer fits 38 digits. Computed at compile time, so that a
// Decimal used by another file's static initializer never sees it unset.
constexpr u128 kLimit = [] {
  u128 p = 1;
  for (int i = 0; i < Decimal::kMaxDigits; ++i) p *= 10;
  return p;
}();
// Parse accumulates at most this many significant digits (they must fit 256 bits: 10^76 < 2^256).
constexpr int kParseDigitsMax = 76;

absl::Status SyntaxError(std::string_view reason_zh, std::string_view reason_en) {
  return MakeError(absl::StatusCode::kInvalidArgument, "decimal.syntax", {},
                   std::string("数值格式不正确：") + std::string(reason_zh),
                   std::string("malformed number: ") + std::string(reason_en));
}
absl::Status OverflowError() {
  return MakeError(absl::StatusCode::kOutOfRange, "decimal.overflow", {},
                   "数值超出范围：有效数字最多 38 位",
                   "number out of range: at most 38 significant digits");
}
absl::Status ScaleOverflowError() {
  return MakeError(absl::StatusCode::kOutOfRange, "decimal.scale_overflow", {},
                   "小数位数过多：最多 18 位", "too many decimal places: at most 18");
}
absl::Status ScaleRangeError(int scale) {
  return MakeError(absl::StatusCode::kInvalidArgument, "decimal.scale_range", {},
                   "保留的小数位数应在 0 到 18 之间，实际为 " + std::to_string(scale),
                   "decimal places must be 0..18, got " + std::to_string(scale));
}

bool Fits(const U256& m) { return m.hi == 0 && m.lo < kLimit; }
u128 Magnitude(__int128 c) { return c < 0 ? -static_cast<u128>(c) : static_cast<u128>(c); }

// Builds sign × magnitude × 10^-scale. When the scale exceeds 18 or the magnitude does not fit 38
// digits, trailing zeros are removed while that is exact and the scale stays >= min_scale.
absl::StatusOr<Decimal> Build(bool negative, U256 magnitude, int scale, int min_scale) {
  while ((scale > Decimal::kMaxScale || !Fits(magnitude)) && scale > min_scale) {
    U256 q;
    uint64_t r;
    internal::DivModSmall(magnitude, 10, &q, &r);
    if (r != 0) break;
    magnitude = q;
    --scale;
  }
  if (scale > Decimal::kMaxScale) return ScaleOverflowError();
  if (!Fits(magnitude)) return OverflowError();
  const auto c = static_cast<__int128>(magnitude.lo);
  return Decimal::FromParts(negative ? -c : c, scale);
}

// Whether the magnitude of a quotient q with remainder r over divisor d must be incremented to
// round under `mode`; `negative` is the sign of the exact result.
bool RoundAway(bool negative, bool q_odd, const U256& r, const U256& d, RoundingMode mode) {
  if (internal::IsZero(r)) return false;
  const int half = internal::Cmp(internal::ShiftLeft1(r), d);  // 2r vs d; r < d < 2^255
  switch (mode) {
    case RoundingMode::kHalfUp:
      return half >= 0;
    case RoundingMode::kHalfEven:
      return half > 0 || (half == 0 && q_odd);
    case RoundingMode::kDown:
      return false;
    case RoundingMode::kUp:
      return true;
    case RoundingMode::kFloor:
      return negative;
    case RoundingMode::kCeiling:
      return !negative;
  }
  return false;
}

// sign × round(numerator / denominator) with exactly `scale` decimals.
absl::StatusOr<Decimal> DivRound(bool negative, const U256& numerator, const U256& denominator,
                                 int scale, RoundingMode mode) {
  U256 q, r;
  internal::DivMod(numerator, denominator, &q, &r);
  if (RoundAway(negative, (q.lo & 1) != 0, r, denominator, mode)) {
    q = internal::Add(q, internal::FromU128(1));
  }
  return Build(negative && !internal::IsZero(q), q, scale, scale);
}

absl::StatusOr<Decimal> AddSigned(__int128 a, int sa, __int128 b, int sb, bool negate_b) {
  if (negate_b) b = -b;  // |b| < 10^38, so this cannot overflow
  __int128 sum;
  if (sa == sb && !__builtin_add_overflow(a, b, &sum) && Magnitude(sum) < kLimit) {
    return Decimal::FromParts(sum, sa);
  }
  const int s = std::max(sa, sb);
  const U256 ma = internal::Mul128(Magnitude(a), internal::Pow10(s - sa));
  const U256 mb = internal::Mul128(Magnitude(b), internal::Pow10(s - sb));
  const bool na = a < 0, nb = b < 0;
  if (na == nb) return Build(na, internal::Add(ma, mb), s, 0);
  if (internal::Cmp(ma, mb) >= 0) {
    const U256 diff = internal::Sub(ma, mb);
    return Build(na && !internal::IsZero(diff), diff, s, 0);
  }
  return Build(nb, internal::Sub(mb, ma), s, 0);
}

// The digits of a number being parsed, as one integer, and how many of them follow the point.
struct Mantissa {
  U256 magnitude;
  int significant_digits = 0;
  int fraction_digits = 0;
};

}  // namespace

absl::StatusOr<Decimal> Decimal::FromParts(__int128 coefficient, int scale) {
  if (scale < 0 || scale > kMaxScale) return ScaleRangeError(scale);
  if (Magnitude(coefficient) >= kLimit) return OverflowError();
  return Decimal(coefficient, scale);
}

Decimal Decimal::FromInt(int64_t value) { return Decimal(value, 0); }
Decimal Decimal::FromFen(int64_t fen) { return Decimal(fen, 2); }

absl::StatusOr<Decimal> Decimal::Parse(std::string_view text) {
  if (text.empty()) return SyntaxError("内容为空", "empty");
  if (text.size() > kMaxTextLength) {
    return SyntaxError("超过 128 个字符", "longer than 128 characters");
  }
  size_t i = 0;
  bool negative = false;
  if (text[i] == '+' || text[i] == '-') negative = text[i++] == '-';
  auto is_digit = [&](size_t k) { return k < text.size() && text[k] >= '0' && text[k] <= '9'; };
  if (i < text.size() && text[i] == '.') {
    return SyntaxError("小数点前缺少数字（如 0.5）", "a digit is required before the point");
  }
  if (!is_digit(i)) {
    return SyntaxError("只能包含数字、正负号、小数点和指数（如 12、-0.5、1e3）",
                       "expected digits, sign, point or exponent (e.g. 12, -0.5, 1e3)");
  }
  Mantissa m;
  auto take_digit = [&](char c) {
    if (m.significant_digits == 0 && c == '0') return true;  // leading zero
    if (++m.significant_digits > kParseDigitsMax) return false;
    U256 next;
    (void)internal::MulU256(m.magnitude, 10, &next);  // < 10^76 · 10 < 2^256
    m.magnitude = internal::Add(next, internal::FromU128(static_cast<u128>(c - '0')));
    return true;
  };
  for (; is_digit(i); ++i) {
    if (!take_digit(text[i])) return OverflowError();
  }
  if (i < text.size() && text[i] == '.') {
    ++i;
    if (!is_digit(i)) return SyntaxError("小数点后缺少数字", "a digit is required after the point");
    for (; is_digit(i); ++i) {
      if (!take_digit(text[i])) return OverflowError();
      ++m.fraction_digits;
    }
  }
  int64_t exponent = 0;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    bool exp_negative = false;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) exp_negative = text[i++] == '-';
    if (!is_digit(i)) return SyntaxError("指数缺少数字", "the exponent needs digits");
    for (; is_digit(i); ++i) {
      exponent = std::min<int64_t>(exponent * 10 + (text[i] - '0'), 1000000);  // capped: no wrap
    }
    if (exp_negative) exponent = -exponent;
  }
  if (i != text.size()) {
    return SyntaxError("只能包含数字、正负号、小数点和指数（如 12、-0.5、1e3），不能有空格或千分位",
                       "unexpected character (no spaces or thousands separators)");
  }
  int64_t scale = m.fraction_digits - exponent;
  U256 magnitude = m.magnitude;
  if (internal::IsZero(magnitude)) {
    return Decimal(0, static_cast<int>(std::clamp<int64_t>(scale, 0, kMaxScale)));
  }
  if (scale < 0) {
    if (scale < -kMaxDigits || !Fits(magnitude)) return OverflowError();
    (void)internal::MulU256(magnitude, internal::Pow10(static_cast<int>(-scale)), &magnitude);
    scale = 0;
  }
  if (scale > kMaxScale + kParseDigitsMax) return ScaleOverflowError();  // cannot all be zeros
  return Build(negative, magnitude, static_cast<int>(scale), 0);
}

absl::StatusOr<Decimal> Decimal::Add(const Decimal& other) const {
  return AddSigned(coefficient_, scale_, other.coefficient_, other.scale_, false);
}

absl::StatusOr<Decimal> Decimal::Sub(const Decimal& other) const {
  return AddSigned(coefficient_, scale_, other.coefficient_, other.scale_, true);
}

absl::StatusOr<Decimal> Decimal::Mul(const Decimal& other) const {
  const bool negative = (coefficient_ < 0) != (other.coefficient_ < 0);
  const U256 product = internal::Mul128(Magnitude(coefficient_), Magnitude(other.coefficient_));
  const bool zero = internal::IsZero(product);
  return Build(negative && !zero, product, scale_ + other.scale_, 0);
}

absl::StatusOr<Decimal> Decimal::MulRound(const Decimal& other, int scale,
                                          RoundingMode mode) const {
  if (scale < 0 || scale > kMaxScale) return ScaleRangeError(scale);
  const bool negative = (coefficient_ < 0) != (other.coefficient_ < 0);
  const U256 product = internal::Mul128(Magnitude(coefficient_), Magnitude(other.coefficient_));
  const int product_scale = scale_ + other.scale_;
  if (product_scale <= scale) {
    if (!Fits(product)) return OverflowError();  // padding only makes it larger
    const U256 padded = internal::Mul128(product.lo, internal::Pow10(scale - product_scale));
    return Build(negative && !internal::IsZero(padded), padded, scale, scale);
  }
  return DivRound(negative, product, internal::FromU128(internal::Pow10(product_scale - scale)),
                  scale, mode);
}

absl::StatusOr<Decimal> Decimal::Div(const Decimal& divisor, int scale, RoundingMode mode) const {
  if (divisor.IsZero()) {
    return MakeError(absl::StatusCode::kInvalidArgument, "decimal.division_by_zero", {},
                     "除数不能为零", "division by zero");
  }
  if (scale < 0 || scale > kMaxScale) return ScaleRangeError(scale);
  const bool negative = (coefficient_ < 0) != (divisor.coefficient_ < 0);
  // this / divisor = (ca / cb) · 10^(sb - sa); with `scale` decimals the result's coefficient is
  // round(ca · 10^k / cb) where k = sb - sa + scale, in -18 … 36.
  const int k = divisor.scale_ - scale_ + scale;
  U256 numerator = internal::FromU128(Magnitude(coefficient_));
  U256 denominator = internal::FromU128(Magnitude(divisor.coefficient_));
  if (k >= 0) {
    numerator = internal::Mul128(numerator.lo, internal::Pow10(k));
  } else {
    denominator = internal::Mul128(denominator.lo, internal::Pow10(-k));
  }
  return DivRound(negative, numerator, denominator, scale, mode);
}

absl::StatusOr<Decimal> Decimal::Neg() const { return Decimal(-coefficient_, scale_); }

absl::StatusOr<Decimal> Decimal::Round(int places, RoundingMode mode) const {
  if (places < 0 || places > kMaxScale) return ScaleRangeError(places);
  const bool negative = coefficient_ < 0;
  if (places >= scale_) {
    const U256 padded = internal::Mul128(Magnitude(coefficient_), internal::Pow10(places - scale_));
    return Build(negative, padded, places, places);
  }
  return DivRound(negative, internal::FromU128(Magnitude(coefficient_)),
                  internal::FromU128(internal::Pow10(scale_ - places)), places, mode);
}

int Decimal::Compare(const Decimal& other) const {
  const int sa = Sign(), sb = other.Sign();
  if (sa != sb) return sa < sb ? -1 : 1;
  if (sa == 0) return 0;
  int magnitude_cmp;
  if (scale_ == other.scale_) {
    const u128 a = Magnitude(coefficient_), b = Magnitude(other.coefficient_);
    magnitude_cmp = a < b ? -1 : (a > b ? 1 : 0);
  } else {
    const int s = std::max(scale_, other.scale_);
    magnitude_cmp = internal::Cmp(
        internal::Mul128(Magnitude(coefficient_), internal::Pow10(s - scale_)),
        internal::Mul128(Magnitude(other.coefficient_), internal::Pow10(s - other.scale_)));
  }
  return sa > 0 ? magnitude_cmp : -magnitude_cmp;
}

std::string Decimal::ToString() const {
  std::string digits;
  internal::AppendDigits(Magnitude(coefficient_), &digits);
  std::string out;
  out.reserve(digits.size() + scale_ + 3);
  if (coefficient_ < 0) out.push_back('-');
  if (scale_ == 0) return out + digits;
  if (digits.size() <= static_cast<size_t>(scale_)) {
    out += "0.";
    out.append(scale_ - digits.size(), '0');
    return out + digits;
  }
  const size_t integer_digits = digits.size() - scale_;
  out.append(digits, 0, integer_digits);
  out.push_back('.');
  out.append(digits, integer_digits, std::string::npos);
  return out;
}

std::string Decimal::Normalized() const { return Reduced().ToString(); }

Decimal Decimal::Reduced() const {
  __int128 c = coefficient_;
  int s = scale_;
  while (s > 0 && c % 10 == 0) {
    c /= 10;
    --s;
  }
  return Decimal(c, s);
}

absl::StatusOr<int64_t> Decimal::ToInt64() const {
  const __int128 unit = static_cast<__int128>(internal::Pow10(scale_));
  if (coefficient_ % unit != 0) {
    return MakeError(absl::StatusCode::kInvalidArgument, "decimal.not_integral", {},
                     "数值不是整数：" + ToString(), "not an integer: " + ToString());
  }
  const __int128 v = coefficient_ / unit;
  if (v < std::numeric_limits<int64_t>::min() || v > std::numeric_limits<int64_t>::max()) {
    return MakeError(absl::StatusCode::kOutOfRange, "decimal.int64_overflow", {},
                     "整数超出 64 位范围：" + ToString(),
                     "integer out of int64 range: " + ToString());
  }
  return static_cast<int64_t>(v);
}

}  // namespace zhida::core
