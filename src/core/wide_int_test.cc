#include "core/wide_int.h"

#include <gtest/gtest.h>

namespace zhida::core::internal {
namespace {

std::string Digits(u128 v) {
  std::string s;
  AppendDigits(v, &s);
  return s;
}

TEST(WideIntTest, Pow10) {
  EXPECT_EQ(Digits(Pow10(0)), "1");
  EXPECT_EQ(Digits(Pow10(19)), "10000000000000000000");
  EXPECT_EQ(Digits(Pow10(38)), "1" + std::string(38, '0'));
}

TEST(WideIntTest, AppendDigits) {
  EXPECT_EQ(Digits(0), "0");
  EXPECT_EQ(Digits(7), "7");
  EXPECT_EQ(Digits(Pow10(19) - 1), std::string(19, '9'));
  EXPECT_EQ(Digits(Pow10(19) + 5), "10000000000000000005");
  EXPECT_EQ(Digits(~u128{0}), "340282366920938463463374607431768211455");
}

TEST(WideIntTest, Mul128) {
  const u128 max = ~u128{0};
  // (2^128 - 1)^2 = 2^256 - 2^129 + 1: hi = 2^128 - 2, lo = 1.
  U256 p = Mul128(max, max);
  EXPECT_TRUE(p.hi == max - 1);
  EXPECT_TRUE(p.lo == 1);
  p = Mul128(Pow10(38), Pow10(38));  // 10^76 < 2^256
  U256 q, r;
  DivMod(p, FromU128(Pow10(38)), &q, &r);
  EXPECT_TRUE(IsZero(r));
  EXPECT_TRUE(q.hi == 0 && q.lo == Pow10(38));
}

TEST(WideIntTest, MulU256DetectsOverflow) {
  U256 out;
  EXPECT_TRUE(MulU256(Mul128(Pow10(38), Pow10(38)), 10, &out));    // 10^77 < 2^256
  EXPECT_FALSE(MulU256(Mul128(Pow10(38), Pow10(38)), 100, &out));  // 10^78 > 2^256
  EXPECT_FALSE(MulU256(U256{~u128{0}, 0}, 2, &out));
}

TEST(WideIntTest, AddSubCarry) {
  const U256 a{0, ~u128{0}};
  const U256 b = Add(a, FromU128(1));
  EXPECT_TRUE(b.hi == 1 && b.lo == 0);
  const U256 c = Sub(b, FromU128(1));
  EXPECT_EQ(Cmp(c, a), 0);
  EXPECT_EQ(Cmp(a, b), -1);
  EXPECT_EQ(Cmp(b, a), 1);
}

TEST(WideIntTest, DivModLarge) {
  // (10^50 + 7) / (10^20 + 3): check q·d + r = n and r < d.
  const U256 n = Add(Mul128(Pow10(25), Pow10(25)), FromU128(7));
  const U256 d = FromU128(Pow10(20) + 3);
  U256 q, r;
  DivMod(n, d, &q, &r);
  EXPECT_LT(Cmp(r, d), 0);
  U256 back;
  ASSERT_TRUE(MulU256(q, d.lo, &back));
  EXPECT_EQ(Cmp(Add(back, r), n), 0);
  // A divisor wider than 128 bits.
  const U256 wide = Mul128(Pow10(30), Pow10(10));  // 10^40
  DivMod(Mul128(Pow10(38), Pow10(38)), wide, &q, &r);
  EXPECT_TRUE(q.hi == 0 && q.lo == Pow10(36));
  EXPECT_TRUE(IsZero(r));
}

TEST(WideIntTest, DivModSmall) {
  U256 q;
  uint64_t r;
  DivModSmall(Add(Mul128(Pow10(38), Pow10(38)), FromU128(3)), 10, &q, &r);
  EXPECT_EQ(r, 3u);
  U256 expected;
  ASSERT_TRUE(MulU256(FromU128(Pow10(38)), Pow10(37), &expected));
  EXPECT_EQ(Cmp(q, expected), 0);
}

}  // namespace
}  // namespace zhida::core::internal
