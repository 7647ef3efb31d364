#include "core/date.h"

#include <gtest/gtest.h>

namespace zhida::core {
namespace {

Date P(std::string_view text) {
  absl::StatusOr<Date> d = Date::Parse(text);
  EXPECT_TRUE(d.ok()) << text << ": " << d.status();
  return d.ok() ? *d : Date();
}

std::string CodeOf(std::string_view text) {
  absl::StatusOr<Date> d = Date::Parse(text);
  return d.ok() ? "ok" : ErrorCode(d.status());
}

TEST(DateTest, ParseAndFields) {
  const Date d = P("2024-02-29");
  EXPECT_EQ(d.year(), 2024);
  EXPECT_EQ(d.month(), 2);
  EXPECT_EQ(d.day(), 29);
  EXPECT_EQ(d.ToString(), "2024-02-29");
  EXPECT_EQ(P("1970-01-01").days(), 0);
  EXPECT_EQ(P("1970-01-02").days(), 1);
  EXPECT_EQ(P("1969-12-31").days(), -1);
  EXPECT_EQ(P("2000-03-01").days(), 11017);
  EXPECT_EQ(P("1900-01-01").ToString(), "1900-01-01");
  EXPECT_EQ(P("2200-12-31").ToString(), "2200-12-31");
}

TEST(DateTest, ParseIsStrict) {
  EXPECT_EQ(CodeOf("2024-02-30"), "date.invalid");
  EXPECT_EQ(CodeOf("2023-02-29"), "date.invalid");  // not a leap year
  EXPECT_EQ(CodeOf("1900-02-29"), "date.invalid");  // divisible by 100, not by 400
  EXPECT_EQ(CodeOf("2000-02-29"), "ok");            // divisible by 400
  EXPECT_EQ(CodeOf("2024-04-31"), "date.invalid");
  EXPECT_EQ(CodeOf("2024-13-01"), "date.invalid");
  EXPECT_EQ(CodeOf("2024-00-10"), "date.invalid");
  EXPECT_EQ(CodeOf("2024-01-00"), "date.invalid");
  for (const char* bad :
       {"2024-2-3", "2024-02-3", "24-02-03", "2024/02/03", "20240203", " 2024-02-03", "2024-02-03 ",
        "2024-02-03T00:00", "", "2024-0a-03", "２０２４-02-03", "2024-02-03\n", "+024-02-03"}) {
    EXPECT_EQ(CodeOf(bad), "date.syntax") << "'" << bad << "'";
  }
  EXPECT_EQ(CodeOf("1899-12-31"), "date.out_of_range");
  EXPECT_EQ(CodeOf("2201-01-01"), "date.out_of_range");
  EXPECT_EQ(CodeOf("0202-01-01"), "date.out_of_range");
  EXPECT_NE(std::string(Date::Parse("2024-02-30").status().message()).find("2024-02-30"),
            std::string::npos);
}

TEST(DateTest, FromYmdAndFromDays) {
  EXPECT_EQ(Date::FromYmd(2024, 2, 9), P("2024-02-09"));
  EXPECT_EQ(Date::FromDays(19762), P("2024-02-09"));
  EXPECT_EQ(Date::FromYmd(1, 1, 1).ToString(), "0001-01-01");
  EXPECT_EQ(Date::FromYmd(9999, 12, 31).ToString(), "9999-12-31");
  EXPECT_TRUE(Date::IsValidYmd(2024, 2, 29));
  EXPECT_FALSE(Date::IsValidYmd(2025, 2, 29));
}

TEST(DateDeathTest, FromYmdChecksValidity) {
  EXPECT_DEATH(Date::FromYmd(2024, 2, 30), "check failed");
  EXPECT_DEATH(Date::FromYmd(2024, 13, 1), "check failed");
}

TEST(DateTest, RoundTripOverManyYears) {
  // Every day from 1900 to 2200 formats and parses back, and days are consecutive.
  Date d = P("1900-01-01");
  const Date end = P("2200-12-31");
  int32_t expected = d.days();
  while (d <= end) {
    ASSERT_EQ(d.days(), expected);
    ASSERT_EQ(P(d.ToString()), d);
    ASSERT_TRUE(Date::IsValidYmd(d.year(), d.month(), d.day()));
    d = d.AddDays(1);
    ++expected;
  }
}

TEST(DateTest, LeapYears) {
  EXPECT_TRUE(IsLeapYear(2024));
  EXPECT_TRUE(IsLeapYear(2000));
  EXPECT_FALSE(IsLeapYear(1900));
  EXPECT_FALSE(IsLeapYear(2100));
  EXPECT_FALSE(IsLeapYear(2025));
  EXPECT_EQ(DaysInMonth(2024, 2), 29);
  EXPECT_EQ(DaysInMonth(2025, 2), 28);
  EXPECT_EQ(DaysInMonth(2025, 12), 31);
  EXPECT_EQ(DaysBetween(P("2024-01-01"), P("2025-01-01")), 366);
  EXPECT_EQ(DaysBetween(P("2025-01-01"), P("2026-01-01")), 365);
}

TEST(DateTest, Weekday) {
  EXPECT_EQ(P("1970-01-01").Weekday(), 4);  // Thursday
  EXPECT_EQ(P("2024-02-09").Weekday(), 5);  // Friday (除夕 2024, a working day)
  EXPECT_EQ(P("2024-02-10").Weekday(), 6);  // Saturday
  EXPECT_EQ(P("2024-02-04").Weekday(), 7);  // Sunday (make-up working day)
  EXPECT_EQ(P("2025-02-13").Weekday(), 4);
  EXPECT_EQ(P("1969-12-29").Weekday(), 1);  // a Monday before the epoch
  EXPECT_EQ(P("1900-01-01").Weekday(), 1);
  EXPECT_TRUE(P("2024-02-04").IsWeekend());
  EXPECT_FALSE(P("2024-02-09").IsWeekend());
}

TEST(DateTest, AddDaysAndDaysBetween) {
  EXPECT_EQ(P("2024-02-28").AddDays(1), P("2024-02-29"));
  EXPECT_EQ(P("2024-02-29").AddDays(1), P("2024-03-01"));
  EXPECT_EQ(P("2024-12-31").AddDays(1), P("2025-01-01"));
  EXPECT_EQ(P("2024-01-01").AddDays(-1), P("2023-12-31"));
  EXPECT_EQ(DaysBetween(P("2024-02-10"), P("2024-02-17")), 7);
  EXPECT_EQ(DaysBetween(P("2024-02-17"), P("2024-02-10")), -7);
}

TEST(DateTest, AddYears) {
  EXPECT_EQ(P("2024-02-29").AddYears(1), P("2025-02-28"));
  EXPECT_EQ(P("2024-02-29").AddYears(4), P("2028-02-29"));
  EXPECT_EQ(P("2024-02-29").AddYears(-1), P("2023-02-28"));
  EXPECT_EQ(P("2023-03-15").AddYears(2), P("2025-03-15"));
  EXPECT_EQ(P("2000-02-29").AddYears(100), P("2100-02-28"));
}

TEST(DateTest, YearsBetweenCountsLikeAnAge) {
  EXPECT_EQ(YearsBetween(P("2000-05-10"), P("2024-05-09")), 23);
  EXPECT_EQ(YearsBetween(P("2000-05-10"), P("2024-05-10")), 24);  // the birthday itself
  EXPECT_EQ(YearsBetween(P("2000-05-10"), P("2024-05-11")), 24);
  EXPECT_EQ(YearsBetween(P("2000-05-10"), P("2000-05-10")), 0);
  EXPECT_EQ(YearsBetween(P("2000-12-31"), P("2001-01-01")), 0);
  // 29 February: a year is complete on 28 February of a common year (as AddYears).
  EXPECT_EQ(YearsBetween(P("2000-02-29"), P("2001-02-27")), 0);
  EXPECT_EQ(YearsBetween(P("2000-02-29"), P("2001-02-28")), 1);
  EXPECT_EQ(YearsBetween(P("2000-02-29"), P("2004-02-28")), 3);
  EXPECT_EQ(YearsBetween(P("2000-02-29"), P("2004-02-29")), 4);
  // Born on 28 February: a leap day does not come early.
  EXPECT_EQ(YearsBetween(P("2003-02-28"), P("2004-02-27")), 0);
  EXPECT_EQ(YearsBetween(P("2003-02-28"), P("2004-02-28")), 1);
  // Backwards.
  EXPECT_EQ(YearsBetween(P("2024-05-10"), P("2000-05-10")), -24);
  EXPECT_EQ(YearsBetween(P("2024-05-10"), P("2000-05-11")), -23);
  // Consistent with AddYears for every day of a leap cycle.
  for (Date a = P("2020-01-01"); a < P("2024-01-01"); a = a.AddDays(1)) {
    for (int n : {0, 1, 3, 4, 7}) {
      ASSERT_EQ(YearsBetween(a, a.AddYears(n)), n) << a;
      if (n > 0) {
        ASSERT_EQ(YearsBetween(a, a.AddYears(n).AddDays(-1)), n - 1) << a << " " << n;
      }
    }
  }
}

TEST(DateTest, TodayInChinaStandardTime) {
  // 2024-02-09T15:59:59Z is 23:59:59 in Beijing; one second later it is the next day there.
  const absl::Time t = absl::FromUnixSeconds(1707494399);
  EXPECT_EQ(TodayIn(t), P("2024-02-09"));
  EXPECT_EQ(TodayIn(t + absl::Seconds(1)), P("2024-02-10"));
  EXPECT_EQ(TodayIn(absl::UnixEpoch()), P("1970-01-01"));
  EXPECT_EQ(TodayIn(absl::UnixEpoch() - absl::Hours(8)), P("1970-01-01"));
  EXPECT_EQ(TodayIn(absl::UnixEpoch() - absl::Hours(8) - absl::Nanoseconds(1)), P("1969-12-31"));
}

}  // namespace
}  // namespace zhida::core
