#include "core/money.h"

#include <gtest/gtest.h>

#include <limits>

namespace zhida::core {
namespace {

constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
constexpr int64_t kMin = std::numeric_limits<int64_t>::min();

Money M(std::string_view text) {
  absl::StatusOr<Money> m = Money::Parse(text);
  EXPECT_TRUE(m.ok()) << text << ": " << m.status();
  return m.ok() ? *m : Money();
}

template <typename T>
std::string CodeOf(const absl::StatusOr<T>& s) {
  return s.ok() ? "ok" : ErrorCode(s.status());
}

std::string Str(const absl::StatusOr<Money>& m) {
  return m.ok() ? m->ToString() : "error " + ErrorCode(m.status());
}

Decimal D(std::string_view text) { return *Decimal::Parse(text); }

TEST(MoneyParseTest, Accepts) {
  EXPECT_EQ(M("12345.67").fen(), 1234567);
  EXPECT_EQ(M("100").fen(), 10000);
  EXPECT_EQ(M("-0.5").fen(), -50);
  EXPECT_EQ(M("+0.05").fen(), 5);
  EXPECT_EQ(M("0").fen(), 0);
  EXPECT_EQ(M("-0").fen(), 0);
  EXPECT_EQ(M("007.10").fen(), 710);
  EXPECT_EQ(M("1.500").fen(), 150);  // extra zeros are exact
  EXPECT_EQ(M("92233720368547758.07").fen(), kMax);
  EXPECT_EQ(M("-92233720368547758.08").fen(), kMin);
}

TEST(MoneyParseTest, TooManyDecimals) {
  for (const char* text : {"1.005", "0.001", "-0.009", "12345.678", "1.0000001"}) {
    absl::StatusOr<Money> m = Money::Parse(text);
    ASSERT_FALSE(m.ok()) << text;
    EXPECT_EQ(ErrorCode(m.status()), "money.too_many_decimals") << text;
    EXPECT_EQ(std::string(m.status().message()), "金额最多保留两位小数");
  }
}

TEST(MoneyParseTest, Syntax) {
  for (const char* text : {"", " ", "1 ", " 1", "1.", ".5", "-", "+", "1e3", "1,000.00", "1.2.3",
                           "¥1", "1元", "--1", "0x10", "１", "NaN", "1.5e0", "1.0 "}) {
    EXPECT_EQ(CodeOf(Money::Parse(text)), "money.syntax") << "'" << text << "'";
  }
  EXPECT_EQ(Money::Parse("x").status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(MoneyParseTest, Overflow) {
  EXPECT_EQ(CodeOf(Money::Parse("92233720368547758.08")), "money.overflow");
  EXPECT_EQ(CodeOf(Money::Parse("-92233720368547758.09")), "money.overflow");
  EXPECT_EQ(CodeOf(Money::Parse("99999999999999999999999999999999")), "money.overflow");
  EXPECT_EQ(CodeOf(Money::Parse(std::string(1000, '9'))), "money.overflow");
  // A syntax error is reported before an overflow.
  EXPECT_EQ(CodeOf(Money::Parse("99999999999999999999999 ")), "money.syntax");
}

TEST(MoneyTest, ToString) {
  EXPECT_EQ(Money::FromFen(-50).ToString(), "-0.50");
  EXPECT_EQ(Money::FromFen(0).ToString(), "0.00");
  EXPECT_EQ(Money::FromFen(5).ToString(), "0.05");
  EXPECT_EQ(Money::FromFen(-5).ToString(), "-0.05");
  EXPECT_EQ(Money::FromFen(1234567).ToString(), "12345.67");
  EXPECT_EQ(Money::FromFen(kMax).ToString(), "92233720368547758.07");
  EXPECT_EQ(Money::FromFen(kMin).ToString(), "-92233720368547758.08");
  for (int64_t fen :
       {int64_t{0}, int64_t{1}, int64_t{-1}, int64_t{99}, int64_t{-100}, kMax, kMin}) {
    EXPECT_EQ(M(Money::FromFen(fen).ToString()).fen(), fen);
  }
}

TEST(MoneyTest, ToGrouped) {
  EXPECT_EQ(Money::FromFen(123456789).ToGrouped(), "1,234,567.89");
  EXPECT_EQ(Money::FromFen(99999).ToGrouped(), "999.99");
  EXPECT_EQ(Money::FromFen(100000).ToGrouped(), "1,000.00");
  EXPECT_EQ(Money::FromFen(-100000).ToGrouped(), "-1,000.00");
  EXPECT_EQ(Money::FromFen(-50).ToGrouped(), "-0.50");
  EXPECT_EQ(Money::FromFen(kMin).ToGrouped(), "-92,233,720,368,547,758.08");
}

TEST(MoneyTest, ToWan) {
  EXPECT_EQ(M("15000000").ToWan(), "1,500.00 万元");
  EXPECT_EQ(M("12345.67").ToWan(), "1.23 万元");
  EXPECT_EQ(M("49.99").ToWan(), "0.00 万元");
  EXPECT_EQ(M("50").ToWan(), "0.01 万元");      // half-up
  EXPECT_EQ(M("-50").ToWan(), "-0.01 万元");    // half-up of a negative: away from zero
  EXPECT_EQ(M("-49.99").ToWan(), "0.00 万元");  // no "-0.00"
  EXPECT_EQ(M("379628.76").ToWan(), "37.96 万元");
  EXPECT_EQ(M("0").ToWan(), "0.00 万元");
}

TEST(MoneyTest, CheckedAddSub) {
  EXPECT_EQ(Str(M("0.10").Add(M("0.20"))), "0.30");
  EXPECT_EQ(Str(M("1").Sub(M("1.01"))), "-0.01");
  EXPECT_EQ(Str(Money::FromFen(kMax).Add(Money::FromFen(1))), "error money.overflow");
  EXPECT_EQ(Str(Money::FromFen(kMin).Sub(Money::FromFen(1))), "error money.overflow");
  EXPECT_EQ(Str(Money::FromFen(kMin).Add(Money::FromFen(-1))), "error money.overflow");
  EXPECT_EQ(Str(Money::FromFen(0).Sub(Money::FromFen(kMin))), "error money.overflow");
  EXPECT_EQ(Str(Money::FromFen(kMax).Add(Money::FromFen(kMin))), "-0.01");
  EXPECT_EQ(Money::FromFen(kMax).Add(Money::FromFen(1)).status().code(),
            absl::StatusCode::kOutOfRange);
}

TEST(MoneyTest, MulRound) {
  // 0.5% of the revenue increase, rounded to the fen once (half-up).
  EXPECT_EQ(Str(M("2345678.91").MulRound(D("0.005"))), "11728.39");  // 11728.39455
  EXPECT_EQ(Str(M("0.01").MulRound(D("0.5"))), "0.01");
  EXPECT_EQ(Str(M("-0.01").MulRound(D("0.5"))), "-0.01");
  EXPECT_EQ(Str(M("0.01").MulRound(D("0.5"), RoundingMode::kHalfEven)), "0.00");
  EXPECT_EQ(Str(M("0.01").MulRound(D("0.5"), RoundingMode::kDown)), "0.00");
  EXPECT_EQ(Str(M("100").MulRound(D("0.333333333333333333"))), "33.33");
  EXPECT_EQ(Str(M("100").MulRound(D("-1"))), "-100.00");
  EXPECT_EQ(Str(Money::FromFen(kMax).MulRound(D("2"))), "error money.overflow");
  EXPECT_EQ(Str(Money::FromFen(kMax).MulRound(D("1e30"))), "error money.overflow");
  EXPECT_EQ(Str(Money::FromFen(kMin).MulRound(D("1"))), "-92233720368547758.08");
  EXPECT_EQ(Str(Money::FromFen(kMin).MulRound(D("-1"))), "error money.overflow");
}

TEST(MoneyTest, FromDecimalAndToDecimal) {
  EXPECT_EQ(Str(Money::FromDecimal(D("-0.005"), RoundingMode::kHalfUp)), "-0.01");
  EXPECT_EQ(Str(Money::FromDecimal(D("0.005"), RoundingMode::kHalfEven)), "0.00");
  EXPECT_EQ(Str(Money::FromDecimal(D("12.3"), RoundingMode::kDown)), "12.30");
  EXPECT_EQ(Str(Money::FromDecimal(D("1e20"), RoundingMode::kDown)), "error money.overflow");
  EXPECT_EQ(
      Str(Money::FromDecimal(D("99999999999999999999999999999999999999"), RoundingMode::kDown)),
      "error money.overflow");
  EXPECT_EQ(M("-0.5").ToDecimal().ToString(), "-0.50");
  EXPECT_EQ(M("-0.5").ToDecimal(), D("-0.5"));
}

TEST(MoneyTest, Comparisons) {
  EXPECT_EQ(M("1.5"), M("1.50"));
  EXPECT_LT(M("-0.01"), M("0"));
  EXPECT_GT(M("100"), M("99.99"));
  EXPECT_NE(M("1"), M("1.01"));
  EXPECT_TRUE(M("0").IsZero());
  EXPECT_EQ(M("-3").Sign(), -1);
  EXPECT_EQ(Money(), Money::FromFen(0));
}

}  // namespace
}  // namespace zhida::core
