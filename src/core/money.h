// Money: an exact amount in yuan, held as integer fen (DESIGN.md §3).
//
// Money never touches binary floating point. It travels as text with two decimals ("12345.67"),
// is stored as integer fen, and is computed with checked integer arithmetic: an overflow is an
// error, never a wrapped amount. The range is that of int64 fen (about ±9.2 × 10^16 yuan).
//
// Error codes: money.syntax, money.too_many_decimals, money.overflow.
#pragma once

#include <compare>
#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>

#include "core/decimal.h"
#include "core/status.h"

namespace zhida::core {

class Money {
 public:
  // Zero.
  constexpr Money() = default;

  // Parses a plain yuan amount: [+-]digits[.d[d]] — "12345.67", "100", "-0.5" (= -50 fen).
  // Extra decimals are accepted only when they are zeros ("1.500"), since the value is still
  // exact. Errors: money.syntax (empty, spaces, thousands separators, an exponent, "1." or ".5"),
  // money.too_many_decimals ("1.005": 金额最多保留两位小数), money.overflow (beyond int64 fen).
  static absl::StatusOr<Money> Parse(std::string_view text);
  static constexpr Money FromFen(int64_t fen) { return Money(fen); }
  // `value` rounded to the fen under `mode`; money.overflow when it does not fit int64 fen.
  static absl::StatusOr<Money> FromDecimal(const Decimal& value, RoundingMode mode);

  int64_t fen() const { return fen_; }
  bool IsZero() const { return fen_ == 0; }
  int Sign() const { return fen_ < 0 ? -1 : (fen_ > 0 ? 1 : 0); }

  // Exactly two decimals, no grouping: "1234567.89", "-0.50", "0.00". Parse(ToString()) == *this.
  std::string ToString() const;
  // Grouped by thousands for the Chinese UI: "1,234,567.89", "-1,000.00".
  std::string ToGrouped() const;
  // In 万元 (10,000 yuan) with two decimals, rounded half-up (away from zero), grouped, with the
  // unit: 15,000,000 yuan → "1,500.00 万元"; 49.99 yuan → "0.00 万元"; 50.00 yuan → "0.01 万元".
  std::string ToWan() const;
  // This amount as a Decimal with scale 2.
  Decimal ToDecimal() const { return Decimal::FromFen(fen_); }

  // Checked sum and difference; money.overflow on overflow.
  absl::StatusOr<Money> Add(Money other) const;
  absl::StatusOr<Money> Sub(Money other) const;
  // This amount × factor, rounded to the fen under `mode` (exactly once, after the exact
  // product: 0.01 yuan × 0.5 = 0.005 → 0.01 half-up). Errors: money.overflow.
  absl::StatusOr<Money> MulRound(const Decimal& factor,
                                 RoundingMode mode = RoundingMode::kHalfUp) const;

  friend constexpr bool operator==(const Money& a, const Money& b) = default;
  friend constexpr std::strong_ordering operator<=>(const Money& a, const Money& b) = default;

  template <typename H>
  friend H AbslHashValue(H h, Money m) {
    return H::combine(std::move(h), m.fen_);
  }
  friend std::ostream& operator<<(std::ostream& os, Money m) { return os << m.ToString(); }

 private:
  constexpr explicit Money(int64_t fen) : fen_(fen) {}

  int64_t fen_ = 0;
};

}  // namespace zhida::core
