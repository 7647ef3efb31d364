// Reading a CSV file of facts (a header row of field codes, one enterprise per record) straight
// into a ColumnTable (columns.h), in parallel parts: the batch evaluator's input, with no Value
// or std::string per cell.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "core/status.h"
#include "rules/columns.h"
#include "rules/schema.h"

namespace zhida::rules {

struct CsvTableOptions {
  // The machine code and field of the InvalidArgument status returned for a bad file.
  std::string error_code = "rules.csv";
  std::string error_field = "csv";
  // A column the file must have, whose cells must not be empty (the record's key); "" for none.
  std::string key_column;
  // Threads that read parts of the file at once (at least 1).
  int threads = 1;
};

// Reads `csv_text` (UTF-8, RFC 4180, a header row). Columns may come in any order; each must be
// a field of `schema`, at most once. A field the file lacks is unknown for every row; an empty
// cell is unknown (never zero). Errors (InvalidArgument, options.error_code) name the line — and
// the column — of the first bad record in the file, in Chinese with an English payload, whatever
// the number of threads: "第 3 行：列 revenue：“12,5” 不是有效的 decimal 值".
//
// A text with a quote anywhere is read by one thread: a line break inside quotes is not a record
// boundary, and finding the boundaries would take the reading the threads are meant to share.
absl::StatusOr<ColumnTable> ColumnTableFromCsv(std::string_view csv_text,
                                               std::shared_ptr<const Schema> schema,
                                               const CsvTableOptions& options);

}  // namespace zhida::rules
