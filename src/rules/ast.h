// The syntax tree of a rule, stored in an arena (one vector of nodes, children referred to by
// index) with a position on every node. Built by the parser, read by the checker, the planner and
// the pretty-printer. An Ast is a value: copyable, movable, no pointers into itself.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "rules/issue.h"

namespace zhida::rules {

using ExprId = std::int32_t;
inline constexpr ExprId kNoExpr = -1;

enum class ExprKind : std::uint8_t {
  kLiteral,        // lit_kind + value
  kIdent,          // name
  kSelect,         // args[0].name; test_only for has(args[0].name)
  kIndex,          // args[0][args[1]]
  kUnary,          // op args[0]
  kBinary,         // args[0] op args[1]
  kAnd,            // args[0] && args[1] && ... (flattened chain, two or more)
  kOr,             // args[0] || args[1] || ... (flattened chain, two or more)
  kCond,           // args[0] ? args[1] : args[2]
  kCall,           // name(args...) or, with has_target, args[0].name(args[1...])
  kList,           // [args...]
  kMap,            // {args[0]: args[1], args[2]: args[3], ...}
  kComprehension,  // macro over args[0] with variable `name`: args[1] (predicate or transform),
                   // args[2] (transform of the 3-argument map)
};

enum class LiteralKind : std::uint8_t { kNull, kBool, kInt, kDecimal, kString };

enum class UnaryOp : std::uint8_t { kNot, kNeg };

enum class BinaryOp : std::uint8_t {
  kAdd,
  kSub,
  kMul,
  kDiv,
  kMod,
  kEq,
  kNe,
  kLt,
  kLe,
  kGt,
  kGe,
  kIn,
};

enum class MacroKind : std::uint8_t { kAll, kExists, kExistsOne, kMap, kFilter };

// The source spelling of an operator or macro ("+", "in", "exists_one").
const char* UnaryOpText(UnaryOp op);
const char* BinaryOpText(BinaryOp op);
const char* MacroText(MacroKind macro);

// One node. Fields not used by a kind keep their defaults.
struct Expr {
  ExprKind kind = ExprKind::kLiteral;
  Position pos;
  LiteralKind lit_kind = LiteralKind::kNull;
  bool bool_value = false;
  bool test_only = false;   // kSelect inside has()
  bool has_target = false;  // kCall written as a method: target.name(...)
  UnaryOp unary_op = UnaryOp::kNot;
  BinaryOp binary_op = BinaryOp::kAdd;
  MacroKind macro = MacroKind::kAll;
  std::int64_t int_value = 0;
  // kIdent / kSelect / kCall: the name; kComprehension: the iteration variable;
  // kLiteral kString: the (unescaped, UTF-8) value; kLiteral kDecimal: plain decimal text
  // without exponent ("0.001", "-12.5").
  std::string text;
  std::vector<ExprId> args;
};

// A parsed rule: the arena and its root.
class Ast {
 public:
  // Appends a node and returns its id.
  ExprId Add(Expr expr) {
    nodes_.push_back(std::move(expr));
    return static_cast<ExprId>(nodes_.size() - 1);
  }
  const Expr& node(ExprId id) const { return nodes_[static_cast<std::size_t>(id)]; }
  Expr& mutable_node(ExprId id) { return nodes_[static_cast<std::size_t>(id)]; }
  int size() const { return static_cast<int>(nodes_.size()); }

  ExprId root() const { return root_; }
  void set_root(ExprId id) { root_ = id; }

 private:
  std::vector<Expr> nodes_;
  ExprId root_ = kNoExpr;
};

// Renders the tree back to rule text with the minimum of parentheses that keeps its meaning.
// Parsing the result gives the same tree (positions aside). Strings are re-escaped; decimal
// literals print in plain form ("1e3" prints as "1000.0").
std::string Print(const Ast& ast);
std::string Print(const Ast& ast, ExprId id);

}  // namespace zhida::rules
