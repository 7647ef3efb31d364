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
};

// Reads a body from the API's JSON; the first wrong element is reported with its field path
// (e.g. "materials[2].max_size_mb") and a Chinese reason.
absl::StatusOr<PolicyBody> PolicyBodyFromJson(const nlohmann::json& j);
nlohmann::json PolicyBodyToJson(const PolicyBody& body);

// Checks a rule text; returns "" when it is valid, else a message naming line and column.
// Injected so that the catalog validates rules with the rule engine (src/rules) when it is wired.
using RuleValidator =
    std::function<std::string(std::string_view source, bool is_award)>;

// Checks every element that needs no database: lengths, enums, dates, money, formats, rules (with
// `rules` when set). Department existence is checked by the catalog.
absl::Status ValidatePolicyBody(const PolicyBody& body, const RuleValidator& rules);

// True when a policy for `policy_industries` applies to an enterprise of `industry`.
bool IndustryApplies(const std::vector<std::string>& policy_industries, std::string_view industry);

// The known material formats.
bool IsKnownFormat(std::string_view format);

}  // namespace zhida::services
