#include "services/policy.h"

#include <set>

#include "core/text.h"
#include "core/date.h"
#include "core/region.h"

namespace zhida::services {

namespace {

using nlohmann::json;

// Limits on policy elements: generous for real documents, small enough that a page shows them.
constexpr size_t kTitleMax = 100;           // characters
constexpr size_t kShortTextMax = 200;
constexpr size_t kLongTextMax = 5000;       // summary, beneficiaries
constexpr size_t kGuideMax = 20000;
constexpr size_t kRuleMax = 10000;          // bytes; the rule engine has its own, finer limits
constexpr size_t kListMax = 50;             // basis entries, materials, steps, industries
constexpr size_t kParametersMax = 30;      // named numbers of one policy
constexpr size_t kParameterValuesMax = 20;  // dated values of one parameter
constexpr size_t kCodeMax = 64;             // bytes of a parameter code
constexpr int kMaterialMaxMb = 100;
constexpr int kStepDaysMax = 365;

absl::Status Bad(const std::string& field, const std::string& zh, const std::string& en) {
  return InvalidField("policy.invalid", field, field + "：" + zh, field + ": " + en);
}

absl::StatusOr<std::string> GetString(const json& j, const std::string& key,
                                      const std::string& path, bool required) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) {
    if (required) return Bad(path, "必填", "is required");
    return std::string();
  }
  if (!it->is_string()) return Bad(path, "应为字符串", "must be a string");
  return it->get<std::string>();
}

absl::StatusOr<int> GetInt(const json& j, const std::string& key, const std::string& path,
                           int default_value) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return default_value;
  if (!it->is_number_integer()) return Bad(path, "应为整数", "must be an integer");
  int64_t v = it->get<int64_t>();
  if (v < 0 || v > 1000000) return Bad(path, "超出范围", "is out of range");
  return static_cast<int>(v);
}

absl::StatusOr<const json*> GetArray(const json& j, const std::string& key,
                                     const std::string& path) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return nullptr;
  if (!it->is_array()) return Bad(path, "应为数组", "must be an array");
  if (it->size() > kListMax) {
    return Bad(path, "最多 " + std::to_string(kListMax) + " 项", "too many entries");
  }
  return &*it;
}

absl::StatusOr<std::optional<DateRange>> GetRange(const json& j, const std::string& key) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return std::optional<DateRange>();
  if (!it->is_object()) return Bad(key, "应为 {\"from\",\"to\"} 对象", "must be {from, to}");
  DateRange range;
  ASSIGN_OR_RETURN(range.from, GetString(*it, "from", key + ".from", true));
  ASSIGN_OR_RETURN(range.to, GetString(*it, "to", key + ".to", false));
  return std::optional<DateRange>(range);
}

absl::Status CheckText(const std::string& field, const std::string& text, size_t max_chars,
                       bool required) {
  if (required && text.empty()) return Bad(field, "必填", "is required");
  if (core::Utf8Length(text) > max_chars) {
    return Bad(field, "不能超过 " + std::to_string(max_chars) + " 个字",
               "is longer than " + std::to_string(max_chars) + " characters");
  }
  return absl::OkStatus();
}

absl::Status CheckDate(const std::string& field, const std::string& text) {
  if (!core::Date::Parse(text).ok()) {
    return Bad(field, "日期应为 YYYY-MM-DD，实际为“" + text + "”", "must be a date YYYY-MM-DD");
  }
  return absl::OkStatus();
}

absl::Status CheckRange(const std::string& field, const DateRange& range) {
  RETURN_IF_ERROR(CheckDate(field + ".from", range.from));
  if (!range.to.empty()) {
    RETURN_IF_ERROR(CheckDate(field + ".to", range.to));
    if (range.to < range.from) {
      return Bad(field + ".to", "结束日期早于开始日期", "ends before it starts");
    }
  }
  return absl::OkStatus();
}

