// The facts one evaluation reads, with where each came from (issue 3 §3): an enterprise's stored
// facts from the registry, or facts a visitor types into the 政策计算器. Both become the same
// FactSheet, so that one Explain serves the portal, the API and the calculator.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/date.h"
#include "core/status.h"
#include "nlohmann/json.hpp"
#include "rules/eval.h"
#include "rules/schema.h"
#include "services/reference.h"
#include "services/registry.h"
#include "services/rule_check.h"  // RulesSchema

namespace zhida::services {


// Where one fact came from. All empty for a fact the sheet does not have.
struct FactOrigin {
  std::string source;       // a department code (350500.sw), "registry" or "calculator"
  std::string source_name;  // 泉州市税务局, 企业登记信息, 政策计算器填写
  std::string period;       // the fiscal period the figure is for, e.g. 2025
  std::string as_of;        // YYYY-MM-DD (China time) the source stated it; "" when not known
};

// One enterprise's facts on the schema, for evaluation on `as_of`.
struct FactSheet {
  FactSheet(std::shared_ptr<const rules::Schema> schema, core::Date as_of)
      : activation(std::move(schema), as_of), origins(activation.schema().fields().size()) {}

  rules::Activation activation;
  std::vector<FactOrigin> origins;  // per schema field, in schema order
};

// The sheet of a registered enterprise: its registration data (region, industry, scale,
// established — source "registry", as of `registry_updated_at`, an RFC 3339 time) and its
// current facts (each with its batch's source, period and as-of time). DataLoss when a stored
// value does not fit its field's type.
absl::StatusOr<FactSheet> FactSheetFromRegistry(std::shared_ptr<const rules::Schema> schema,
                                                const EnterpriseView& view,
                                                std::string_view registry_updated_at,
                                                core::Date as_of);

// The facts of a calculator request: the object `facts` of a request body, with the body's
// top-level region, industry, scale and established merged in (they may be given either way;
// InvalidArgument "calculator.fact" when both are given and differ).
absl::StatusOr<nlohmann::json> CalculatorFacts(const nlohmann::json& body);

// The sheet of facts typed into the calculator (`facts`: field code → value). Amounts are
// strings ("1500000.00", at most two decimals for 元) or JSON integers, never JSON fractions
// (binary floating point); counts are integers or digit strings; booleans true/false (or
// "true"/"false"/"是"/"否"); dates "YYYY-MM-DD"; region a county code, industry a GB/T 4754 code,
// scale micro/small/medium/large (or 微型/小型/中型/大型); null leaves a fact unknown.
// Every value is checked: InvalidArgument "calculator.fact" with the first bad field's code as
// the field and a message naming every bad one in Chinese.
absl::StatusOr<FactSheet> FactSheetFromInput(std::shared_ptr<const rules::Schema> schema,
                                             const nlohmann::json& facts, core::Date as_of);

}  // namespace zhida::services
