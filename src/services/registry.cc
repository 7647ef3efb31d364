#include "services/registry.h"

#include <algorithm>
#include <span>
#include <unordered_map>
#include <unordered_set>

#include "core/csv.h"
#include "core/date.h"
#include "core/decimal.h"
#include "core/region.h"
#include "core/text.h"
#include "core/uscc.h"
#include "nlohmann/json.hpp"
#include "services/common.h"

namespace zhida::services {

namespace {

// Columns of the registry itself (not facts). The first five are required for enterprises.
constexpr std::string_view kBaseColumns[] = {"uscc",         "name",          "region",
                                             "industry",     "scale",         "established",
                                             "contact_name", "contact_phone", "bank_name",
                                             "bank_account"};
constexpr size_t kRequiredBaseColumns = 5;
// Longest name a registered enterprise has is well under this (市场监管 limits names to 50 字).
constexpr size_t kNameMaxCodePoints = 100;
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

// The GB/T 4754-2017 code of a section, division, group or class: a letter A–T and 2 to 4 digits.
bool ValidIndustry(std::string_view s) {
  if (s.size() < 3 || s.size() > 5 || s[0] < 'A' || s[0] > 'T') return false;
  for (size_t i = 1; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  return true;
}

// Canonical scale code, or "" when the text is not a scale.
std::string_view CanonicalScale(std::string_view s) {
  if (s == "micro" || s == "微型") return "micro";
  if (s == "small" || s == "小型") return "small";
  if (s == "medium" || s == "中型") return "medium";
  if (s == "large" || s == "大型") return "large";
  return "";
}

// Parses one fact cell into its canonical text per the field's type; an error message otherwise.
absl::StatusOr<std::string> CanonicalFact(const FieldDef& field, std::string_view cell) {
  if (field.type == "decimal") {
    auto d = core::Decimal::Parse(cell);
    if (!d.ok()) {
      return InvalidField("fact.decimal", field.code,
                          field.label + "应为数字（如 1500000.00），实际为“" + std::string(cell) +
                              "”");
    }
    return d->ToString();
  }
  if (field.type == "int") {
    bool digits = !cell.empty() && cell.size() <= 18;
    for (char c : cell) digits = digits && c >= '0' && c <= '9';
    if (!digits) {
      return InvalidField("fact.int", field.code,
                          field.label + "应为非负整数，实际为“" + std::string(cell) + "”");
    }
    size_t start = cell.find_first_not_of('0');
    return start == std::string_view::npos ? std::string("0") : std::string(cell.substr(start));
  }
  if (field.type == "bool") {
    if (cell == "true" || cell == "1" || cell == "是" || cell == "TRUE") return std::string("true");
    if (cell == "false" || cell == "0" || cell == "否" || cell == "FALSE") {
      return std::string("false");
    }
    return InvalidField("fact.bool", field.code,
                        field.label + "应为 true/false（是/否），实际为“" + std::string(cell) + "”");
  }
  if (field.type == "date") {
    auto date = core::Date::Parse(cell);
    if (!date.ok()) {
      return InvalidField("fact.date", field.code,
                          field.label + "应为日期 YYYY-MM-DD，实际为“" + std::string(cell) + "”");
    }
    return date->ToString();
  }
  if (cell.size() > kTextMaxBytes) {
    return InvalidField("fact.too_long", field.code, field.label + "过长");
  }
  return std::string(cell);
}

struct GoodRow {
  int line = 0;
  Enterprise enterprise;
  std::string facts_json;
};

// How each column of the file is read.
struct ColumnPlan {
  int base = -1;                  // index into kBaseColumns, or -1
  const FieldDef* field = nullptr;  // the schema field, or nullptr
  std::string name;
};

// Rows per multi-row INSERT: one statement per 100 rows instead of one per row amortizes
// statement execution; 100 rows × 12 parameters stays far below SQLite's 32,766 and
// PostgreSQL's 65,535 bound parameters.
constexpr size_t kInsertChunkRows = 100;

// "(?, ?, ?), (?, ?, ?)" for `rows` rows of `columns` placeholders.
std::string ValuesList(size_t rows, size_t columns) {
  std::string one = "(";
  for (size_t c = 0; c < columns; ++c) one += c == 0 ? "?" : ", ?";
  one += ")";
  std::string all;
  for (size_t r = 0; r < rows; ++r) all += r == 0 ? one : ", " + one;
  return all;
}

store::Value TextOrNull(const std::string& s) {
  return s.empty() ? store::Null() : store::Value(s);
}

// Inserts or updates the enterprises of `rows` (distinct usccs) and counts which were new.
absl::Status UpsertEnterprises(store::Tx& tx, std::span<const GoodRow* const> rows,
                               const std::string& now, int64_t* created, int64_t* updated) {
  std::vector<store::Value> params;
  params.reserve(rows.size() * 12);
  for (const GoodRow* row : rows) {
    const Enterprise& e = row->enterprise;
    for (const std::string* text : {&e.uscc, &e.name, &e.region, &e.industry, &e.scale}) {
      params.emplace_back(*text);
    }
    for (const std::string* optional :
         {&e.established, &e.contact_name, &e.contact_phone, &e.bank_name, &e.bank_account}) {
      params.push_back(TextOrNull(*optional));
    }
    params.emplace_back(now);
    params.emplace_back(now);
  }
  ASSIGN_OR_RETURN(
      store::Result result,
      tx.Query("INSERT INTO enterprises (uscc, name, region, industry, scale, established, "
               "contact_name, contact_phone, bank_name, bank_account, created_at, updated_at) "
               "VALUES " + ValuesList(rows.size(), 12) +
               " ON CONFLICT (uscc) DO UPDATE SET name = excluded.name, region = "
               "excluded.region, industry = excluded.industry, scale = excluded.scale, "
               "established = COALESCE(excluded.established, enterprises.established), "
               "contact_name = COALESCE(excluded.contact_name, enterprises.contact_name), "
               "contact_phone = COALESCE(excluded.contact_phone, enterprises.contact_phone), "
               "bank_name = COALESCE(excluded.bank_name, enterprises.bank_name), "
               "bank_account = COALESCE(excluded.bank_account, enterprises.bank_account), "
               "updated_at = excluded.updated_at "
               "RETURNING CASE WHEN created_at = updated_at THEN 1 ELSE 0 END",
               params));
  for (const store::Row& r : result.rows) ++*(r.Int(0) == 1 ? created : updated);
  return absl::OkStatus();
}

// Appends one fact record per row to batch `batch_id`.
absl::Status InsertFactRecords(store::Tx& tx, std::span<const GoodRow* const> rows,
                               int64_t batch_id) {
  std::vector<store::Value> params;
  params.reserve(rows.size() * 3);
  for (const GoodRow* row : rows) {
    params.emplace_back(row->enterprise.uscc);
    params.emplace_back(batch_id);
    params.emplace_back(row->facts_json);
  }
  return tx.Exec("INSERT INTO fact_records (uscc, batch_id, facts) VALUES " +
                     ValuesList(rows.size(), 3),
                 params)
      .status();
}

}  // namespace

RegistryService::RegistryService(store::Store& store, const core::Clock& clock)
    : store_(store), clock_(clock) {}

absl::StatusOr<ImportReport> RegistryService::ImportEnterprises(const Actor& actor,
                                                                std::string_view bytes,
                                                                const ImportOptions& options) {
  return Import(actor, bytes, options, /*with_enterprise=*/true);
}

absl::StatusOr<ImportReport> RegistryService::ImportFacts(const Actor& actor,
                                                          std::string_view bytes,
                                                          const ImportOptions& options) {
  return Import(actor, bytes, options, /*with_enterprise=*/false);
}

absl::StatusOr<ImportReport> RegistryService::Import(const Actor& actor, std::string_view bytes,
                                                     const ImportOptions& options,
                                                     bool with_enterprise) {
  if (!actor.HasRole(kRoleSysAdmin)) return Forbidden("导入企业数据", "import enterprise data");
  ImportReport report;
  report.encoding = core::DetectEncoding(core::StripUtf8Bom(bytes)) == core::TextEncoding::kUtf8
                        ? "utf-8"
                        : "gb18030";
  ASSIGN_OR_RETURN(std::string text, core::DecodeToUtf8(bytes));

  std::vector<FieldDef> fields;
  RETURN_IF_ERROR(store_.InTx(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(fields, ListFields(tx));
    return absl::OkStatus();
  }));

