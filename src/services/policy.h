// A policy's elements (issue 2 §6; DESIGN.md §1): the body of one version, its JSON form and its
// validation. Every element the Quanzhou plan names is here; money is core::Money, never double.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/money.h"
#include "core/status.h"
#include "nlohmann/json.hpp"

namespace zhida::services {

struct BasisRef {
  std::string document;  // 文号, e.g. 泉政文〔2021〕12号
  std::string article;   // e.g. 第三条 (may be empty)
};

struct Material {
  std::string name;
  std::vector<std::string> formats;  // pdf, jpg, png, ofd, doc, docx, xls, xlsx, zip
  bool required = true;
  int max_size_mb = 10;
};

struct Step {
  std::string name;
  std::string description;
  int days = 0;  // time limit in working days (审核时效); 0 when none
};

struct DateRange {
  std::string from;  // YYYY-MM-DD
  std::string to;    // YYYY-MM-DD, "" = open-ended
};

// One value of a policy parameter: in force from `from` until the next value's date, with the
// legal basis that set it (文号 and article).
struct ParameterValue {
  std::string from;   // YYYY-MM-DD
  std::string value;  // as written: "0.10", "20000000", "true", "2025-01-01", "高新技术企业"
  std::string basis;  // e.g. 闽政〔2023〕12号 第三条
};

// A policy's named number (DESIGN.md §4): a rate, threshold or cap its rules write by code
// (`rd_expense * rate_rd`) and whose value on the evaluation's as-of date is the one in force.
// Changing a rate is then a new dated value with its own basis, not a new rule text.
struct PolicyParameter {
  std::string code;   // an identifier the rules use: rate_rd
  std::string label;  // what people read: 研发费用补助比例
  std::string unit;   // 元, 人, or empty
  std::string type = "decimal";  // decimal, int, bool, string, date
  std::vector<ParameterValue> versions;  // ordered by `from`, strictly increasing
};

struct PolicyBody {
  std::string title;
  std::string level;       // city, county
  std::string region;      // 350500 for city-level, the county code for county-level
  std::string owner_dept;  // department code
  std::vector<BasisRef> basis;
  std::string summary;
  std::string beneficiaries;
  std::string eligibility;  // rule text (DESIGN.md §4)
  std::string award;        // formula text
  std::optional<core::Money> award_cap;
  std::string mode;  // auto (免申即享), apply (即申即享)
  std::vector<std::string> industries;  // GB/T 4754 prefixes; empty = every industry
  std::string guide;
  std::vector<Material> materials;
  std::vector<Step> steps;
  std::string accepting_dept;
  std::string contact_name;
  std::string contact_phone;
  std::string fund_source;
  std::optional<DateRange> window;  // application window (apply mode)
  DateRange effective;
  std::vector<PolicyParameter> parameters;  // named numbers the rules use; may be empty
};

// Reads a body from the API's JSON; the first wrong element is reported with its field path
// (e.g. "materials[2].max_size_mb") and a Chinese reason.
absl::StatusOr<PolicyBody> PolicyBodyFromJson(const nlohmann::json& j);
nlohmann::json PolicyBodyToJson(const PolicyBody& body);

// The `parameters` array of a body (or of a rule check or simulation request), at `path`
// ("parameters"); a missing or null array is empty. Errors as PolicyBodyFromJson.
absl::StatusOr<std::vector<PolicyParameter>> PolicyParametersFromJson(const nlohmann::json& j,
                                                                      const std::string& path);
nlohmann::json PolicyParametersToJson(const std::vector<PolicyParameter>& parameters);

// Checks a policy's parameters and rules with the rule engine: OK, or the first problem as
// InvalidArgument naming its field ("eligibility", "award", "parameters[1].versions[0].value").
// Injected (services/rule_check.h makes one over the stored field schema), so that this file
// needs no rule engine.
using RuleValidator = std::function<absl::Status(const PolicyBody& body)>;

// Checks what of `parameters` needs no field schema: codes are identifiers and unique, labels,
// types, at least one value, dates valid and strictly increasing, every value with its basis.
// Errors name the path under "parameters".
absl::Status ValidatePolicyParameters(const std::vector<PolicyParameter>& parameters);

// Checks every element that needs no database: lengths, enums, dates, money, formats,
// parameters, rules (with `rules` when set). Department existence is checked by the catalog.
absl::Status ValidatePolicyBody(const PolicyBody& body, const RuleValidator& rules);

// True when a policy for `policy_industries` applies to an enterprise of `industry`.
bool IndustryApplies(const std::vector<std::string>& policy_industries, std::string_view industry);

// The known material formats.
bool IsKnownFormat(std::string_view format);

}  // namespace zhida::services
