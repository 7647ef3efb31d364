// Values as JSON, in the encoding of tests/conformance/cel/README.md, extended for the values a
// rule over enterprise facts also produces:
//   null, true/false, "text", [..], {"int": "12"}, {"decimal": "1.50"}, {"map": {..}},
//   {"date": "2024-01-01"}, {"unknown": ["revenue"]}, {"error": "eval.division_by_zero"}.
// Numbers travel as strings so that no JSON reader turns them into binary floating point.
#pragma once

#include "core/status.h"
#include "nlohmann/json.hpp"
#include "rules/value.h"

namespace zhida::rules {

// Encodes `value`. Decimals keep their scale ("1.50"); an error keeps only its code.
nlohmann::ordered_json ValueToJson(const Value& value);

// Decodes the encoding above (an error decodes with empty messages). InvalidArgument
// ("rules.value_json") when malformed.
absl::StatusOr<Value> ValueFromJson(const nlohmann::json& json);

}  // namespace zhida::rules
