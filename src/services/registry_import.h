// Reading and validating a registry CSV: the first half of RegistryService::Import (registry.h),
// kept apart from the writing so that it can run on several threads over parts of one file.
//
// Rows are held compactly until they are written: the texts of an enterprise are views into the
// decoded file (or into a StringArena for the rare cell that had to be unescaped or canonicalized),
// and its facts are one JSON array in a StringArena. A million rows of the registry file take
// about a third of what one std::string per cell took, and validation no longer spends its time
// allocating.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/csv.h"
#include "core/status.h"
#include "services/reference.h"
#include "services/registry.h"

namespace zhida::services {

// The columns of the registry itself (not facts), in the order of kBaseColumnNames. The first
// kRequiredBaseColumns are required when importing enterprises; uscc alone when importing facts.
enum BaseColumn : int {
  kUscc,
  kName,
  kRegion,
  kIndustry,
  kScale,
  kEstablished,
  kContactName,
  kContactPhone,
  kBankName,
  kBankAccount,
  kBaseColumnCount,
};
inline constexpr std::string_view kBaseColumnNames[kBaseColumnCount] = {
    "uscc",     "name",        "region",       "industry",  "scale",
    "established", "contact_name", "contact_phone", "bank_name", "bank_account"};
inline constexpr int kRequiredBaseColumns = 5;

// Append-only storage of strings whose views stay valid while the arena lives: strings are
// copied into large blocks that are never moved.
class StringArena {
 public:
  // Copies `s` into the arena and returns a view of the copy.
  std::string_view Add(std::string_view s);
  // Bytes held (for memory accounting in tests).
  size_t bytes_reserved() const { return bytes_reserved_; }

 private:
  // 1 MiB: a block holds thousands of rows' facts, and the last one wastes little.
  static constexpr size_t kBlockBytes = size_t{1} << 20;
  std::vector<std::unique_ptr<char[]>> blocks_;
  size_t used_ = 0;
  size_t capacity_ = 0;
  size_t bytes_reserved_ = 0;
};

// How the columns of one file are read (from its header).
struct ImportLayout {
  bool with_enterprise = true;
  int required_base_columns = kRequiredBaseColumns;  // 1 (uscc) when importing facts
  std::vector<std::string> names;                    // per file column
  std::vector<int> base;                             // per file column: a BaseColumn or -1
  std::vector<const FieldDef*> field;                // per file column: its schema field or null
  std::vector<std::string> fact_codes;               // the fact columns, in file order
  std::array<int, kBaseColumnCount> base_index{};    // file column of each BaseColumn, or -1
};

// One data row of the file that has a valid uscc (rows without one are only counted and
// reported). `ok` is false when another cell failed; the row then takes part in the check for
// duplicate usccs only.
struct ParsedRow {
  int line = 0;
  bool ok = false;
  std::array<std::string_view, kBaseColumnCount> base{};  // canonical texts; "" when absent
  // The facts, one JSON array entry per ImportLayout::fact_codes: the canonical text as a string,
  // or null when the cell is empty (unknown).
  std::string_view facts;
};

// The rows of one part of a file.
struct ParsedPart {
  std::vector<ParsedRow> rows;
  StringArena arena;                 // facts arrays and cells that are not views into the file
  std::vector<ImportIssue> issues;   // the first ImportReport::kMaxIssues of this part
  int64_t rows_total = 0;            // data rows seen (blank lines are not rows)
  int64_t rows_failed = 0;           // rows with a bad cell (duplicates are found later)
  // The reader met malformed CSV or a literal quote: when the file was read in parts, the cuts
  // may be wrong and the file is read again as one part (core::SplitCsvRecords).
  bool csv_irregular = false;
};

// Reads the header record from `reader`. A file-level problem (empty file, unknown, duplicate or
// missing column, malformed CSV) is an InvalidArgument status with the column as its field.
absl::StatusOr<ImportLayout> ReadImportHeader(core::CsvReader& reader,
                                              const std::vector<FieldDef>& fields,
                                              bool with_enterprise);

// Reads and validates every remaining record of `reader` into `out`. The views in `out` point
// into the reader's text and into out->arena; both must outlive them.
void ParseImportRows(core::CsvReader& reader, const ImportLayout& layout, ParsedPart* out);

// Appends the canonical text of `cell` for `field` to `out` (decimal "1500000.00", int without
// leading zeros, bool "true"/"false", date "YYYY-MM-DD", text as is). InvalidArgument with the
// field's code and a Chinese message when the cell does not fit the field's type.
absl::Status AppendCanonicalFact(const FieldDef& field, std::string_view cell, std::string* out);

}  // namespace zhida::services
