#include "core/wide_int.h"

#include <array>
#include <string>

namespace zhida::core::internal {
namespace {

constexpr std::array<u128, kMaxPow10 + 1> MakePow10() {
  std::array<u128, kMaxPow10 + 1> table{};
  u128 p = 1;
  for (int i = 0; i <= kMaxPow10; ++i) {
    table[i] = p;
    p *= 10;  // the last step wraps, but that value is never stored
  }
  return table;
}
constexpr std::array<u128, kMaxPow10 + 1> kPow10 = MakePow10();

constexpr u128 kMask64 = ~uint64_t{0};

}  // namespace

u128 Pow10(int n) {
  ZCHECK(n >= 0 && n <= kMaxPow10);
  return kPow10[n];
}

U256 Mul128(u128 a, u128 b) {
  const u128 a0 = a & kMask64, a1 = a >> 64, b0 = b & kMask64, b1 = b >> 64;
  const u128 p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
  // The middle column: three terms below 2^64 each, so no overflow of 128 bits.
  const u128 mid = (p00 >> 64) + (p01 & kMask64) + (p10 & kMask64);
  U256 r;
  r.lo = (p00 & kMask64) | (mid << 64);
  r.hi = p11 + (p01 >> 64) + (p10 >> 64) + (mid >> 64);
  return r;
}

bool MulU256(const U256& a, u128 b, U256* out) {
  const U256 low = Mul128(a.lo, b);
  const U256 high = Mul128(a.hi, b);
  if (high.hi != 0) return false;
  const u128 hi = low.hi + high.lo;
  if (hi < low.hi) return false;
  out->hi = hi;
  out->lo = low.lo;
  return true;
}

U256 Add(const U256& a, const U256& b) {
  U256 r;
  r.lo = a.lo + b.lo;
  r.hi = a.hi + b.hi + (r.lo < a.lo ? 1 : 0);
  return r;
}

U256 Sub(const U256& a, const U256& b) {
  U256 r;
  r.lo = a.lo - b.lo;
  r.hi = a.hi - b.hi - (a.lo < b.lo ? 1 : 0);
  return r;
}

U256 ShiftLeft1(const U256& a) { return U256{(a.hi << 1) | (a.lo >> 127), a.lo << 1}; }

static int BitLength(const U256& a) {
  auto bits128 = [](u128 v) {
    const uint64_t h = static_cast<uint64_t>(v >> 64), l = static_cast<uint64_t>(v);
    if (h != 0) return 128 - __builtin_clzll(h);
    if (l != 0) return 64 - __builtin_clzll(l);
    return 0;
  };
  return a.hi != 0 ? 128 + bits128(a.hi) : bits128(a.lo);
}

static bool Bit(const U256& a, int i) {
  return i >= 128 ? ((a.hi >> (i - 128)) & 1) != 0 : ((a.lo >> i) & 1) != 0;
}

static void SetBit(U256* a, int i) {
  if (i >= 128) {
    a->hi |= u128{1} << (i - 128);
  } else {
    a->lo |= u128{1} << i;
  }
}

void DivMod(const U256& a, const U256& d, U256* quotient, U256* remainder) {
  ZCHECK(!IsZero(d));
  // Fast path: both fit 128 bits.
  if (a.hi == 0 && d.hi == 0) {
    *quotient = FromU128(a.lo / d.lo);
    *remainder = FromU128(a.lo % d.lo);
    return;
  }
  // Schoolbook binary long division. The divisor is below 2^255 in every use (our magnitudes
  // stay below 2^200), so shifting the remainder left cannot lose a bit.
  ZCHECK(BitLength(d) < 256);
  U256 q, r;
  for (int i = BitLength(a) - 1; i >= 0; --i) {
    r = ShiftLeft1(r);
    if (Bit(a, i)) r.lo |= 1;
    if (Cmp(r, d) >= 0) {
      r = Sub(r, d);
      SetBit(&q, i);
    }
  }
  *quotient = q;
  *remainder = r;
}

void DivModSmall(const U256& a, uint64_t d, U256* quotient, uint64_t* remainder) {
  ZCHECK(d != 0);
  const uint64_t limbs[4] = {static_cast<uint64_t>(a.hi >> 64), static_cast<uint64_t>(a.hi),
                             static_cast<uint64_t>(a.lo >> 64), static_cast<uint64_t>(a.lo)};
  uint64_t q[4];
  u128 rem = 0;
  for (int i = 0; i < 4; ++i) {
    const u128 cur = (rem << 64) | limbs[i];
    q[i] = static_cast<uint64_t>(cur / d);
    rem = cur % d;
  }
  quotient->hi = (u128{q[0]} << 64) | q[1];
  quotient->lo = (u128{q[2]} << 64) | q[3];
  *remainder = static_cast<uint64_t>(rem);
}

void AppendDigits(u128 v, std::string* out) {
  // Split into base-10^19 chunks so that only two 128-bit divisions are needed.
  constexpr uint64_t kChunk = 10000000000000000000ull;  // 10^19
  uint64_t chunks[3];
  int n = 0;
  do {
    chunks[n++] = static_cast<uint64_t>(v % kChunk);
    v /= kChunk;
  } while (v != 0);
  char buf[20];
  for (int i = n - 1; i >= 0; --i) {
    uint64_t c = chunks[i];
    int len = 0;
    do {
      buf[len++] = static_cast<char>('0' + c % 10);
      c /= 10;
    } while (c != 0);
    if (i != n - 1) {
      while (len < 19) buf[len++] = '0';  // inner chunks keep their leading zeros
    }
    while (len > 0) out->push_back(buf[--len]);
  }
}

}  // namespace zhida::core::internal
