// Batch screening (免申即享, DESIGN.md §4; issue 3 §4): every policy's eligibility and award rule
// over every enterprise of a file, with the data formats of ../shared/bench/DATASET.md.
//
// A pure service over in-memory data: the caller reads the files and writes the result. Each
// rule is compiled once into an immutable Program and evaluated with the row evaluator
// (rules::EvalRow, without trace) on several threads, each over its own chunk of enterprises.
// The three outcomes stay apart: eligible rows carry their award; an unknown fact gives
// "cannot determine"; a run-time rule error makes that pair an error with its reason — it never
// stops the batch. A policy whose rule does not compile is reported and the others still run.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/date.h"
#include "core/money.h"
#include "core/status.h"
#include "rules/eval.h"
#include "rules/schema.h"
#include "rules/value.h"

namespace zhida::services {

// One policy to screen: its id and its two rules in Zhida's rule language.
struct ScreenPolicy {
  std::string id;                  // "P0001"
  std::string eligibility;         // a boolean rule over the enterprise columns
  std::string award;               // a decimal formula in yuan
  std::optional<core::Money> cap;  // the per-enterprise cap, if any
};

// Parses policies.json (DATASET.md): an array of objects, of which `id`, `eligibility` and
// `award` (non-empty strings) are used and every other key is ignored; ids must be unique.
// InvalidArgument ("screen.policies") naming the policy (its id, or its 1-based position when
// the id itself is bad) and the key, or the JSON syntax error with its line and column.
absl::StatusOr<std::vector<ScreenPolicy>> LoadScreenPolicies(std::string_view json_text);

// The field schema of the enterprise file's 23 columns (DATASET.md), the one the screening rules
// are compiled against. Shared and immutable.
std::shared_ptr<const rules::Schema> EnterpriseScreenSchema();

// The enterprises of an enterprises.csv, held by column: one vector of values per schema field
// (an empty cell is unknown, never zero). Immutable once built; safe to read from many threads.
class EnterpriseTable {
 public:
  // Parses `csv_text` (UTF-8, RFC 4180, a header row). Columns may come in any order; each must be
  // a field of EnterpriseScreenSchema(), at most once, and `uscc` is required and never empty. A
  // column the file lacks is unknown for every enterprise. InvalidArgument ("screen.enterprises")
  // with a Chinese message naming the line (and the column) of the first bad record.
  static absl::StatusOr<EnterpriseTable> FromCsv(std::string_view csv_text);

  int64_t size() const { return static_cast<int64_t>(usccs_.size()); }
  const std::string& uscc(int64_t row) const { return usccs_[static_cast<size_t>(row)]; }
  const std::shared_ptr<const rules::Schema>& schema() const { return schema_; }

  // Sets every fact of enterprise `row` in `activation`, which must be built on schema().
  void Fill(int64_t row, rules::Activation* activation) const;

 private:
  EnterpriseTable() = default;

  std::shared_ptr<const rules::Schema> schema_;
  std::vector<std::string> usccs_;
  // columns_[field][row]: one column per schema field, in schema order.
  std::vector<std::vector<rules::Value>> columns_;
};

// One eligible pair of the result.
struct ScreenRow {
  std::string policy_id;
  std::string uscc;
  core::Money award;
};

// A policy that could not be screened: its rule did not compile.
struct ScreenPolicyError {
  std::string policy_id;
  std::string message;  // "eligibility 1:5: check.unknown_field: ..." (rules::FormatIssue)
};

struct ScreenResult {
  // Eligible pairs, sorted by policy_id then uscc (byte order).
  std::vector<ScreenRow> rows;
  int64_t pairs_evaluated = 0;  // policies that compiled × enterprises
  int64_t eligible = 0;         // == rows.size()
  int64_t not_eligible = 0;
  int64_t cannot_determine = 0;  // the eligibility or the award needs an unknown fact
  int64_t errors = 0;            // run-time rule errors (not eligible, with the reason)
  // For the cannot-determine pairs: the missing fields they need ("revenue" → count; a pair
  // that needs two fields counts for both).
  std::map<std::string, int64_t> missing_by_field;
  std::map<std::string, int64_t> errors_by_code;  // "eval.division_by_zero" → count
  std::vector<ScreenPolicyError> policy_errors;   // in the order of the input
};

// The most threads Screen uses: more than any machine it runs on has cores, few enough that a
// typo (--threads 10000) cannot exhaust the process's thread limit.
inline constexpr int kScreenThreadsMax = 256;

// Screens every policy over every enterprise on `as_of` (the date rules see as `as_of`), with
// `threads` worker threads (clamped to 1..kScreenThreadsMax and to the number of enterprises).
// `progress`, when set, is called on the calling thread only, about ten times a second and once
// at the end, with the pairs done so far and the total. Never fails: rule problems are results.
ScreenResult Screen(const std::vector<ScreenPolicy>& policies, const EnterpriseTable& enterprises,
                    core::Date as_of, int threads,
                    const std::function<void(int64_t done, int64_t total)>& progress = {});

// Appends the result as CSV to *out: the header `policy_id,uscc,award`, then one line per row with
// the award written with exactly two decimals; LF line ends; a field is quoted only if it
// contains a comma, a quote or a line break.
void WriteScreenCsv(const ScreenResult& result, std::string* out);

}  // namespace zhida::services
