#include "services/registry_import.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <functional>

#include "core/date.h"
#include "core/decimal.h"
#include "core/region.h"
#include "core/text.h"
#include "core/uscc.h"
#include "services/common.h"

namespace zhida::services {
namespace {

// Longest name a registered enterprise has is well under this (市场监管 limits names to 50 字).
constexpr size_t kNameMaxCodePoints = 100;
// Contact and bank texts, and text facts: far above any real value, low enough that one bad row
// cannot hold megabytes.
constexpr size_t kTextMaxBytes = 400;

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

void AppendJsonString(std::string* out, std::string_view s) {
  out->push_back('"');
  bool plain = true;
  for (char c : s) plain = plain && c != '"' && c != '\\' && static_cast<unsigned char>(c) >= 0x20;
  if (plain) {  // the usual case: one append instead of a character at a time
    out->append(s);
    out->push_back('"');
    return;
  }
  for (char c : s) {
    switch (c) {
      case '"': out->append("\\\""); break;
      case '\\': out->append("\\\\"); break;
      case '\n': out->append("\\n"); break;
      case '\r': out->append("\\r"); break;
      case '\t': out->append("\\t"); break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out->append(buf);
        } else {
          out->push_back(c);
        }
    }
  }
  out->push_back('"');
}

bool AllDigits(std::string_view s) {
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// True when `cell` is already the text Decimal::ToString gives for it: digits with no needless
// leading zero and an optional fraction, and short enough (20 characters) that no coefficient or
// scale limit is near. Almost every cell of a real file is, and then nothing is parsed.
bool IsCanonicalDecimal(std::string_view cell) {
  if (cell.empty() || cell.size() > 20) return false;
  size_t dot = cell.find('.');
  std::string_view whole = cell.substr(0, dot);
  if (whole.empty() || (whole.size() > 1 && whole[0] == '0') || !AllDigits(whole)) return false;
  if (dot == std::string_view::npos) return true;
  std::string_view fraction = cell.substr(dot + 1);
  return !fraction.empty() && AllDigits(fraction);
}

// Validates the cell of a registry column and makes it canonical in place (scale codes).
absl::Status CheckBaseCell(int base, std::string_view* cell) {
  switch (base) {
    case kUscc:
      return core::ValidateUscc(*cell);
    case kName:
      if (core::Utf8Length(*cell) > kNameMaxCodePoints) {
        return InvalidField("enterprise.name_length", "name", "企业名称过长");
      }
      return absl::OkStatus();
    case kRegion: {
      const core::Region* region = core::FindRegion(*cell);
      if (region == nullptr || region->level != core::RegionLevel::kCounty) {
        return InvalidField("enterprise.region", "region",
                            "“" + std::string(*cell) + "”不是泉州市的县（市、区）行政区划代码");
      }
      return absl::OkStatus();
    }
    case kIndustry:
      if (!ValidIndustryCode(*cell)) {
        return InvalidField("enterprise.industry", "industry",
                            "“" + std::string(*cell) + "”不是 GB/T 4754-2017 行业代码（如 C1951）");
      }
      return absl::OkStatus();
    case kScale:
      *cell = CanonicalScale(*cell);
      if (cell->empty()) {
        return InvalidField("enterprise.scale", "scale",
                            "企业规模应为 micro/small/medium/large（微型/小型/中型/大型）");
      }
      return absl::OkStatus();
    case kEstablished:
      if (!cell->empty() && !core::Date::Parse(*cell).ok()) {
        return InvalidField("enterprise.established", "established",
                            "成立日期应为 YYYY-MM-DD，实际为“" + std::string(*cell) + "”");
      }
      return absl::OkStatus();
    default:
      if (cell->size() > kTextMaxBytes) {
        return InvalidField("import.too_long", kBaseColumnNames[base], "内容过长");
      }
      return absl::OkStatus();
  }
}

// Reads the rows of one part; one per thread.
class RowParser {
 public:
  RowParser(const core::CsvReader& reader, const ImportLayout& layout, ParsedPart* out)
      : text_(reader.text()), layout_(layout), out_(*out) {}

  void Parse(int line, const std::vector<std::string_view>& cells);
  void AddIssue(int line, std::string column, std::string code, std::string message);

 private:
  void Fail(int line, const std::string& column, const absl::Status& st);
  // A view that outlives the reader's next record: the cell itself when it lies in the file's
  // text, else a copy in the arena (a quoted cell with "" in it).
  std::string_view Keep(std::string_view cell) {
    std::less<const char*> before;
    bool inside = !before(cell.data(), text_.data()) &&
                  !before(text_.data() + text_.size(), cell.data() + cell.size());
    return inside ? cell : out_.arena.Add(cell);
  }

  std::string_view text_;
  const ImportLayout& layout_;
  ParsedPart& out_;
  std::string facts_;  // the row's facts array being built
  std::string value_;  // one canonical fact value
};

void RowParser::AddIssue(int line, std::string column, std::string code, std::string message) {
  if (out_.issues.size() < ImportReport::kMaxIssues) {
    out_.issues.push_back(
        ImportIssue{line, std::move(column), std::move(code), std::move(message)});
  }
}

void RowParser::Fail(int line, const std::string& column, const absl::Status& st) {
  std::string code = ErrorCode(st);
  AddIssue(line, column, code.empty() ? "import.invalid" : code,
           "第 " + std::to_string(line) + " 行“" + column + "”列：" + std::string(st.message()));
}

void RowParser::Parse(int line, const std::vector<std::string_view>& cells) {
  ++out_.rows_total;
  const size_t columns = layout_.names.size();
  if (cells.size() != columns) {
    ++out_.rows_failed;
    AddIssue(line, "", "import.column_count",
             "第 " + std::to_string(line) + " 行：应有 " + std::to_string(columns) + " 列，实际 " +
                 std::to_string(cells.size()) + " 列");
    return;
  }
  ParsedRow row;
  row.line = line;
  facts_.assign(1, '[');
  bool ok = true;
  bool has_uscc = false;
  for (size_t i = 0; i < columns && ok; ++i) {
    std::string_view cell = Trim(cells[i]);
    const int base = layout_.base[i];
    if (base >= 0) {
      absl::Status st = cell.empty() && base < layout_.required_base_columns
                            ? InvalidField("import.required", layout_.names[i], "不能为空")
                            : CheckBaseCell(base, &cell);
      if (!st.ok()) {
        Fail(line, layout_.names[i], st);
        ok = false;
        break;
      }
      row.base[base] = Keep(cell);
      has_uscc = has_uscc || base == kUscc;
    }
    if (const FieldDef* field = layout_.field[i]; field != nullptr) {
      if (facts_.size() > 1) facts_.push_back(',');
      if (cell.empty()) {
        facts_.append("null");
        continue;
      }
      value_.clear();
      if (absl::Status st = AppendCanonicalFact(*field, cell, &value_); !st.ok()) {
        Fail(line, layout_.names[i], st);
        ok = false;
        break;
      }
      AppendJsonString(&facts_, value_);
    }
  }
  if (!ok) ++out_.rows_failed;
  if (!has_uscc) return;  // nothing to check for duplicates either
  row.ok = ok;
  if (ok) {
    facts_.push_back(']');
    row.facts = out_.arena.Add(facts_);
  }
  out_.rows.push_back(row);
}

}  // namespace

std::string_view StringArena::Add(std::string_view s) {
  if (s.empty()) return {};
  if (capacity_ - used_ < s.size()) {
    size_t size = std::max(kBlockBytes, s.size());
    blocks_.push_back(std::make_unique_for_overwrite<char[]>(size));
    bytes_reserved_ += size;
    used_ = 0;
    capacity_ = size;
  }
  char* at = blocks_.back().get() + used_;
  std::memcpy(at, s.data(), s.size());
  used_ += s.size();
  return std::string_view(at, s.size());
}

absl::Status AppendCanonicalFact(const FieldDef& field, std::string_view cell, std::string* out) {
  if (field.type == "decimal") {
    if (IsCanonicalDecimal(cell)) {
      out->append(cell);
      return absl::OkStatus();
    }
    auto d = core::Decimal::Parse(cell);
    if (!d.ok()) {
      return InvalidField("fact.decimal", field.code,
                          field.label + "应为数字（如 1500000.00），实际为“" + std::string(cell) +
                              "”");
    }
    out->append(d->ToString());
    return absl::OkStatus();
  }
  if (field.type == "int") {
    if (cell.empty() || cell.size() > 18 || !AllDigits(cell)) {
      return InvalidField("fact.int", field.code,
                          field.label + "应为非负整数，实际为“" + std::string(cell) + "”");
    }
    size_t start = cell.find_first_not_of('0');
    out->append(start == std::string_view::npos ? std::string_view("0") : cell.substr(start));
    return absl::OkStatus();
  }
  if (field.type == "bool") {
    if (cell == "true" || cell == "1" || cell == "是" || cell == "TRUE") {
      out->append("true");
    } else if (cell == "false" || cell == "0" || cell == "否" || cell == "FALSE") {
      out->append("false");
    } else {
      return InvalidField("fact.bool", field.code,
                          field.label + "应为 true/false（是/否），实际为“" + std::string(cell) +
                              "”");
    }
    return absl::OkStatus();
  }
  if (field.type == "date") {
    // Date::Parse accepts only the canonical YYYY-MM-DD, so a parsed cell is its own text.
    if (!core::Date::Parse(cell).ok()) {
      return InvalidField("fact.date", field.code,
                          field.label + "应为日期 YYYY-MM-DD，实际为“" + std::string(cell) + "”");
    }
    out->append(cell);
    return absl::OkStatus();
  }
  if (cell.size() > kTextMaxBytes) {
    return InvalidField("fact.too_long", field.code, field.label + "过长");
  }
  out->append(cell);
  return absl::OkStatus();
}

absl::StatusOr<ImportLayout> ReadImportHeader(core::CsvReader& reader,
                                              const std::vector<FieldDef>& fields,
                                              bool with_enterprise) {
  std::vector<std::string_view> cells;
  std::string csv_error;
  if (!reader.Next(&cells, &csv_error)) {
    if (!csv_error.empty()) return InvalidField("import.csv", "", csv_error);
    return InvalidField("import.empty", "", "文件为空：第 1 行应为表头", "the file is empty");
  }
  ImportLayout layout;
  layout.with_enterprise = with_enterprise;
  layout.required_base_columns = with_enterprise ? kRequiredBaseColumns : 1;
  layout.base_index.fill(-1);
  for (size_t i = 0; i < cells.size(); ++i) {
    std::string name(Trim(cells[i]));
    int base = -1;
    for (int b = 0; b < kBaseColumnCount; ++b) {
      if (name == kBaseColumnNames[b]) base = b;
    }
    const FieldDef* field = nullptr;
    for (const FieldDef& f : fields) {
      if (f.code == name) field = &f;
    }
    bool allowed = with_enterprise ? (base >= 0 || field != nullptr)
                                   : (base == kUscc || field != nullptr);
    if (!allowed) {
      return InvalidField("import.unknown_column", name,
                          "第 1 行：未知的列“" + name + "”（字段表中没有该字段）",
                          "line 1: unknown column " + name);
    }
    if (base >= 0) {
      if (layout.base_index[base] >= 0) {
        return InvalidField("import.duplicate_column", name, "第 1 行：列“" + name + "”重复",
                            "duplicate column");
      }
      layout.base_index[base] = static_cast<int>(i);
    }
    if (field != nullptr) layout.fact_codes.push_back(field->code);
    layout.names.push_back(std::move(name));
    layout.base.push_back(base);
    layout.field.push_back(field);
  }
  for (int b = 0; b < layout.required_base_columns; ++b) {
    if (layout.base_index[b] < 0) {
      std::string name(kBaseColumnNames[b]);
      return InvalidField("import.missing_column", name, "第 1 行：缺少必需的列“" + name + "”",
                          "line 1: missing required column " + name);
    }
  }
  return layout;
}

void ParseImportRows(core::CsvReader& reader, const ImportLayout& layout, ParsedPart* out) {
  // A registry row is ~250 bytes of CSV: reserving for that avoids re-moving the rows as the
  // vector grows.
  out->rows.reserve(reader.text().size() / 250 + 16);
  RowParser parser(reader, layout, out);
  std::vector<std::string_view> cells;
  std::string csv_error;
  while (true) {
    if (!reader.Next(&cells, &csv_error)) {
      if (!csv_error.empty()) {
        ++out->rows_total;
        ++out->rows_failed;
        parser.AddIssue(reader.line(), "", "import.csv", csv_error);
      }
      out->csv_irregular = !csv_error.empty() || reader.saw_literal_quote();
      return;
    }
    if (cells.size() == 1 && Trim(cells[0]).empty()) continue;  // a blank line
    parser.Parse(reader.line(), cells);
  }
}

}  // namespace zhida::services
