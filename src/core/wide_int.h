// Unsigned 128- and 256-bit helpers for the exact arithmetic of Decimal (internal to core).
//
// Decimal keeps |coefficient| < 10^38 in a signed 128-bit integer, but intermediate values are
// wider: aligning scales multiplies by up to 10^18, a product of two coefficients has up to 76
// digits, and a quotient's numerator up to 74. Those intermediates are computed exactly here as
// magnitudes in 256 bits (2^256 ≈ 1.16 × 10^77), so no step can wrap. We avoid the compiler's
// 128-bit overflow builtins for multiplication: clang lowers them to a compiler-rt routine that
// libgcc does not provide.
#pragma once

#include <cstdint>
#include <string>

#include "core/status.h"

namespace zhida::core::internal {

using u128 = unsigned __int128;

// 10^0 … 10^38 (10^38 < 2^128 ≈ 3.4 × 10^38).
inline constexpr int kMaxPow10 = 38;
u128 Pow10(int n);  // ZCHECKs 0 <= n <= 38

struct U256 {
  u128 hi = 0;
  u128 lo = 0;
};

inline U256 FromU128(u128 v) { return U256{0, v}; }
inline bool IsZero(const U256& a) { return a.hi == 0 && a.lo == 0; }
// -1, 0, 1.
inline int Cmp(const U256& a, const U256& b) {
  if (a.hi != b.hi) return a.hi < b.hi ? -1 : 1;
  if (a.lo != b.lo) return a.lo < b.lo ? -1 : 1;
  return 0;
}
// The full 256-bit product of two 128-bit numbers.
U256 Mul128(u128 a, u128 b);
// a × b; returns false (and leaves *out unspecified) when the product needs more than 256 bits.
bool MulU256(const U256& a, u128 b, U256* out);
// a + b; the callers' bounds (< 2^200) guarantee no carry out of 256 bits.
U256 Add(const U256& a, const U256& b);
// a - b for a >= b.
U256 Sub(const U256& a, const U256& b);
U256 ShiftLeft1(const U256& a);
// Quotient and remainder of a / d for d != 0.
void DivMod(const U256& a, const U256& d, U256* quotient, U256* remainder);
// Quotient and remainder of a / d for a small divisor d != 0 (fast: four 128/64 divisions).
void DivModSmall(const U256& a, uint64_t d, U256* quotient, uint64_t* remainder);

// The decimal digits of v, without sign or leading zeros ("0" for 0).
void AppendDigits(u128 v, std::string* out);

}  // namespace zhida::core::internal