// An identifier a rule can write: [A-Za-z_][A-Za-z0-9_]*, at most kCodeMax bytes. Reserved
// words and codes of fields are refused by the rule engine's schema (the RuleValidator).
bool IsCode(std::string_view s) {
  if (s.empty() || s.size() > kCodeMax) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    bool letter = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
    if (!letter && !(i > 0 && c >= '0' && c <= '9')) return false;
  }
  return true;
}

bool ValidIndustryPrefix(std::string_view s) {
  if (s.empty() || s.size() > 5 || s[0] < 'A' || s[0] > 'T') return false;
  for (size_t i = 1; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  return s.size() == 1 || s.size() >= 3;  // a section, division (2 digits), group or class
}

// A mainland phone number as a service desk gives it: 0595-22xxxxxx, 0595-2xxxxxxx, 12345, or
// an 11-digit mobile number.
bool ValidPhone(std::string_view s) {
  if (s.empty() || s.size() > 20) return false;
  int digits = 0;
  for (char c : s) {
    if (c >= '0' && c <= '9') {
      ++digits;
    } else if (c != '-' && c != ' ') {
      return false;
    }
  }
  return digits >= 5;
}

}  // namespace

bool IsKnownFormat(std::string_view format) {
  for (std::string_view known : {"pdf", "ofd", "jpg", "jpeg", "png", "doc", "docx", "xls", "xlsx",
                                 "zip"}) {
    if (format == known) return true;
  }
  return false;
}

