#include "rules/value_json.h"

#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace zhida::rules {
namespace {

absl::Status Malformed(const std::string& what) {
  return MakeError(absl::StatusCode::kInvalidArgument, "rules.value_json", "",
                   absl::StrCat("值的 JSON 格式错误：", what),
                   absl::StrCat("malformed value JSON: ", what));
}

}  // namespace

nlohmann::ordered_json ValueToJson(const Value& v) {
  using J = nlohmann::ordered_json;
  switch (v.kind()) {
    case ValueKind::kNull:
      return J(nullptr);
    case ValueKind::kBool:
      return J(v.bool_value());
    case ValueKind::kInt:
      return J{{"int", absl::StrCat(v.int_value())}};
    case ValueKind::kDecimal:
      return J{{"decimal", v.decimal_value().ToString()}};
    case ValueKind::kString:
      return J(v.string_value());
    case ValueKind::kDate:
      return J{{"date", v.date_value().ToString()}};
    case ValueKind::kList: {
      J out = J::array();
      for (const Value& e : v.list_value()) out.push_back(ValueToJson(e));
      return out;
    }
    case ValueKind::kMap: {
      J m = J::object();
      for (const auto& [k, e] : v.map_value()) m[k] = ValueToJson(e);
      return J{{"map", m}};
    }
    case ValueKind::kUnknown:
      return J{{"unknown", v.unknown_value().fields}};
    case ValueKind::kError:
      return J{{"error", v.error_value().code}};
  }
  return J(nullptr);
}

absl::StatusOr<Value> ValueFromJson(const nlohmann::json& json) {
  if (json.is_null()) return Value::Null();
  if (json.is_boolean()) return Value::Bool(json.get<bool>());
  if (json.is_string()) return Value::String(json.get<std::string>());
  if (json.is_array()) {
    ValueList items;
    for (const auto& e : json) {
      ASSIGN_OR_RETURN(Value v, ValueFromJson(e));
      items.push_back(std::move(v));
    }
    return Value::List(std::move(items));
  }
  if (!json.is_object() || json.size() != 1) return Malformed(json.dump());
  const std::string key = json.begin().key();
  const nlohmann::json& body = json.begin().value();
  if (key == "int" && body.is_string()) {
    std::int64_t i = 0;
    std::string s = body.get<std::string>();
    if (!absl::SimpleAtoi(absl::string_view(s.data(), s.size()), &i)) return Malformed(s);
    return Value::Int(i);
  }
  if (key == "decimal" && body.is_string()) {
    absl::StatusOr<core::Decimal> d = core::Decimal::Parse(body.get<std::string>());
    if (!d.ok()) return Malformed(json.dump());
    return Value::Dec(*d);
  }
  if (key == "date" && body.is_string()) {
    absl::StatusOr<core::Date> d = core::Date::Parse(body.get<std::string>());
    if (!d.ok()) return Malformed(json.dump());
    return Value::Date(*d);
  }
  if (key == "map" && body.is_object()) {
    ValueMap m;
    for (const auto& [k, e] : body.items()) {
      ASSIGN_OR_RETURN(Value v, ValueFromJson(e));
      m.emplace(k, std::move(v));
    }
    return Value::Map(std::move(m));
  }
  if (key == "unknown" && body.is_array()) {
    UnknownSet set;
    for (const auto& f : body) {
      if (!f.is_string()) return Malformed(json.dump());
      set.fields.push_back(f.get<std::string>());
    }
    std::sort(set.fields.begin(), set.fields.end());
    return Value::Unknown(std::move(set));
  }
  if (key == "error" && body.is_string()) return Value::Error(body.get<std::string>(), "", "");
  return Malformed(json.dump());
}

}  // namespace zhida::rules