  core::CsvReader reader(text);
  std::vector<std::string_view> cells;
  std::string csv_error;
  if (!reader.Next(&cells, &csv_error)) {
    if (!csv_error.empty()) return InvalidField("import.csv", "", csv_error);
    return InvalidField("import.empty", "", "文件为空：第 1 行应为表头", "the file is empty");
  }
  std::vector<ColumnPlan> plan;
  std::vector<int> base_index(std::size(kBaseColumns), -1);
  for (size_t i = 0; i < cells.size(); ++i) {
    ColumnPlan column;
    column.name = std::string(Trim(cells[i]));
    for (size_t b = 0; b < std::size(kBaseColumns); ++b) {
      if (column.name == kBaseColumns[b]) column.base = static_cast<int>(b);
    }
    for (const FieldDef& f : fields) {
      if (f.code == column.name) column.field = &f;
    }
    bool allowed = with_enterprise ? (column.base >= 0 || column.field != nullptr)
                                   : (column.name == "uscc" || column.field != nullptr);
    if (!allowed) {
      return InvalidField("import.unknown_column", column.name,
                          "第 1 行：未知的列“" + column.name + "”（字段表中没有该字段）",
                          "line 1: unknown column " + column.name);
    }
    int& seen = column.base >= 0 ? base_index[column.base] : base_index[0];
    if (column.base >= 0) {
      if (seen >= 0) {
        return InvalidField("import.duplicate_column", column.name,
                            "第 1 行：列“" + column.name + "”重复", "duplicate column");
      }
      seen = static_cast<int>(i);
    }
    plan.push_back(std::move(column));
  }
  size_t required = with_enterprise ? kRequiredBaseColumns : 1;
  for (size_t b = 0; b < required; ++b) {
    if (base_index[b] < 0) {
      return InvalidField("import.missing_column", std::string(kBaseColumns[b]),
                          "第 1 行：缺少必需的列“" + std::string(kBaseColumns[b]) + "”",
                          "line 1: missing required column " + std::string(kBaseColumns[b]));
    }
  }