absl::StatusOr<PolicyBody> PolicyBodyFromJson(const json& j) {
  if (!j.is_object()) return Bad("body", "应为 JSON 对象", "must be a JSON object");
  PolicyBody b;
  ASSIGN_OR_RETURN(b.title, GetString(j, "title", "title", true));
  ASSIGN_OR_RETURN(b.level, GetString(j, "level", "level", true));
  ASSIGN_OR_RETURN(b.region, GetString(j, "region", "region", true));
  ASSIGN_OR_RETURN(b.owner_dept, GetString(j, "owner_dept", "owner_dept", true));
  ASSIGN_OR_RETURN(const json* basis, GetArray(j, "basis", "basis"));
  if (basis != nullptr) {
    for (size_t i = 0; i < basis->size(); ++i) {
      std::string path = "basis[" + std::to_string(i) + "]";
      const json& item = (*basis)[i];
      if (!item.is_object()) return Bad(path, "应为对象", "must be an object");
      BasisRef ref;
      ASSIGN_OR_RETURN(ref.document, GetString(item, "document", path + ".document", true));
      ASSIGN_OR_RETURN(ref.article, GetString(item, "article", path + ".article", false));
      b.basis.push_back(std::move(ref));
    }
  }
  ASSIGN_OR_RETURN(b.summary, GetString(j, "summary", "summary", true));
  ASSIGN_OR_RETURN(b.beneficiaries, GetString(j, "beneficiaries", "beneficiaries", true));
  ASSIGN_OR_RETURN(b.eligibility, GetString(j, "eligibility", "eligibility", true));
  ASSIGN_OR_RETURN(b.award, GetString(j, "award", "award", true));
  ASSIGN_OR_RETURN(std::string cap, GetString(j, "award_cap", "award_cap", false));
  if (!cap.empty()) {
    auto money = core::Money::Parse(cap);
    if (!money.ok()) {
      return Bad("award_cap", "金额格式应为“500000.00”：" + std::string(money.status().message()),
                 "must be an amount like \"500000.00\"");
    }
    b.award_cap = *money;
  }
  ASSIGN_OR_RETURN(b.mode, GetString(j, "mode", "mode", true));
  ASSIGN_OR_RETURN(const json* industries, GetArray(j, "industries", "industries"));
  if (industries != nullptr) {
    for (size_t i = 0; i < industries->size(); ++i) {
      if (!(*industries)[i].is_string()) {
        return Bad("industries[" + std::to_string(i) + "]", "应为字符串", "must be a string");
      }
      b.industries.push_back((*industries)[i].get<std::string>());
    }
  }
  ASSIGN_OR_RETURN(b.guide, GetString(j, "guide", "guide", false));
  ASSIGN_OR_RETURN(const json* materials, GetArray(j, "materials", "materials"));
  if (materials != nullptr) {
    for (size_t i = 0; i < materials->size(); ++i) {
      std::string path = "materials[" + std::to_string(i) + "]";
      const json& item = (*materials)[i];
      if (!item.is_object()) return Bad(path, "应为对象", "must be an object");
      Material m;
      ASSIGN_OR_RETURN(m.name, GetString(item, "name", path + ".name", true));
      ASSIGN_OR_RETURN(const json* formats, GetArray(item, "formats", path + ".formats"));
      if (formats != nullptr) {
        for (const json& f : *formats) {
          if (!f.is_string()) return Bad(path + ".formats", "应为字符串数组", "must be strings");
          m.formats.push_back(f.get<std::string>());
        }
      }
      auto required = item.find("required");
      if (required != item.end() && !required->is_null()) {
        if (!required->is_boolean()) return Bad(path + ".required", "应为 true/false", "bool");
        m.required = required->get<bool>();
      }
      ASSIGN_OR_RETURN(m.max_size_mb, GetInt(item, "max_size_mb", path + ".max_size_mb", 10));
      b.materials.push_back(std::move(m));
    }
  }
  ASSIGN_OR_RETURN(const json* steps, GetArray(j, "steps", "steps"));
  if (steps != nullptr) {
    for (size_t i = 0; i < steps->size(); ++i) {
      std::string path = "steps[" + std::to_string(i) + "]";
      const json& item = (*steps)[i];
      if (!item.is_object()) return Bad(path, "应为对象", "must be an object");
      Step s;
      ASSIGN_OR_RETURN(s.name, GetString(item, "name", path + ".name", true));
      ASSIGN_OR_RETURN(s.description, GetString(item, "description", path + ".description",
                                                false));
      ASSIGN_OR_RETURN(s.days, GetInt(item, "days", path + ".days", 0));
      b.steps.push_back(std::move(s));
    }
  }
  ASSIGN_OR_RETURN(b.accepting_dept, GetString(j, "accepting_dept", "accepting_dept", true));
  auto contact = j.find("contact");
  if (contact == j.end() || !contact->is_object()) {
    return Bad("contact", "必填：{\"name\",\"phone\"}", "is required: {name, phone}");
  }
  ASSIGN_OR_RETURN(b.contact_name, GetString(*contact, "name", "contact.name", true));
  ASSIGN_OR_RETURN(b.contact_phone, GetString(*contact, "phone", "contact.phone", true));
  ASSIGN_OR_RETURN(b.fund_source, GetString(j, "fund_source", "fund_source", true));
  ASSIGN_OR_RETURN(b.window, GetRange(j, "window"));
  ASSIGN_OR_RETURN(std::optional<DateRange> effective, GetRange(j, "effective"));
  if (!effective) return Bad("effective", "必填：有效期 {\"from\",\"to\"}", "is required");
  b.effective = *effective;
  ASSIGN_OR_RETURN(b.parameters, PolicyParametersFromJson(j, "parameters"));
  return b;
}

