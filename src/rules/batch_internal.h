// Internals of the batch evaluator (batch.h), shared by its files: the vector every step
// produces, selections, the per-thread arena, and the kernels' entry points. Not public API.
//
// A vector holds one step's values for the rows of a batch, indexed by the row's offset in the
// batch (0 … kBatchRows-1); only the rows of the selection it was computed for are meaningful.
// Each row has a state: data, unknown (with a mask of the missing facts: bit i is the program's
// i-th field, BatchProgram::field_of_bit), error (an index into the scratch's error table), or
// fallback — a value the typed path cannot hold (a decimal wider than 64 bits, a
// comprehension), for which the whole row is evaluated again by EvalRow. Fallback is always
// safe: it only costs time.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/node_hash_map.h"
#include "rules/batch.h"
#include "rules/eval.h"
#include "rules/limits.h"
#include "rules/program.h"
#include "rules/value.h"

namespace zhida::rules::batch_internal {

enum RowState : std::uint8_t { kData = 0, kUnknown = 1, kError = 2, kFallback = 3 };

enum class VecKind : std::uint8_t {
  kNull,
  kBool,    // u8: 0 / 1
  kInt,     // i64
  kNum,     // int or decimal: i64 coefficient at `scale`, or at scales[r] (kIntScale: an int)
  kString,  // i32 codes into `dict`, or `str` views
  kDate,    // i32 days since 1970-01-01
  kBoxed,   // boxed[r]: any value (lists, maps, what the per-row path produced)
};

// In Vec::scales: the row holds an int, not a decimal (they differ: 7 / 2 is 3 for ints).
inline constexpr std::uint8_t kIntScale = 0xFF;

struct Vec {
  VecKind kind = VecKind::kNull;
  bool constant = false;                // every row reads index 0 of every array
  const std::uint8_t* state = nullptr;  // nullptr: every row is data
  const std::uint64_t* aux = nullptr;   // unknown mask or error index; nullptr: field_mask
  std::uint64_t field_mask = 0;         // a field's own bit, for its unknown cells
  const std::int64_t* i64 = nullptr;
  const std::uint8_t* scales = nullptr;
  int scale = 0;
  const std::uint8_t* u8 = nullptr;
  const std::int32_t* i32 = nullptr;
  const std::string* dict = nullptr;
  const std::string_view* str = nullptr;
  const Value* boxed = nullptr;
  // kBool from `&&` with no special row: the rows that are true (the rest are false), so that
  // a caller selecting them need not scan.
  const std::uint16_t* true_rows = nullptr;
  int true_count = 0;

  // Back to an empty vector, field by field: assigning Vec() compiles to `rep stos`, whose
  // start-up cost showed in profiles (a vector is reset for every step of every batch).
  void Clear() {
    kind = VecKind::kNull;
    constant = false;
    state = nullptr;
    aux = nullptr;
    field_mask = 0;
    i64 = nullptr;
    scales = nullptr;
    scale = 0;
    u8 = nullptr;
    i32 = nullptr;
    dict = nullptr;
    str = nullptr;
    boxed = nullptr;
    true_rows = nullptr;
    true_count = 0;
  }

  int At(int r) const { return constant ? 0 : r; }
  std::uint8_t StateAt(int r) const {
    return state == nullptr ? std::uint8_t{kData} : state[At(r)];
  }
  std::uint64_t AuxAt(int r) const { return aux == nullptr ? field_mask : aux[At(r)]; }
  // kNum: the row's scale (kIntScale for an int); kInt: kIntScale.
  int ScaleAt(int r) const {
    if (kind == VecKind::kInt) return kIntScale;
    return scales == nullptr ? scale : scales[At(r)];
  }
  bool IsNumeric() const { return kind == VecKind::kInt || kind == VecKind::kNum; }
};

// Row offsets within the batch, ascending, in 16 bits.
static_assert(kBatchRows <= 65536, "selection vectors hold row offsets in 16 bits");
struct Sel {
  const std::uint16_t* rows = nullptr;
  int n = 0;
};

// Scratch memory for one EvalBatch call: arrays of kBatchRows elements, handed out in order and
// all taken back at once. Blocks are kept between calls, so a warm scratch never allocates.
class Arena {
 public:
  template <typename T>
  T* Alloc() {
    static_assert(sizeof(T) <= kElementBytesMax);
    if (used_ == blocks_.size()) {
      blocks_.push_back(std::make_unique<std::byte[]>(kBatchRows * kElementBytesMax));
    }
    return reinterpret_cast<T*>(blocks_[used_++].get());
  }
  // One element (a constant's), from a block shared by many.
  template <typename T>
  T* AllocOne() {
    static_assert(sizeof(T) <= kElementBytesMax);
    if (small_used_ == kBatchRows) {
      small_ = Alloc<std::byte>();
      small_used_ = 0;
    }
    return reinterpret_cast<T*>(small_ + kElementBytesMax * small_used_++);
  }
  // kBatchRows Values, default-constructed once and then reused (overwritten).
  Value* AllocValues() {
    if (values_used_ == values_.size()) {
      values_.push_back(std::make_unique<Value[]>(kBatchRows));
    }
    return values_[values_used_++].get();
  }
  void Reset() {
    used_ = 0;
    values_used_ = 0;
    small_used_ = kBatchRows;
  }

