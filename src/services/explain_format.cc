#include "services/explain_format.h"

#include <algorithm>

#include "core/region.h"

namespace zhida::services {

namespace {

core::RoundingMode ModeFor(Cut cut) {
  switch (cut) {
    case Cut::kNearest: return core::RoundingMode::kHalfUp;
    case Cut::kDown: return core::RoundingMode::kFloor;
    case Cut::kUp: return core::RoundingMode::kCeiling;
  }
  return core::RoundingMode::kHalfUp;
}

// "1234567" → "1,234,567".
std::string GroupDigits(std::string_view digits) {
  std::string out;
  out.reserve(digits.size() + digits.size() / 3);
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

// Groups the canonical text of a decimal ("-1234.50" → "-1,234.50").
std::string GroupText(const std::string& text) {
  size_t start = text[0] == '-' ? 1 : 0;
  size_t dot = text.find('.');
  std::string_view int_part(text.data() + start,
                            (dot == std::string::npos ? text.size() : dot) - start);
  std::string out = start == 1 ? "-" : "";
  out += GroupDigits(int_part);
  if (dot != std::string::npos) out += text.substr(dot);
  return out;
}

const core::Decimal kTenThousand = core::Decimal::FromInt(10000);

}  // namespace

std::string GroupedDecimal(const core::Decimal& value, int min_places) {
  std::string text = value.ToString();
  size_t dot = text.find('.');
  int places = dot == std::string::npos ? 0 : static_cast<int>(text.size() - dot - 1);
  // Trim zeros past min_places; pad up to it.
  while (places > min_places && text.back() == '0') {
    text.pop_back();
    --places;
  }
  if (places == 0 && dot != std::string::npos && text.back() == '.') text.pop_back();
  if (places < min_places) {
    if (places == 0) text.push_back('.');
    text.append(static_cast<size_t>(min_places - places), '0');
  }
  return GroupText(text);
}

std::string CutDecimal(const core::Decimal& value, int places, Cut cut) {
  absl::StatusOr<core::Decimal> cut_value = value.Round(places, ModeFor(cut));
  // Padding a 38-digit value can overflow; the exact text is then the honest fallback.
  if (!cut_value.ok()) return GroupedDecimal(value, 0);
  return GroupText(cut_value->ToString());
}

std::string YuanText(const core::Decimal& yuan, Cut cut) {
  if (yuan.Compare(kTenThousand) >= 0 || yuan.Compare(core::Decimal::FromInt(-10000)) <= 0) {
    absl::StatusOr<core::Decimal> wan = yuan.Div(kTenThousand, 2, ModeFor(cut));
    if (wan.ok()) return GroupText(wan->ToString()) + " 万元";
  }
  return CutDecimal(yuan, 2, cut) + " 元";
}

std::string YuanExactText(const core::Decimal& yuan) { return GroupedDecimal(yuan, 2) + " 元"; }

std::string PercentText(const core::Decimal& ratio, int places, Cut cut) {
  absl::StatusOr<core::Decimal> percent = ratio.Mul(core::Decimal::FromInt(100));
  if (!percent.ok()) return GroupedDecimal(ratio, 0);
  return CutDecimal(*percent, places, cut) + "%";
}

std::string PercentExactText(const core::Decimal& ratio) {
  absl::StatusOr<core::Decimal> percent = ratio.Mul(core::Decimal::FromInt(100));
  if (!percent.ok()) return GroupedDecimal(ratio, 0);
  return GroupedDecimal(*percent, 0) + "%";
}

std::string DateText(core::Date date) {
  return std::to_string(date.year()) + "年" + std::to_string(date.month()) + "月" +
         std::to_string(date.day()) + "日";
}

std::string CodeText(std::string_view field, const std::string& code) {
  if (field == "region") {
    const core::Region* region = core::FindRegion(code);
    if (region != nullptr) return std::string(region->name);
  }
  if (field == "scale") {
    if (code == "micro") return "微型";
    if (code == "small") return "小型";
    if (code == "medium") return "中型";
    if (code == "large") return "大型";
  }
  return code;
}

std::string ValueText(const rules::Value& value, std::string_view field, std::string_view unit) {
  std::string suffix;
  if (!unit.empty()) suffix.append(" ").append(unit);
  switch (value.kind()) {
    case rules::ValueKind::kNull: return "空";
    case rules::ValueKind::kBool: return value.bool_value() ? "是" : "否";
    case rules::ValueKind::kInt:
      return GroupedDecimal(core::Decimal::FromInt(value.int_value()), 0) + suffix;
    case rules::ValueKind::kDecimal:
      if (unit == "元") return YuanText(value.decimal_value());
      return GroupedDecimal(value.decimal_value(), 0) + suffix;
    case rules::ValueKind::kString: return CodeText(field, value.string_value());
    case rules::ValueKind::kDate: return DateText(value.date_value());
    case rules::ValueKind::kList: {
      std::vector<std::string> items;
      for (const rules::Value& item : value.list_value()) {
        items.push_back(ValueText(item, field, unit));
      }
      return JoinList(items);
    }
    case rules::ValueKind::kMap:
    case rules::ValueKind::kUnknown:
    case rules::ValueKind::kError: break;
  }
  if (value.is_unknown()) return "未知";
  return value.DebugString();
}

namespace {

// One UTF-8 character of `text` at `*pos` (advanced past it) and its code point.
char32_t NextChar(std::string_view text, size_t* pos, std::string_view* bytes) {
  auto lead = static_cast<unsigned char>(text[*pos]);
  size_t len = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
  len = std::min(len, text.size() - *pos);
  *bytes = text.substr(*pos, len);
  char32_t cp = len == 1 ? lead : lead & (0x3F >> (len - 1));
  for (size_t i = 1; i < len; ++i)
    cp = (cp << 6) | (static_cast<unsigned char>(text[*pos + i]) & 0x3F);
  *pos += len;
  return cp;
}

// Chinese (full-width) punctuation and quotes: no space is kept next to them.
bool IsWidePunctuation(char32_t cp) {
  return (cp >= 0x3000 && cp <= 0x303F) || (cp >= 0xFF00 && cp <= 0xFFEF) ||
         (cp >= 0x2018 && cp <= 0x201F) || cp == 0x2014 || cp == 0x2026;
}

// The operators of a formula written with labels (rule_text.h): spaced like ASCII text.
bool IsMathSign(char32_t cp) {
  return cp == 0x00D7 || cp == 0x00F7 || cp == 0x2212 || cp == 0x2260 || cp == 0x2264 ||
         cp == 0x2265;
}

}  // namespace

std::string Tidy(std::string_view sentence) {
  std::string out;
  char32_t prev = 0;  // the last character written, 0 at the start
  bool pending_space = false;
  size_t pos = 0;
  while (pos < sentence.size()) {
    std::string_view bytes;
    char32_t cp = NextChar(sentence, &pos, &bytes);
    if (cp == ' ') {
      pending_space = prev != 0;
      continue;
    }
    if (pending_space) {
      bool keep = !IsWidePunctuation(prev) && !IsWidePunctuation(cp) &&
                  (prev < 0x80 || cp < 0x80 || IsMathSign(prev) || IsMathSign(cp));
      if (keep) out.push_back(' ');
      pending_space = false;
    }
    out.append(bytes);
    prev = cp;
  }
  return out;
}

std::string JoinList(const std::vector<std::string>& items) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += "、";
    out += items[i];
  }
  return out;
}

}  // namespace zhida::services
