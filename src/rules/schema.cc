#include "rules/schema.h"

#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace zhida::rules {
namespace {

absl::string_view AV(std::string_view s) { return absl::string_view(s.data(), s.size()); }

bool IsIdentifier(std::string_view s) {
  if (s.empty()) return false;
  auto alpha = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; };
  if (!alpha(s[0])) return false;
  return std::all_of(s.begin(), s.end(),
                     [&](char c) { return alpha(c) || (c >= '0' && c <= '9'); });
}

bool IsReservedName(std::string_view s) {
  static constexpr std::string_view kWords[] = {
      "as",     "break", "const", "continue", "else",      "for",    "function", "if",
      "import", "let",   "loop",  "package",  "namespace", "return", "var",      "void",
      "while",  "in",    "true",  "false",    "null",      "as_of"};
  return std::find(std::begin(kWords), std::end(kWords), s) != std::end(kWords);
}

int EditDistance(std::string_view a, std::string_view b) {
  std::vector<int> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = static_cast<int>(j);
  for (std::size_t i = 1; i <= a.size(); ++i) {
    int diag = row[0];
    row[0] = static_cast<int>(i);
    for (std::size_t j = 1; j <= b.size(); ++j) {
      int up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

}  // namespace

const char* FieldTypeName(FieldType type) {
  switch (type) {
    case FieldType::kBool:
      return "bool";
    case FieldType::kInt:
      return "int";
    case FieldType::kDecimal:
      return "decimal";
    case FieldType::kString:
      return "string";
    case FieldType::kDate:
      return "date";
    case FieldType::kList:
      return "list";
    case FieldType::kMap:
      return "map";
    case FieldType::kDyn:
      return "dyn";
  }
  return "?";
}

std::optional<FieldType> ParseFieldType(std::string_view name) {
  for (FieldType t : {FieldType::kBool, FieldType::kInt, FieldType::kDecimal, FieldType::kString,
                      FieldType::kDate, FieldType::kList, FieldType::kMap, FieldType::kDyn}) {
    if (name == FieldTypeName(t)) return t;
  }
  if (name == "money") return FieldType::kDecimal;
  return std::nullopt;
}

bool ValueFitsType(const Value& value, FieldType type) {
  if (value.is_unknown()) return true;
  switch (type) {
    case FieldType::kBool:
      return value.is_bool();
    case FieldType::kInt:
      return value.is_int();
    case FieldType::kDecimal:
      return value.is_decimal() || value.is_int();
    case FieldType::kString:
      return value.is_string();
    case FieldType::kDate:
      return value.is_date();
    case FieldType::kList:
      return value.is_list();
    case FieldType::kMap:
      return value.is_map();
    case FieldType::kDyn:
      return !value.is_error();
  }
  return false;
}

const ParameterVersion* ParameterDef::InForce(core::Date as_of) const {
  const ParameterVersion* found = nullptr;
  for (const ParameterVersion& v : versions) {
    if (v.effective_from <= as_of) found = &v;
  }
  return found;
}

absl::Status Schema::CheckCode(const std::string& code) const {
  if (!IsIdentifier(code) || IsReservedName(code)) {
    return InvalidField(
        "schema.bad_code", code,
        absl::StrCat("字段代码 “", code, "” 无效：须为字母开头的英文标识符且不是保留字"),
        absl::StrCat("invalid code '", code, "'"));
  }
  if (FieldIndex(code) >= 0 || ParameterIndex(code) >= 0) {
    return InvalidField("schema.duplicate", code, absl::StrCat("代码 “", code, "” 重复"),
                        absl::StrCat("duplicate code '", code, "'"));
  }
  return absl::OkStatus();
}

std::shared_ptr<Schema> Schema::Extend(std::shared_ptr<const Schema> base) {
  ZCHECK(base != nullptr);
  auto schema = std::make_shared<Schema>(*base);
  schema->base_ = std::move(base);
  return schema;
}

absl::Status Schema::AddField(FieldDef field) {
  if (base_ != nullptr) {
    return MakeError(absl::StatusCode::kFailedPrecondition, "schema.extended", field.code,
                     "扩展的字段定义只能增加参数，不能增加字段",
                     "an extended schema takes parameters, not fields");
  }
  RETURN_IF_ERROR(CheckCode(field.code));
  field_index_.emplace(field.code, static_cast<int>(fields_.size()));
  fields_.push_back(std::move(field));
  return absl::OkStatus();
}

absl::Status Schema::AddParameter(ParameterDef parameter) {
  RETURN_IF_ERROR(CheckCode(parameter.code));
  std::sort(parameter.versions.begin(), parameter.versions.end(),
            [](const ParameterVersion& a, const ParameterVersion& b) {
              return a.effective_from < b.effective_from;
            });
  for (std::size_t i = 0; i < parameter.versions.size(); ++i) {
    const ParameterVersion& v = parameter.versions[i];
    bool same_date = i > 0 && parameter.versions[i - 1].effective_from == v.effective_from;
    if (same_date || v.value.is_unknown() || !ValueFitsType(v.value, parameter.type)) {
      return InvalidField("schema.parameter_value", parameter.code,
                          absl::StrCat("参数 “", parameter.code, "” 在 ",
                                       v.effective_from.ToString(), " 的取值无效或日期重复"),
                          absl::StrCat("parameter '", parameter.code, "' has an invalid value or ",
                                       "a repeated date at ", v.effective_from.ToString()));
    }
  }
  parameter_index_.emplace(parameter.code, static_cast<int>(parameters_.size()));
  parameters_.push_back(std::move(parameter));
  return absl::OkStatus();
}

int Schema::FieldIndex(std::string_view code) const {
  auto it = field_index_.find(AV(code));
  return it == field_index_.end() ? -1 : it->second;
}

const FieldDef* Schema::FindField(std::string_view code) const {
  int i = FieldIndex(code);
  return i < 0 ? nullptr : &fields_[static_cast<std::size_t>(i)];
}

int Schema::ParameterIndex(std::string_view code) const {
  auto it = parameter_index_.find(AV(code));
  return it == parameter_index_.end() ? -1 : it->second;
}

const ParameterDef* Schema::FindParameter(std::string_view code) const {
  int i = ParameterIndex(code);
  return i < 0 ? nullptr : &parameters_[static_cast<std::size_t>(i)];
}

std::string Schema::Suggest(std::string_view code) const {
  std::string best;
  int best_distance = 3;  // more than two edits away is not a typo
  auto consider = [&](const std::string& candidate) {
    int d = EditDistance(code, candidate);
    if (d < best_distance) {
      best_distance = d;
      best = candidate;
    }
  };
  for (const FieldDef& f : fields_) consider(f.code);
  for (const ParameterDef& p : parameters_) consider(p.code);
  return best;
}

absl::StatusOr<Value> ParseFactText(std::string_view text, FieldType type, std::string_view code) {
  if (text.empty()) return Value::Unknown(std::string(code));
  auto bad = [&]() {
    return InvalidField(
        "rules.fact_text", code,
        absl::StrCat("“", std::string(text), "” 不是有效的 ", FieldTypeName(type), " 值"),
        absl::StrCat("'", std::string(text), "' is not a valid ", FieldTypeName(type)));
  };
  switch (type) {
    case FieldType::kBool:
      if (text == "true") return Value::Bool(true);
      if (text == "false") return Value::Bool(false);
      return bad();
    case FieldType::kInt: {
      std::int64_t i = 0;
      if (!absl::SimpleAtoi(AV(text), &i)) return bad();
      return Value::Int(i);
    }
    case FieldType::kDecimal: {
      absl::StatusOr<core::Decimal> d = core::Decimal::Parse(text);
      if (!d.ok()) return bad();
      return Value::Dec(*d);
    }
    case FieldType::kString:
      return Value::String(std::string(text));
    case FieldType::kDate: {
      absl::StatusOr<core::Date> d = core::Date::Parse(text);
      if (!d.ok()) return bad();
      return Value::Date(*d);
    }
    default:
      return bad();
  }
}

absl::StatusOr<std::shared_ptr<Schema>> SchemaFromJson(const nlohmann::json& json) {
  auto bad = [](const std::string& what) {
    return MakeError(absl::StatusCode::kInvalidArgument, "schema.json", "",
                     absl::StrCat("字段定义格式错误：", what),
                     absl::StrCat("malformed schema: ", what));
  };
  auto text = [](const nlohmann::json& j, const char* key) {
    return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : std::string();
  };
  if (!json.is_object()) return bad("not an object");
  auto schema = std::make_shared<Schema>();
  for (const char* section : {"fields", "parameters"}) {
    if (!json.contains(section)) continue;
    if (!json[section].is_array()) return bad(absl::StrCat(section, " is not an array"));
    for (const nlohmann::json& f : json[section]) {
      if (!f.is_object()) return bad(absl::StrCat("an entry of ", section, " is not an object"));
      std::optional<FieldType> type = ParseFieldType(text(f, "type"));
      if (!type) return bad(absl::StrCat("bad type for ", text(f, "code")));
      if (std::string(section) == "fields") {
        RETURN_IF_ERROR(schema->AddField(
            FieldDef{text(f, "code"), text(f, "label_zh"), text(f, "unit"), *type}));
        continue;
      }
      ParameterDef p{text(f, "code"), text(f, "label_zh"), text(f, "unit"), *type, {}};
      if (!f.contains("versions") || !f["versions"].is_array()) {
        return bad(absl::StrCat("parameter ", p.code, " has no versions"));
      }
      for (const nlohmann::json& v : f["versions"]) {
        absl::StatusOr<core::Date> from = core::Date::Parse(text(v, "from"));
        if (!from.ok()) return bad(absl::StrCat("bad date in parameter ", p.code));
        std::string value_text =
            v.contains("value") && !v["value"].is_string() ? v["value"].dump() : text(v, "value");
        ASSIGN_OR_RETURN(Value value, ParseFactText(value_text, p.type, p.code));
        p.versions.push_back(ParameterVersion{*from, std::move(value), text(v, "basis")});
      }
      RETURN_IF_ERROR(schema->AddParameter(std::move(p)));
    }
  }
  return schema;
}

}  // namespace zhida::rules
