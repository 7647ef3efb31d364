#include "core/date.h"

#include <algorithm>

#include "absl/strings/str_format.h"

namespace zhida::core {
namespace {

// Howard Hinnant's days_from_civil / civil_from_days (public domain): exact for every year of
// the proleptic Gregorian calendar, with eras of 400 years = 146097 days.
int32_t DaysFromCivil(int y, int m, int d) {
  y -= m <= 2 ? 1 : 0;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const int yoe = y - era * 400;                                   // [0, 399]
  const int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;  // [0, 365]
  const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;           // [0, 146096]
  return era * 146097 + doe - 719468;
}

struct Ymd {
  int year, month, day;
};

Ymd CivilFromDays(int32_t z) {
  const int64_t zz = int64_t{z} + 719468;
  const int64_t era = (zz >= 0 ? zz : zz - 146096) / 146097;
  const int doe = static_cast<int>(zz - era * 146097);                    // [0, 146096]
  const int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;  // [0, 399]
  const int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);                // [0, 365]
  const int mp = (5 * doy + 2) / 153;                                     // [0, 11]
  const int d = doy - (153 * mp + 2) / 5 + 1;                             // [1, 31]
  const int m = mp < 10 ? mp + 3 : mp - 9;                                // [1, 12]
  const int y = static_cast<int>(yoe + era * 400) + (m <= 2 ? 1 : 0);
  return {y, m, d};
}

absl::Status ParseError(std::string_view code, std::string_view zh, std::string_view en) {
  return MakeError(absl::StatusCode::kInvalidArgument, code, {}, zh, en);
}

}  // namespace

bool IsLeapYear(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int DaysInMonth(int year, int month) {
  ZCHECK(month >= 1 && month <= 12);
  static constexpr int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && IsLeapYear(year) ? 29 : kDays[month - 1];
}

bool Date::IsValidYmd(int year, int month, int day) {
  return month >= 1 && month <= 12 && day >= 1 && day <= DaysInMonth(year, month);
}

absl::StatusOr<Date> Date::Parse(std::string_view text) {
  auto digit = [&](size_t i) { return text[i] >= '0' && text[i] <= '9'; };
  bool shape = text.size() == 10 && text[4] == '-' && text[7] == '-';
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) shape = shape && digit(i);
  if (!shape) {
    return ParseError("date.syntax", "日期格式不正确，应为 YYYY-MM-DD（如 2024-02-09）",
                      "malformed date: expected YYYY-MM-DD (e.g. 2024-02-09)");
  }
  auto number = [&](size_t from, size_t len) {
    int v = 0;
    for (size_t i = from; i < from + len; ++i) v = v * 10 + (text[i] - '0');
    return v;
  };
  const int y = number(0, 4), m = number(5, 2), d = number(8, 2);
  if (y < kParseYearMin || y > kParseYearMax) {
    return ParseError(
        "date.out_of_range",
        absl::StrFormat("日期的年份应在 %d 到 %d 之间", kParseYearMin, kParseYearMax),
        absl::StrFormat("the year must be within %d..%d", kParseYearMin, kParseYearMax));
  }
  if (!IsValidYmd(y, m, d)) {
    return ParseError("date.invalid", absl::StrFormat("日期不存在：%s", text),
                      absl::StrFormat("no such date: %s", text));
  }
  return Date(DaysFromCivil(y, m, d));
}

Date Date::FromYmd(int year, int month, int day) {
  ZCHECK(year >= 1 && year <= 9999 && IsValidYmd(year, month, day));
  return Date(DaysFromCivil(year, month, day));
}

int Date::year() const { return CivilFromDays(days_).year; }
int Date::month() const { return CivilFromDays(days_).month; }
int Date::day() const { return CivilFromDays(days_).day; }

int Date::Weekday() const {
  // 1970-01-01 was a Thursday (4); the modulo is kept non-negative for earlier dates.
  const int r = static_cast<int>(((int64_t{days_} % 7) + 7 + 3) % 7);
  return r + 1;
}

Date Date::AddYears(int years) const {
  const Ymd ymd = CivilFromDays(days_);
  const int y = ymd.year + years;
  const int d = std::min(ymd.day, DaysInMonth(y, ymd.month));
  return Date(DaysFromCivil(y, ymd.month, d));
}

std::string Date::ToString() const {
  const Ymd ymd = CivilFromDays(days_);
  return absl::StrFormat("%04d-%02d-%02d", ymd.year, ymd.month, ymd.day);
}

int DaysBetween(Date a, Date b) { return b.days() - a.days(); }

int YearsBetween(Date a, Date b) {
  if (b < a) return -YearsBetween(b, a);
  int years = b.year() - a.year();
  if (a.AddYears(years) > b) --years;
  return years;
}

Date TodayIn(absl::Time now) {
  constexpr int64_t kChinaOffsetSeconds = 8 * 3600;
  constexpr int64_t kSecondsPerDay = 86400;
  const int64_t local = absl::ToUnixSeconds(now) + kChinaOffsetSeconds;
  // Floor division, so that instants before 1970 fall on the right day.
  int64_t day = local / kSecondsPerDay;
  if (local % kSecondsPerDay < 0) --day;
  return Date::FromDays(static_cast<int32_t>(day));
}

}  // namespace zhida::core
