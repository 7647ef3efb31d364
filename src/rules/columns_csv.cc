#include "rules/columns_csv.h"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <thread>
#include <vector>

#include "core/csv.h"

namespace zhida::rules {
namespace {

// The bad-file status: "第 N 行：…" (line 0: the file as a whole, its own message).
absl::Status LineError(const CsvTableOptions& options, int line, const std::string& what_zh,
                       const std::string& what_en) {
  if (line <= 0) return InvalidField(options.error_code, options.error_field, what_zh, what_en);
  return InvalidField(options.error_code, options.error_field,
                      "第 " + std::to_string(line) + " 行：" + what_zh,
                      "line " + std::to_string(line) + ": " + what_en);
}

// The file's columns: the schema field of each, and the position of the key column (-1: none).
struct Header {
  std::vector<int> slots;
  int key = -1;
};

absl::StatusOr<Header> ReadHeader(core::CsvReader* reader, const Schema& schema,
                                  const CsvTableOptions& options) {
  std::vector<std::string_view> cells;
  std::string error;
  if (!reader->Next(&cells, &error)) {
    if (!error.empty()) return LineError(options, 0, error, error);
    return LineError(options, 1, "文件为空，缺少表头", "empty file, no header");
  }
  Header h;
  for (std::string_view name : cells) {
    const int slot = schema.FieldIndex(name);
    const std::string text(name);
    if (slot < 0) {
      return LineError(options, 1, "未知的列 “" + text + "”", "unknown column '" + text + "'");
    }
    if (std::find(h.slots.begin(), h.slots.end(), slot) != h.slots.end()) {
      return LineError(options, 1, "列 “" + text + "” 重复", "duplicate column '" + text + "'");
    }
    if (text == options.key_column) h.key = static_cast<int>(h.slots.size());
    h.slots.push_back(slot);
  }
  if (!options.key_column.empty() && h.key < 0) {
    return LineError(options, 1, "缺少 " + options.key_column + " 列",
                     "no " + options.key_column + " column");
  }
  return h;
}

// Appends one record (its cells in the file's column order) as a row of *builder.
absl::Status AppendRecord(const std::vector<std::string_view>& cells, int line, const Header& h,
                          const Schema& schema, const CsvTableOptions& options,
                          ColumnTableBuilder* builder) {
  if (cells.size() != h.slots.size()) {
    return LineError(options, line,
                     "应有 " + std::to_string(h.slots.size()) + " 列，实有 " +
                         std::to_string(cells.size()) + " 列",
                     "expected " + std::to_string(h.slots.size()) + " fields, got " +
                         std::to_string(cells.size()));
  }
  if (h.key >= 0 && cells[static_cast<std::size_t>(h.key)].empty()) {
    return LineError(options, line, options.key_column + " 为空", "empty " + options.key_column);
  }
  for (std::size_t i = 0; i < cells.size(); ++i) {
    absl::Status st = builder->AppendText(h.slots[i], cells[i]);
    if (!st.ok()) {
      const std::string& code = schema.fields()[static_cast<std::size_t>(h.slots[i])].code;
      return LineError(options, line, "列 " + code + "：" + std::string(st.message()),
                       "column " + code + ": " + ErrorEnglish(st));
    }
  }
  builder->EndRow();
  return absl::OkStatus();
}

// Reads every record `reader` has left into *builder. Line numbers are the reader's: right for
// a reader over the whole file, relative for one over a part (whose errors are then found again
// by a reader over the whole file).
absl::Status ReadRecords(core::CsvReader* reader, const Header& h, const Schema& schema,
                         const CsvTableOptions& options, ColumnTableBuilder* builder) {
  std::vector<std::string_view> cells;
  std::string error;
  while (reader->Next(&cells, &error)) {
    RETURN_IF_ERROR(AppendRecord(cells, reader->line(), h, schema, options, builder));
  }
  if (!error.empty()) return LineError(options, 0, error, error);
  return absl::OkStatus();
}

// Reads a part with no quote and no carriage return: a record per non-empty line, its fields
// split at commas — what CsvReader makes of such text, without its per-byte state machine.
// Line numbers are relative to the part (see ReadRecords).
absl::Status ReadPlainRecords(std::string_view part, const Header& h, const Schema& schema,
                              const CsvTableOptions& options, ColumnTableBuilder* builder) {
  std::vector<std::string_view> cells;
  cells.reserve(h.slots.size() + 1);
  const char* p = part.data();
  const char* const end = p + part.size();
  int line = 0;
  while (p < end) {
    ++line;
    cells.clear();
    const char* field = p;
    const char* q = p;
    for (; q < end && *q != '\n'; ++q) {
      if (*q != ',') continue;
      cells.emplace_back(field, static_cast<std::size_t>(q - field));
      field = q + 1;
    }
    if (q > p) {  // an empty line is no record
      cells.emplace_back(field, static_cast<std::size_t>(q - field));
      RETURN_IF_ERROR(AppendRecord(cells, line, h, schema, options, builder));
    }
    p = q + 1;
  }
  return absl::OkStatus();
}

// The rest of the file through `reader`, on this thread.
absl::StatusOr<ColumnTable> ReadByOneReader(core::CsvReader* reader, const Header& header,
                                            const std::shared_ptr<const Schema>& schema,
                                            const CsvTableOptions& options) {
  std::vector<ColumnTableBuilder> one;
  one.emplace_back(schema);
  RETURN_IF_ERROR(ReadRecords(reader, header, *schema, options, &one[0]));
  return ColumnTableBuilder::Concat(std::move(one));
}

}  // namespace

absl::StatusOr<ColumnTable> ColumnTableFromCsv(std::string_view csv_text,
                                               std::shared_ptr<const Schema> schema,
                                               const CsvTableOptions& options) {
  core::CsvReader reader(csv_text);
  ASSIGN_OR_RETURN(Header header, ReadHeader(&reader, *schema, options));
  // The body starts after the header's line break — unless that break is inside quotes (an odd
  // number of quotes before it) or the header ended earlier at a lone CR: then one reader reads
  // on from the header.
  const std::size_t header_end = csv_text.find('\n');
  const std::string_view header_text = csv_text.substr(0, header_end);
  if (header_end == std::string_view::npos || reader.saw_literal_quote() ||
      std::count(header_text.begin(), header_text.end(), '"') % 2 != 0 ||
      header_text.find('\r') < header_end - 1) {
    return ReadByOneReader(&reader, header, schema, options);
  }
  const std::string_view body = csv_text.substr(header_end + 1);
  std::vector<std::string_view> parts;
  for (const core::CsvPart& part :
       core::SplitCsvRecords(body, static_cast<std::size_t>(std::max(options.threads, 1)))) {
    parts.push_back(part.text);
  }
  // Rows to expect, from the first 64 KiB: the first part's arrays will hold the whole table.
  const std::string_view sample = body.substr(0, 64 * 1024);
  const double sample_rows = static_cast<double>(std::count(sample.begin(), sample.end(), '\n'));
  const auto expected_rows = static_cast<std::int64_t>(
      sample_rows * static_cast<double>(body.size()) / std::max<double>(sample.size(), 1) * 1.05 +
      16);
  std::vector<ColumnTableBuilder> builders;
  for (std::size_t p = 0; p < parts.size(); ++p) {
    builders.emplace_back(schema);
    builders.back().Reserve(
        p == 0 ? expected_rows
               : expected_rows * static_cast<std::int64_t>(parts[p].size()) /
                     static_cast<std::int64_t>(std::max<std::size_t>(body.size(), 1)));
  }
  std::atomic<bool> failed{false}, literal_quote{false};
  auto read_part = [&](std::size_t p) {
    absl::Status st;
    if (parts[p].find_first_of("\r\"") == std::string_view::npos) {
      st = ReadPlainRecords(parts[p], header, *schema, options, &builders[p]);
    } else {
      core::CsvReader part(parts[p]);
      st = ReadRecords(&part, header, *schema, options, &builders[p]);
      if (part.saw_literal_quote()) literal_quote = true;
    }
    if (!st.ok()) failed = true;
  };
  std::vector<std::thread> threads;
  for (std::size_t p = 1; p < parts.size(); ++p) threads.emplace_back(read_part, p);
  if (!parts.empty()) read_part(0);
  for (std::thread& t : threads) t.join();
  if (failed || !core::ReadsAsSplit(parts.size(), false, literal_quote)) {
    // Read again by one reader, which numbers the lines of the whole file and stops at the
    // first bad record: the same error whatever the number of threads. A literal quote may have
    // misplaced the cuts (core::SplitCsvRecords).
    return ReadByOneReader(&reader, header, schema, options);
  }
  if (builders.empty()) builders.emplace_back(schema);
  return ColumnTableBuilder::Concat(std::move(builders));
}

}  // namespace zhida::rules
