// The batch evaluator's bridge to values: boxing a row of a vector into a Value, storing a Value
// into a vector, the special-row rule of strict operations, and the per-row path — a step
// without a typed kernel evaluated for each row through the row evaluator's own operations
// (eval_internal.h), so that it cannot disagree with EvalRow.
#include <limits>

#include "rules/batch_internal.h"
#include "rules/eval_internal.h"

namespace zhida::rules::batch_internal {
namespace {

bool FitsInt64(__int128 x) {
  return x >= std::numeric_limits<std::int64_t>::min() &&
         x <= std::numeric_limits<std::int64_t>::max();
}

// Rewrites a boxed vector as a typed one when every data row has the step's static type, so
// that the typed kernels above it can run (years_between(...) >= 3 compares ints).
void Narrow(Ctx& c, TypeKind type, Sel sel, Vec* out) {
  auto data_rows_are = [&](auto pred) {
    for (int k = 0; k < sel.n; ++k) {
      const int r = sel.rows[k];
      if (out->StateAt(r) == kData && !pred(out->boxed[r])) return false;
    }
    return true;
  };
  switch (type) {
    case TypeKind::kBool: {
      if (!data_rows_are([](const Value& v) { return v.is_bool(); })) return;
      auto* u8 = c.s.arena.Alloc<std::uint8_t>();
      for (int k = 0; k < sel.n; ++k) {
        const int r = sel.rows[k];
        if (out->StateAt(r) == kData) u8[r] = out->boxed[r].bool_value();
      }
      out->kind = VecKind::kBool;
      out->u8 = u8;
      return;
    }
    case TypeKind::kInt:
    case TypeKind::kDecimal: {
      if (!data_rows_are([](const Value& v) {
            return v.is_int() || (v.is_decimal() && FitsInt64(v.decimal_value().coefficient()));
          })) {
        return;
      }
      auto* i64 = c.s.arena.Alloc<std::int64_t>();
      auto* scales = c.s.arena.Alloc<std::uint8_t>();
      for (int k = 0; k < sel.n; ++k) {
        const int r = sel.rows[k];
        if (out->StateAt(r) != kData) continue;
        const Value& v = out->boxed[r];
        i64[r] =
            v.is_int() ? v.int_value() : static_cast<std::int64_t>(v.decimal_value().coefficient());
        scales[r] = v.is_int() ? kIntScale : static_cast<std::uint8_t>(v.decimal_value().scale());
      }
      out->kind = VecKind::kNum;
      out->i64 = i64;
      out->scales = scales;
      return;
    }
    case TypeKind::kDate: {
      if (!data_rows_are([](const Value& v) { return v.is_date(); })) return;
      auto* i32 = c.s.arena.Alloc<std::int32_t>();
      for (int k = 0; k < sel.n; ++k) {
        const int r = sel.rows[k];
        if (out->StateAt(r) == kData) i32[r] = out->boxed[r].date_value().days();
      }
      out->kind = VecKind::kDate;
      out->i32 = i32;
      return;
    }
    default:
      return;
  }
}

}  // namespace

Value UnknownFromMask(const BatchProgram& program, std::uint64_t mask) {
  UnknownSet set;
  for (int bit : program.bits_by_code()) {
    if ((mask >> bit) & 1) {
      set.fields.push_back(program.program()
                               .schema()
                               .fields()[static_cast<std::size_t>(program.field_of_bit(bit))]
                               .code);
    }
  }
  return Value::Unknown(std::move(set));
}

bool MaskFromUnknown(const BatchProgram& program, const Value& unknown, std::uint64_t* mask) {
  *mask = 0;
  for (const std::string& code : unknown.unknown_value().fields) {
    const int field = program.program().schema().FieldIndex(code);
    const int bit = field < 0 ? -1 : program.bit_of_field(field);
    if (bit < 0) return false;
    *mask |= std::uint64_t{1} << bit;
  }
  return true;
}

std::uint64_t AddError(Ctx& c, Value error) {
  c.s.errors.push_back(std::move(error));
  return c.s.errors.size() - 1;
}

Value Box(const BatchProgram& program, const BatchScratch::State& s, const Vec& v, int r) {
  switch (v.StateAt(r)) {
    case kUnknown:
      return UnknownFromMask(program, v.AuxAt(r));
    case kError:
      return s.errors[static_cast<std::size_t>(v.AuxAt(r))];
    case kFallback:
      ZCHECK(false);  // the caller sends fallback rows to EvalRow instead
      break;
    default:
      break;
  }
  const int i = v.At(r);
  switch (v.kind) {
    case VecKind::kNull:
      return Value();
    case VecKind::kBool:
      return Value::Bool(v.u8[i] != 0);
    case VecKind::kInt:
      return Value::Int(v.i64[i]);
    case VecKind::kNum: {
      const int scale = v.ScaleAt(r);
      if (scale == kIntScale) return Value::Int(v.i64[i]);
      return Value::Dec(*core::Decimal::FromParts(v.i64[i], scale));
    }
    case VecKind::kString:
      if (v.dict != nullptr) return Value::String(v.dict[v.i32[i]]);
      return Value::String(std::string(v.str[i]));
    case VecKind::kDate:
      return Value::Date(core::Date::FromDays(v.i32[i]));
    case VecKind::kBoxed:
      return v.boxed[i];
  }
  return Value();
}

Vec ConstVec(Ctx& c, const Value& value) {
  Vec v;
  v.constant = true;
  Arena& arena = c.s.arena;
  switch (value.kind()) {
    case ValueKind::kNull:
      return v;
    case ValueKind::kBool: {
      auto* u8 = arena.AllocOne<std::uint8_t>();
      *u8 = value.bool_value();
      v.kind = VecKind::kBool;
      v.u8 = u8;
      return v;
    }
    case ValueKind::kInt: {
      auto* i64 = arena.AllocOne<std::int64_t>();
      *i64 = value.int_value();
      v.kind = VecKind::kInt;
      v.i64 = i64;
      return v;
    }
    case ValueKind::kDecimal:
      if (FitsInt64(value.decimal_value().coefficient())) {
        auto* i64 = arena.AllocOne<std::int64_t>();
        *i64 = static_cast<std::int64_t>(value.decimal_value().coefficient());
        v.kind = VecKind::kNum;
        v.i64 = i64;
        v.scale = value.decimal_value().scale();
        return v;
      }
      break;
    case ValueKind::kDate: {
      auto* i32 = arena.AllocOne<std::int32_t>();
      *i32 = value.date_value().days();
      v.kind = VecKind::kDate;
      v.i32 = i32;
      return v;
    }
    case ValueKind::kUnknown:
    case ValueKind::kError: {
      auto* state = arena.AllocOne<std::uint8_t>();
      auto* aux = arena.AllocOne<std::uint64_t>();
      if (value.is_error()) {
        *state = kError;
        *aux = AddError(c, value);
      } else {
        *state = MaskFromUnknown(c.program, value, aux) ? kUnknown : kFallback;
      }
      v.state = state;
      v.aux = aux;
      return v;
    }
    default:
      break;
  }
  // Strings, lists, maps, wide decimals: held as the value itself.
  Value* boxed = arena.AllocValues();
  boxed[0] = value;
  v.kind = VecKind::kBoxed;
  v.boxed = boxed;
  return v;
}

void StoreValue(Ctx& c, const Value& value, int r, MutVec* out) {
  if (value.is_unknown()) {
    out->state[r] = MaskFromUnknown(c.program, value, &out->aux[r]) ? kUnknown : kFallback;
    return;
  }
  if (value.is_error()) {
    out->state[r] = kError;
    out->aux[r] = AddError(c, value);
    return;
  }
  out->state[r] = kData;
  switch (out->v->kind) {
    case VecKind::kBool:
      if (!value.is_bool()) break;
      out->u8[r] = value.bool_value();
      return;
    case VecKind::kInt:
      if (!value.is_int()) break;
      out->i64[r] = value.int_value();
      return;
    case VecKind::kNum:
      if (value.is_int() && out->scales != nullptr) {
        out->i64[r] = value.int_value();
        out->scales[r] = kIntScale;
        return;
      }
      if (!value.is_decimal() || !FitsInt64(value.decimal_value().coefficient())) break;
      if (out->scales != nullptr) {
        out->scales[r] = static_cast<std::uint8_t>(value.decimal_value().scale());
      } else if (value.decimal_value().scale() != out->v->scale) {
        break;
      }
      out->i64[r] = static_cast<std::int64_t>(value.decimal_value().coefficient());
      return;
    case VecKind::kDate:
      if (!value.is_date()) break;
      out->i32[r] = value.date_value().days();
      return;
    default:
      break;
  }
  out->state[r] = kFallback;  // not a value this vector can hold: EvalRow decides the row
}

std::uint8_t* CombineSpecials(Ctx& c, const Vec* const* args, int n, Sel sel, std::uint64_t** aux) {
  bool any = false;
  for (int i = 0; i < n; ++i) any = any || args[i]->state != nullptr;
  if (!any) return nullptr;
  auto* state = c.s.arena.Alloc<std::uint8_t>();
  auto* out_aux = c.s.arena.Alloc<std::uint64_t>();
  for (int k = 0; k < sel.n; ++k) {
    const int r = sel.rows[k];
    bool fallback = false, unknown = false, error = false;
    std::uint64_t mask = 0, error_index = 0;
    for (int i = 0; i < n; ++i) {
      const std::uint8_t s = args[i]->StateAt(r);
      if (s == kFallback) {
        fallback = true;
      } else if (s == kUnknown) {
        unknown = true;
        mask |= args[i]->AuxAt(r);
      } else if (s == kError && !error) {
        error = true;
        error_index = args[i]->AuxAt(r);
      }
    }
    state[r] = fallback ? kFallback : (unknown ? kUnknown : (error ? kError : kData));
    out_aux[r] = unknown ? mask : error_index;
  }
  *aux = out_aux;
  return state;
}

void EvalPerRow(Ctx& c, const Step& step, const std::vector<Vec>& args, Sel sel, Vec* out) {
  Value* values = c.s.arena.AllocValues();
  auto* state = c.s.arena.Alloc<std::uint8_t>();
  auto* aux = c.s.arena.Alloc<std::uint64_t>();
  bool any_special = false;
  std::vector<Value> boxed(args.size());
  for (int k = 0; k < sel.n; ++k) {
    const int r = sel.rows[k];
    state[r] = kData;
    bool fallback = false;
    for (const Vec& a : args) fallback = fallback || a.StateAt(r) == kFallback;
    if (fallback) {
      state[r] = kFallback;
      any_special = true;
      continue;
    }
    for (std::size_t i = 0; i < args.size(); ++i) boxed[i] = Box(c, args[i], r);
    Value v;
    switch (step.op) {
      case OpCode::kSelect:
      case OpCode::kHasKey:
      case OpCode::kNot:
      case OpCode::kNeg:
        v = internal::ApplyUnary(step, boxed[0]);
        break;
      case OpCode::kIndex:
      case OpCode::kArith:
      case OpCode::kCompare:
      case OpCode::kIn:
        v = internal::ApplyBinary(step, boxed[0], boxed[1]);
        break;
      default:
        v = internal::ApplyNary(step, boxed);
        break;
    }
    if (v.is_unknown()) {
      state[r] = MaskFromUnknown(c.program, v, &aux[r]) ? kUnknown : kFallback;
      any_special = true;
    } else if (v.is_error()) {
      state[r] = kError;
      aux[r] = AddError(c, std::move(v));
      any_special = true;
    } else {
      values[r] = std::move(v);
    }
  }
  out->kind = VecKind::kBoxed;
  out->boxed = values;
  if (any_special) {
    out->state = state;
    out->aux = aux;
  }
  Narrow(c, step.type, sel, out);
}

}  // namespace zhida::rules::batch_internal
