#include "core/calendar.h"

#include <algorithm>
#include <cstdio>

#include "absl/strings/str_format.h"

namespace zhida::core {

namespace internal {
// data/calendar/cn.txt, embedded by CMake (calendar_cn_data.cc.in).
extern const std::string_view kChinaCalendarText;
}  // namespace internal

namespace {

struct ParsedEntry {
  Date date;
  bool working;
  std::string name;
  int line;
};

absl::Status LineError(std::string_view code, int line, std::string_view zh, std::string_view en) {
  return MakeError(absl::StatusCode::kInvalidArgument, code, {},
                   absl::StrFormat("工作日历第 %d 行：%s", line, zh),
                   absl::StrFormat("calendar line %d: %s", line, en));
}

std::string_view Trim(std::string_view s) {
  const size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string_view::npos) return {};
  return s.substr(b, s.find_last_not_of(" \t\r") - b + 1);
}

// Splits off the first whitespace-separated token of *rest.
std::string_view NextToken(std::string_view* rest) {
  *rest = Trim(*rest);
  const size_t end = std::min(rest->find_first_of(" \t"), rest->size());
  std::string_view token = rest->substr(0, end);
  *rest = Trim(rest->substr(end));
  return token;
}

bool ParseYear(std::string_view s, int* year) {
  if (s.size() != 4 ||
      !std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return false;
  }
  *year = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
  return *year >= Date::kParseYearMin && *year <= Date::kParseYearMax;
}

absl::Status NotCovered(const WorkCalendar& calendar, std::string_view what_zh,
                        std::string_view what_en) {
  return MakeError(absl::StatusCode::kOutOfRange, "calendar.not_covered", {},
                   absl::StrFormat("工作日历只覆盖 %d–%d 年，%s", calendar.first_year(),
                                   calendar.last_year(), what_zh),
                   absl::StrFormat("the working-day calendar covers %d-%d only: %s",
                                   calendar.first_year(), calendar.last_year(), what_en));
}

absl::Status NotCovered(const WorkCalendar& calendar, Date date) {
  return NotCovered(calendar, absl::StrFormat("无法判断 %s 是否为工作日", date.ToString()),
                    absl::StrFormat("%s is outside", date.ToString()));
}

absl::Status BadCount(std::string_view zh, std::string_view en) {
  return MakeError(absl::StatusCode::kInvalidArgument, "calendar.negative", {}, zh, en);
}

}  // namespace

absl::StatusOr<WorkCalendar> WorkCalendar::Parse(std::string_view text) {
  WorkCalendar calendar;
  int covers_line = 0;
  std::vector<ParsedEntry> parsed;
  std::map<int32_t, int> line_of;  // date → the line that listed it
  int line = 0;
  while (!text.empty()) {
    ++line;
    const size_t eol = std::min(text.find('\n'), text.size());
    std::string_view rest = text.substr(0, eol);
    text.remove_prefix(std::min(eol + 1, text.size()));
    rest = Trim(rest.substr(0, std::min(rest.find('#'), rest.size())));
    if (rest.empty()) continue;
    const std::string_view first = NextToken(&rest);
    if (first == "covers") {
      if (covers_line != 0) {
        return LineError("calendar.covers", line,
                         absl::StrFormat("covers 行重复（第 %d 行已有）", covers_line),
                         "repeated covers line");
      }
      const std::string_view from = NextToken(&rest), to = NextToken(&rest);
      if (!rest.empty() || !ParseYear(from, &calendar.first_year_) ||
          !ParseYear(to, &calendar.last_year_)) {
        return LineError("calendar.covers", line,
                         "covers 行应为“covers 起始年 结束年”，年份在 1900–2200",
                         "expected 'covers FIRST_YEAR LAST_YEAR' within 1900..2200");
      }
      if (calendar.last_year_ < calendar.first_year_ ||
          calendar.last_year_ - calendar.first_year_ >= kCoveredYearsMax) {
        return LineError("calendar.covers", line, "covers 的年份范围不正确", "bad covers range");
      }
      covers_line = line;
      continue;
    }
    absl::StatusOr<Date> date = Date::Parse(first);
    if (!date.ok()) {
      return LineError("calendar.bad_date", line,
                       absl::StrFormat("日期“%s”不正确：%s", first, date.status().message()),
                       absl::StrFormat("bad date '%s'", first));
    }
    const std::string_view kind = NextToken(&rest);
    if (kind != "holiday" && kind != "workday") {
      return LineError(
          "calendar.unknown_kind", line,
          absl::StrFormat("未知的类型“%s”，应为 holiday（放假）或 workday（调休上班）", kind),
          absl::StrFormat("unknown kind '%s' (holiday or workday)", kind));
    }
    if (rest.empty()) {
      return LineError("calendar.syntax", line, "缺少名称（如：春节、春节调休）", "missing name");
    }
    const bool working = kind == "workday";
    if (working && !date->IsWeekend()) {
      return LineError(
          "calendar.workday_on_weekday", line,
          absl::StrFormat("%s 是周一至周五，本来就是工作日，调休上班日只能是周六或周日", first),
          absl::StrFormat("%s is a weekday; a workday entry must be a weekend day", first));
    }
    if (auto [it, inserted] = line_of.emplace(date->days(), line); !inserted) {
      return LineError("calendar.duplicate", line,
                       absl::StrFormat("日期 %s 重复（第 %d 行已列出）", first, it->second),
                       absl::StrFormat("date %s listed twice (see line %d)", first, it->second));
    }
    parsed.push_back({*date, working, std::string(rest), line});
  }
  if (covers_line == 0) {
    return MakeError(absl::StatusCode::kInvalidArgument, "calendar.covers", {},
                     "工作日历缺少 covers 行（如：covers 2024 2026）",
                     "the calendar has no covers line");
  }
  const Date first_day = Date::FromYmd(calendar.first_year_, 1, 1);
  const Date end_day = Date::FromYmd(calendar.last_year_ + 1, 1, 1);
  calendar.first_day_ = first_day.days();
  for (ParsedEntry& e : parsed) {
    if (e.date < first_day || e.date >= end_day) {
      return LineError("calendar.out_of_range", e.line,
                       absl::StrFormat("日期 %s 不在 covers 声明的 %d–%d 年内", e.date.ToString(),
                                       calendar.first_year_, calendar.last_year_),
                       "date outside the covered years");
    }
    calendar.entries_[e.date.days()] = Entry{e.working, std::move(e.name)};
  }
  const int days = DaysBetween(first_day, end_day);
  calendar.working_before_.assign(days + 1, 0);
  for (int i = 0; i < days; ++i) {
    const Date d = first_day.AddDays(i);
    auto it = calendar.entries_.find(d.days());
    const bool working = it != calendar.entries_.end() ? it->second.working : !d.IsWeekend();
    calendar.working_before_[i + 1] = calendar.working_before_[i] + (working ? 1 : 0);
  }
  return calendar;
}

