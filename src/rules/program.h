// The planner's output: an immutable, thread-safe compiled rule, shared by every evaluator as
// std::shared_ptr<const Program> (cel-cpp: "a program is a flat list of steps").
//
// Steps are stored in post-order: every step's operands come before it, and the steps of one
// subtree are contiguous, ending at the subtree's root; the last step is the rule's root. The row
// evaluator (eval.h) walks the steps recursively from the root, which gives `&&`, `||`, `?:` and
// the macros their short-circuit semantics. The batch evaluator (batch.h) walks the same steps
// over batches of rows (a typed vector per step, selection vectors for `&&`/`||`/`?:`), picking
// each step's kernel by the kinds its operands actually hold; comprehensions fall back to rows.
//
// The planner folds every subtree that depends on no fact, parameter or as_of into a constant
// (so `region in ["350503", "350524"]` holds one constant list, with a hash set for `in`), and
// compiles a constant `matches` pattern once.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "rules/ast.h"
#include "rules/builtins.h"
#include "rules/checker.h"
#include "rules/schema.h"
#include "rules/value.h"

namespace re2 {
class RE2;
}

namespace zhida::rules {

enum class OpCode : std::uint8_t {
  kConst,          // constant
  kField,          // fact `slot` of the activation (unknown when missing)
  kParam,          // parameter `slot`, the version in force on as_of
  kAsOf,           // the evaluation's as-of date
  kLoopVar,        // comprehension variable `slot`
  kSelect,         // args[0].name (map field), error when absent
  kHasKey,         // has(args[0].name)
  kHasFact,        // has(field `slot`): the fact is known
  kIndex,          // args[0][args[1]]
  kNot,            // !args[0]
  kNeg,            // -args[0]
  kArith,          // args[0] binary_op args[1] for + - * / %
  kCompare,        // args[0] binary_op args[1] for == != < <= > >=
  kIn,             // args[0] in args[1]
  kAnd,            // args... (n-ary, error/unknown absorbing)
  kOr,             // args... (n-ary)
  kCond,           // args[0] ? args[1] : args[2]
  kCall,           // builtin(args...)
  kList,           // [args...]
  kMap,            // {args[0]: args[1], ...}
  kComprehension,  // macro over args[0] with variable `slot`; args[1] body, args[2] transform
};

struct Step {
  OpCode op = OpCode::kConst;
  BinaryOp binary_op = BinaryOp::kAdd;
  Builtin builtin = Builtin::kSize;
  MacroKind macro = MacroKind::kAll;
  // The checker's static type of the result (kDyn in unchecked rules). kDecimal admits int
  // values at run time (an int promotes wherever a decimal is accepted): a typed kernel must
  // accept both.
  TypeKind type = TypeKind::kDyn;
  std::int32_t slot = -1;
  std::vector<std::int32_t> args;  // indices of operand steps
  Value constant;                  // kConst
  std::string name;                // kSelect / kHasKey: the key
  // kIn over a constant list of strings: the strings, for O(1) membership.
  std::shared_ptr<const absl::flat_hash_set<std::string>> string_set;
  // kCall matches with a constant pattern: the compiled expression.
  std::shared_ptr<const re2::RE2> regex;
  ExprId expr = kNoExpr;  // the source node (positions, text for traces)
};

struct CompileResult;

class Program {
 public:
  // Use Compile(); the constructor is public for std::make_shared only.
  Program() = default;

  const std::vector<Step>& steps() const { return steps_; }
  std::int32_t root() const { return static_cast<std::int32_t>(steps_.size()) - 1; }
  // The top-level conditions: the operands of a root `&&`, or the root alone.
  const std::vector<std::int32_t>& conditions() const { return conditions_; }
  // Number of comprehension variable slots an evaluation needs (the deepest nesting).
  int loop_slots() const { return loop_slots_; }
  // Schema indices of the facts the rule reads (sorted, unique), for loading columns and for
  // the "needs <field>" question.
  const std::vector<int>& fields_used() const { return fields_used_; }

  const Schema& schema() const { return *schema_; }
  const std::shared_ptr<const Schema>& shared_schema() const { return schema_; }
  ResultKind kind() const { return kind_; }
  const std::string& source() const { return source_; }
  const Ast& ast() const { return ast_; }
  // The rule text of a step's subtree, reprinted ("revenue >= 50000000.00"). Precomputed for the
  // top-level conditions and their operands, so that a trace costs no printing.
  std::string StepText(std::int32_t step) const;

 private:
  friend class Planner;
  friend CompileResult Compile(std::string_view source, std::shared_ptr<const Schema> schema,
                               ResultKind kind, const CheckOptions& options);
  std::vector<Step> steps_;
  std::vector<std::int32_t> conditions_;
  std::vector<std::string> step_texts_;  // per step; empty when not precomputed
  std::vector<int> fields_used_;
  int loop_slots_ = 0;
  std::shared_ptr<const Schema> schema_;
  ResultKind kind_ = ResultKind::kAny;
  std::string source_;
  Ast ast_;
};

struct CompileResult {
  std::shared_ptr<const Program> program;  // null when issues is not empty
  std::vector<Issue> issues;
  bool ok() const { return issues.empty(); }
};

// Checks `source` against `schema` (see Check) and, when there is no issue, plans it into a
// Program. `schema` must not be null; the program keeps it alive.
CompileResult Compile(std::string_view source, std::shared_ptr<const Schema> schema,
                      ResultKind kind, const CheckOptions& options = {});

}  // namespace zhida::rules