  std::vector<GoodRow> good;
  std::unordered_set<std::string> seen_uscc;
  // A registry row is ~200 bytes of CSV: reserving for that avoids re-moving every row as the
  // vectors grow.
  good.reserve(text.size() / 200 + 16);
  seen_uscc.reserve(text.size() / 200 + 16);
  auto add_issue = [&](int line, std::string column, std::string code, std::string message) {
    if (report.issues.size() < ImportReport::kMaxIssues) {
      report.issues.push_back(ImportIssue{line, std::move(column), std::move(code),
                                          std::move(message)});
    }
  };
  while (true) {
    csv_error.clear();
    if (!reader.Next(&cells, &csv_error)) {
      if (!csv_error.empty()) {
        ++report.rows_total;
        ++report.rows_failed;
        add_issue(reader.line(), "", "import.csv", csv_error);
      }
      break;
    }
    int line = reader.line();
    if (cells.size() == 1 && Trim(cells[0]).empty()) continue;  // a blank line
    ++report.rows_total;
    if (cells.size() != plan.size()) {
      ++report.rows_failed;
      add_issue(line, "", "import.column_count",
                "第 " + std::to_string(line) + " 行：应有 " + std::to_string(plan.size()) +
                    " 列，实际 " + std::to_string(cells.size()) + " 列");
      continue;
    }
    GoodRow row;
    row.line = line;
    // The exact size of the facts object, so that a million rows hold no growth slack: each
    // fact is "code":"value", plus a comma (escapes, rare, may grow it).
    size_t json_bytes = 2;
    for (size_t i = 0; i < plan.size() && i < cells.size(); ++i) {
      if (plan[i].field != nullptr) json_bytes += plan[i].field->code.size() + cells[i].size() + 6;
    }
    row.facts_json.reserve(json_bytes);
    row.facts_json = "{";
    bool ok = true;
    auto fail = [&](const std::string& column, const absl::Status& st) {
      ok = false;
      std::string code = ErrorCode(st);
      add_issue(line, column, code.empty() ? "import.invalid" : code,
                "第 " + std::to_string(line) + " 行“" + column + "”列：" +
                    std::string(st.message()));
    };
    for (size_t i = 0; i < plan.size() && ok; ++i) {
      const ColumnPlan& column = plan[i];
      std::string_view cell = Trim(cells[i]);
      if (column.base >= 0) {
        std::string_view name = kBaseColumns[column.base];
        if (cell.empty() && static_cast<size_t>(column.base) < required) {
          fail(column.name, InvalidField("import.required", column.name, "不能为空"));
          break;
        }
        Enterprise& e = row.enterprise;
        if (name == "uscc") {
          if (absl::Status st = core::ValidateUscc(cell); !st.ok()) {
            fail(column.name, st);
          } else if (!seen_uscc.insert(std::string(cell)).second) {
            fail(column.name, InvalidField("import.duplicate_uscc", "uscc",
                                           "统一社会信用代码在文件中重复出现：" + std::string(cell)));
          }
          e.uscc = std::string(cell);
        } else if (name == "name") {
          if (core::Utf8Length(cell) > kNameMaxCodePoints) {
            fail(column.name, InvalidField("enterprise.name_length", "name", "企业名称过长"));
          }
          e.name = std::string(cell);
        } else if (name == "region") {
          const core::Region* region = core::FindRegion(cell);
          if (region == nullptr || region->level != core::RegionLevel::kCounty) {
            fail(column.name, InvalidField("enterprise.region", "region",
                                           "“" + std::string(cell) +
                                               "”不是泉州市的县（市、区）行政区划代码"));
          }
          e.region = std::string(cell);
        } else if (name == "industry") {
          if (!ValidIndustry(cell)) {
            fail(column.name, InvalidField("enterprise.industry", "industry",
                                           "“" + std::string(cell) +
                                               "”不是 GB/T 4754-2017 行业代码（如 C1951）"));
          }
          e.industry = std::string(cell);
        } else if (name == "scale") {
          std::string_view scale = CanonicalScale(cell);
          if (scale.empty()) {
            fail(column.name, InvalidField("enterprise.scale", "scale",
                                           "企业规模应为 micro/small/medium/large（微型/小型/中型/大型）"));
          }
          e.scale = std::string(scale);
          cell = scale;
        } else if (name == "established") {
          if (!cell.empty()) {
            auto date = core::Date::Parse(cell);
            if (!date.ok()) {
              fail(column.name, InvalidField("enterprise.established", "established",
                                             "成立日期应为 YYYY-MM-DD，实际为“" +
                                                 std::string(cell) + "”"));
            }
          }
          e.established = std::string(cell);
        } else if (cell.size() > kTextMaxBytes) {
          fail(column.name, InvalidField("import.too_long", column.name, "内容过长"));
        } else if (name == "contact_name") {
          e.contact_name = std::string(cell);
        } else if (name == "contact_phone") {
          e.contact_phone = std::string(cell);
        } else if (name == "bank_name") {
          e.bank_name = std::string(cell);
        } else if (name == "bank_account") {
          e.bank_account = std::string(cell);
        }
      }
      if (ok && column.field != nullptr && !cell.empty()) {
        auto value = CanonicalFact(*column.field, cell);
        if (!value.ok()) {
          fail(column.name, value.status());
          break;
        }
        if (row.facts_json.size() > 1) row.facts_json.push_back(',');
        AppendJsonString(&row.facts_json, column.field->code);
        row.facts_json.push_back(':');
        AppendJsonString(&row.facts_json, *value);
      }
    }
    if (!with_enterprise && ok) row.enterprise.uscc = std::string(Trim(cells[base_index[0]]));
    if (!ok) {
      ++report.rows_failed;
      continue;
    }
    row.facts_json.push_back('}');
    good.push_back(std::move(row));
  }