 private:
  static constexpr std::size_t kElementBytesMax = 16;
  std::vector<std::unique_ptr<std::byte[]>> blocks_;
  std::size_t used_ = 0;
  std::byte* small_ = nullptr;
  int small_used_ = kBatchRows;
  std::vector<std::unique_ptr<Value[]>> values_;
  std::size_t values_used_ = 0;
};

// How the evaluator takes a step (decided once per program and table, BatchProgram::Prepare).
enum class StepMode : std::uint8_t {
  kNative,  // a typed kernel, or the per-row path for ops without one
  kLookup,  // the step depends on one dictionary-coded (or bool) column only: a table by code
  kRows,    // not done by batch at all (a comprehension): its rows fall back to EvalRow
};

// A step that depends on one column with few distinct values: its value for each of them (by
// dictionary code, or 0 / 1 for a bool), computed once by the row evaluator; the last entry is
// its value when the cell is unknown.
struct Lookup {
  int field = -1;
  std::vector<std::uint8_t> value;  // bool results
  std::vector<std::uint8_t> state;  // per entry: kData, kUnknown or kError
  std::vector<Value> special;       // the unknown or error value, for entries that have one
  bool any_special = false;         // among the entries of known cells (all but the last)
};

struct StepPlan {
  StepMode mode = StepMode::kNative;
  std::unique_ptr<Lookup> lookup;
  // kParam / kAsOf: the value on the as-of date.
  Value constant;
  // kAnd / kOr: the operands' positions in args, and each one's estimated cost per row (the
  // steps it takes; a lookup is one), from which the evaluation order is chosen.
  std::vector<int> order;
  std::vector<double> cost;
};

// The order in which one thread evaluates the operands of one `&&` / `||`, adapted to what it
// has seen (see batch_logic.cc): cheap operands that decide many rows first.
struct OperandOrder {
  std::vector<int> order;
  std::vector<double> rows_in, rows_decided;
  int calls = 0;
};

}  // namespace zhida::rules::batch_internal

namespace zhida::rules {

// The per-thread state of batch evaluation (batch.h); see batch_internal.h.
struct BatchScratch::State {
  batch_internal::Arena arena;
  std::vector<Value> errors;             // error values of this batch, by index
  std::optional<Activation> activation;  // for rows that fall back to EvalRow
  // By the plan of the `&&` / `||` step. Nodes, so that a nested step's entry does not move
  // its parent's while the parent evaluates.
  absl::node_hash_map<const batch_internal::StepPlan*, batch_internal::OperandOrder> orders;
  std::uint64_t shuffle_state = 0;     // SetBatchShuffleForTest
  std::uint16_t identity[kBatchRows];  // 0, 1, 2, …: the selection of every row

  // The last EvalBatch: the root's vector, and per row whether its value was computed by
  // EvalRow instead (then in fallback_values).
  batch_internal::Vec root;
  batch_internal::Sel rows;  // the rows evaluated
  bool any_fallback = false;
  std::uint8_t fallback[kBatchRows];
  std::vector<Value> fallback_values = std::vector<Value>(kBatchRows);
  bool FellBack(int r) const { return any_fallback && fallback[r]; }