absl::StatusOr<std::vector<PolicyParameter>> PolicyParametersFromJson(const json& j,
                                                                      const std::string& path) {
  std::vector<PolicyParameter> out;
  ASSIGN_OR_RETURN(const json* list, GetArray(j, "parameters", path));
  if (list == nullptr) return out;
  for (size_t i = 0; i < list->size(); ++i) {
    std::string at = path + "[" + std::to_string(i) + "]";
    const json& item = (*list)[i];
    if (!item.is_object()) return Bad(at, "应为对象", "must be an object");
    PolicyParameter p;
    ASSIGN_OR_RETURN(p.code, GetString(item, "code", at + ".code", true));
    ASSIGN_OR_RETURN(p.label, GetString(item, "label", at + ".label", true));
    ASSIGN_OR_RETURN(p.unit, GetString(item, "unit", at + ".unit", false));
    ASSIGN_OR_RETURN(std::string type, GetString(item, "type", at + ".type", false));
    if (!type.empty()) p.type = type;
    ASSIGN_OR_RETURN(const json* versions, GetArray(item, "versions", at + ".versions"));
    if (versions == nullptr) return Bad(at + ".versions", "必填：至少一个取值", "is required");
    for (size_t v = 0; v < versions->size(); ++v) {
      std::string vat = at + ".versions[" + std::to_string(v) + "]";
      const json& entry = (*versions)[v];
      if (!entry.is_object()) return Bad(vat, "应为对象", "must be an object");
      ParameterValue value;
      ASSIGN_OR_RETURN(value.from, GetString(entry, "from", vat + ".from", true));
      // A value is best written as a string ("0.10"): a JSON number is taken as written by the
      // JSON library, which keeps at most 17 significant digits.
      auto raw = entry.find("value");
      if (raw == entry.end() || raw->is_null()) return Bad(vat + ".value", "必填", "is required");
      if (raw->is_string()) {
        value.value = raw->get<std::string>();
      } else if (raw->is_number() || raw->is_boolean()) {
        value.value = raw->dump();
      } else {
        return Bad(vat + ".value", "应为字符串、数字或 true/false", "must be a string, number or bool");
      }
      ASSIGN_OR_RETURN(value.basis, GetString(entry, "basis", vat + ".basis", true));
      p.versions.push_back(std::move(value));
    }
    out.push_back(std::move(p));
  }
  return out;
}

json PolicyParametersToJson(const std::vector<PolicyParameter>& parameters) {
  json out = json::array();
  for (const PolicyParameter& p : parameters) {
    json versions = json::array();
    for (const ParameterValue& v : p.versions) {
      versions.push_back({{"from", v.from}, {"value", v.value}, {"basis", v.basis}});
    }
    out.push_back({{"code", p.code}, {"label", p.label}, {"unit", p.unit}, {"type", p.type},
                   {"versions", versions}});
  }
  return out;
}

json PolicyBodyToJson(const PolicyBody& b) {
  json basis = json::array();
  for (const BasisRef& r : b.basis) basis.push_back({{"document", r.document}, {"article", r.article}});
  json materials = json::array();
  for (const Material& m : b.materials) {
    materials.push_back({{"name", m.name}, {"formats", m.formats}, {"required", m.required},
                         {"max_size_mb", m.max_size_mb}});
  }
  json steps = json::array();
  for (const Step& s : b.steps) {
    steps.push_back({{"name", s.name}, {"description", s.description}, {"days", s.days}});
  }
  auto range = [](const DateRange& r) {
    return json{{"from", r.from}, {"to", r.to.empty() ? json(nullptr) : json(r.to)}};
  };
  return json{
      {"title", b.title},
      {"level", b.level},
      {"region", b.region},
      {"owner_dept", b.owner_dept},
      {"basis", basis},
      {"summary", b.summary},
      {"beneficiaries", b.beneficiaries},
      {"eligibility", b.eligibility},
      {"award", b.award},
      {"award_cap", b.award_cap ? json(b.award_cap->ToString()) : json(nullptr)},
      {"mode", b.mode},
      {"industries", b.industries},
      {"guide", b.guide},
      {"materials", materials},
      {"steps", steps},
      {"accepting_dept", b.accepting_dept},
      {"contact", {{"name", b.contact_name}, {"phone", b.contact_phone}}},
      {"fund_source", b.fund_source},
      {"window", b.window ? range(*b.window) : json(nullptr)},
      {"effective", range(b.effective)},
      {"parameters", PolicyParametersToJson(b.parameters)},
  };
}

