#include "services/fact_snapshot.h"

#include <string_view>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "nlohmann/json.hpp"
#include "services/policy.h"

namespace zhida::services {
namespace {

// Enterprises per page: a page's fact records (a few hundred bytes each) stay a few megabytes,
// and a million enterprises take 200 round trips.
constexpr int64_t kSnapshotPageRows = 5000;

// What a batch contributes: its place in the order of batches (as-of time, then id) and, for each
// entry of its records' arrays, the schema field (-1 for a field the schema no longer has).
struct BatchInfo {
  int64_t rank = 0;
  bool object_format = false;  // records are JSON objects (batches from before schema 2)
  std::vector<int> fields;
};

using Batches = absl::flat_hash_map<int64_t, BatchInfo>;

absl::StatusOr<Batches> LoadBatches(store::Tx& tx, const rules::Schema& schema,
                                    int64_t max_batch_id) {
  ASSIGN_OR_RETURN(store::Result rows,
                   tx.Query("SELECT id, fields FROM fact_batches WHERE id <= ? ORDER BY as_of, id",
                            {max_batch_id}));
  Batches batches;
  for (size_t i = 0; i < rows.rows.size(); ++i) {
    const store::Row& row = rows.rows[i];
    BatchInfo info;
    info.rank = static_cast<int64_t>(i);
    info.object_format = row.IsNull(1);
    if (!info.object_format) {
      nlohmann::json codes = nlohmann::json::parse(row.Text(1), nullptr, false);
      if (!codes.is_array()) {
        return absl::DataLossError("fact batch " + row.Text(0) + " has no field list");
      }
      for (const nlohmann::json& code : codes) {
        info.fields.push_back(code.is_string() ? schema.FieldIndex(code.get<std::string>()) : -1);
      }
    }
    batches.emplace(row.Int(0), std::move(info));
  }
  return batches;
}

// The latest value of each field of one enterprise while its records are read.
class LatestFacts {
 public:
  explicit LatestFacts(size_t fields) : text_(fields), rank_(fields, -1) {}

  void Reset() { std::fill(rank_.begin(), rank_.end(), -1); }

  // Takes the facts of one record of `batch`; a record of a later batch wins field by field, and
  // null (unknown in that batch) leaves the field as it was.
  absl::Status Apply(const BatchInfo& batch, const rules::Schema& schema, std::string_view json) {
    nlohmann::json facts = nlohmann::json::parse(json, nullptr, false);
    if (batch.object_format) {
      if (!facts.is_object()) return absl::DataLossError("a fact record is not a JSON object");
      for (const auto& [code, value] : facts.items()) Set(schema.FieldIndex(code), batch, value);
      return absl::OkStatus();
    }
    if (!facts.is_array() || facts.size() != batch.fields.size()) {
      return absl::DataLossError("a fact record does not match its batch's field list");
    }
    for (size_t i = 0; i < facts.size(); ++i) Set(batch.fields[i], batch, facts[i]);
    return absl::OkStatus();
  }

  // The text of `field`, or nullptr when no record stated it.
  const std::string* Get(int field) const {
    return field >= 0 && rank_[static_cast<size_t>(field)] >= 0
               ? &text_[static_cast<size_t>(field)]
               : nullptr;
  }

  // Appends the row to `builder`; a field no record stated stays unknown.
  absl::Status AppendTo(rules::ColumnTableBuilder& builder, const rules::Schema& schema,
                        const std::string& uscc) {
    for (size_t f = 0; f < text_.size(); ++f) {
      if (rank_[f] < 0) continue;
      absl::Status st = builder.AppendText(static_cast<int>(f), text_[f]);
      if (!st.ok()) {
        return absl::DataLossError("stored fact " + schema.fields()[f].code + " of " + uscc +
                                   " does not fit its type: " + std::string(st.message()));
      }
    }
    builder.EndRow();
    return absl::OkStatus();
  }

 private:
  void Set(int field, const BatchInfo& batch, const nlohmann::json& value) {
    if (field < 0 || !value.is_string() || batch.rank < rank_[static_cast<size_t>(field)]) return;
    text_[static_cast<size_t>(field)] = value.get<std::string>();
    rank_[static_cast<size_t>(field)] = batch.rank;
  }

