// Exact decimal numbers for money, rates and rule arithmetic (DESIGN.md §3, §4).
//
// A Decimal is coefficient × 10^-scale with a signed 128-bit coefficient, |coefficient| < 10^38
// (38 significant digits), and 0 <= scale <= kMaxScale. No binary floating point is involved
// anywhere. Every operation is exact or rounds under an explicit RoundingMode; an operation whose
// exact result does not fit returns an error, it never wraps or silently loses digits.
//
// Scale rule: a result keeps its natural scale (the larger scale for Add/Sub, the sum of scales
// for Mul). When that scale exceeds kMaxScale, or the coefficient does not fit in 38 digits,
// trailing zeros are removed as long as that is exact (1.50 × 2.0 = 3.000, but a product that
// needs 19 decimals is an error "decimal.scale_overflow"; 10^20 × 10^20 is "decimal.overflow").
//
// Error codes (status payload "zhida/code"): decimal.syntax, decimal.overflow,
// decimal.scale_overflow, decimal.scale_range, decimal.division_by_zero, decimal.not_integral,
// decimal.int64_overflow. Messages are Chinese with an English payload.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>

#include "core/status.h"

namespace zhida::core {

// How a result that needs fewer digits than its exact value is rounded.
enum class RoundingMode {
  kHalfUp,    // to nearest, ties away from zero (四舍五入): 0.005 → 0.01, -0.005 → -0.01
  kHalfEven,  // to nearest, ties to the even neighbour (banker's): 0.005 → 0.00, 0.015 → 0.02
  kDown,      // toward zero (truncate): 1.999 → 1.99, -1.999 → -1.99
  kUp,        // away from zero: 1.001 → 1.01, -1.001 → -1.01
  kFloor,     // toward negative infinity: -1.001 → -1.01
  kCeiling,   // toward positive infinity: 1.001 → 1.01
};

class Decimal {
 public:
  // 18 decimals: far more than money (2) or any published rate (at most 6) needs, and it matches
  // DECIMAL(38,18), the widest exact type common SQL engines share, so values round-trip. It also
  // keeps 10^scale within int64, and leaves at least 20 integer digits at the maximum scale.
  static constexpr int kMaxScale = 18;
  // 38 significant digits: the most that fits a signed 128-bit integer for every digit string
  // (10^38 < 2^127 ≈ 1.7 × 10^38), and the precision of DECIMAL(38, s).
  static constexpr int kMaxDigits = 38;
  // The longest text Parse looks at; longer input is rejected before any work is done.
  static constexpr size_t kMaxTextLength = 128;

  // Zero with scale 0.
  constexpr Decimal() = default;

  // Parses [+-]digits[.digits][(e|E)[+-]digits], e.g. "12", "-0.5", "+3.14", "1e3", "2.5E-2".
  // The scale is the number of written decimals minus the exponent ("1.50" has scale 2, "1e3" is
  // 1000 with scale 0, "2.5E-2" is 0.025). Rejected, with a Chinese reason: empty text, any space,
  // "1." and ".5" (a digit is required on both sides of the point, so that a truncated or
  // mis-pasted number is caught rather than guessed), thousands separators, "NaN"/"Infinity",
  // text longer than 128 characters, a value needing more than 38 significant digits
  // (decimal.overflow) or more than 18 decimals (decimal.scale_overflow). Trailing zeros beyond
  // those limits are dropped exactly ("1.0000000000000000000000" is 1 with scale 18), as long
  // as the text has at most 76 significant digits.
  static absl::StatusOr<Decimal> Parse(std::string_view text);

  // An integer (scale 0). Never fails: int64 has 19 digits.
  static Decimal FromInt(int64_t value);
  // An amount in fen as yuan with scale 2: FromFen(-50) is -0.50.
  static Decimal FromFen(int64_t fen);
  // coefficient × 10^-scale; errors when |coefficient| >= 10^38 or scale is outside 0..18.
  static absl::StatusOr<Decimal> FromParts(__int128 coefficient, int scale);