absl::Status ValidatePolicyParameters(const std::vector<PolicyParameter>& parameters) {
  if (parameters.size() > kParametersMax) {
    return Bad("parameters", "最多 " + std::to_string(kParametersMax) + " 个参数",
               "too many parameters");
  }
  std::set<std::string, std::less<>> codes;
  for (size_t i = 0; i < parameters.size(); ++i) {
    const PolicyParameter& p = parameters[i];
    std::string at = "parameters[" + std::to_string(i) + "]";
    if (!IsCode(p.code)) {
      return Bad(at + ".code", "参数代码“" + p.code + "”无效：须以英文字母或下划线开头，由字母、数字、下划线组成，不超过 64 个字符",
                 "must be an identifier of at most 64 characters");
    }
    if (!codes.insert(p.code).second) {
      return Bad(at + ".code", "参数代码“" + p.code + "”重复", "is used twice");
    }
    RETURN_IF_ERROR(CheckText(at + ".label", p.label, kShortTextMax, true));
    RETURN_IF_ERROR(CheckText(at + ".unit", p.unit, 20, false));
    if (p.type != "decimal" && p.type != "int" && p.type != "bool" && p.type != "string" &&
        p.type != "date") {
      return Bad(at + ".type", "应为 decimal（数值）、int（整数）、bool（是否）、string（文本）或 date（日期）",
                 "must be decimal, int, bool, string or date");
    }
    if (p.versions.empty()) return Bad(at + ".versions", "至少一个取值", "needs a value");
    if (p.versions.size() > kParameterValuesMax) {
      return Bad(at + ".versions", "最多 " + std::to_string(kParameterValuesMax) + " 个取值",
                 "too many values");
    }
    for (size_t v = 0; v < p.versions.size(); ++v) {
      const ParameterValue& value = p.versions[v];
      std::string vat = at + ".versions[" + std::to_string(v) + "]";
      RETURN_IF_ERROR(CheckDate(vat + ".from", value.from));
      if (v > 0 && value.from <= p.versions[v - 1].from) {
        return Bad(vat + ".from", "生效日期应晚于上一个取值的生效日期（" + p.versions[v - 1].from + "）",
                   "must be later than the previous value's date");
      }
      RETURN_IF_ERROR(CheckText(vat + ".value", value.value, kShortTextMax, true));
      RETURN_IF_ERROR(CheckText(vat + ".basis", value.basis, kShortTextMax, true));
    }
  }
  return absl::OkStatus();
}

