#include "core/calendar.h"

#include <gtest/gtest.h>

namespace zhida::core {
namespace {

Date P(std::string_view text) { return *Date::Parse(text); }

const WorkCalendar& China() { return WorkCalendar::China(); }

std::string Add(std::string_view start, int n) {
  absl::StatusOr<Date> d = China().AddWorkingDays(P(start), n);
  return d.ok() ? d->ToString() : "error " + ErrorCode(d.status());
}

std::string End(std::string_view start, int working_days) {
  absl::StatusOr<Date> d = China().PeriodEnd(P(start), working_days);
  return d.ok() ? d->ToString() : "error " + ErrorCode(d.status());
}

std::string Count(std::string_view from, std::string_view to) {
  absl::StatusOr<int> n = China().CountWorkingDays(P(from), P(to));
  return n.ok() ? std::to_string(*n) : "error " + ErrorCode(n.status());
}

std::string ParseCode(std::string_view text) {
  absl::StatusOr<WorkCalendar> c = WorkCalendar::Parse(text);
  return c.ok() ? "ok" : ErrorCode(c.status());
}

std::string ParseMessage(std::string_view text) {
  absl::StatusOr<WorkCalendar> c = WorkCalendar::Parse(text);
  return c.ok() ? "ok" : std::string(c.status().message());
}

// basis: 国办发明电〔2023〕7号, 国办发明电〔2024〕12号, the 2026 notice of 2025-11-04
// (policies/REAL.md §1). Expected values were counted by hand from those tables.

TEST(ChinaCalendarTest, CoversTheEmbeddedYears) {
  EXPECT_EQ(China().first_year(), 2024);
  EXPECT_EQ(China().last_year(), 2026);
  EXPECT_TRUE(China().Covers(P("2024-01-01")));
  EXPECT_TRUE(China().Covers(P("2026-12-31")));
  EXPECT_FALSE(China().Covers(P("2023-12-31")));
  EXPECT_FALSE(China().Covers(P("2027-01-01")));
}

TEST(ChinaCalendarTest, WorkingDaysPerYear) {
  EXPECT_EQ(Count("2024-01-01", "2024-12-31"), "251");
  EXPECT_EQ(Count("2025-01-01", "2025-12-31"), "248");
  EXPECT_EQ(Count("2026-01-01", "2026-12-31"), "248");
}

TEST(ChinaCalendarTest, HolidaysAndMakeUpDays) {
  const WorkCalendar& c = China();
  // 2024: 除夕 (Friday 2024-02-09) is a working day; only 02-10 … 02-17 are off.
  EXPECT_TRUE(c.IsWorkingDay(P("2024-02-09")));
  EXPECT_EQ(c.NameOf(P("2024-02-09")), "");
  EXPECT_FALSE(c.IsWorkingDay(P("2024-02-10")));
  EXPECT_FALSE(c.IsWorkingDay(P("2024-02-16")));
  EXPECT_EQ(c.NameOf(P("2024-02-12")), "春节");
  EXPECT_TRUE(c.IsWorkingDay(P("2024-02-04")));  // Sunday, 春节调休
  EXPECT_TRUE(c.IsWorkingDay(P("2024-02-18")));  // Sunday, 春节调休
  EXPECT_EQ(c.NameOf(P("2024-02-18")), "春节调休");
  EXPECT_FALSE(c.IsWorkingDay(P("2024-02-03")));  // an ordinary Saturday
  EXPECT_TRUE(c.IsWorkingDay(P("2024-05-11")));   // Saturday, 劳动节调休
  EXPECT_TRUE(c.IsWorkingDay(P("2024-10-12")));   // Saturday, 国庆节调休
  EXPECT_FALSE(c.IsWorkingDay(P("2024-06-10")));  // 端午节, Monday
  // 2025: 除夕 (2025-01-28) and 5 月 2 日 are holidays from 2025 on.
  EXPECT_FALSE(c.IsWorkingDay(P("2025-01-28")));
  EXPECT_FALSE(c.IsWorkingDay(P("2025-05-02")));
  EXPECT_FALSE(c.IsWorkingDay(P("2025-10-08")));  // 国庆节、中秋节 run to 10-08
  EXPECT_TRUE(c.IsWorkingDay(P("2025-10-09")));
  EXPECT_TRUE(c.IsWorkingDay(P("2025-02-08")));  // Saturday, 春节调休
  EXPECT_TRUE(c.IsWorkingDay(P("2025-04-07")));  // Monday after 清明: no make-up day
  // 2026.
  EXPECT_FALSE(c.IsWorkingDay(P("2026-01-02")));
  EXPECT_TRUE(c.IsWorkingDay(P("2026-01-04")));   // Sunday, 元旦调休
  EXPECT_FALSE(c.IsWorkingDay(P("2026-02-23")));  // Monday, last day of 春节
  EXPECT_TRUE(c.IsWorkingDay(P("2026-02-28")));   // Saturday, 春节调休
  EXPECT_TRUE(c.IsWorkingDay(P("2026-09-20")));   // Sunday, 国庆节调休
  EXPECT_FALSE(c.IsWorkingDay(P("2026-09-25")));  // 中秋节, Friday
}

TEST(ChinaCalendarTest, OutsideTheCoveredYearsOnlyTheWeekdayIsKnown) {
  EXPECT_TRUE(China().IsWorkingDay(P("2027-01-04")));   // a Monday
  EXPECT_FALSE(China().IsWorkingDay(P("2023-12-30")));  // a Saturday
}

// "The N-th working day counting the start day as day 1" (policies/REAL.md §1 test vectors).
TEST(ChinaCalendarTest, PublicityPeriodEnds) {
  EXPECT_EQ(End("2025-02-13", 5), "2025-02-19");  // the real 公示 of 莆田城厢区人社局
  EXPECT_EQ(End("2024-02-08", 5), "2024-02-20");
  EXPECT_EQ(End("2025-01-24", 7), "2025-02-08");
  EXPECT_EQ(End("2024-09-27", 5), "2024-10-09");
  EXPECT_EQ(End("2025-09-26", 5), "2025-10-09");
  EXPECT_EQ(End("2026-02-13", 5), "2026-02-26");
  EXPECT_EQ(End("2026-09-30", 3), "2026-10-09");
  EXPECT_EQ(End("2025-02-13", 1), "2025-02-13");
  // Published on a holiday: the first working day after it is day 1.
  EXPECT_EQ(End("2024-10-01", 5), "2024-10-12");
  EXPECT_EQ(End("2024-02-03", 1), "2024-02-04");  // Saturday → the make-up Sunday
  EXPECT_EQ(End("2024-01-01", 1), "2024-01-02");
  EXPECT_EQ(End("2025-02-13", 0), "error calendar.negative");
}

TEST(ChinaCalendarTest, AddWorkingDays) {
  // 国庆 2024: Monday 09-30 works; 10-01 … 10-07 are off; Saturday 10-12 works.
  EXPECT_EQ(Add("2024-09-30", 0), "2024-09-30");
  EXPECT_EQ(Add("2024-09-30", 1), "2024-10-08");
  EXPECT_EQ(Add("2024-09-30", 5), "2024-10-12");
  EXPECT_EQ(Add("2024-09-30", 6), "2024-10-14");
  EXPECT_EQ(Add("2024-10-01", 0), "2024-10-08");  // n = 0 on a holiday: the next working day
  EXPECT_EQ(Add("2024-10-01", 4), "2024-10-12");
  EXPECT_EQ(Add("2024-09-28", 0), "2024-09-29");    // Saturday → make-up Sunday
  EXPECT_EQ(Add("2024-02-09", 1), "2024-02-18");    // 除夕 2024 works; next is the make-up Sunday
  EXPECT_EQ(Add("2024-01-01", 250), "2024-12-31");  // the 251st working day of 2024
  EXPECT_EQ(Add("2024-01-01", 251), "2025-01-02");
  EXPECT_EQ(Add("2024-09-30", -1), "error calendar.negative");
}

TEST(ChinaCalendarTest, NotCovered) {
  EXPECT_EQ(Add("2026-12-31", 0), "2026-12-31");
  EXPECT_EQ(Add("2026-12-31", 1), "error calendar.not_covered");
  EXPECT_EQ(Add("2026-12-26", 0), "2026-12-28");
  EXPECT_EQ(Add("2023-12-29", 0), "error calendar.not_covered");
  EXPECT_EQ(Add("2024-01-01", 1000), "error calendar.not_covered");
  EXPECT_EQ(Count("2023-12-31", "2024-01-05"), "error calendar.not_covered");
  EXPECT_EQ(Count("2026-12-01", "2027-01-05"), "error calendar.not_covered");
  absl::StatusOr<Date> d = China().AddWorkingDays(P("2026-12-31"), 1);
  EXPECT_EQ(d.status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_NE(std::string(d.status().message()).find("2024–2026"), std::string::npos);
}

TEST(ChinaCalendarTest, CountWorkingDays) {
  EXPECT_EQ(Count("2024-10-01", "2024-10-07"), "0");
  EXPECT_EQ(Count("2024-09-29", "2024-10-12"), "7");
  EXPECT_EQ(Count("2024-02-09", "2024-02-09"), "1");
  EXPECT_EQ(Count("2024-02-10", "2024-02-10"), "0");
  EXPECT_EQ(Count("2025-02-13", "2025-02-19"), "5");
  EXPECT_EQ(Count("2024-10-12", "2024-10-01"), "0");  // empty range
  EXPECT_EQ(Count("2027-01-10", "2027-01-01"), "0");  // empty, even outside the years
}

TEST(ChinaCalendarTest, AddAndCountAgreeEverywhere) {
  const WorkCalendar& c = China();
  for (Date s = P("2024-01-01"); s <= P("2026-11-30"); s = s.AddDays(1)) {
    for (int n : {0, 1, 2, 4, 9, 19}) {
      absl::StatusOr<Date> end = c.AddWorkingDays(s, n);
      ASSERT_TRUE(end.ok()) << s << " + " << n;
      ASSERT_TRUE(c.IsWorkingDay(*end));
      ASSERT_EQ(*c.CountWorkingDays(s, *end), n + 1) << s << " + " << n;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Parse

TEST(WorkCalendarParseTest, AcceptsTheFormat) {
  absl::StatusOr<WorkCalendar> c = WorkCalendar::Parse(
      "# comment\r\n"
      "\n"
      "covers 2024 2024   # trailing comment\r\n"
      "2024-02-10\tholiday\t春节\n"
      "   2024-02-04 workday 春节 调休\n"
      "2024-02-12 holiday 春节");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_FALSE(c->IsWorkingDay(P("2024-02-10")));  // a holiday on a Saturday is allowed
  EXPECT_TRUE(c->IsWorkingDay(P("2024-02-04")));
  EXPECT_FALSE(c->IsWorkingDay(P("2024-02-12")));
  EXPECT_EQ(c->NameOf(P("2024-02-04")), "春节 调休");
  EXPECT_EQ(*c->CountWorkingDays(P("2024-01-01"), P("2024-12-31")), 262 - 1 + 1);
}

TEST(WorkCalendarParseTest, ErrorsNameTheLine) {
  EXPECT_EQ(ParseCode("2024-02-10 holiday 春节\n"), "calendar.covers");
  EXPECT_EQ(ParseCode(""), "calendar.covers");
  EXPECT_EQ(ParseCode("covers 2026 2024\n"), "calendar.covers");
  EXPECT_EQ(ParseCode("covers 2024\n"), "calendar.covers");
  EXPECT_EQ(ParseCode("covers 2024 2025 2026\n"), "calendar.covers");
  EXPECT_EQ(ParseCode("covers 1800 2025\n"), "calendar.covers");
  EXPECT_EQ(ParseCode("covers 2024 2024\ncovers 2025 2025\n"), "calendar.covers");
  EXPECT_EQ(ParseMessage("covers 2024 2024\ncovers 2025 2025\n"),
            "工作日历第 2 行：covers 行重复（第 1 行已有）");

  EXPECT_EQ(ParseCode("covers 2024 2024\n2024-02-30 holiday 春节\n"), "calendar.bad_date");
  EXPECT_EQ(ParseCode("covers 2024 2024\n2024-2-10 holiday 春节\n"), "calendar.bad_date");
  EXPECT_NE(ParseMessage("covers 2024 2024\n\n2024-02-30 holiday 春节\n").find("第 3 行"),
            std::string::npos);

  EXPECT_EQ(ParseCode("covers 2024 2024\n2024-02-10 vacation 春节\n"), "calendar.unknown_kind");
  EXPECT_EQ(ParseCode("covers 2024 2024\n2024-02-10 Holiday 春节\n"), "calendar.unknown_kind");
  EXPECT_EQ(ParseCode("covers 2024 2024\n2024-02-10\n"), "calendar.unknown_kind");
  EXPECT_EQ(ParseCode("covers 2024 2024\n2024-02-10 holiday\n"), "calendar.syntax");
  EXPECT_EQ(ParseCode("covers 2024 2024\n2024-02-10 holiday # 春节\n"), "calendar.syntax");

  // A workday entry on Monday–Friday is an error; a holiday on a weekend is not.
  EXPECT_EQ(ParseCode("covers 2024 2024\n2024-02-05 workday 调休\n"),
            "calendar.workday_on_weekday");
  EXPECT_NE(ParseMessage("covers 2024 2024\n2024-02-05 workday 调休\n").find("第 2 行"),
            std::string::npos);
  EXPECT_EQ(ParseCode("covers 2024 2024\n2024-02-11 holiday 春节\n"), "ok");

  EXPECT_EQ(ParseCode("covers 2024 2024\n2024-02-12 holiday 春节\n2024-02-12 holiday 春节\n"),
            "calendar.duplicate");
  EXPECT_EQ(ParseMessage("covers 2024 2024\n2024-02-04 workday 调休\n2024-02-04 holiday 春节\n"),
            "工作日历第 3 行：日期 2024-02-04 重复（第 2 行已列出）");

  EXPECT_EQ(ParseCode("covers 2024 2024\n2025-01-01 holiday 元旦\n"), "calendar.out_of_range");
  EXPECT_EQ(ParseCode("2023-12-31 holiday 元旦\ncovers 2024 2025\n"), "calendar.out_of_range");
}

TEST(WorkCalendarParseTest, TheEmbeddedFileIsWhatChinaUses) {
  // China() aborts on a malformed embedded file; reaching here proves it parsed. Spot-check that
  // it is the 2024–2026 data and not an empty calendar.
  EXPECT_FALSE(China().IsWorkingDay(P("2025-01-29")));
  EXPECT_EQ(China().NameOf(P("2025-10-06")), "国庆节、中秋节");
}

}  // namespace
}  // namespace zhida::core
