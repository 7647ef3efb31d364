// The values a rule computes with (DESIGN.md §4): null, bool, int (int64), decimal (exact),
// string, list, map (string keys), date — plus two that are not data:
//
// - unknown: a fact the enterprise's record lacks. It carries the codes of the missing fields so
//   that the outcome "cannot determine — needs <field>" can name them. It flows like SQL's NULL.
// - error: a run-time rule error (overflow, division by zero, bad index, no such key, wrong type
//   in an unchecked rule). It carries a machine code and a message in Chinese and English. An
//   error makes the enterprise not eligible with the error as its reason; it never aborts.
//
// A Value is small (32 bytes), copyable and immutable; lists, maps, unknowns and errors share
// their contents by reference counting, so copies are cheap and values may cross threads.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/date.h"
#include "core/decimal.h"

namespace zhida::rules {

enum class ValueKind : std::uint8_t {
  kNull,
  kBool,
  kInt,
  kDecimal,
  kString,
  kList,
  kMap,
  kDate,
  kUnknown,
  kError,
};

// The name of a kind as the rule language spells its type ("int", "decimal", ...).
const char* ValueKindName(ValueKind kind);

class Value;
using ValueList = std::vector<Value>;
using ValueMap = std::map<std::string, Value, std::less<>>;

// The missing facts behind an unknown value: field codes, sorted, without duplicates.
struct UnknownSet {
  std::vector<std::string> fields;
};

// A run-time rule error.
struct ErrorInfo {
  std::string code;  // "eval.division_by_zero", "eval.int_overflow", ...
  std::string message_zh;
  std::string message_en;
};

class Value {
 public:
  Value() = default;  // null
  static Value Null() { return Value(); }
  static Value Bool(bool b) { return Value(b); }
  static Value Int(std::int64_t i) { return Value(i); }
  static Value Dec(core::Decimal d) { return Value(d); }
  static Value String(std::string s) { return Value(std::move(s)); }
  static Value Date(core::Date d) { return Value(d); }
  static Value List(ValueList items);
  static Value Map(ValueMap entries);
  // An unknown value caused by the missing field `field_code`.
  static Value Unknown(std::string field_code);
  static Value Unknown(UnknownSet set);
  static Value Error(std::string code, std::string message_zh, std::string message_en);

  ValueKind kind() const { return static_cast<ValueKind>(rep_.index()); }
  bool is_null() const { return kind() == ValueKind::kNull; }
  bool is_bool() const { return kind() == ValueKind::kBool; }
  bool is_int() const { return kind() == ValueKind::kInt; }
  bool is_decimal() const { return kind() == ValueKind::kDecimal; }
  bool is_string() const { return kind() == ValueKind::kString; }
  bool is_list() const { return kind() == ValueKind::kList; }
  bool is_map() const { return kind() == ValueKind::kMap; }
  bool is_date() const { return kind() == ValueKind::kDate; }
  bool is_unknown() const { return kind() == ValueKind::kUnknown; }
  bool is_error() const { return kind() == ValueKind::kError; }
  // Unknown or error: a value that is not data and propagates through strict operations.
  bool is_special() const { return kind() >= ValueKind::kUnknown; }

  // Accessors; calling the wrong one is a programmer error (std::get throws → abort).
  bool bool_value() const { return std::get<bool>(rep_); }
  std::int64_t int_value() const { return std::get<std::int64_t>(rep_); }
  const core::Decimal& decimal_value() const { return std::get<core::Decimal>(rep_); }
  const std::string& string_value() const { return std::get<std::string>(rep_); }
  const ValueList& list_value() const { return *std::get<std::shared_ptr<const ValueList>>(rep_); }
  const ValueMap& map_value() const { return *std::get<std::shared_ptr<const ValueMap>>(rep_); }
  core::Date date_value() const { return std::get<core::Date>(rep_); }
  const UnknownSet& unknown_value() const {
    return *std::get<std::shared_ptr<const UnknownSet>>(rep_);
  }
  const ErrorInfo& error_value() const { return *std::get<std::shared_ptr<const ErrorInfo>>(rep_); }

  // The value as a decimal when it is an int or a decimal (int promotes exactly).
  bool AsDecimal(core::Decimal* out) const;

  // Text for people and for traces: 12, 1.50, "abc", [1, 2], {"k": 1}, 2024-01-01, null,
  // unknown(revenue), error(eval.division_by_zero). Decimals keep their scale.
  std::string DebugString() const;

 private:
  using Rep =
      std::variant<std::monostate, bool, std::int64_t, core::Decimal, std::string,
                   std::shared_ptr<const ValueList>, std::shared_ptr<const ValueMap>, core::Date,
                   std::shared_ptr<const UnknownSet>, std::shared_ptr<const ErrorInfo>>;
  template <typename T>
  explicit Value(T v) : rep_(std::move(v)) {}
  Rep rep_;
};

std::ostream& operator<<(std::ostream& os, const Value& v);

// Merges the unknown sets of two unknown values (either may be non-unknown and is then ignored).
Value MergeUnknown(const Value& a, const Value& b);

// CEL's heterogeneous equality, exact: int and decimal compare by numeric value (1 == 1.0), other
// different kinds are unequal (1 == "a" is false), lists element-wise, maps by keys and values
// regardless of order. Returns a bool value, or an unknown/error if one is met inside.
Value Equal(const Value& a, const Value& b);

// Ordering for <, <=, >, >=: int/decimal numerically, strings by bytes (code points), bools
// false < true, dates by day. *cmp gets -1, 0 or 1. False when the two cannot be ordered.
bool Order(const Value& a, const Value& b, int* cmp);

}  // namespace zhida::rules