const WorkCalendar& WorkCalendar::China() {
  static const WorkCalendar* const calendar = [] {
    absl::StatusOr<WorkCalendar> parsed = Parse(internal::kChinaCalendarText);
    if (!parsed.ok()) {
      std::fprintf(stderr, "embedded data/calendar/cn.txt: %s\n",
                   std::string(parsed.status().message()).c_str());
    }
    ZCHECK(parsed.ok());
    return new WorkCalendar(*std::move(parsed));
  }();
  return *calendar;
}

bool WorkCalendar::Covers(Date date) const {
  return date.days() >= first_day_ && Index(date) < static_cast<int>(working_before_.size()) - 1;
}

bool WorkCalendar::IsWorkingDay(Date date) const {
  if (!Covers(date)) return !date.IsWeekend();
  const int i = Index(date);
  return working_before_[i + 1] != working_before_[i];
}

std::string_view WorkCalendar::NameOf(Date date) const {
  auto it = entries_.find(date.days());
  return it == entries_.end() ? std::string_view() : std::string_view(it->second.name);
}

absl::StatusOr<Date> WorkCalendar::AddWorkingDays(Date start, int n) const {
  if (n < 0) {
    return BadCount(absl::StrFormat("工作日数不能为负数：%d", n),
                    absl::StrFormat("negative number of working days: %d", n));
  }
  if (!Covers(start)) return NotCovered(*this, start);
  // The wanted day is the working day with 0-based ordinal `target` in the covered range, i.e.
  // the index i with working_before_[i] == target and working_before_[i + 1] == target + 1.
  const int64_t target = int64_t{working_before_[Index(start)]} + n;
  if (target >= working_before_.back()) {
    return NotCovered(*this,
                      absl::StrFormat("从 %s 起第 %d 个工作日超出了范围", start.ToString(), n),
                      absl::StrFormat("working day %d after %s is beyond", n, start.ToString()));
  }
  const auto it = std::lower_bound(working_before_.begin(), working_before_.end(), target + 1);
  const int i = static_cast<int>(it - working_before_.begin()) - 1;
  return Date::FromDays(first_day_ + i);
}

absl::StatusOr<Date> WorkCalendar::PeriodEnd(Date start, int working_days) const {
  if (working_days < 1) {
    return BadCount(absl::StrFormat("期限的工作日数应至少为 1，实际为 %d", working_days),
                    absl::StrFormat("a period needs at least 1 working day, got %d", working_days));
  }
  return AddWorkingDays(start, working_days - 1);
}

absl::StatusOr<int> WorkCalendar::CountWorkingDays(Date from, Date to) const {
  if (to < from) return 0;
  if (!Covers(from)) return NotCovered(*this, from);
  if (!Covers(to)) return NotCovered(*this, to);
  return working_before_[Index(to) + 1] - working_before_[Index(from)];
}

}  // namespace zhida::core