  std::vector<std::string> text_;
  std::vector<int64_t> rank_;
};

// Reads the next page of enterprises after *after into the builder and moves *after to the last
// one read; returns how many were read (0 at the end).
absl::StatusOr<int64_t> LoadPage(store::Tx& tx, const rules::Schema& schema,
                                 const SnapshotOptions& options, int64_t max_batch_id,
                                 const Batches& batches, std::string* after,
                                 rules::ColumnTableBuilder& builder, FactSnapshot& out) {
  const bool all = options.region.empty();
  ASSIGN_OR_RETURN(store::Result page,
                   all ? tx.Query("SELECT uscc FROM enterprises WHERE uscc > ? ORDER BY uscc "
                                  "LIMIT ?",
                                  {*after, kSnapshotPageRows})
                       : tx.Query("SELECT uscc FROM enterprises WHERE region = ? AND uscc > ? "
                                  "ORDER BY uscc LIMIT ?",
                                  {options.region, *after, kSnapshotPageRows}));
  if (page.rows.empty()) return 0;
  std::string first = page.rows.front().Text(0);
  std::string last = page.rows.back().Text(0);
  *after = last;
  ASSIGN_OR_RETURN(
      store::Result records,
      all ? tx.Query("SELECT uscc, batch_id, facts FROM fact_records "
                     "WHERE uscc >= ? AND uscc <= ? AND batch_id <= ? ORDER BY uscc",
                     {first, last, max_batch_id})
          : tx.Query("SELECT r.uscc, r.batch_id, r.facts FROM fact_records r "
                     "JOIN enterprises e ON e.uscc = r.uscc WHERE e.region = ? "
                     "AND r.uscc >= ? AND r.uscc <= ? AND r.batch_id <= ? ORDER BY r.uscc",
                     {options.region, first, last, max_batch_id}));
  LatestFacts latest(schema.fields().size());
  size_t r = 0;
  for (const store::Row& enterprise : page.rows) {
    std::string uscc = enterprise.Text(0);
    latest.Reset();
    while (r < records.rows.size() && records.rows[r].Text(0) < uscc) ++r;
    for (; r < records.rows.size() && records.rows[r].Text(0) == uscc; ++r) {
      auto batch = batches.find(records.rows[r].Int(1));
      if (batch == batches.end()) continue;  // cannot happen inside one snapshot transaction
      absl::Status st = latest.Apply(batch->second, schema, records.rows[r].Text(2));
      if (!st.ok()) return absl::DataLossError(uscc + ": " + std::string(st.message()));
    }
    if (!options.industries.empty()) {  // an enterprise of unknown industry is outside them too
      const std::string* industry = latest.Get(schema.FieldIndex("industry"));
      if (industry == nullptr || !IndustryApplies(options.industries, *industry)) continue;
    }
    RETURN_IF_ERROR(latest.AppendTo(builder, schema, uscc));
    out.usccs.push_back(std::move(uscc));
  }
  return static_cast<int64_t>(page.rows.size());
}

}  // namespace

absl::StatusOr<FactSnapshot> LoadFactSnapshot(
    store::Store& store, std::shared_ptr<const rules::Schema> schema,
    const SnapshotOptions& options, const std::function<void(int64_t rows)>& progress) {
  FactSnapshot out;
  rules::ColumnTableBuilder builder(schema);
  RETURN_IF_ERROR(store.InTx(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    out = FactSnapshot{};
    builder = rules::ColumnTableBuilder(schema);
    int64_t max_batch_id = options.max_batch_id;
    if (max_batch_id == 0) {
      ASSIGN_OR_RETURN(store::Result max, tx.Query("SELECT max(id) FROM fact_batches"));
      max_batch_id = max.rows.at(0).OptInt(0).value_or(0);
    }
    out.max_batch_id = max_batch_id;
    ASSIGN_OR_RETURN(Batches batches, LoadBatches(tx, *schema, max_batch_id));
    std::string after;
    while (true) {
      ASSIGN_OR_RETURN(int64_t rows, LoadPage(tx, *schema, options, max_batch_id, batches, &after,
                                              builder, out));
      if (rows == 0) break;
      if (progress) progress(static_cast<int64_t>(out.usccs.size()));
    }
    return absl::OkStatus();
  }));
  std::vector<rules::ColumnTableBuilder> parts;
  parts.push_back(std::move(builder));
  out.table = std::make_shared<const rules::ColumnTable>(
      rules::ColumnTableBuilder::Concat(std::move(parts)));
  return out;
}

}  // namespace zhida::services