absl::Status ValidatePolicyBody(const PolicyBody& b, const RuleValidator& rules) {
  RETURN_IF_ERROR(CheckText("title", b.title, kTitleMax, true));
  if (core::Utf8Length(b.title) < 4) {
    return Bad("title", "至少 4 个字", "needs at least 4 characters");
  }
  if (b.level != "city" && b.level != "county") {
    return Bad("level", "应为 city（市级）或 county（县级）", "must be city or county");
  }
  const core::Region* region = core::FindRegion(b.region);
  if (region == nullptr) return Bad("region", "不是泉州市的行政区划代码", "unknown region code");
  bool city = region->level == core::RegionLevel::kCity;
  if (city != (b.level == "city")) {
    return Bad("region", "市级政策的地区应为 350500，县级政策应为县（市、区）代码",
               "a city-level policy has region 350500, a county-level one a county code");
  }
  if (b.owner_dept.rfind(b.region + ".", 0) != 0) {
    return Bad("owner_dept", "主管部门应属于政策所在地区", "must belong to the policy's region");
  }
  if (b.basis.empty()) return Bad("basis", "至少填写一个政策依据文号", "needs at least one document");
  for (size_t i = 0; i < b.basis.size(); ++i) {
    std::string path = "basis[" + std::to_string(i) + "]";
    RETURN_IF_ERROR(CheckText(path + ".document", b.basis[i].document, kShortTextMax, true));
    RETURN_IF_ERROR(CheckText(path + ".article", b.basis[i].article, kShortTextMax, false));
  }
  RETURN_IF_ERROR(CheckText("summary", b.summary, kLongTextMax, true));
  RETURN_IF_ERROR(CheckText("beneficiaries", b.beneficiaries, kLongTextMax, true));
  if (b.eligibility.empty() || b.eligibility.size() > kRuleMax) {
    return Bad("eligibility", "申报条件规则不能为空，且不超过 10000 字节", "is empty or too long");
  }
  if (b.award.empty() || b.award.size() > kRuleMax) {
    return Bad("award", "奖补标准公式不能为空，且不超过 10000 字节", "is empty or too long");
  }
  if (b.award_cap && b.award_cap->fen() < 0) {
    return Bad("award_cap", "封顶金额不能为负数", "must not be negative");
  }
  if (b.mode != "auto" && b.mode != "apply") {
    return Bad("mode", "应为 auto（免申即享）或 apply（即申即享）", "must be auto or apply");
  }
  for (size_t i = 0; i < b.industries.size(); ++i) {
    if (!ValidIndustryPrefix(b.industries[i])) {
      return Bad("industries[" + std::to_string(i) + "]",
                 "“" + b.industries[i] + "”不是 GB/T 4754-2017 行业代码（门类字母，或字母加 2–4 位数字）",
                 "is not a GB/T 4754-2017 code");
    }
  }
  RETURN_IF_ERROR(CheckText("guide", b.guide, kGuideMax, b.mode == "apply"));
  for (size_t i = 0; i < b.materials.size(); ++i) {
    const Material& m = b.materials[i];
    std::string path = "materials[" + std::to_string(i) + "]";
    RETURN_IF_ERROR(CheckText(path + ".name", m.name, kShortTextMax, true));
    if (m.formats.empty()) return Bad(path + ".formats", "至少一种文件格式", "needs a format");
    for (const std::string& f : m.formats) {
      if (!IsKnownFormat(f)) {
        return Bad(path + ".formats", "不支持的文件格式“" + f + "”", "unknown format " + f);
      }
    }
    if (m.max_size_mb < 1 || m.max_size_mb > kMaterialMaxMb) {
      return Bad(path + ".max_size_mb", "单个文件大小上限应为 1–100 MB", "must be 1 to 100");
    }
  }
  for (size_t i = 0; i < b.steps.size(); ++i) {
    std::string path = "steps[" + std::to_string(i) + "]";
    RETURN_IF_ERROR(CheckText(path + ".name", b.steps[i].name, kShortTextMax, true));
    RETURN_IF_ERROR(CheckText(path + ".description", b.steps[i].description, kShortTextMax * 5,
                              false));
    if (b.steps[i].days > kStepDaysMax) {
      return Bad(path + ".days", "办理时限不能超过 365 个工作日", "must be at most 365");
    }
  }
  if (b.accepting_dept.find('.') == std::string::npos) {
    return Bad("accepting_dept", "应为部门代码，如 350500.xzfw", "must be a department code");
  }
  RETURN_IF_ERROR(CheckText("contact.name", b.contact_name, 50, true));
  if (!ValidPhone(b.contact_phone)) {
    return Bad("contact.phone", "联系电话格式不正确（如 0595-22561234）", "is not a phone number");
  }
  RETURN_IF_ERROR(CheckText("fund_source", b.fund_source, kShortTextMax, true));
  RETURN_IF_ERROR(CheckRange("effective", b.effective));
  if (b.window) {
    RETURN_IF_ERROR(CheckRange("window", *b.window));
  }
  RETURN_IF_ERROR(ValidatePolicyParameters(b.parameters));
  for (size_t i = 0; i < b.parameters.size(); ++i) {
    // A rule evaluated while the policy is in force must find every parameter's value.
    const std::string& first = b.parameters[i].versions.front().from;
    if (first > b.effective.from) {
      return Bad("parameters[" + std::to_string(i) + "].versions[0].from",
                 "最早的取值应在政策生效之日（" + b.effective.from + "）或之前生效",
                 "the first value must be in force when the policy takes effect");
    }
  }
  if (rules) RETURN_IF_ERROR(rules(b));
  return absl::OkStatus();
}

bool IndustryApplies(const std::vector<std::string>& policy_industries,
                     std::string_view industry) {
  if (policy_industries.empty()) return true;
  for (const std::string& prefix : policy_industries) {
    if (industry.substr(0, prefix.size()) == prefix) return true;
  }
  return false;
}

}  // namespace zhida::services
