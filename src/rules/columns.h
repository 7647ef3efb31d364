// Facts of many enterprises held by column — what the batch evaluator (batch.h) reads, after
// DuckDB's columnar storage: one typed array per schema field, a state per cell (known, unknown,
// boxed), and for low-cardinality strings (region, industry, scale, grade) a dictionary, so that
// `region in [...]` or `industry.startsWith("C")` is a lookup by code.
//
// A cell holds exactly the Value ParseFactText (schema.h) would have made of its text: a decimal
// keeps its coefficient and its scale ("1.5" and "1.50" differ in string()), so CellValue() gives
// the row evaluator the same facts the batch evaluator computes with. Memory for the 23-column
// enterprise file: about 120 bytes a row in typed arrays plus the text of the strings that are
// not dictionary coded (uscc, name: ~65 bytes), against ~32 bytes a cell (and a heap string per
// text cell) for a table of Values.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "core/status.h"
#include "rules/eval.h"
#include "rules/schema.h"
#include "rules/value.h"

namespace zhida::rules {

// How one cell is held. The numbers are also the batch evaluator's row states (batch_vector.h):
// a boxed cell makes its rows take the row evaluator's path.
enum class CellState : std::uint8_t {
  kKnown = 0,
  kUnknown = 1,  // the fact is missing (an empty CSV cell)
  kBoxed = 3,    // held as a Value in Column::boxed: a decimal whose coefficient needs more
                 // than 64 bits (|x| ≥ 2^63 × 10^-scale)
};

// One column: a schema field over every row. Public data, like DuckDB's vectors: the batch
// kernels read the arrays directly. Which arrays are used depends on `type`.
struct Column {
  FieldType type = FieldType::kString;
  // Per row, a CellState; empty when every cell is known.
  std::vector<std::uint8_t> state;
  std::int64_t unknown_count = 0;

  // kInt: the value. kDecimal: the coefficient, at `scale` — or at scales[row] when the column's
  // decimals do not all have the same scale (then `scales` is not empty).
  std::vector<std::int64_t> i64;
  int scale = 0;
  std::vector<std::uint8_t> scales;
  // kBool: 0 or 1.
  std::vector<std::uint8_t> u8;
  // kDate: days since 1970-01-01. kString with a dictionary: the code of the text in `dict`.
  std::vector<std::int32_t> i32;
  // kString: the dictionary (code → text) when the column has at most kDictionaryEntriesMax
  // distinct texts; `dict_encoded` says which form is used.
  bool dict_encoded = false;
  std::vector<std::string> dict;
  // kString without a dictionary: row i is arena[offsets[i], offsets[i + 1]).
  std::string arena;
  std::vector<std::uint64_t> offsets;
  // kList, kMap, kDyn: every cell as a Value (unknown cells too, as the unknown value).
  std::vector<Value> values;
  // kBoxed cells, by row.
  absl::flat_hash_map<std::int64_t, Value> boxed;

  bool has_state() const { return !state.empty(); }
  CellState cell_state(std::int64_t row) const {
    return state.empty() ? CellState::kKnown
                         : static_cast<CellState>(state[static_cast<std::size_t>(row)]);
  }
  // The text of a known string cell.
  std::string_view StringAt(std::int64_t row) const;
};

// An immutable table of facts by column, one column per field of its schema, in schema order.
// Safe to read from many threads.
class ColumnTable {
 public:
  ColumnTable() = default;

  const std::shared_ptr<const Schema>& schema() const { return schema_; }
  std::int64_t rows() const { return rows_; }
  const Column& column(int field) const { return columns_[static_cast<std::size_t>(field)]; }

  // The fact `field` of `row` as the row evaluator sees it: the Value ParseFactText made of the
  // cell's text, or the field's unknown value.
  Value CellValue(int field, std::int64_t row) const;
  // Sets every fact of `row` in `activation`, which must be built on schema().
  void Fill(std::int64_t row, Activation* activation) const;

 private:
  friend class ColumnTableBuilder;
  std::shared_ptr<const Schema> schema_;
  std::int64_t rows_ = 0;
  std::vector<Column> columns_;
};

// Builds a ColumnTable row by row. Several builders may fill parts of a file in parallel;
// Concat joins them in order.
class ColumnTableBuilder {
 public:
  explicit ColumnTableBuilder(std::shared_ptr<const Schema> schema);

  // Appends the cell of `field` for the current row from its text, with ParseFactText's rules
  // (an empty text is unknown) and its error (InvalidArgument "rules.fact_text") when the text
  // does not fit the field's type. At most one cell per field and row.
  absl::Status AppendText(int field, std::string_view text);
  // Appends a cell from a value, which must fit the field's type (ValueFitsType).
  absl::Status AppendValue(int field, const Value& value);
  // Ends the current row: a field that got no cell is unknown.
  void EndRow();
  // Makes room for `rows` rows in all (an estimate: fewer or more may come).
  void Reserve(std::int64_t rows);

  std::int64_t rows() const { return rows_; }

  // The table of every row of `parts`, in order. The parts must share one schema. The first
  // part's arrays become the table's (reserve them for the whole table to avoid a copy).
  static ColumnTable Concat(std::vector<ColumnTableBuilder> parts);

 private:
  void AppendUnknown(int field);
  void AppendDecimal(int field, std::int64_t coefficient, int scale);
  void AppendString(int field, std::string_view text);
  void DropDictionary(int field);

  std::shared_ptr<const Schema> schema_;
  std::int64_t rows_ = 0;
  std::int64_t rows_reserved_ = 0;
  std::vector<Column> columns_;
  // Per string column, text → code while it is dictionary coded.
  std::vector<absl::flat_hash_map<std::string, std::int32_t>> dict_index_;
  // Per decimal column, whether any known cell has been appended (the first sets the scale).
  std::vector<bool> scale_set_;
};

}  // namespace zhida::rules
