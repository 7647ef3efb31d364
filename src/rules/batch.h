// The batch evaluator: one compiled Program over many enterprises at once, column by column —
// DuckDB's vectorized executor in miniature (STYLE.md). It gives, for every row, exactly the
// value EvalRow (eval.h) gives — same kind, same value and scale, same unknown fields, same
// error — which a differential test checks on random rules and rows (batch_test.cc).
//
// How: the program's steps are walked from the root over a batch of up to kBatchRows rows of a
// ColumnTable (columns.h). Every step yields a typed vector (int64 values, decimal coefficients
// with their scale, bytes for bools, dictionary codes for strings) with a state per row (data,
// unknown with the missing facts as a bit mask, error). `&&`, `||` and `?:` pass selection
// vectors down, so a later condition only touches the rows still undecided. A subtree that
// reads a single dictionary-coded string or bool column (`region in [...]`,
// `industry.startsWith("C")`, `!dishonest`) is computed once per distinct value by the row
// evaluator and becomes a table lookup by code. Decimal arithmetic is exact: coefficients are
// aligned and multiplied in 128 bits and any overflow of the 64-bit fast path takes the row
// evaluator's own operation for that row; years_between / days_between of date columns are
// computed as ints. Steps without a typed kernel (string functions on
// plain text, `in` over numbers, indexing, ...) are done per row through the row evaluator's
// operations; a comprehension, or a value the typed path cannot hold, sends its rows to EvalRow.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "core/date.h"
#include "core/decimal.h"
#include "rules/columns.h"
#include "rules/eval.h"
#include "rules/program.h"
#include "rules/value.h"

namespace zhida::rules {

namespace batch_internal {
struct StepPlan;
}  // namespace batch_internal

// A program prepared for one table and as-of date: how each step is taken, the lookup tables
// of its dictionary-coded subtrees, parameter values. Immutable; share it between threads.
class BatchProgram {
 public:
  // `table` must outlive the result and be built on the program's schema or one with the
  // same fields (Schema::SameFields).
  static std::shared_ptr<const BatchProgram> Prepare(std::shared_ptr<const Program> program,
                                                     const ColumnTable* table, core::Date as_of);
  ~BatchProgram();

  const Program& program() const { return *program_; }
  const ColumnTable& table() const { return *table_; }
  core::Date as_of() const { return as_of_; }
  // True when every row is evaluated by EvalRow (the program reads more than kBatchFieldsMax
  // facts).
  bool rows_only() const { return rows_only_; }
  // Unknown masks: bit i stands for the schema field field_of_bit(i); bit_of_field is -1 for a
  // field the program does not read.
  int field_of_bit(int bit) const { return program_->fields_used()[static_cast<std::size_t>(bit)]; }
  int bit_of_field(int field) const { return bit_of_field_[static_cast<std::size_t>(field)]; }
  // The bits in the order of their fields' codes (an unknown value lists its fields so).
  const std::vector<int>& bits_by_code() const { return bits_by_code_; }
  const batch_internal::StepPlan& plan(std::int32_t step) const;

 private:
  BatchProgram() = default;
  void PlanSteps();
  void PlanLookups(std::int32_t step, const std::vector<std::int32_t>& subtree_start);

  std::shared_ptr<const Program> program_;
  const ColumnTable* table_ = nullptr;
  core::Date as_of_;
  bool rows_only_ = false;
  std::vector<int> bit_of_field_;
  std::vector<int> bits_by_code_;
  std::vector<batch_internal::StepPlan> plans_;
};

// Per-thread scratch memory of the batch evaluator (a few MB, kept between calls). Not
// thread-safe: one per thread.
class BatchScratch {
 public:
  BatchScratch();
  ~BatchScratch();
  BatchScratch(const BatchScratch&) = delete;
  BatchScratch& operator=(const BatchScratch&) = delete;

  struct State;
  State& state() { return *state_; }

 private:
  std::unique_ptr<State> state_;
};

// How one row came out, cheaply (without building a Value).
enum class RowKind : std::uint8_t { kTrue, kFalse, kUnknown, kError, kOther };

// The values of one EvalBatch call: a view into the scratch, valid until its next use (by
// EvalBatch or ComputeAwardBatch). Rows are offsets within the batch (0 … count-1); only the
// selected rows have values.
class BatchResult {
 public:
  BatchResult(const BatchProgram& program, const BatchScratch::State* scratch)
      : program_(&program), scratch_(scratch) {}

  // The row's value exactly as EvalRow gives it.
  Value Get(int r) const;
  // kTrue / kFalse for a bool, kUnknown / kError for those, kOther for any other value.
  RowKind Kind(int r) const;
  // For a kUnknown row: the missing facts as a mask (bits: BatchProgram::field_of_bit).
  std::uint64_t UnknownMask(int r) const;
  // For a kError row: the error.
  const ErrorInfo& Error(int r) const;
  // True when every evaluated row is true or false (no unknown, error or other value): then
  // SelectTrue alone says everything.
  bool AllBool() const;
  // Writes the evaluated rows whose value is true to out[0 …] (ascending); returns how many.
  int SelectTrue(std::uint16_t* out) const;

 private:
  const BatchProgram* program_;
  const BatchScratch::State* scratch_;
};

// Evaluates `program` over rows [begin, begin + count) of its table (count <= kBatchRows), for
// the rows listed in `selection` (ascending offsets within the batch; all rows when null).
BatchResult EvalBatch(const BatchProgram& program, std::int64_t begin, int count,
                      const std::uint16_t* selection, int selected, BatchScratch* scratch);

// ComputeAward (eval.h) for many rows: the award formula evaluated, capped at `cap` when given,
// then rounded half-up to 0.01 once at the end. A view into the scratch, like BatchResult.
class AwardBatch {
 public:
  explicit AwardBatch(const BatchScratch::State* scratch) : scratch_(scratch) {}
  // True when row r's award is a number whose value in fen fits 64 bits (then in *fen).
  bool Fen(int r, std::int64_t* fen) const;
  // The row's award exactly as ComputeAward gives it (a decimal with two places, or the
  // unknown or error that prevented it).
  Value Get(int r) const;

 private:
  const BatchScratch::State* scratch_;
};

AwardBatch ComputeAwardBatch(const BatchProgram& program, const std::optional<core::Decimal>& cap,
                             std::int64_t begin, int count, const std::uint16_t* selection,
                             int selected, BatchScratch* scratch);

// For the differential test's negative control only: when set, the compare kernel answers `>`
// for `>=` on numbers (an off-by-one every harness must catch). Not thread-safe.
void SetBatchFaultForTest(bool compare_ge_off_by_one);
// For the differential test: when set, the operands of every `&&` and `||` are evaluated in a
// random order (the result must not change). Not thread-safe.
void SetBatchShuffleForTest(bool shuffle);

}  // namespace zhida::rules