  // The last ComputeAwardBatch: per row, the award in fen, or its value.
  std::uint8_t award_is_fen[kBatchRows];
  std::int64_t award_fen[kBatchRows];
  std::vector<Value> award_values = std::vector<Value>(kBatchRows);
};

}  // namespace zhida::rules

namespace zhida::rules::batch_internal {

// One EvalBatch call: the program, the batch, the scratch.
struct Ctx {
  const BatchProgram& program;
  BatchScratch::State& s;
  std::int64_t begin;  // table row of the batch's row 0
  int count;
};

// Evaluates step `index` for the rows of `sel` into *out (batch.cc).
void Eval(Ctx& c, std::int32_t index, Sel sel, Vec* out);

// batch_scalar.cc: boxing, and the per-row path shared by every step without a typed kernel.
// The value at row r of `v`, which must not be a fallback row.
Value Box(const BatchProgram& program, const BatchScratch::State& s, const Vec& v, int r);
inline Value Box(const Ctx& c, const Vec& v, int r) { return Box(c.program, c.s, v, r); }
Value UnknownFromMask(const BatchProgram& program, std::uint64_t mask);
// The mask of an unknown value's fields; false when one is not a field the program reads.
bool MaskFromUnknown(const BatchProgram& program, const Value& unknown, std::uint64_t* mask);
// Adds an error value to the batch's table; returns its index (a row's aux).
std::uint64_t AddError(Ctx& c, Value error);
// A vector holding `value` for every row (a constant, a parameter, as_of).
Vec ConstVec(Ctx& c, const Value& value);
// The step evaluated row by row through the row evaluator's own operations on boxed operands.
void EvalPerRow(Ctx& c, const Step& step, const std::vector<Vec>& args, Sel sel, Vec* out);
// Writes `value` at row r of a typed vector whose arrays the caller owns (kBool, kInt, kNum with
// `scales`, kDate), or marks the row fallback when the vector cannot hold it.
struct MutVec {
  Vec* v;
  std::uint8_t* state;
  std::uint64_t* aux;
  std::int64_t* i64;
  std::uint8_t* scales;
  std::uint8_t* u8;
  std::int32_t* i32;
};
void StoreValue(Ctx& c, const Value& value, int r, MutVec* out);
// Marks every row of `sel` that is special in any of `args` (PropagateSpecial: fallback, then
// the union of unknowns, then the first error). Returns the state array (nullptr when no row
// is special), with *aux filled for the special rows.
std::uint8_t* CombineSpecials(Ctx& c, const Vec* const* args, int n, Sel sel, std::uint64_t** aux);

// batch_logic.cc
// The step as a filter: writes to out[0, *n) the rows of `sel` whose value is the bool `want`
// and returns true, when no row of `sel` is special (DuckDB's Select: no bool vector in
// between). Otherwise evaluates the step into *v and returns false. `out` may be sel.rows.
bool Select(Ctx& c, std::int32_t index, Sel sel, bool want, std::uint16_t* out, int* n, Vec* v);
void EvalLogic(Ctx& c, const Step& step, const StepPlan& plan, Sel sel, Vec* out);
void EvalCond(Ctx& c, const Step& step, Sel sel, Vec* out);
void EvalNot(Ctx& c, const Step& step, Sel sel, Vec* out);
void EvalLookup(Ctx& c, const Lookup& lookup, Sel sel, Vec* out);

// batch_compare.cc
void EvalCompare(Ctx& c, const Step& step, Sel sel, Vec* out);
bool SelectCompare(Ctx& c, const Step& step, Sel sel, bool want, std::uint16_t* out, int* n,
                   Vec* v);

// batch_arith.cc
void EvalArith(Ctx& c, const Step& step, Sel sel, Vec* out);
void EvalNeg(Ctx& c, const Step& step, Sel sel, Vec* out);
void EvalMinMax(Ctx& c, const Step& step, Sel sel, Vec* out);
// years_between / days_between of two date vectors (ints, as functions.cc computes them).
void EvalDateDiff(Ctx& c, const Step& step, Sel sel, Vec* out);

// Test-only switches (batch.h): the compare kernel's `>=` answers `>`; `&&` / `||` operands are
// evaluated in a random order.
extern bool g_fault_compare_ge;
extern bool g_shuffle_operands;

}  // namespace zhida::rules::batch_internal
