// Batch screening (免申即享, DESIGN.md §4; issue 3 §4): every policy's eligibility and award rule
// over every enterprise of a file, with the data formats of ../shared/bench/DATASET.md.
//
// A pure service over in-memory data: the caller reads the files and writes the result. The
// enterprises are held by column (rules::ColumnTable, read from the CSV in parallel parts); each
// rule is compiled once into an immutable Program and evaluated with the batch evaluator
// (rules::EvalBatch, which agrees with EvalRow on every row) over batches of rules::kBatchRows
// enterprises, the batches shared out between threads.
// The three outcomes stay apart: eligible rows carry their award; an unknown fact gives
// "cannot determine"; a run-time rule error makes that pair an error with its reason — it never
// stops the batch. A policy whose rule does not compile is reported and the others still run.
#pragma once

#include <cstdint>
#include <functional>
#include <iterator>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/date.h"
#include "core/money.h"
#include "core/status.h"
#include "rules/columns.h"
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
  // What the rules are compiled against: null for the table's schema, else a schema with the
  // table's fields and the policy's parameters (rule_check.h: PolicySchema).
  std::shared_ptr<const rules::Schema> schema;
};

// Parses policies.json (DATASET.md): an array of objects, of which `id`, `eligibility` and
// `award` (non-empty strings) are used and every other key is ignored; ids must be unique.
// InvalidArgument ("screen.policies") naming the policy (its id, or its 1-based position when
// the id itself is bad) and the key, or the JSON syntax error with its line and column.
absl::StatusOr<std::vector<ScreenPolicy>> LoadScreenPolicies(std::string_view json_text);

// The field schema of the enterprise file's 23 columns (DATASET.md), the one the screening rules
// are compiled against. Shared and immutable.
std::shared_ptr<const rules::Schema> EnterpriseScreenSchema();

// The usccs of a table in uscc order (byte order; rank r is the r-th smallest), so that output
// sorted by uscc reads them in order. Shared by a table and the results that point into it.
struct UsccsByRank {
  std::string text;
  std::vector<uint64_t> offsets;  // the uscc of rank r is text[offsets[r], offsets[r + 1])
  std::string_view operator[](size_t rank) const {
    return std::string_view(text).substr(offsets[rank], offsets[rank + 1] - offsets[rank]);
  }
};

// The enterprises of an enterprises.csv, held by column (rules::ColumnTable: typed arrays, the
// low-cardinality strings dictionary coded, an empty cell unknown — never zero). Immutable once
// built; safe to read from many threads.
class EnterpriseTable {
 public:
  // Parses `csv_text` (UTF-8, RFC 4180, a header row) with `threads` threads (0: one per core,
  // at most kScreenThreadsMax). Columns may come in any order; each must be a field of
  // EnterpriseScreenSchema(), at most once, and `uscc` is required and never empty. A column the
  // file lacks is unknown for every enterprise. InvalidArgument ("screen.enterprises") with a
  // Chinese message naming the line (and the column) of the first bad record.
  static absl::StatusOr<EnterpriseTable> FromCsv(std::string_view csv_text, int threads = 0);
  // FromCsv on the file at `path`, mapped into memory rather than copied (reading 200 MB into
  // a string costs more than parsing it). A file that cannot be opened or mapped is
  // InvalidArgument "file.open" / "file.read", as the CLI's ReadFile has it.
  static absl::StatusOr<EnterpriseTable> FromFile(const std::string& path, int threads = 0);
  // A table of facts read elsewhere (a snapshot of the registry, fact_snapshot.h): `columns`
  // over any schema the policies are written against, and the uscc of each of its rows.
  // `usccs` must have one entry per row.
  static EnterpriseTable FromSnapshot(std::shared_ptr<const rules::ColumnTable> columns,
                                      const std::vector<std::string>& usccs, int threads = 0);

  int64_t size() const { return columns_->rows(); }
  std::string_view uscc(int64_t row) const {
    return (*usccs_by_rank_)[uscc_rank_[static_cast<size_t>(row)]];
  }
  // The row's position when the enterprises are sorted by uscc (byte order), and the uscc at a
  // position (held in that order too, so that reading them for sorted output is sequential).
  int64_t uscc_rank(int64_t row) const { return uscc_rank_[static_cast<size_t>(row)]; }
  const std::shared_ptr<const UsccsByRank>& usccs_by_rank() const { return usccs_by_rank_; }
  const std::shared_ptr<const rules::Schema>& schema() const { return columns_->schema(); }
  const rules::ColumnTable& columns() const { return *columns_; }

  // Sets every fact of enterprise `row` in `activation`, which must be built on schema().
  void Fill(int64_t row, rules::Activation* activation) const { columns_->Fill(row, activation); }

 private:
  EnterpriseTable() = default;
  // Sorts the rows by uscc (uscc_of(row) gives each): fills uscc_rank_ and usccs_by_rank_.
  template <typename UsccOf>
  void RankUsccs(const UsccOf& uscc_of, int threads);

