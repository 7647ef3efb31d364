// The working-day calendar (工作日历): which days are working days, as editable data.
//
// Publicity (公示) periods and review time limits (审核时效) count working days. A working day is
// a Monday–Friday that is not a public holiday, plus any make-up working day (调休上班) that falls
// on a weekend. Holidays and make-up days are published each year by the General Office of the
// State Council; they live in data/calendar/cn.txt, which is embedded into the binary at build
// time (see WorkCalendar::China()). A calendar covers whole years; working-day arithmetic that
// leaves them is an error rather than a guess, because a guessed publicity deadline is wrong.
//
// Text format, one entry per line, fields separated by spaces or tabs, "#" starts a comment:
//   covers 2024 2026              the years covered, inclusive (exactly one such line)
//   2024-02-10 holiday 春节        a day off (may fall on a weekend)
//   2024-02-04 workday 春节调休    a make-up working day (must be a Saturday or Sunday)
//
// Error codes: calendar.syntax, calendar.bad_date, calendar.unknown_kind,
// calendar.workday_on_weekday, calendar.duplicate, calendar.out_of_range, calendar.covers,
// calendar.not_covered, calendar.negative.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/date.h"
#include "core/status.h"

namespace zhida::core {

class WorkCalendar {
 public:
  // A calendar may cover at most this many years (it keeps a table of 366 entries per year).
  static constexpr int kCoveredYearsMax = 200;

  // Parses the text format above. Errors name the line ("第 12 行：…"): a malformed date, an
  // unknown kind, a workday entry on Monday–Friday, a date listed twice, a date outside the
  // covered years, a missing, repeated or inverted covers line. A holiday on a weekend is allowed.
  static absl::StatusOr<WorkCalendar> Parse(std::string_view text);

  // China's calendar, parsed once from data/calendar/cn.txt as embedded at build time; the binary
  // never reads the file. A malformed embedded file is a build defect and aborts (the unit tests
  // parse it first). Thread-safe.
  static const WorkCalendar& China();

  int first_year() const { return first_year_; }
  int last_year() const { return last_year_; }
  // Whether `date` lies in the covered years.
  bool Covers(Date date) const;
  // Whether `date` is a working day. Outside the covered years only the weekday is known, so
  // Monday–Friday counts as working: callers that need certainty check Covers() first.
  bool IsWorkingDay(Date date) const;
  // The holiday's or make-up day's name ("春节", "春节调休"), or "" for an ordinary day.
  std::string_view NameOf(Date date) const;

  // The n-th working day after `start`, counting from the first working day on or after start
  // as the 0-th: n = 0 gives start itself if it is a working day, else the next working day.
  // So a period of N working days (公示 N 个工作日) that begins on S ends on
  // AddWorkingDays(S, N - 1): the N-th working day counting S itself as day 1 when S is a working
  // day, or counting the next working day as day 1 when S is not (see PeriodEnd). Errors:
  // calendar.negative for n < 0, calendar.not_covered when start or the result is outside the
  // covered years.
  absl::StatusOr<Date> AddWorkingDays(Date start, int n) const;
  // The last day of a period of `working_days` (>= 1) working days beginning on `start`, as
  // above: AddWorkingDays(start, working_days - 1). A 公示 of 5 working days from Thursday
  // 2025-02-13 ends on Wednesday 2025-02-19. Errors as AddWorkingDays, and calendar.negative for
  // working_days < 1.
  absl::StatusOr<Date> PeriodEnd(Date start, int working_days) const;
  // The number of working days in [from, to], both inclusive; 0 when to < from. Errors:
  // calendar.not_covered when a day of a non-empty range is outside the covered years.
  absl::StatusOr<int> CountWorkingDays(Date from, Date to) const;

 private:
  struct Entry {
    bool working = false;
    std::string name;
  };

  WorkCalendar() = default;
  int Index(Date date) const { return date.days() - first_day_; }

  int first_year_ = 0;
  int last_year_ = -1;
  int32_t first_day_ = 0;                // days() of 1 January of first_year_
  std::vector<int32_t> working_before_;  // [i]: working days in [first_day_, first_day_ + i)
  std::map<int32_t, Entry> entries_;     // by days(): the listed holidays and make-up days
};

}  // namespace zhida::core
