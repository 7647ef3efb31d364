// The field schema a rule is checked against (DESIGN.md §5: the schema is data, not code), and
// the policy's named, dated parameters (DESIGN.md §4, OpenFisca's parameters): a rate or a
// threshold that a rule names, whose value in force is picked by the evaluation's as-of date.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "core/date.h"
#include "core/status.h"
#include "nlohmann/json.hpp"
#include "rules/value.h"

namespace zhida::rules {

// The type of a fact or parameter. kList and kMap hold values of any type; kDyn is any value
// (used for data whose type is only known at run time, e.g. conformance bindings).
enum class FieldType : std::uint8_t { kBool, kInt, kDecimal, kString, kDate, kList, kMap, kDyn };

// "bool", "int", ... as written in schema files and messages.
const char* FieldTypeName(FieldType type);
// Parses a FieldTypeName (also "money" → kDecimal); nullopt when unknown.
std::optional<FieldType> ParseFieldType(std::string_view name);

// One fact an enterprise may have. `code` is what a rule writes (revenue), `label_zh` what people
// read (上年度营业收入), `unit` the unit of a number (元, 人) or empty.
struct FieldDef {
  std::string code;
  std::string label_zh;
  std::string unit;
  FieldType type = FieldType::kDecimal;
};

// One value of a parameter, in force from `effective_from` until the next version's date.
// `basis` is the legal reference (e.g. "闽政〔2023〕12号 第三条").
struct ParameterVersion {
  core::Date effective_from;
  Value value;
  std::string basis;
};

// A named parameter: `rate_rd: 2024-01-01 → 0.10, basis 闽政〔2023〕…`.
struct ParameterDef {
  std::string code;
  std::string label_zh;
  std::string unit;
  FieldType type = FieldType::kDecimal;
  std::vector<ParameterVersion> versions;  // kept sorted by effective_from

  // The version in force on `as_of`: the latest with effective_from <= as_of; nullptr if none.
  const ParameterVersion* InForce(core::Date as_of) const;
};

// The names a rule may use. Codes are ASCII identifiers ([A-Za-z_][A-Za-z0-9_]*), not reserved
// words, unique across fields and parameters, and not `as_of` (the evaluation's date).
class Schema {
 public:
  Schema() = default;

  // A schema with `base`'s fields and parameters, to which parameters may be added but not
  // fields: a policy's own parameters over the registry's field schema. Its field slots are
  // `base`'s, so facts held for `base` (an Activation, a ColumnTable) evaluate its programs.
  static std::shared_ptr<Schema> Extend(std::shared_ptr<const Schema> base);

  // Adds a field. InvalidArgument (code "schema.bad_code" / "schema.duplicate") when the code is
  // not a valid identifier or already used; FailedPrecondition ("schema.extended") on a schema
  // made by Extend.
  absl::Status AddField(FieldDef field);
  // Adds a parameter; besides AddField's errors, InvalidArgument ("schema.parameter_value") when
  // a version's value does not have the parameter's type or two versions share a date.
  absl::Status AddParameter(ParameterDef parameter);

  // The field with `code` and its index (the slot an Activation fills); -1 / nullptr if none.
  int FieldIndex(std::string_view code) const;
  const FieldDef* FindField(std::string_view code) const;
  int ParameterIndex(std::string_view code) const;
  const ParameterDef* FindParameter(std::string_view code) const;

  const std::vector<FieldDef>& fields() const { return fields_; }
  const std::vector<ParameterDef>& parameters() const { return parameters_; }

  // The field or parameter code closest to `code` by edit distance (at most 2 edits), for
  // "did you mean" hints; empty if none is that close.
  std::string Suggest(std::string_view code) const;

  // True when both have the same fields in the same slots: one is the other, or both extend
  // the same schema. Facts held for one evaluate programs compiled against the other.
  bool SameFields(const Schema& other) const { return &FieldsOwner() == &other.FieldsOwner(); }

 private:
  absl::Status CheckCode(const std::string& code) const;
  // The schema whose AddField made the fields: this one, or the root of what it extends.
  const Schema& FieldsOwner() const { return base_ ? base_->FieldsOwner() : *this; }

  std::shared_ptr<const Schema> base_;  // set by Extend; keeps the fields' owner alive

  std::vector<FieldDef> fields_;
  std::vector<ParameterDef> parameters_;
  absl::flat_hash_map<std::string, int> field_index_;
  absl::flat_hash_map<std::string, int> parameter_index_;
};

// Reads a schema from JSON:
//   {"fields": [{"code": "revenue", "label_zh": "营业收入", "unit": "元", "type": "decimal"}],
//    "parameters": [{"code": "rate_rd", "label_zh": "研发费用补助比例", "type": "decimal",
//                    "versions": [{"from": "2024-01-01", "value": "0.10",
//                                  "basis": "闽政〔2023〕12号"}]}]}
// Parameter values are written as text (exact decimals travel as strings) and parsed with
// ParseFactText. InvalidArgument ("schema.json") on anything malformed.
absl::StatusOr<std::shared_ptr<Schema>> SchemaFromJson(const nlohmann::json& json);

// Parses the text form of a fact of `type` (a CSV cell, a form field): "" is unknown (a missing
// fact is never zero, false or empty); bool is "true"/"false"; int and decimal are plain
// numbers ("1500.25"); date is YYYY-MM-DD; string is taken as is. InvalidArgument
// ("rules.fact_text") when the text does not fit; list, map and dyn have no text form.
absl::StatusOr<Value> ParseFactText(std::string_view text, FieldType type,
                                    std::string_view code = "");

// Whether a value may be stored in a field of `type` (int is accepted for decimal, and unknown
// for every type).
bool ValueFitsType(const Value& value, FieldType type);

}  // namespace zhida::rules
