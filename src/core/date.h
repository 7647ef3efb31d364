// Civil dates (proleptic Gregorian, no time zone), as used by policies, facts and calendars.
//
// A Date is a day number: days since 1970-01-01. Wall-clock time becomes a Date only through
// TodayIn(), which uses China Standard Time; everything else (rules, publicity periods, ages) works
// on Dates, never on the clock (DESIGN.md §4: rules see `as_of`, never the wall clock).
//
// Error codes: date.syntax, date.invalid, date.out_of_range.
#pragma once

#include <compare>
#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>

#include "absl/time/time.h"
#include "core/status.h"

namespace zhida::core {

class Date {
 public:
  // Years Parse accepts. 1900 is before the birth of any living person or the founding of any
  // registered enterprise, and 2200 is well past any budget or policy horizon; a year outside is
  // a typo ("0202", "20244") rather than a real date, so it is rejected at the boundary.
  static constexpr int kParseYearMin = 1900;
  static constexpr int kParseYearMax = 2200;

  // 1970-01-01.
  constexpr Date() = default;

  // Strict "YYYY-MM-DD": four-digit year in 1900..2200, two-digit month and day, an existing day.
  // Rejects "2024-2-3", "2024-02-30", "2023-02-29", "2024/02/03", surrounding spaces.
  static absl::StatusOr<Date> Parse(std::string_view text);
  // A date the program knows to be valid (a constant, a computed day); ZCHECKs that y-m-d exists
  // and that y is within 1..9999. Never use it on user input: use Parse.
  static Date FromYmd(int year, int month, int day);
  static constexpr Date FromDays(int32_t days_since_epoch) { return Date(days_since_epoch); }
  // Whether y-m-d exists in the proleptic Gregorian calendar (any year).
  static bool IsValidYmd(int year, int month, int day);

  int year() const;
  int month() const;  // 1..12
  int day() const;    // 1..31
  int32_t days() const { return days_; }
  // ISO weekday: 1 = Monday … 7 = Sunday.
  int Weekday() const;
  bool IsWeekend() const { return Weekday() >= 6; }

  Date AddDays(int days) const { return Date(days_ + days); }
  // The same month and day `years` later (or earlier); 29 February becomes 28 February in a
  // common year (the rule of 《民法典》第二百零二条 for a period ending in a month without the
  // corresponding day: the last day of that month).
  Date AddYears(int years) const;

  // "YYYY-MM-DD".
  std::string ToString() const;

  friend constexpr bool operator==(const Date& a, const Date& b) = default;
  friend constexpr std::strong_ordering operator<=>(const Date& a, const Date& b) = default;
  template <typename H>
  friend H AbslHashValue(H h, const Date& d) {
    return H::combine(std::move(h), d.days_);
  }
  friend std::ostream& operator<<(std::ostream& os, const Date& d) { return os << d.ToString(); }

 private:
  constexpr explicit Date(int32_t days) : days_(days) {}

  int32_t days_ = 0;
};

bool IsLeapYear(int year);
int DaysInMonth(int year, int month);  // ZCHECKs 1 <= month <= 12

// b − a in days (positive when b is later).
int DaysBetween(Date a, Date b);

// Whole years from a to b, the way an age is counted: the largest n with a.AddYears(n) <= b, so
// one more year is complete on each anniversary (for 29 February, on 28 February in common
// years, consistent with AddYears). Negative when b is before a: -YearsBetween(b, a).
int YearsBetween(Date a, Date b);

// The civil date at `now` in China Standard Time (UTC+8; China has no daylight saving time).
Date TodayIn(absl::Time now);

}  // namespace zhida::core
