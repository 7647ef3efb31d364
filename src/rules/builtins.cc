#include "rules/builtins.h"

namespace zhida::rules {

std::optional<BuiltinInfo> LookupBuiltin(std::string_view name) {
  static constexpr BuiltinInfo kTable[] = {
      {Builtin::kSize, "size", 1, 1, true},
      {Builtin::kContains, "contains", 2, 2, true},
      {Builtin::kStartsWith, "startsWith", 2, 2, true},
      {Builtin::kEndsWith, "endsWith", 2, 2, true},
      {Builtin::kMatches, "matches", 2, 2, true},
      {Builtin::kInt, "int", 1, 1, false},
      {Builtin::kString, "string", 1, 1, false},
      {Builtin::kDecimal, "decimal", 1, 1, false},
      {Builtin::kDate, "date", 1, 1, false},
      {Builtin::kMin, "min", 1, -1, false},
      {Builtin::kMax, "max", 1, -1, false},
      {Builtin::kRound, "round", 1, 2, false},
      {Builtin::kYearsBetween, "years_between", 2, 2, false},
      {Builtin::kDaysBetween, "days_between", 2, 2, false},
      {Builtin::kHasFact, "has", 1, 1, false},
  };
  for (const BuiltinInfo& b : kTable) {
    if (name == b.name) return b;
  }
  return std::nullopt;
}

}  // namespace zhida::rules
