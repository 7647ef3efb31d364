#include "rules/value.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace zhida::rules {

const char* ValueKindName(ValueKind kind) {
  switch (kind) {
    case ValueKind::kNull:
      return "null";
    case ValueKind::kBool:
      return "bool";
    case ValueKind::kInt:
      return "int";
    case ValueKind::kDecimal:
      return "decimal";
    case ValueKind::kString:
      return "string";
    case ValueKind::kList:
      return "list";
    case ValueKind::kMap:
      return "map";
    case ValueKind::kDate:
      return "date";
    case ValueKind::kUnknown:
      return "unknown";
    case ValueKind::kError:
      return "error";
  }
  return "?";
}

Value Value::List(ValueList items) {
  return Value(std::shared_ptr<const ValueList>(std::make_shared<ValueList>(std::move(items))));
}

Value Value::Map(ValueMap entries) {
  return Value(std::shared_ptr<const ValueMap>(std::make_shared<ValueMap>(std::move(entries))));
}

Value Value::Unknown(std::string field_code) {
  UnknownSet set;
  set.fields.push_back(std::move(field_code));
  return Unknown(std::move(set));
}

Value Value::Unknown(UnknownSet set) {
  return Value(std::shared_ptr<const UnknownSet>(std::make_shared<UnknownSet>(std::move(set))));
}

Value Value::Error(std::string code, std::string message_zh, std::string message_en) {
  return Value(std::shared_ptr<const ErrorInfo>(std::make_shared<ErrorInfo>(
      ErrorInfo{std::move(code), std::move(message_zh), std::move(message_en)})));
}

bool Value::AsDecimal(core::Decimal* out) const {
  if (is_int()) {
    *out = core::Decimal::FromInt(int_value());
    return true;
  }
  if (is_decimal()) {
    *out = decimal_value();
    return true;
  }
  return false;
}

namespace {

void AppendQuoted(const std::string& s, std::string* out) {
  out->push_back('"');
  for (char c : s) {
    if (c == '"' || c == '\\') out->push_back('\\');
    out->push_back(c);
  }
  out->push_back('"');
}

void AppendDebug(const Value& v, std::string* out) {
  switch (v.kind()) {
    case ValueKind::kNull:
      *out += "null";
      return;
    case ValueKind::kBool:
      *out += v.bool_value() ? "true" : "false";
      return;
    case ValueKind::kInt:
      absl::StrAppend(out, v.int_value());
      return;
    case ValueKind::kDecimal:
      *out += v.decimal_value().ToString();
      return;
    case ValueKind::kString:
      AppendQuoted(v.string_value(), out);
      return;
    case ValueKind::kDate:
      *out += v.date_value().ToString();
      return;
    case ValueKind::kList: {
      *out += "[";
      bool first = true;
      for (const Value& e : v.list_value()) {
        if (!first) *out += ", ";
        first = false;
        AppendDebug(e, out);
      }
      *out += "]";
      return;
    }
    case ValueKind::kMap: {
      *out += "{";
      bool first = true;
      for (const auto& [k, e] : v.map_value()) {
        if (!first) *out += ", ";
        first = false;
        AppendQuoted(k, out);
        *out += ": ";
        AppendDebug(e, out);
      }
      *out += "}";
      return;
    }
    case ValueKind::kUnknown:
      absl::StrAppend(out, "unknown(", absl::StrJoin(v.unknown_value().fields, ", "), ")");
      return;
    case ValueKind::kError:
      absl::StrAppend(out, "error(", v.error_value().code, ")");
      return;
  }
}

}  // namespace

std::string Value::DebugString() const {
  std::string out;
  AppendDebug(*this, &out);
  return out;
}

std::ostream& operator<<(std::ostream& os, const Value& v) { return os << v.DebugString(); }

Value MergeUnknown(const Value& a, const Value& b) {
  if (!a.is_unknown()) return b;
  if (!b.is_unknown()) return a;
  UnknownSet set;
  const auto& x = a.unknown_value().fields;
  const auto& y = b.unknown_value().fields;
  std::set_union(x.begin(), x.end(), y.begin(), y.end(), std::back_inserter(set.fields));
  return Value::Unknown(std::move(set));
}

Value Equal(const Value& a, const Value& b) {
  if (a.is_unknown() || b.is_unknown()) return MergeUnknown(a, b);
  if (a.is_error()) return a;
  if (b.is_error()) return b;
  core::Decimal x, y;
  if (a.AsDecimal(&x) && b.AsDecimal(&y)) {
    if (a.is_int() && b.is_int()) return Value::Bool(a.int_value() == b.int_value());
    return Value::Bool(x.Compare(y) == 0);
  }
  if (a.kind() != b.kind()) return Value::Bool(false);
  switch (a.kind()) {
    case ValueKind::kNull:
      return Value::Bool(true);
    case ValueKind::kBool:
      return Value::Bool(a.bool_value() == b.bool_value());
    case ValueKind::kString:
      return Value::Bool(a.string_value() == b.string_value());
    case ValueKind::kDate:
      return Value::Bool(a.date_value() == b.date_value());
    case ValueKind::kList: {
      const ValueList& l = a.list_value();
      const ValueList& r = b.list_value();
      if (l.size() != r.size()) return Value::Bool(false);
      // Like CEL: any unequal pair decides false even when another pair is unknown or an error.
      Value pending = Value::Bool(true);
      for (std::size_t i = 0; i < l.size(); ++i) {
        Value e = Equal(l[i], r[i]);
        if (e.is_bool() && !e.bool_value()) return e;
        if (e.is_special() && !pending.is_special()) pending = e;
      }
      return pending;
    }
    case ValueKind::kMap: {
      const ValueMap& l = a.map_value();
      const ValueMap& r = b.map_value();
      if (l.size() != r.size()) return Value::Bool(false);
      Value pending = Value::Bool(true);
      for (const auto& [k, v] : l) {
        auto it = r.find(k);
        if (it == r.end()) return Value::Bool(false);
        Value e = Equal(v, it->second);
        if (e.is_bool() && !e.bool_value()) return e;
        if (e.is_special() && !pending.is_special()) pending = e;
      }
      return pending;
    }
    default:
      return Value::Bool(false);
  }
}

bool Order(const Value& a, const Value& b, int* cmp) {
  if (a.is_int() && b.is_int()) {
    *cmp = a.int_value() < b.int_value() ? -1 : (a.int_value() > b.int_value() ? 1 : 0);
    return true;
  }
  core::Decimal x, y;
  if (a.AsDecimal(&x) && b.AsDecimal(&y)) {
    *cmp = x.Compare(y);
    return true;
  }
  if (a.kind() != b.kind()) return false;
  switch (a.kind()) {
    case ValueKind::kString: {
      int c = a.string_value().compare(b.string_value());
      *cmp = c < 0 ? -1 : (c > 0 ? 1 : 0);
      return true;
    }
    case ValueKind::kBool:
      *cmp = static_cast<int>(a.bool_value()) - static_cast<int>(b.bool_value());
      return true;
    case ValueKind::kDate:
      *cmp = a.date_value() < b.date_value() ? -1 : (a.date_value() > b.date_value() ? 1 : 0);
      return true;
    default:
      return false;
  }
}

}  // namespace zhida::rules
