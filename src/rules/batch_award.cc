// The award over a batch (ComputeAward, eval.h): the formula's value capped, then rounded half-up
// to 0.01 once at the end. A number held as a 64-bit coefficient is capped and rounded here in
// integers; every other row (unknown, error, a value of another kind, a wider number) goes
// through the row evaluator's own FinishAward, so the two cannot differ.
#include <limits>

#include "rules/batch.h"
#include "rules/batch_internal.h"
#include "rules/eval_internal.h"

namespace zhida::rules {
namespace {

using batch_internal::Vec;

// coefficient × 10^-scale rounded half-up (ties away from zero) to fen; false on overflow.
bool RoundToFen(std::int64_t coefficient, int scale, std::int64_t* fen) {
  if (scale <= 2) {
    std::int64_t factor = scale == 2 ? 1 : (scale == 1 ? 10 : 100);
    return !__builtin_mul_overflow(coefficient, factor, fen);
  }
  std::int64_t divisor = 1;
  for (int i = 2; i < scale; ++i) divisor *= 10;  // scale <= 18: fits
  std::int64_t q = coefficient / divisor;
  const std::int64_t rem = coefficient % divisor;
  const std::uint64_t twice = 2 * static_cast<std::uint64_t>(rem < 0 ? -rem : rem);
  if (twice >= static_cast<std::uint64_t>(divisor)) q += coefficient < 0 ? -1 : 1;
  *fen = q;
  return true;
}

__int128 Aligned(std::int64_t coefficient, int scale, int to_scale) {
  __int128 x = coefficient;
  for (int i = scale; i < to_scale; ++i) x *= 10;
  return x;
}

}  // namespace

bool AwardBatch::Fen(int r, std::int64_t* fen) const {
  if (!scratch_->award_is_fen[r]) return false;
  *fen = scratch_->award_fen[r];
  return true;
}

Value AwardBatch::Get(int r) const {
  if (scratch_->award_is_fen[r]) return Value::Dec(core::Decimal::FromFen(scratch_->award_fen[r]));
  return scratch_->award_values[static_cast<std::size_t>(r)];
}

AwardBatch ComputeAwardBatch(const BatchProgram& program, const std::optional<core::Decimal>& cap,
                             std::int64_t begin, int count, const std::uint16_t* selection,
                             int selected, BatchScratch* scratch) {
  BatchResult result = EvalBatch(program, begin, count, selection, selected, scratch);
  BatchScratch::State& s = scratch->state();
  const Vec& v = s.root;
  const bool has_cap = cap.has_value();
  const bool cap_fits = has_cap && cap->coefficient() >= std::numeric_limits<std::int64_t>::min() &&
                        cap->coefficient() <= std::numeric_limits<std::int64_t>::max();
  const std::int64_t cap_coefficient = cap_fits ? static_cast<std::int64_t>(cap->coefficient()) : 0;
  const int cap_scale = cap_fits ? cap->scale() : 0;
  const int n = selection != nullptr ? selected : count;
  for (int k = 0; k < n; ++k) {
    const int r = selection != nullptr ? selection[k] : k;
    s.award_is_fen[r] = 0;
    if (!s.FellBack(r) && v.StateAt(r) == batch_internal::kData && v.IsNumeric() &&
        (!has_cap || cap_fits)) {
      std::int64_t x = v.i64[v.At(r)];
      int scale = v.ScaleAt(r);
      if (scale == batch_internal::kIntScale) scale = 0;
      if (has_cap) {
        const int common = std::max(scale, cap_scale);
        if (Aligned(x, scale, common) > Aligned(cap_coefficient, cap_scale, common)) {
          x = cap_coefficient;
          scale = cap_scale;
        }
      }
      if (RoundToFen(x, scale, &s.award_fen[r])) {
        s.award_is_fen[r] = 1;
        continue;
      }
    }
    s.award_values[static_cast<std::size_t>(r)] = internal::FinishAward(result.Get(r), cap);
  }
  return AwardBatch(&s);
}

}  // namespace zhida::rules