  // Exact sum and difference (scale: the larger of the two, see the scale rule above).
  absl::StatusOr<Decimal> Add(const Decimal& other) const;
  absl::StatusOr<Decimal> Sub(const Decimal& other) const;
  // Exact product (scale: the sum of the scales, reduced as the scale rule says).
  absl::StatusOr<Decimal> Mul(const Decimal& other) const;
  // The product rounded to exactly `scale` decimals; never a scale overflow, so it is the way to
  // compute "amount × rate, to the fen". Errors: scale outside 0..18, or the result overflows.
  absl::StatusOr<Decimal> MulRound(const Decimal& other, int scale, RoundingMode mode) const;
  // The quotient rounded to exactly `scale` decimals (0..18). Errors: decimal.division_by_zero,
  // decimal.scale_range, decimal.overflow.
  absl::StatusOr<Decimal> Div(const Decimal& divisor, int scale, RoundingMode mode) const;
  // The negation. The range is symmetric, so this cannot fail today; it returns StatusOr like
  // the rest of the arithmetic so that callers treat every operation alike.
  absl::StatusOr<Decimal> Neg() const;
  // This value with exactly `places` decimals (0..18): rounded when it has more, padded with
  // zeros when it has fewer (1.5 → "1.50" for places = 2). Errors: decimal.scale_range, or
  // decimal.overflow when padding pushes the coefficient past 38 digits.
  absl::StatusOr<Decimal> Round(int places, RoundingMode mode) const;

  // -1, 0 or 1 as this value is less than, equal to or greater than `other`, by numeric value:
  // 1.50 compares equal to 1.5.
  int Compare(const Decimal& other) const;

  // Canonical text: no exponent, exactly `scale()` decimals, "-" for negatives only: "-0.50",
  // "1000", "0.000". Parse(ToString()) gives back the same coefficient and scale.
  std::string ToString() const;
  // The shortest exact text: trailing fractional zeros trimmed ("1.50" → "1.5", "2.00" → "2",
  // "100" stays "100").
  std::string Normalized() const;

  __int128 coefficient() const { return coefficient_; }
  int scale() const { return scale_; }
  bool IsZero() const { return coefficient_ == 0; }
  // -1, 0 or 1.
  int Sign() const { return coefficient_ < 0 ? -1 : (coefficient_ > 0 ? 1 : 0); }
  // The value as int64 when it is integral and fits ("3.00" → 3). Errors: decimal.not_integral,
  // decimal.int64_overflow.
  absl::StatusOr<int64_t> ToInt64() const;

  friend bool operator==(const Decimal& a, const Decimal& b) { return a.Compare(b) == 0; }
  friend bool operator!=(const Decimal& a, const Decimal& b) { return a.Compare(b) != 0; }
  friend bool operator<(const Decimal& a, const Decimal& b) { return a.Compare(b) < 0; }
  friend bool operator<=(const Decimal& a, const Decimal& b) { return a.Compare(b) <= 0; }
  friend bool operator>(const Decimal& a, const Decimal& b) { return a.Compare(b) > 0; }
  friend bool operator>=(const Decimal& a, const Decimal& b) { return a.Compare(b) >= 0; }

  // Hashes the numeric value, so that equal values (1.50, 1.5) hash alike.
  template <typename H>
  friend H AbslHashValue(H h, const Decimal& d) {
    Decimal n = d.Reduced();
    auto bits = static_cast<unsigned __int128>(n.coefficient_);
    return H::combine(std::move(h), static_cast<uint64_t>(bits >> 64), static_cast<uint64_t>(bits),
                      n.scale_);
  }

  friend std::ostream& operator<<(std::ostream& os, const Decimal& d) { return os << d.ToString(); }

 private:
  constexpr Decimal(__int128 coefficient, int scale) : coefficient_(coefficient), scale_(scale) {}
  // The same value with trailing zeros of the coefficient removed (scale as small as possible).
  Decimal Reduced() const;

  __int128 coefficient_ = 0;
  int scale_ = 0;
};

}  // namespace zhida::core
