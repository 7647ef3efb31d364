// Internals shared by the row evaluator (eval.cc), the built-in functions (functions.cc) and the
// planner's constant folding (program.cc). Not part of the public API.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "rules/eval.h"
#include "rules/program.h"
#include "rules/value.h"

namespace zhida::rules::internal {

// An error value for a run-time rule error.
Value Err(std::string code, std::string message_zh, std::string message_en);
// An error value from a core::Decimal (or other) status.
Value ErrFromStatus(const absl::Status& status);
// "no such overload": an operation applied to kinds it does not take (unchecked rules only).
Value NoOverload(const char* op, const Value& a);
Value NoOverload(const char* op, const Value& a, const Value& b);

// When one of `args` is unknown or an error, sets *out to the merged unknown (unknown wins, as in
// CEL) or the first error and returns true.
bool PropagateSpecial(const Value* args, std::size_t n, Value* out);

// Arithmetic + - * / % on two data values (no unknown/error).
Value Arith(BinaryOp op, const Value& a, const Value& b);
// Comparison == != < <= > >= on two values.
Value Compare(BinaryOp op, const Value& a, const Value& b);
// Built-in `step.builtin` on data values `args` (no unknown/error among them).
Value CallBuiltin(const Step& step, const std::vector<Value>& args);

// The value of a strict step — one whose operands are all evaluated before it — from its operand
// values. The row evaluator and the batch evaluator's per-row path (batch_scalar.cc) both go
// through these, so that the two agree by construction on everything but the typed kernels.
// ApplyUnary: kSelect, kHasKey, kNot, kNeg. ApplyBinary: kIndex, kArith, kCompare, kIn.
// ApplyNary: kCall, kList, kMap.
Value ApplyUnary(const Step& step, const Value& v);
Value ApplyBinary(const Step& step, const Value& a, const Value& b);
Value ApplyNary(const Step& step, const std::vector<Value>& args);
// `x in coll` and `coll[index]` on data values.
Value InCollection(const Step& step, const Value& x, const Value& coll);
Value IndexOf(const Value& coll, const Value& index);
// The value of parameter `slot` in force on `as_of`, or the error "eval.parameter_not_in_force".
Value ParamValue(const Schema& schema, int slot, core::Date as_of);
// ComputeAward after evaluation: `v` capped at `cap` and rounded half-up to 0.01, or the
// unknown/error that prevents it, or "eval.award_type" when `v` is not a number.
Value FinishAward(const Value& v, const std::optional<core::Decimal>& cap);

// Evaluates steps recursively. `activation` may be null when the subtree reads no fact,
// parameter or as_of (constant folding).
class RowEvaluator {
 public:
  RowEvaluator(const std::vector<Step>& steps, const Schema* schema, const Activation* activation,
               int loop_slots)
      : steps_(steps),
        schema_(schema),
        activation_(activation),
        loop_(static_cast<std::size_t>(loop_slots)) {}

  Value Eval(std::int32_t index);
  // The value of `&&` (is_and) or `||` over already evaluated operands.
  static Value Fold(bool is_and, const std::vector<Value>& values);

 private:
  Value Logic(const Step& step);
  Value Comprehension(const Step& step);

  const std::vector<Step>& steps_;
  const Schema* schema_;
  const Activation* activation_;
  std::vector<Value> loop_;
  std::int64_t iterations_ = 0;
};

}  // namespace zhida::rules::internal
