// Test support for the differential test of the two evaluators (batch_test.cc; issue 3 §6):
// random rules from a grammar over the bench enterprise schema, random enterprises with
// unknowns, extremes and zeros, and a harness that evaluates each rule over each enterprise
// with EvalRow and with EvalBatch and reports every row where they differ. Everything is driven
// by one seed, so a failure replays exactly (ZHIDA_SEED).
#pragma once

#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "core/date.h"
#include "rules/columns.h"
#include "rules/eval.h"
#include "rules/schema.h"
#include "rules/value.h"

namespace zhida::rules::testing {

// The bench schema (tests/data/bench-sample/schema.json's 23 fields) plus a list field `codes`
// and two parameters: `rate` (in force on the test's as-of date) and `old_rate` (not yet in
// force: every use is the error "eval.parameter_not_in_force").
std::shared_ptr<const Schema> DifferentialSchema();

// Random rule text from a typed grammar: comparisons, arithmetic (with division, modulo and
// overflow-prone constants), `in`, string functions, `!`, `&&`, `||`, `?:`, min/max/round,
// has(), dates, parameters, and now and then a comprehension or a map (the row path).
class RuleGenerator {
 public:
  explicit RuleGenerator(std::uint64_t seed) : rng_(seed) {}
  std::string Bool(int depth);
  std::string Number(int depth);  // int or decimal
  std::string Int(int depth);
  std::string Date();
  std::string String(int depth);

 private:
  int Pick(int n) { return static_cast<int>(rng_() % static_cast<std::uint64_t>(n)); }
  bool Chance(int percent) { return Pick(100) < percent; }
  std::string DecimalLiteral();
  std::string IntLiteral();
  std::string StringLiteral();
  std::string CompareOp();

  std::mt19937_64 rng_;
};

// Random enterprises over DifferentialSchema(): each column is either fully known or has ~10%
// unknown cells; numbers include 0, ±1, int64's limits, decimals of mixed scales and some whose
// coefficient does not fit 64 bits; strings come from small pools (dictionary columns) except
// uscc and name (unique, so plain text once past the dictionary limit).
struct Enterprises {
  std::vector<std::vector<Value>> rows;  // [row][field]: the facts, unknowns as unknown values
  ColumnTable table;                     // the same facts by column, built in `parts` parts
};
Enterprises RandomEnterprises(const std::shared_ptr<const Schema>& schema, int rows, int parts,
                              std::uint64_t seed);

// What the harness found.
struct DiffReport {
  std::int64_t rows_compared = 0;
  std::int64_t mismatches = 0;
  // Rows EvalBatch sent to EvalRow (comprehensions, values too wide): the typed path's coverage.
  std::int64_t fallback_rows = 0;
  // EvalRow's values by kind (ValueKind), to see that the rules decide all ways.
  std::int64_t kinds[10] = {};
  std::vector<std::string> examples;  // the first few: rule, row, EvalRow's and EvalBatch's value
};

// Whether two values are the same for the differential test: same kind, same text (a decimal's
// scale included, an unknown's fields), and for errors the same code and messages.
bool SameValue(const Value& a, const Value& b);

// Evaluates `program` over the rows of `data` with EvalRow and with EvalBatch (batches of
// kBatchRows), or as an award (ComputeAward / ComputeAwardBatch with `cap`) when `award` is set,
// and adds what it finds to *report. With `seed` 0 every row of every batch is selected;
// otherwise some batches are given a random subset drawn from `seed`.
void CompareEvaluators(const std::shared_ptr<const Program>& program, const Enterprises& data,
                       core::Date as_of, bool award, const std::optional<core::Decimal>& cap,
                       std::uint64_t seed, DiffReport* report);

}  // namespace zhida::rules::testing
