#include "core/decimal.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <limits>
#include <random>
#include <string>

#include "absl/container/flat_hash_set.h"

namespace zhida::core {
namespace {

const std::string k38Nines(38, '9');

Decimal D(std::string_view text) {
  absl::StatusOr<Decimal> d = Decimal::Parse(text);
  EXPECT_TRUE(d.ok()) << text << ": " << d.status();
  return d.ok() ? *d : Decimal();
}

// The code of the error `s` carries, or "ok".
template <typename T>
std::string CodeOf(const absl::StatusOr<T>& s) {
  return s.ok() ? "ok" : ErrorCode(s.status());
}

std::string Str(const absl::StatusOr<Decimal>& d) {
  return d.ok() ? d->ToString() : "error " + ErrorCode(d.status());
}

// ---------------------------------------------------------------------------------------------
// Parse

TEST(DecimalParseTest, AcceptsTheDocumentedForms) {
  struct Case {
    const char* text;
    int64_t coefficient;
    int scale;
  };
  const Case cases[] = {
      {"12", 12, 0},
      {"-0.5", -5, 1},
      {"+3.14", 314, 2},
      {"1e3", 1000, 0},
      {"2.5E-2", 25, 3},
      {"1E+2", 100, 0},
      {"0", 0, 0},
      {"-0", 0, 0},
      {"0.000", 0, 3},
      {"007", 7, 0},
      {"1.50", 150, 2},
      {"1.5e1", 15, 0},
      {"1.25e1", 125, 1},
      {"-1e-18", -1, 18},
      {"0e-30", 0, 18},
      {"0e99999999999", 0, 0},
      {"00.10", 10, 2},
      {"5e0", 5, 0},
      {"12.345e+1", 12345, 2},
  };
  for (const Case& c : cases) {
    absl::StatusOr<Decimal> d = Decimal::Parse(c.text);
    ASSERT_TRUE(d.ok()) << c.text << ": " << d.status();
    EXPECT_TRUE(d->coefficient() == c.coefficient) << c.text;
    EXPECT_EQ(d->scale(), c.scale) << c.text;
  }
}

TEST(DecimalParseTest, RejectsMalformedText) {
  for (const char* text : {"",      " ",    " 1",  "1 ",    "1.",   ".5",    "-.5",      "+",
                           "-",     "1e",   "1e+", "1e-",   "e5",   "1,000", "1_000",    "0x10",
                           "1.2.3", "--1",  "+-1", "1e3.5", "NaN",  "nan",   "Infinity", "inf",
                           "1d",    "１２", "1\n", "\t1",   "1..2", "1e1e1", "0.5%",     "¥1"}) {
    absl::StatusOr<Decimal> d = Decimal::Parse(text);
    EXPECT_FALSE(d.ok()) << "'" << text << "'";
    EXPECT_EQ(ErrorCode(d.status()), "decimal.syntax") << "'" << text << "'";
    EXPECT_EQ(d.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(std::string(d.status().message()).find("数值格式不正确"), std::string::npos);
  }
}

TEST(DecimalParseTest, ExplainsTheDecimalPointRules) {
  EXPECT_NE(std::string(Decimal::Parse("1.").status().message()).find("小数点后缺少数字"),
            std::string::npos);
  EXPECT_NE(std::string(Decimal::Parse(".5").status().message()).find("小数点前缺少数字"),
            std::string::npos);
  EXPECT_FALSE(ErrorEnglish(Decimal::Parse("x").status()).empty());
}

TEST(DecimalParseTest, DigitLimits) {
  EXPECT_EQ(Str(Decimal::Parse(k38Nines)), k38Nines);
  EXPECT_EQ(Str(Decimal::Parse("-" + k38Nines)), "-" + k38Nines);
  EXPECT_EQ(Str(Decimal::Parse(k38Nines + "9")), "error decimal.overflow");
  EXPECT_EQ(Str(Decimal::Parse("1" + std::string(38, '0'))), "error decimal.overflow");
  // Leading zeros do not count.
  EXPECT_EQ(Str(Decimal::Parse("0000" + k38Nines)), k38Nines);
  // 20 integer digits + 18 decimals = 38 digits.
  EXPECT_EQ(Str(Decimal::Parse("12345678901234567890.123456789012345678")),
            "12345678901234567890.123456789012345678");
  EXPECT_EQ(Str(Decimal::Parse("1e37")), "1" + std::string(37, '0'));
  EXPECT_EQ(Str(Decimal::Parse("1e38")), "error decimal.overflow");
  EXPECT_EQ(Str(Decimal::Parse("1e99999999")), "error decimal.overflow");
  EXPECT_EQ(CodeOf(Decimal::Parse(std::string(129, '1'))), "decimal.syntax");  // too long
  EXPECT_EQ(CodeOf(Decimal::Parse(std::string(128, '0'))), "ok");
}

TEST(DecimalParseTest, ScaleLimits) {
  EXPECT_EQ(Str(Decimal::Parse("0.000000000000000001")), "0.000000000000000001");
  EXPECT_EQ(Str(Decimal::Parse("0.0000000000000000001")), "error decimal.scale_overflow");
  EXPECT_EQ(Str(Decimal::Parse("1e-18")), "0.000000000000000001");
  EXPECT_EQ(Str(Decimal::Parse("1e-19")), "error decimal.scale_overflow");
  EXPECT_EQ(Str(Decimal::Parse("1e-9999")), "error decimal.scale_overflow");
  // Extra decimals that are trailing zeros are dropped exactly.
  EXPECT_EQ(Str(Decimal::Parse("1.0000000000000000000000")), "1.000000000000000000");
  EXPECT_EQ(Str(Decimal::Parse("1.5000000000000000000000")), "1.500000000000000000");
  EXPECT_NE(std::string(Decimal::Parse("1e-19").status().message()).find("18"), std::string::npos);
}

TEST(DecimalParseTest, RoundTripsThroughToString) {
  for (const char* text :
       {"0", "0.00", "-0.50", "12345.67", "-1", "0.000000000000000001",
        "99999999999999999999999999999999999999", "-9999999999999999999.999999999999999999"}) {
    const Decimal d = D(text);
    EXPECT_EQ(d.ToString(), text);
    const Decimal back = D(d.ToString());
    EXPECT_TRUE(back.coefficient() == d.coefficient());
    EXPECT_EQ(back.scale(), d.scale());
  }
}

// ---------------------------------------------------------------------------------------------
// Construction and text

TEST(DecimalTest, FromIntAndFromFen) {
  EXPECT_EQ(Decimal::FromInt(0).ToString(), "0");
  EXPECT_EQ(Decimal::FromInt(-42).ToString(), "-42");
  EXPECT_EQ(Decimal::FromInt(std::numeric_limits<int64_t>::min()).ToString(),
            "-9223372036854775808");
  EXPECT_EQ(Decimal::FromFen(-50).ToString(), "-0.50");
  EXPECT_EQ(Decimal::FromFen(5).ToString(), "0.05");
  EXPECT_EQ(Decimal::FromFen(123456789).ToString(), "1234567.89");
  EXPECT_EQ(Decimal::FromFen(0).ToString(), "0.00");
}

TEST(DecimalTest, FromParts) {
  EXPECT_EQ(Str(Decimal::FromParts(-5, 1)), "-0.5");
  EXPECT_EQ(CodeOf(Decimal::FromParts(1, 19)), "decimal.scale_range");
  EXPECT_EQ(CodeOf(Decimal::FromParts(1, -1)), "decimal.scale_range");
  __int128 limit = 1;
  for (int i = 0; i < 38; ++i) limit *= 10;
  EXPECT_EQ(CodeOf(Decimal::FromParts(limit, 0)), "decimal.overflow");
  EXPECT_EQ(CodeOf(Decimal::FromParts(-limit, 5)), "decimal.overflow");
  EXPECT_EQ(Str(Decimal::FromParts(limit - 1, 18)), "99999999999999999999.999999999999999999");
}

TEST(DecimalTest, ToStringAndNormalized) {
  EXPECT_EQ(D("-0.50").ToString(), "-0.50");
  EXPECT_EQ(D("-0.00").ToString(), "0.00");  // no negative zero
  EXPECT_EQ(D("1000").ToString(), "1000");
  EXPECT_EQ(D("1e3").ToString(), "1000");
  EXPECT_EQ(D("-1e-18").ToString(), "-0.000000000000000001");
  EXPECT_EQ(D("1.50").Normalized(), "1.5");
  EXPECT_EQ(D("-0.50").Normalized(), "-0.5");
  EXPECT_EQ(D("2.00").Normalized(), "2");
  EXPECT_EQ(D("100").Normalized(), "100");
  EXPECT_EQ(D("0.000").Normalized(), "0");
  EXPECT_EQ(D("10.010").Normalized(), "10.01");
}

TEST(DecimalTest, Accessors) {
  EXPECT_TRUE(D("0.00").IsZero());
  EXPECT_FALSE(D("0.01").IsZero());
  EXPECT_EQ(D("-0.01").Sign(), -1);
  EXPECT_EQ(D("0.000").Sign(), 0);
  EXPECT_EQ(D("7").Sign(), 1);
  EXPECT_EQ(Decimal().ToString(), "0");
}

TEST(DecimalTest, ToInt64) {
  EXPECT_EQ(*D("3.00").ToInt64(), 3);
  EXPECT_EQ(*D("-12").ToInt64(), -12);
  EXPECT_EQ(*D("9223372036854775807").ToInt64(), std::numeric_limits<int64_t>::max());
  EXPECT_EQ(*D("-9223372036854775808").ToInt64(), std::numeric_limits<int64_t>::min());
  EXPECT_EQ(CodeOf(D("9223372036854775808").ToInt64()), "decimal.int64_overflow");
  EXPECT_EQ(CodeOf(D("-9223372036854775809").ToInt64()), "decimal.int64_overflow");
  EXPECT_EQ(CodeOf(D("3.5").ToInt64()), "decimal.not_integral");
  EXPECT_EQ(CodeOf(D("-0.000000000000000001").ToInt64()), "decimal.not_integral");
  EXPECT_EQ(*D("1e18").ToInt64(), 1000000000000000000);
}

// ---------------------------------------------------------------------------------------------
// Comparison

TEST(DecimalCompareTest, ByNumericValue) {
  EXPECT_EQ(D("1.50"), D("1.5"));
  EXPECT_EQ(D("0"), D("-0.000"));
  EXPECT_EQ(D("1e3"), D("1000.000"));
  EXPECT_LT(D("1.5"), D("1.51"));
  EXPECT_LT(D("-1.5"), D("-1.49"));
  EXPECT_LT(D("-0.01"), D("0"));
  EXPECT_GT(D("0.000000000000000001"), D("0"));
  EXPECT_LE(D("2"), D("2.0"));
  EXPECT_GE(D("2"), D("2.0"));
  EXPECT_NE(D("2"), D("2.000000000000000001"));
  EXPECT_EQ(D("2").Compare(D("2.000000000000000001")), -1);
  EXPECT_EQ(D("-2").Compare(D("-2.000000000000000001")), 1);
  // Alignment beyond 128 bits: 38 nines (scale 0) against a value with 18 decimals.
  EXPECT_GT(D(k38Nines), D("99999999999999999999.999999999999999999"));
  EXPECT_LT(D("-" + k38Nines), D("-99999999999999999999.999999999999999999"));
}

TEST(DecimalCompareTest, EqualValuesHashAlike) {
  absl::flat_hash_set<Decimal> set = {D("1.5"), D("1.50"), D("1.500000"), D("-0"), D("0.00")};
  EXPECT_EQ(set.size(), 2u);
  EXPECT_TRUE(set.contains(D("1.5000")));
  EXPECT_TRUE(set.contains(D("0.0")));
  EXPECT_FALSE(set.contains(D("-1.5")));
}

// ---------------------------------------------------------------------------------------------
// Add, Sub, Neg

TEST(DecimalArithmeticTest, AddAndSubAreExact) {
  EXPECT_EQ(Str(D("0.1").Add(D("0.2"))), "0.3");
  EXPECT_EQ(Str(D("1.5").Add(D("2.25"))), "3.75");
  EXPECT_EQ(Str(D("1.50").Add(D("1"))), "2.50");  // the larger scale
  EXPECT_EQ(Str(D("-1.50").Add(D("1.5"))), "0.00");
  EXPECT_EQ(Str(D("5").Sub(D("7.25"))), "-2.25");
  EXPECT_EQ(Str(D("-5").Sub(D("-5"))), "0");
  EXPECT_EQ(Str(D("0.000000000000000001").Add(D("1e19"))),
            "10000000000000000000.000000000000000001");  // 38 digits
  EXPECT_EQ(Str(D("0.000000000000000001").Add(D("1e20"))),
            "error decimal.overflow");  // 39 digits
}

TEST(DecimalArithmeticTest, AddOverflowIsAnErrorNeverAWrap) {
  const Decimal max = D(k38Nines), min = D("-" + k38Nines);
  EXPECT_EQ(Str(max.Add(D("1"))), "error decimal.overflow");
  EXPECT_EQ(Str(min.Sub(D("1"))), "error decimal.overflow");
  EXPECT_EQ(Str(max.Add(max)), "error decimal.overflow");
  EXPECT_EQ(Str(min.Add(min)), "error decimal.overflow");
  EXPECT_EQ(Str(max.Sub(min)), "error decimal.overflow");
  EXPECT_EQ(Str(max.Add(D("0.1"))), "error decimal.overflow");
  EXPECT_EQ(Str(max.Add(min)), "0");
  EXPECT_EQ(Str(max.Sub(D("1"))), std::string(37, '9') + "8");
  EXPECT_EQ(D(k38Nines).Add(D("1")).status().code(), absl::StatusCode::kOutOfRange);
}

TEST(DecimalArithmeticTest, AddWhoseAlignmentExceeds128Bits) {
  // 1.71e20 aligned to 18 decimals is 1.71e38 > 2^127: the sum must still be exact.
  EXPECT_EQ(Str(D("171000000000000000000").Add(D("-90000000000000000000.000000000000000000"))),
            "81000000000000000000.000000000000000000");
  EXPECT_EQ(Str(D("171000000000000000000").Add(D("-70000000000000000000.000000000000000001"))),
            "error decimal.overflow");  // 1.01e20 with 18 decimals needs 39 digits
  EXPECT_EQ(Str(D("-171000000000000000000").Sub(D("-90000000000000000000.5"))),
            "-80999999999999999999.5");
}

TEST(DecimalArithmeticTest, AddDropsTrailingZerosRatherThanOverflow) {
  // 9e35 with 2 decimals is 38 digits; twice it needs 39 at scale 2, but is exact at scale 1.
  const Decimal a = D("900000000000000000000000000000000000.00");
  EXPECT_EQ(Str(a.Add(a)), "1800000000000000000000000000000000000.0");
}

TEST(DecimalArithmeticTest, Neg) {
  EXPECT_EQ(Str(D("1.50").Neg()), "-1.50");
  EXPECT_EQ(Str(D("-1.50").Neg()), "1.50");
  EXPECT_EQ(Str(D("0.0").Neg()), "0.0");
  EXPECT_EQ(Str(D("-" + k38Nines).Neg()), k38Nines);
}

// ---------------------------------------------------------------------------------------------
// Mul, MulRound

TEST(DecimalArithmeticTest, MulIsExact) {
  EXPECT_EQ(Str(D("1.5").Mul(D("2.0"))), "3.00");  // scales add up
  EXPECT_EQ(Str(D("0.1").Mul(D("0.1"))), "0.01");
  EXPECT_EQ(Str(D("-2").Mul(D("3"))), "-6");
  EXPECT_EQ(Str(D("0").Mul(D("-5"))), "0");
  EXPECT_EQ(Str(D("-0.5").Mul(D("-0.5"))), "0.25");
  EXPECT_EQ(Str(D("12345678.90").Mul(D("0.005"))), "61728.39450");
}

TEST(DecimalArithmeticTest, MulScaleOverflow) {
  // 10 + 10 decimals: reduced exactly when the product has trailing zeros…
  EXPECT_EQ(Str(D("1.0000000000").Mul(D("1.0000000000"))), "1.000000000000000000");
  EXPECT_EQ(Str(D("0.5000000000").Mul(D("0.2000000000"))), "0.100000000000000000");
  // …and an error when it does not.
  EXPECT_EQ(Str(D("0.0000000001").Mul(D("0.0000000001"))), "error decimal.scale_overflow");
  EXPECT_EQ(Str(D("0.333333333333333333").Mul(D("12.34"))), "error decimal.scale_overflow");
}

TEST(DecimalArithmeticTest, MulOverflowIsAnErrorNeverAWrap) {
  EXPECT_EQ(Str(D("1e19").Mul(D("1e19"))), "error decimal.overflow");
  EXPECT_EQ(Str(D(k38Nines).Mul(D(k38Nines))), "error decimal.overflow");
  EXPECT_EQ(Str(D(k38Nines).Mul(D("-" + k38Nines))), "error decimal.overflow");
  EXPECT_EQ(Str(D(k38Nines).Mul(D("2"))), "error decimal.overflow");
  EXPECT_EQ(Str(D("1e37").Mul(D("10"))), "error decimal.overflow");
  EXPECT_EQ(Str(D("1e37").Mul(D("9.9"))), "99" + std::string(36, '0'));  // exact at scale 0
  // 2^64 · 2^64 = 2^128 would wrap 128 bits to 0.
  EXPECT_EQ(Str(D("18446744073709551616").Mul(D("18446744073709551616"))),
            "error decimal.overflow");
  // The coefficient needs 41 digits at scale 18, but the value is exact at scale 15.
  EXPECT_EQ(Str(D("1.0000000000").Mul(D("10000000000000000000000.00000000"))),
            "10000000000000000000000.000000000000000");
}

TEST(DecimalArithmeticTest, MulRound) {
  const RoundingMode kHalfUp = RoundingMode::kHalfUp;
  EXPECT_EQ(Str(D("0.333333333333333333").MulRound(D("12.34"), 2, kHalfUp)), "4.11");
  EXPECT_EQ(Str(D("0.005").MulRound(D("1"), 2, kHalfUp)), "0.01");
  EXPECT_EQ(Str(D("-0.005").MulRound(D("1"), 2, kHalfUp)), "-0.01");
  EXPECT_EQ(Str(D("0.005").MulRound(D("1"), 2, RoundingMode::kHalfEven)), "0.00");
  EXPECT_EQ(Str(D("0.015").MulRound(D("1"), 2, RoundingMode::kHalfEven)), "0.02");
  EXPECT_EQ(Str(D("1.5").MulRound(D("2"), 3, kHalfUp)), "3.000");  // padded
  EXPECT_EQ(Str(D("0.0000000001").MulRound(D("0.0000000001"), 18, kHalfUp)),
            "0.000000000000000000");
  EXPECT_EQ(Str(D("-0.0000000001").MulRound(D("0.0000000001"), 18, RoundingMode::kFloor)),
            "-0.000000000000000001");
  EXPECT_EQ(Str(D(k38Nines).MulRound(D(k38Nines), 0, kHalfUp)), "error decimal.overflow");
  EXPECT_EQ(Str(D("1e30").MulRound(D("1e7"), 2, kHalfUp)), "error decimal.overflow");
  EXPECT_EQ(CodeOf(D("1").MulRound(D("1"), 19, kHalfUp)), "decimal.scale_range");
  // Rounding to 0 decimals of a 36-decimal product.
  EXPECT_EQ(Str(D("0.999999999999999999").MulRound(D("0.999999999999999999"), 0, kHalfUp)), "1");
  EXPECT_EQ(
      Str(D("0.999999999999999999").MulRound(D("0.999999999999999999"), 0, RoundingMode::kDown)),
      "0");
}

// ---------------------------------------------------------------------------------------------
// Div

TEST(DecimalArithmeticTest, Div) {
  const RoundingMode kHalfUp = RoundingMode::kHalfUp;
  EXPECT_EQ(Str(D("1").Div(D("3"), 2, kHalfUp)), "0.33");
  EXPECT_EQ(Str(D("2").Div(D("3"), 2, kHalfUp)), "0.67");
  EXPECT_EQ(Str(D("2").Div(D("3"), 2, RoundingMode::kDown)), "0.66");
  EXPECT_EQ(Str(D("-2").Div(D("3"), 2, kHalfUp)), "-0.67");
  EXPECT_EQ(Str(D("-2").Div(D("3"), 2, RoundingMode::kFloor)), "-0.67");
  EXPECT_EQ(Str(D("-2").Div(D("3"), 2, RoundingMode::kCeiling)), "-0.66");
  EXPECT_EQ(Str(D("2").Div(D("-3"), 2, RoundingMode::kUp)), "-0.67");
  EXPECT_EQ(Str(D("10").Div(D("4"), 0, RoundingMode::kHalfEven)), "2");
  EXPECT_EQ(Str(D("14").Div(D("4"), 0, RoundingMode::kHalfEven)), "4");
  EXPECT_EQ(Str(D("1").Div(D("0.001"), 0, kHalfUp)), "1000");
  EXPECT_EQ(Str(D("1").Div(D("8"), 5, kHalfUp)), "0.12500");
  EXPECT_EQ(Str(D("0").Div(D("-7"), 2, kHalfUp)), "0.00");
  EXPECT_EQ(Str(D("-0.001").Div(D("3"), 2, kHalfUp)), "0.00");  // rounds to zero, no sign
  EXPECT_EQ(Str(D("1.000000000000000001").Div(D("1"), 0, kHalfUp)), "1");
  EXPECT_EQ(Str(D("99999999999999999999.999999999999999999").Div(D("3"), 18, kHalfUp)),
            "33333333333333333333.333333333333333333");
  EXPECT_EQ(Str(D("1").Div(D("3"), 18, kHalfUp)), "0.333333333333333333");
  EXPECT_EQ(Str(D("2").Div(D("3"), 18, kHalfUp)), "0.666666666666666667");
  // The numerator 10^37 · 10^36 needs 256-bit arithmetic.
  EXPECT_EQ(Str(D("1e37").Div(D("0.000000000000000001"), 0, kHalfUp)), "error decimal.overflow");
  EXPECT_EQ(Str(D("1e19").Div(D("0.000000000000000001"), 0, kHalfUp)), "1" + std::string(37, '0'));
  EXPECT_EQ(Str(D(k38Nines).Div(D("1"), 1, kHalfUp)), "error decimal.overflow");
  EXPECT_EQ(Str(D(k38Nines).Div(D(k38Nines), 18, kHalfUp)), "1.000000000000000000");
  EXPECT_EQ(Str(D("0.000000000000000001").Div(D(k38Nines), 18, RoundingMode::kUp)),
            "0.000000000000000001");
}

TEST(DecimalArithmeticTest, DivisionByZero) {
  absl::StatusOr<Decimal> q = D("1").Div(D("0.00"), 2, RoundingMode::kHalfUp);
  ASSERT_FALSE(q.ok());
  EXPECT_EQ(ErrorCode(q.status()), "decimal.division_by_zero");
  EXPECT_EQ(std::string(q.status().message()), "除数不能为零");
  EXPECT_EQ(CodeOf(D("0").Div(D("0"), 0, RoundingMode::kDown)), "decimal.division_by_zero");
  EXPECT_EQ(CodeOf(D("1").Div(D("1"), 19, RoundingMode::kDown)), "decimal.scale_range");
  EXPECT_EQ(CodeOf(D("1").Div(D("1"), -1, RoundingMode::kDown)), "decimal.scale_range");
}

// ---------------------------------------------------------------------------------------------
// Round

TEST(DecimalRoundTest, TheRoundingModeTable) {
  // The table of java.math.RoundingMode's documentation (without HALF_DOWN), rounding to 0 places.
  struct Row {
    const char* input;
    const char *up, *down, *ceiling, *floor, *half_up, *half_even;
  };
  const Row rows[] = {
      {"5.5", "6", "5", "6", "5", "6", "6"},        {"2.5", "3", "2", "3", "2", "3", "2"},
      {"1.6", "2", "1", "2", "1", "2", "2"},        {"1.1", "2", "1", "2", "1", "1", "1"},
      {"1.0", "1", "1", "1", "1", "1", "1"},        {"-1.0", "-1", "-1", "-1", "-1", "-1", "-1"},
      {"-1.1", "-2", "-1", "-1", "-2", "-1", "-1"}, {"-1.6", "-2", "-1", "-1", "-2", "-2", "-2"},
      {"-2.5", "-3", "-2", "-2", "-3", "-3", "-2"}, {"-5.5", "-6", "-5", "-5", "-6", "-6", "-6"},
      {"0.4", "1", "0", "1", "0", "0", "0"},        {"-0.4", "-1", "0", "0", "-1", "0", "0"},
  };
  for (const Row& r : rows) {
    const Decimal d = D(r.input);
    EXPECT_EQ(Str(d.Round(0, RoundingMode::kUp)), r.up) << r.input;
    EXPECT_EQ(Str(d.Round(0, RoundingMode::kDown)), r.down) << r.input;
    EXPECT_EQ(Str(d.Round(0, RoundingMode::kCeiling)), r.ceiling) << r.input;
    EXPECT_EQ(Str(d.Round(0, RoundingMode::kFloor)), r.floor) << r.input;
    EXPECT_EQ(Str(d.Round(0, RoundingMode::kHalfUp)), r.half_up) << r.input;
    EXPECT_EQ(Str(d.Round(0, RoundingMode::kHalfEven)), r.half_even) << r.input;
  }
}

TEST(DecimalRoundTest, HalfUpOfNegativesGoesAwayFromZero) {
  EXPECT_EQ(Str(D("-0.005").Round(2, RoundingMode::kHalfUp)), "-0.01");
  EXPECT_EQ(Str(D("0.005").Round(2, RoundingMode::kHalfUp)), "0.01");
  EXPECT_EQ(Str(D("-0.0049999").Round(2, RoundingMode::kHalfUp)), "0.00");
  EXPECT_EQ(Str(D("-0.995").Round(2, RoundingMode::kHalfUp)), "-1.00");
  EXPECT_EQ(Str(D("-0.125").Round(2, RoundingMode::kHalfEven)), "-0.12");
  EXPECT_EQ(Str(D("-0.135").Round(2, RoundingMode::kHalfEven)), "-0.14");
}

TEST(DecimalRoundTest, PlacesAndPadding) {
  EXPECT_EQ(Str(D("1.5").Round(2, RoundingMode::kHalfUp)), "1.50");
  EXPECT_EQ(Str(D("9.999").Round(2, RoundingMode::kHalfUp)), "10.00");
  EXPECT_EQ(Str(D("0.994").Round(2, RoundingMode::kHalfUp)), "0.99");
  EXPECT_EQ(Str(D("12.345").Round(18, RoundingMode::kHalfUp)), "12.345000000000000000");
  EXPECT_EQ(CodeOf(D("1").Round(19, RoundingMode::kHalfUp)), "decimal.scale_range");
  EXPECT_EQ(CodeOf(D("1").Round(-1, RoundingMode::kHalfUp)), "decimal.scale_range");
  EXPECT_EQ(Str(D(k38Nines).Round(1, RoundingMode::kHalfUp)), "error decimal.overflow");
  // Rounding to fewer places never overflows: 38 digits at scale 1 round to at most 10^37.
  EXPECT_EQ(Str(D("9999999999999999999999999999999999999.9").Round(0, RoundingMode::kHalfUp)),
            "1" + std::string(37, '0'));
  EXPECT_EQ(Str(D("9999999999999999999999999999999999999.4").Round(0, RoundingMode::kHalfUp)),
            std::string(37, '9'));
  EXPECT_EQ(Str(D("99999999999999999999.999999999999999999").Round(2, RoundingMode::kHalfUp)),
            "100000000000000000000.00");
}

// ---------------------------------------------------------------------------------------------
// Randomized properties. The seed is printed; rerun one with ZHIDA_SEED=<seed>.

uint64_t Seed() {
  const char* env = std::getenv("ZHIDA_SEED");
  const uint64_t seed = env != nullptr ? std::strtoull(env, nullptr, 10) : std::random_device{}();
  std::printf("decimal property seed: %llu (ZHIDA_SEED)\n", static_cast<unsigned long long>(seed));
  return seed;
}

Decimal RandomDecimal(std::mt19937_64& rng) {
  const int digits = static_cast<int>(rng() % 38) + 1;
  const int scale = static_cast<int>(rng() % (std::min(digits, 18) + 1));
  std::string text = rng() % 2 ? "-" : "";
  for (int i = 0; i < digits; ++i) {
    if (i == digits - scale) text += i == 0 ? "0." : ".";
    text.push_back(static_cast<char>('0' + rng() % 10));
  }
  return D(text);
}

TEST(DecimalPropertyTest, AddSubCompareAgree) {
  std::mt19937_64 rng(Seed());
  for (int i = 0; i < 20000; ++i) {
    const Decimal a = RandomDecimal(rng), b = RandomDecimal(rng);
    ASSERT_EQ(D(a.ToString()), a);
    absl::StatusOr<Decimal> sum = a.Add(b);
    if (sum.ok()) {
      absl::StatusOr<Decimal> back = sum->Sub(b);
      ASSERT_TRUE(back.ok()) << a << " " << b;
      ASSERT_EQ(*back, a) << a << " + " << b;
    }
    absl::StatusOr<Decimal> diff = a.Sub(b);
    if (diff.ok()) {
      ASSERT_EQ(diff->Sign(), a.Compare(b)) << a << " - " << b;
    }
    ASSERT_EQ(a.Compare(b), -b.Compare(a));
  }
}

TEST(DecimalPropertyTest, ParseOfArbitraryTextIsExactOrAnError) {
  // Whatever Parse accepts prints back to text that parses to the same coefficient and scale,
  // and agrees with the value written (checked by comparing with the plain-digit form).
  std::mt19937_64 rng(Seed() + 2);
  const char alphabet[] = "0123456789.-+eE ,x";
  for (int i = 0; i < 50000; ++i) {
    std::string text;
    const int len = static_cast<int>(rng() % 24);
    for (int k = 0; k < len; ++k) text += alphabet[rng() % (sizeof alphabet - 1)];
    absl::StatusOr<Decimal> d = Decimal::Parse(text);
    if (!d.ok()) {
      ASSERT_FALSE(ErrorCode(d.status()).empty()) << text;
      continue;
    }
    absl::StatusOr<Decimal> back = Decimal::Parse(d->ToString());
    ASSERT_TRUE(back.ok()) << text;
    ASSERT_TRUE(back->coefficient() == d->coefficient() && back->scale() == d->scale()) << text;
  }
}

TEST(DecimalPropertyTest, DivBracketsTheQuotient) {
  std::mt19937_64 rng(Seed() + 1);
  for (int i = 0; i < 20000; ++i) {
    const Decimal a = RandomDecimal(rng), b = RandomDecimal(rng);
    if (b.IsZero()) continue;
    const int scale = static_cast<int>(rng() % 7);
    absl::StatusOr<Decimal> q = a.Div(b, scale, RoundingMode::kDown);
    if (!q.ok()) continue;
    // |q·b| <= |a| < |(q + ulp)·b| whenever the products are representable.
    absl::StatusOr<Decimal> ulp = Decimal::FromParts(a.Sign() * b.Sign() >= 0 ? 1 : -1, scale);
    absl::StatusOr<Decimal> qb = q->Mul(b);
    absl::StatusOr<Decimal> next = q->Add(*ulp);
    if (!qb.ok() || !next.ok()) continue;
    absl::StatusOr<Decimal> nb = next->Mul(b);
    if (!nb.ok()) continue;
    auto abs = [](const Decimal& d) { return d.Sign() < 0 ? *d.Neg() : d; };
    ASSERT_LE(abs(*qb), abs(a)) << a << " / " << b << " = " << *q;
    ASSERT_LT(abs(a), abs(*nb)) << a << " / " << b << " = " << *q;
  }
}

}  // namespace
}  // namespace zhida::core