  if (options.strict && report.rows_failed > 0) return report;
  if (good.empty()) return report;
  // In key order the B-trees of enterprises and fact_records grow at their right edge instead of
  // at random pages: several times faster for a large file, and the same result. An index is
  // sorted, not the rows (each row is a dozen strings).
  std::vector<uint32_t> order(good.size());
  for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&good](uint32_t a, uint32_t b) {
    return good[a].enterprise.uscc < good[b].enterprise.uscc;
  });

  absl::Time now = clock_.Now();
  std::string now_text = TimeText(now);
  std::string period = options.period;
  if (period.empty()) {
    period = std::to_string(core::TodayIn(now).year() - 1);
  }
  bool strict_rollback = false;
  absl::Status written_status = store_.InTx(store::TxMode::kWrite, [&](store::Tx& tx) -> absl::Status {
    report.enterprises_created = report.enterprises_updated = 0;
    int64_t written = 0;
    int64_t missing = 0;
    ASSIGN_OR_RETURN(store::Result batch,
                     tx.Query("INSERT INTO fact_batches (source, period, as_of, file_name, "
                              "imported_by, created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
                              {options.source, period, now_text, options.file_name,
                               actor.user_id == 0 ? store::Null() : store::Value(actor.user_id),
                               now_text}));
    int64_t batch_id = batch.rows.at(0).Int(0);
    std::vector<const GoodRow*> rows;
    rows.reserve(order.size());
    for (uint32_t index : order) {
      const GoodRow& row = good[index];
      if (!with_enterprise) {
        ASSIGN_OR_RETURN(store::Result exists, tx.Query("SELECT 1 FROM enterprises WHERE uscc = ?",
                                                        {row.enterprise.uscc}));
        if (exists.rows.empty()) {
          ++missing;
          add_issue(row.line, "uscc", "import.unknown_enterprise",
                    "第 " + std::to_string(row.line) + " 行“uscc”列：企业库中没有该企业：" +
                        row.enterprise.uscc);
          continue;
        }
      }
      rows.push_back(&row);
    }
    for (size_t begin = 0; begin < rows.size(); begin += kInsertChunkRows) {
      std::span<const GoodRow* const> chunk(rows.data() + begin,
                                            std::min(kInsertChunkRows, rows.size() - begin));
      if (with_enterprise) {
        RETURN_IF_ERROR(UpsertEnterprises(tx, chunk, now_text, &report.enterprises_created,
                                          &report.enterprises_updated));
      }
      RETURN_IF_ERROR(InsertFactRecords(tx, chunk, batch_id));
      written += static_cast<int64_t>(chunk.size());
    }
    if (options.strict && missing > 0) {
      report.rows_failed += missing;
      strict_rollback = true;
      return absl::AbortedError("strict import with unknown enterprises");  // rolls back
    }
    report.rows_failed += missing;
    report.rows_ok = written;
    report.batch_id = batch_id;
    RETURN_IF_ERROR(tx.Exec("UPDATE fact_batches SET rows_ok = ?, rows_failed = ? WHERE id = ?",
                            {written, report.rows_failed, batch_id})
                        .status());
    return Audit(tx, now, actor, with_enterprise ? "registry.import_enterprises"
                                                 : "registry.import_facts",
                 "fact_batch", std::to_string(batch_id),
                 {{"file", options.file_name}, {"rows_ok", written},
                  {"rows_failed", report.rows_failed}});
  }, /*attempts=*/1);
  if (strict_rollback) {
    report.rows_ok = 0;
    report.enterprises_created = report.enterprises_updated = 0;
    return report;
  }
  RETURN_IF_ERROR(written_status);
  report.committed = true;
  return report;
}

