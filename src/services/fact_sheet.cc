#include "services/fact_sheet.h"

#include "core/decimal.h"
#include "core/region.h"
#include "core/text.h"
#include "services/common.h"
#include "services/explain_format.h"

namespace zhida::services {

namespace {

using nlohmann::json;

// The registration data an enterprise record holds besides its facts; these are fields of the
// schema too (reference.cc), so rules may read them.
constexpr std::string_view kRegistryFields[] = {"region", "industry", "scale", "established"};

// Longest text a calculator value may have: a region or industry code, a credit grade. Far
// more than any of them, small enough that a request cannot carry an essay per field.
constexpr size_t kInputTextMaxChars = 100;

// The date in China of an RFC 3339 time at rest; "" when it does not parse.
std::string ChinaDate(std::string_view time_text) {
  absl::StatusOr<absl::Time> t = ParseTimeText(time_text);
  if (!t.ok()) return time_text.size() >= 10 ? std::string(time_text.substr(0, 10)) : "";
  return core::TodayIn(*t).ToString();
}

std::string SourceName(const std::string& source) {
  size_t dot = source.find('.');
  if (dot != std::string::npos)
    return DepartmentName(source.substr(0, dot), source.substr(dot + 1));
  if (source == "import") return "数据导入";
  return source;
}

// One calculator value for `field`, or the Chinese reason it is refused.
absl::StatusOr<rules::Value> InputValue(const rules::FieldDef& field, const json& v) {
  auto bad = [&](const std::string& why) {
    return InvalidField("calculator.fact", field.code, field.label_zh + why);
  };
  if (v.is_number_float())
    return bad("请以字符串填写，如 \"1500000.00\"（不接受带小数的 JSON 数字）");
  std::string text;
  if (v.is_boolean()) {
    if (field.type != rules::FieldType::kBool) return bad("不是“是/否”类数据");
    return rules::Value::Bool(v.get<bool>());
  }
  if (v.is_number_integer()) {
    text = v.dump();
  } else if (v.is_string()) {
    text = v.get<std::string>();
  } else {
    return bad("的值应为字符串");
  }
  if (core::Utf8Length(text) > kInputTextMaxChars) return bad("过长");
  switch (field.type) {
    case rules::FieldType::kBool:
      if (text == "是") text = "true";
      if (text == "否") text = "false";
      break;
    case rules::FieldType::kInt:
      if (text.empty() || text.size() > 18 ||
          text.find_first_not_of("0123456789") != std::string::npos) {
        return bad("应为非负整数，实际为“" + text + "”");
      }
      break;
    case rules::FieldType::kDecimal: {
      absl::StatusOr<core::Decimal> d = core::Decimal::Parse(text);
      if (!d.ok()) return bad("应为数字（如 1500000.00），实际为“" + text + "”");
      if (field.unit == "元" && d->scale() > 2 &&
          d->Round(2, core::RoundingMode::kDown).value_or(*d) != *d) {
        return bad("金额最多保留两位小数");
      }
      break;
    }
    case rules::FieldType::kString:
      if (field.code == "region") {
        const core::Region* r = core::FindRegion(text);
        if (r == nullptr || r->level != core::RegionLevel::kCounty) {
          return bad("应为泉州市的县（市、区）行政区划代码，如 350582");
        }
      } else if (field.code == "industry" && !ValidIndustryCode(text)) {
        return bad("应为 GB/T 4754 行业代码，如 C1951");
      } else if (field.code == "scale") {
        std::string_view scale = CanonicalScale(text);
        if (scale.empty())
          return bad("应为 micro、small、medium 或 large（微型、小型、中型、大型）");
        return rules::Value::String(std::string(scale));
      }
      return rules::Value::String(text);
    default: break;
  }
  absl::StatusOr<rules::Value> value = rules::ParseFactText(text, field.type, field.code);
  if (!value.ok()) return bad("的值“" + text + "”格式不对");
  return value;
}

}  // namespace

absl::StatusOr<FactSheet> FactSheetFromRegistry(std::shared_ptr<const rules::Schema> schema,
                                                const EnterpriseView& view,
                                                std::string_view registry_updated_at,
                                                core::Date as_of) {
  FactSheet sheet(std::move(schema), as_of);
  const rules::Schema& s = sheet.activation.schema();
  auto set = [&](const std::string& code, const std::string& text,
                 FactOrigin origin) -> absl::Status {
    int index = s.FieldIndex(code);
    if (index < 0 || text.empty()) return absl::OkStatus();
    const rules::FieldDef& f = s.fields()[static_cast<size_t>(index)];
    absl::StatusOr<rules::Value> value = rules::ParseFactText(text, f.type, f.code);
    if (!value.ok()) {
      return absl::DataLossError("stored fact " + code + " of " + view.enterprise.uscc +
                                 " does not fit its type: " + text);
    }
    sheet.activation.SetIndex(index, *std::move(value));
    sheet.origins[static_cast<size_t>(index)] = std::move(origin);
    return absl::OkStatus();
  };
  const Enterprise& e = view.enterprise;
  const std::string registered = ChinaDate(registry_updated_at);
  const std::string* base[] = {&e.region, &e.industry, &e.scale, &e.established};
  for (size_t i = 0; i < std::size(kRegistryFields); ++i) {
    RETURN_IF_ERROR(set(std::string(kRegistryFields[i]), *base[i],
                        FactOrigin{"registry", "企业登记信息", "", registered}));
  }
  for (const FactValue& f : view.facts) {
    RETURN_IF_ERROR(set(f.field, f.value,
                        FactOrigin{f.source, SourceName(f.source), f.period, ChinaDate(f.as_of)}));
  }
  return sheet;
}

absl::StatusOr<json> CalculatorFacts(const json& body) {
  json facts = json::object();
  if (body.contains("facts")) {
    if (!body["facts"].is_object()) {
      return InvalidField("calculator.fact", "facts", "facts 应为对象：字段代码 → 值",
                          "facts must be an object: field code → value");
    }
    facts = body["facts"];
  }
  for (std::string_view key : kRegistryFields) {
    std::string k(key);
    if (!body.contains(k)) continue;
    if (facts.contains(k) && facts[k] != body[k]) {
      return InvalidField("calculator.fact", k, k + " 在 facts 内外的取值不同",
                          k + " is given twice with different values");
    }
    facts[k] = body[k];
  }
  return facts;
}

absl::StatusOr<FactSheet> FactSheetFromInput(std::shared_ptr<const rules::Schema> schema,
                                             const json& facts, core::Date as_of) {
  if (!facts.is_object()) {
    return InvalidField("calculator.fact", "facts", "facts 应为对象：字段代码 → 值",
                        "facts must be an object: field code → value");
  }
  FactSheet sheet(std::move(schema), as_of);
  const rules::Schema& s = sheet.activation.schema();
  std::string first_field;
  std::vector<std::string> problems;
  for (const auto& [code, v] : facts.items()) {
    const int index = s.FieldIndex(code);
    if (index >= 0 && v.is_null()) continue;  // stays unknown
    absl::StatusOr<rules::Value> value =
        index < 0 ? absl::StatusOr<rules::Value>(
                        InvalidField("calculator.fact", code, "没有名为 " + code + " 的数据项"))
                  : InputValue(s.fields()[static_cast<size_t>(index)], v);
    if (!value.ok()) {
      if (first_field.empty()) first_field = code;
      problems.emplace_back(value.status().message());
      continue;
    }
    sheet.activation.SetIndex(index, *std::move(value));
    sheet.origins[static_cast<size_t>(index)] = FactOrigin{"calculator", "政策计算器填写", "", ""};
  }
  if (!problems.empty()) {
    std::string message = problems.size() == 1
                              ? problems[0]
                              : std::to_string(problems.size()) + " 项数据有误：" + problems[0];
    for (size_t i = 1; i < problems.size(); ++i) message += "；" + problems[i];
    return InvalidField("calculator.fact", first_field, message,
                        std::to_string(problems.size()) + " fact(s) are not valid");
  }
  return sheet;
}

}  // namespace zhida::services
