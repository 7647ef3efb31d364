#include "services/registry.h"

#include <algorithm>
#include <span>
#include <unordered_map>
#include <thread>

#include "absl/container/flat_hash_set.h"
#include "core/csv.h"
#include "core/date.h"
#include "core/decimal.h"
#include "core/region.h"
#include "core/text.h"
#include "core/uscc.h"
#include "nlohmann/json.hpp"
#include "services/common.h"
#include "services/registry_import.h"

namespace zhida::services {

namespace {

// Rows per multi-row INSERT: one statement per 100 rows instead of one per row amortizes
// statement execution; 100 rows × 12 parameters stays far below SQLite's 32,766 and
// PostgreSQL's 65,535 bound parameters.
constexpr size_t kInsertChunkRows = 100;
// Validation runs on up to this many threads, each over a part of at least kPartBytesMin: more
// threads than cores only add switching, and a part smaller than a few thousand rows is not worth
// a thread.
constexpr size_t kImportThreadsMax = 8;
constexpr size_t kPartBytesMin = size_t{1} << 20;

// "(?, ?, ?), (?, ?, ?)" for `rows` rows of `columns` placeholders.
std::string ValuesList(size_t rows, size_t columns) {
  std::string one = "(";
  for (size_t c = 0; c < columns; ++c) one += c == 0 ? "?" : ", ?";
  one += ")";
  std::string all;
  for (size_t r = 0; r < rows; ++r) all += r == 0 ? one : ", " + one;
  return all;
}

store::Value TextOrNull(std::string_view s) {
  return s.empty() ? store::Null() : store::Value(std::string(s));
}

// Inserts or updates the enterprises of `rows` (distinct usccs) and counts which were new.
absl::Status UpsertEnterprises(store::Tx& tx, std::span<const ParsedRow* const> rows,
                               const std::string& now, int64_t* created, int64_t* updated) {
  std::vector<store::Value> params;
  params.reserve(rows.size() * 12);
  for (const ParsedRow* row : rows) {
    for (int b = kUscc; b <= kScale; ++b) params.emplace_back(std::string(row->base[b]));
    for (int b = kEstablished; b <= kBankAccount; ++b) params.push_back(TextOrNull(row->base[b]));
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
absl::Status InsertFactRecords(store::Tx& tx, std::span<const ParsedRow* const> rows,
                               int64_t batch_id) {
  std::vector<store::Value> params;
  params.reserve(rows.size() * 3);
  for (const ParsedRow* row : rows) {
    params.emplace_back(std::string(row->base[kUscc]));
    params.emplace_back(batch_id);
    params.emplace_back(std::string(row->facts));
  }
  return tx.Exec("INSERT INTO fact_records (uscc, batch_id, facts) VALUES " +
                     ValuesList(rows.size(), 3),
                 params)
      .status();
}

// Reads the header and validates every row of the `pieces` of a file, each on its own thread.
absl::Status ParsePieces(const std::vector<core::CsvPart>& pieces,
                         const std::vector<FieldDef>& fields, bool with_enterprise,
                         ImportLayout* layout, std::vector<ParsedPart>* parts) {
  // The first part starts with the header; its reader goes on with the first part's rows.
  core::CsvReader first(pieces[0].text, pieces[0].first_line);
  ASSIGN_OR_RETURN(*layout, ReadImportHeader(first, fields, with_enterprise));
  *parts = std::vector<ParsedPart>(pieces.size());
  std::vector<std::thread> workers;
  for (size_t i = 1; i < pieces.size(); ++i) {
    workers.emplace_back([&, i] {
      core::CsvReader reader(pieces[i].text, pieces[i].first_line);
      ParseImportRows(reader, *layout, &(*parts)[i]);
    });
  }
  ParseImportRows(first, *layout, &(*parts)[0]);
  for (std::thread& worker : workers) worker.join();
  return absl::OkStatus();
}

// Reads the header and validates every row of `text`, in parallel parts for a large file.
absl::Status ParseFile(std::string_view text, const std::vector<FieldDef>& fields,
                       bool with_enterprise, ImportLayout* layout,
                       std::vector<ParsedPart>* parts) {
  size_t threads = std::clamp<size_t>(std::thread::hardware_concurrency(), 1, kImportThreadsMax);
  threads = std::min(threads, text.size() / kPartBytesMin + 1);
  std::vector<core::CsvPart> pieces = core::SplitCsvRecords(text, threads);
  RETURN_IF_ERROR(ParsePieces(pieces, fields, with_enterprise, layout, parts));
  bool irregular = false;
  for (const ParsedPart& part : *parts) irregular |= part.csv_irregular;
  if (core::ReadsAsSplit(pieces.size(), irregular, false)) return absl::OkStatus();
  // Malformed CSV or a literal quote may have misplaced the cuts: read the file as one part, so
  // that rows, line numbers and the first CSV error are those of reading it whole.
  return ParsePieces({core::CsvPart{text, 1}}, fields, with_enterprise, layout, parts);
}

// Rejects every row whose uscc appeared on an earlier line (the first occurrence wins; a row
// already rejected for another cell still claims its uscc), in file order across the parts.
void RejectDuplicateUsccs(std::vector<ParsedPart>& parts, ImportReport* report) {
  size_t rows = 0;
  for (const ParsedPart& part : parts) rows += part.rows.size();
  absl::flat_hash_set<std::string_view> seen;
  seen.reserve(rows);
  for (ParsedPart& part : parts) {
    for (ParsedRow& row : part.rows) {
      if (seen.insert(row.base[kUscc]).second || !row.ok) continue;
      row.ok = false;
      ++report->rows_failed;
      report->issues.push_back(ImportIssue{
          row.line, "uscc", "import.duplicate_uscc",
          "第 " + std::to_string(row.line) + " 行“uscc”列：统一社会信用代码在文件中重复出现：" +
              std::string(row.base[kUscc])});
    }
  }
}

// The parts' counts and issues in the report (issues in line order, the first kMaxIssues), and
// the rows to write.
std::vector<const ParsedRow*> MergeParts(std::vector<ParsedPart>& parts, ImportReport* report) {
  RejectDuplicateUsccs(parts, report);
  std::vector<const ParsedRow*> good;
  for (ParsedPart& part : parts) {
    report->rows_total += part.rows_total;
    report->rows_failed += part.rows_failed;
    for (ImportIssue& issue : part.issues) report->issues.push_back(std::move(issue));
    for (const ParsedRow& row : part.rows) {
      if (row.ok) good.push_back(&row);
    }
  }
  std::stable_sort(report->issues.begin(), report->issues.end(),
                   [](const ImportIssue& a, const ImportIssue& b) { return a.line < b.line; });
  if (report->issues.size() > ImportReport::kMaxIssues) {
    report->issues.resize(ImportReport::kMaxIssues);
  }
  return good;
}

// The 18 bytes of a uscc as three big-endian integers: sorting these compares as the text does,
// several times faster than a million memcmp calls.
struct UsccKey {
  uint64_t high = 0;
  uint64_t middle = 0;
  uint32_t low = 0;
  uint32_t index = 0;
  bool operator<(const UsccKey& o) const {
    return high != o.high ? high < o.high : middle != o.middle ? middle < o.middle : low < o.low;
  }
};

uint64_t BigEndian(std::string_view bytes) {
  uint64_t value = 0;
  for (char c : bytes) value = value << 8 | static_cast<unsigned char>(c);
  return value;
}

// `rows` in uscc order (every uscc has 18 characters: ValidateUscc checked them).
void SortByUscc(std::vector<const ParsedRow*>* rows) {
  std::vector<UsccKey> keys(rows->size());
  for (size_t i = 0; i < rows->size(); ++i) {
    std::string_view uscc = (*rows)[i]->base[kUscc];
    keys[i] = UsccKey{BigEndian(uscc.substr(0, 8)), BigEndian(uscc.substr(8, 8)),
                      static_cast<uint32_t>(BigEndian(uscc.substr(16))), static_cast<uint32_t>(i)};
  }
  std::sort(keys.begin(), keys.end());
  std::vector<const ParsedRow*> sorted(rows->size());
  for (size_t i = 0; i < keys.size(); ++i) sorted[i] = (*rows)[keys[i].index];
  *rows = std::move(sorted);
}

// The rows are written in uscc order but lie in file order, so each row's texts are a cache
// (and, on a virtual machine, an expensive TLB) miss away. Asking for them ahead overlaps the
// misses: the rows of the chunk after next, and the texts of the next chunk, whose rows were asked
// for one chunk earlier.
void PrefetchAhead(const std::vector<const ParsedRow*>& rows, size_t next) {
  for (size_t i = next + kInsertChunkRows; i < std::min(rows.size(), next + 2 * kInsertChunkRows);
       ++i) {
    const char* row = reinterpret_cast<const char*>(rows[i]);
    for (size_t offset = 0; offset < sizeof(ParsedRow); offset += 64) {
      __builtin_prefetch(row + offset);
    }
  }
  for (size_t i = next; i < std::min(rows.size(), next + kInsertChunkRows); ++i) {
    const ParsedRow& row = *rows[i];
    for (std::string_view text : {row.base[kUscc], row.base[kName], row.facts}) {
      for (size_t offset = 0; offset < text.size(); offset += 64) {
        __builtin_prefetch(text.data() + offset);
      }
    }
  }
}

std::string JsonArray(const std::vector<std::string>& codes) {
  nlohmann::json array = nlohmann::json::array();
  for (const std::string& code : codes) array.push_back(code);
  return array.dump();
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
  // UTF-8 is read in place; GB18030 is converted once.
  std::string_view text = core::StripUtf8Bom(bytes);
  std::string converted;
  if (core::DetectEncoding(text) == core::TextEncoding::kUtf8) {
    report.encoding = "utf-8";
  } else {
    report.encoding = "gb18030";
    ASSIGN_OR_RETURN(converted, core::Gb18030ToUtf8(text));
    text = converted;
  }

  std::vector<FieldDef> fields;
  RETURN_IF_ERROR(store_.InTx(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(fields, ListFields(tx));
    return absl::OkStatus();
  }));

  ImportLayout layout;
  std::vector<ParsedPart> parts;
  RETURN_IF_ERROR(ParseFile(text, fields, with_enterprise, &layout, &parts));
  std::vector<const ParsedRow*> good = MergeParts(parts, &report);
  auto add_issue = [&](int line, std::string column, std::string code, std::string message) {
    if (report.issues.size() < ImportReport::kMaxIssues) {
      report.issues.push_back(ImportIssue{line, std::move(column), std::move(code),
                                          std::move(message)});
    }
  };
  if (options.strict && report.rows_failed > 0) return report;
  if (good.empty()) return report;
  // In key order the B-trees of enterprises and fact_records grow at their right edge instead of
  // at random pages: several times faster for a large file.
  SortByUscc(&good);

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
                              "imported_by, created_at, fields) "
                              "VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
                              {options.source, period, now_text, options.file_name,
                               actor.user_id == 0 ? store::Null() : store::Value(actor.user_id),
                               now_text, JsonArray(layout.fact_codes)}));
    int64_t batch_id = batch.rows.at(0).Int(0);
    std::vector<const ParsedRow*> rows;
    rows.reserve(good.size());
    for (const ParsedRow* row : good) {
      if (!with_enterprise) {
        std::string uscc(row->base[kUscc]);
        ASSIGN_OR_RETURN(store::Result exists,
                         tx.Query("SELECT 1 FROM enterprises WHERE uscc = ?", {uscc}));
        if (exists.rows.empty()) {
          ++missing;
          add_issue(row->line, "uscc", "import.unknown_enterprise",
                    "第 " + std::to_string(row->line) + " 行“uscc”列：企业库中没有该企业：" + uscc);
          continue;
        }
      }
      rows.push_back(row);
    }
    for (size_t begin = 0; begin < rows.size(); begin += kInsertChunkRows) {
      std::span<const ParsedRow* const> chunk(rows.data() + begin,
                                            std::min(kInsertChunkRows, rows.size() - begin));
      PrefetchAhead(rows, begin + kInsertChunkRows);
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
    store::Tx& tx, const std::vector<FieldDef>& fields, std::string_view uscc,
    std::optional<core::Date> as_of) {
  ASSIGN_OR_RETURN(store::Result records,
                   tx.Query("SELECT r.facts, b.source, b.period, b.as_of, b.id, b.fields "
                            "FROM fact_records r JOIN fact_batches b ON b.id = r.batch_id "
                            "WHERE r.uscc = ? ORDER BY b.as_of, b.id",
                            {std::string(uscc)}));
  std::unordered_map<std::string, FactValue> current;
  for (const store::Row& row : records.rows) {
    if (as_of) {
      absl::StatusOr<absl::Time> stated = ParseTimeText(row.Text(3));
      if (!stated.ok()) return absl::DataLossError("fact batch " + row.Text(4) + " has a bad as_of");
      if (core::TodayIn(*stated) > *as_of) continue;  // stated after the day asked about
    }
    auto set = [&](const std::string& code, const nlohmann::json& value) {
      if (!value.is_string()) return;  // null: unknown in this batch
      current[code] = FactValue{code, value.get<std::string>(), row.Text(1), row.Text(2),
                                row.Text(3), row.Int(4)};
    };
    nlohmann::json facts = nlohmann::json::parse(row.Text(0), nullptr, /*allow_exceptions=*/false);
    if (row.IsNull(5)) {  // a batch from before schema version 2: an object code → value
      if (!facts.is_object()) {
        return absl::DataLossError("fact record of " + std::string(uscc) + " is not an object");
      }
      for (const auto& [code, value] : facts.items()) set(code, value);
      continue;
    }
    nlohmann::json codes = nlohmann::json::parse(row.Text(5), nullptr, false);
    if (!facts.is_array() || !codes.is_array() || facts.size() != codes.size()) {
      return absl::DataLossError("fact record of " + std::string(uscc) + " in batch " +
                                 row.Text(4) + " does not match its batch's fields");
    }
    for (size_t i = 0; i < codes.size(); ++i) {
      if (codes[i].is_string()) set(codes[i].get<std::string>(), facts[i]);
    }
  }
  std::vector<FactValue> ordered;
  for (const FieldDef& f : fields) {
    auto it = current.find(f.code);
    if (it != current.end()) ordered.push_back(std::move(it->second));
  }
  return ordered;
}

absl::StatusOr<EnterpriseView> RegistryService::Get(const Actor& actor, std::string_view uscc,
                                                    std::optional<core::Date> facts_as_of) {
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
    ASSIGN_OR_RETURN(view.facts, CurrentFacts(tx, fields, uscc, facts_as_of));
    return absl::OkStatus();
  }));
  return view;
}

}  // namespace zhida::services