absl::StatusOr<std::vector<FactValue>> RegistryService::CurrentFacts(
    store::Tx& tx, const std::vector<FieldDef>& fields, std::string_view uscc) {
  ASSIGN_OR_RETURN(store::Result records,
                   tx.Query("SELECT r.facts, b.source, b.period, b.as_of, b.id "
                            "FROM fact_records r JOIN fact_batches b ON b.id = r.batch_id "
                            "WHERE r.uscc = ? ORDER BY b.as_of, b.id",
                            {std::string(uscc)}));
  std::unordered_map<std::string, FactValue> current;
  for (const store::Row& row : records.rows) {
    nlohmann::json facts = nlohmann::json::parse(row.Text(0), nullptr, /*allow_exceptions=*/false);
    if (!facts.is_object()) {
      return absl::DataLossError("fact record of " + std::string(uscc) + " is not a JSON object");
    }
    for (const auto& [code, value] : facts.items()) {
      if (!value.is_string()) continue;
      current[code] = FactValue{code, value.get<std::string>(), row.Text(1), row.Text(2),
                                row.Text(3), row.Int(4)};
    }
  }
  std::vector<FactValue> ordered;
  for (const FieldDef& f : fields) {
    auto it = current.find(f.code);
    if (it != current.end()) ordered.push_back(std::move(it->second));
  }
  return ordered;
}

absl::StatusOr<EnterpriseView> RegistryService::Get(const Actor& actor, std::string_view uscc) {
  auto not_found = [&] {
    return NotFoundError("enterprise.not_found", "企业不存在或无权查看：" + std::string(uscc),
                         "no such enterprise, or not visible to you");
  };
  if (!core::ValidateUscc(uscc).ok()) return not_found();
  if (actor.kind == "enterprise" && actor.enterprise_uscc != std::string(uscc)) return not_found();
  EnterpriseView view;
  RETURN_IF_ERROR(store_.InTx(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(store::Result rows,
                     tx.Query("SELECT uscc, name, region, industry, scale, "
                              "COALESCE(established, ''), COALESCE(contact_name, ''), "
                              "COALESCE(contact_phone, ''), COALESCE(bank_name, ''), "
                              "COALESCE(bank_account, '') FROM enterprises WHERE uscc = ?",
                              {std::string(uscc)}));
    if (rows.rows.empty()) return not_found();
    const store::Row& r = rows.rows[0];
    view.enterprise = Enterprise{r.Text(0), r.Text(1), r.Text(2), r.Text(3), r.Text(4),
                                 r.Text(5), r.Text(6), r.Text(7), r.Text(8), r.Text(9)};
    if (actor.kind != "enterprise" && !actor.CanSeeRegion(view.enterprise.region)) {
      return not_found();
    }
    ASSIGN_OR_RETURN(std::vector<FieldDef> fields, ListFields(tx));
    ASSIGN_OR_RETURN(view.facts, CurrentFacts(tx, fields, uscc));
    return absl::OkStatus();
  }));
  return view;
}

}  // namespace zhida::services