  std::shared_ptr<const rules::ColumnTable> columns_;
  std::vector<uint32_t> uscc_rank_;
  std::shared_ptr<const UsccsByRank> usccs_by_rank_;
};

// One eligible pair of the result. The views point into the result (or, for rows a caller adds,
// into strings it keeps alive).
struct ScreenRow {
  std::string_view policy_id;
  std::string_view uscc;
  core::Money award;
};

// The eligible pairs of a screening, sorted by policy id then uscc, held compactly: per policy,
// (award in fen, uscc rank) pairs of 16 bytes — an array of 40-byte ScreenRows for the 4.7
// million pairs of the bench data took a third of the screening time to fill — and read as
// ScreenRow values.
class ScreenRows {
 public:
  // No member initializers: the screening allocates millions of pairs and writes each once.
  struct Pair {
    int64_t fen;
    uint32_t rank;  // of the enterprise's uscc (UsccsByRank)
  };
  // One policy's pairs, sorted by rank: pairs()[begin, end).
  struct Segment {
    std::string_view policy_id;
    size_t begin = 0;
    size_t end = 0;
  };

  // Reads the rows in order, as values (`for (const ScreenRow& row : result.rows)`).
  class Iterator {
   public:
    using iterator_category = std::input_iterator_tag;
    using value_type = ScreenRow;
    using difference_type = std::ptrdiff_t;
    using pointer = void;
    using reference = ScreenRow;

    ScreenRow operator*() const { return rows_->At(segment_, i_); }
    Iterator& operator++() {
      ++i_;
      rows_->Settle(&segment_, i_);
      return *this;
    }
    bool operator==(const Iterator& o) const { return i_ == o.i_; }
    bool operator!=(const Iterator& o) const { return i_ != o.i_; }

   private:
    friend class ScreenRows;
    Iterator(const ScreenRows* rows, size_t segment, size_t i)
        : rows_(rows), segment_(segment), i_(i) {}
    const ScreenRows* rows_;
    size_t segment_;  // the segment holding row i_ (segments_.size(): an extra row)
    size_t i_;
  };

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  ScreenRow operator[](size_t i) const;
  Iterator begin() const;
  Iterator end() const { return Iterator(this, segments_.size(), size_); }
  // Calls f(const ScreenRow&) for every row, in order.
  template <typename F>
  void ForEach(F f) const {
    for (const Segment& s : segments_) {
      for (size_t i = s.begin; i < s.end; ++i) {
        const Pair& p = pairs_[i];
        f(ScreenRow{s.policy_id, (*usccs_)[p.rank], core::Money::FromFen(p.fen)});
      }
    }
    for (const ScreenRow& row : extra_) f(row);
  }
  // Calls f(const ScreenRow&) for the rows [first, last), in order.
  template <typename F>
  void ForEachIn(size_t first, size_t last, F f) const {
    size_t segment = 0;
    Settle(&segment, first);
    for (size_t i = first; i < last; ++i) {
      Settle(&segment, i);
      f(At(segment, i));
    }
  }
  // Appends a row whose strings the caller keeps alive (a result made by hand).
  void push_back(const ScreenRow& row);
  // Replaces the policies' pairs (Screen): `segments` in policy id order over `pairs`, ranks
  // into `usccs`.
  void Assign(std::unique_ptr<Pair[]> pairs, std::vector<Segment> segments,
              std::shared_ptr<const UsccsByRank> usccs);

 private:
  // Row i, which segment `segment` holds (or an extra row).
  ScreenRow At(size_t segment, size_t i) const;
  // Moves *segment forward to the one holding row i.
  void Settle(size_t* segment, size_t i) const;

  std::unique_ptr<Pair[]> pairs_;
  std::vector<Segment> segments_;
  std::shared_ptr<const UsccsByRank> usccs_;
  std::vector<ScreenRow> extra_;  // push_back: after the segments
  size_t size_ = 0;
};

// A policy that could not be screened: its rule did not compile.
struct ScreenPolicyError {
  std::string policy_id;
  std::string message;  // "eligibility 1:5: check.unknown_field: ..." (rules::FormatIssue)
};

struct ScreenResult {
  // Eligible pairs, sorted by policy_id then uscc (byte order).
  ScreenRows rows;
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
  // The policy ids `rows` points into, so that the result outlives the policies (the usccs are
  // held by `rows`).
  std::shared_ptr<const std::vector<std::string>> policy_ids;
};

// The most threads Screen uses: more than any machine it runs on has cores, few enough that a
// typo (--threads 10000) cannot exhaust the process's thread limit.
inline constexpr int kScreenThreadsMax = 256;

// Screens every policy over every enterprise on `as_of` (the date rules see as `as_of`), with
// `threads` worker threads (clamped to 1..kScreenThreadsMax and to the number of batches).
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
