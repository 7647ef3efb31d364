// The checker: resolves every name of a parsed rule against the Schema and infers a type for
// every node, reporting mistakes as Issues with positions, in Chinese and English — unknown
// field or function, wrong operand type, wrong number of arguments, a regular expression that
// does not compile, and limits (limits.h) that can be decided before running: decimal literal
// precision, regex size, comprehension iterations. A rule with no issues cannot fail for any of
// these reasons at run time; it can still meet run-time errors (overflow, division by zero, bad
// index), which are values (value.h).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "rules/ast.h"
#include "rules/issue.h"
#include "rules/schema.h"

namespace zhida::rules {

// A static type. kDecimal admits int values too (int promotes to decimal wherever a decimal is
// accepted), so a branch `x ? 1 : 0.5` has type decimal. kDyn is "any type, checked at run time".
enum class TypeKind : std::uint8_t {
  kNull,
  kBool,
  kInt,
  kDecimal,
  kString,
  kDate,
  kList,
  kMap,
  kDyn,
};

struct Type {
  TypeKind kind = TypeKind::kDyn;
  std::shared_ptr<const Type> elem;  // kList: element type; kMap: value type (keys are strings)

  static Type Of(TypeKind k) { return Type{k, nullptr}; }
  static Type ListOf(Type e) { return Type{TypeKind::kList, std::make_shared<Type>(std::move(e))}; }
  static Type MapOf(Type v) { return Type{TypeKind::kMap, std::make_shared<Type>(std::move(v))}; }
  // The element (list) or value (map) type; dyn when not recorded.
  Type Elem() const { return elem ? *elem : Type::Of(TypeKind::kDyn); }
};

// "bool", "list(int)", "map(string)", ... for messages.
std::string TypeName(const Type& type);

// What a rule must produce: eligibility is a bool, an award a decimal amount (an int is
// accepted and promoted). kAny is for tests and conformance.
enum class ResultKind : std::uint8_t { kBool, kDecimal, kAny };

struct CheckOptions {
  // When false, only names, syntax and limits are checked, not operand types: the rule is then
  // typed at run time, where a type mismatch becomes an error value. For conformance cases that
  // CEL runs unchecked; policies are always checked.
  bool check_types = true;
};

struct CheckResult {
  std::vector<Issue> issues;  // empty when the rule may be saved
  Ast ast;                    // the parsed rule
  std::vector<Type> types;    // per node of `ast` (indexed by ExprId)
  Type result_type;
  bool ok() const { return issues.empty(); }
};

// Parses and checks `source` against `schema`; the result of the whole rule must fit `kind`.
CheckResult Check(std::string_view source, const Schema& schema, ResultKind kind,
                  const CheckOptions& options = {});

// The built-in variable holding the evaluation's as-of date.
inline constexpr std::string_view kAsOfName = "as_of";

}  // namespace zhida::rules
