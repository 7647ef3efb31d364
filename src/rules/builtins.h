// The built-in functions of the rule language, shared by the checker (names, arity) and the
// planner/evaluators (dispatch by enum, never by string at run time).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace zhida::rules {

enum class Builtin : std::uint8_t {
  kSize,
  kContains,
  kStartsWith,
  kEndsWith,
  kMatches,
  kInt,
  kString,
  kDecimal,
  kDate,
  kMin,
  kMax,
  kRound,
  kYearsBetween,
  kDaysBetween,
  kHasFact,  // has(field): the fact is known for this enterprise
};

struct BuiltinInfo {
  Builtin id;
  const char* name;
  int min_args;    // counting the receiver of a method call
  int max_args;    // -1: unbounded
  bool method_ok;  // may be written target.name(...)
};

// The built-in named `name`, or nullopt.
std::optional<BuiltinInfo> LookupBuiltin(std::string_view name);

}  // namespace zhida::rules
