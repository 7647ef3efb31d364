// A snapshot of the registry's facts, held by column for the batch evaluator (DESIGN.md §5: "a
// screening run works on a snapshot so it can be reproduced later"; issue 3 §4).
//
// Facts are append-only batches, so the facts of every batch up to a given id are a fixed set:
// a snapshot is named by that id, and loading it again with the same id gives the same table
// even after later imports. Each enterprise's value of a field is the one of the latest batch
// (by as-of time, then id) that states it — RegistryService::CurrentFacts' rule.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/status.h"
#include "rules/columns.h"
#include "rules/schema.h"
#include "store/store.h"

namespace zhida::services {

struct SnapshotOptions {
  // "" for every enterprise of the city, or a county's region code: only its enterprises.
  std::string region;
  // GB/T 4754 prefixes of the industries to include (a policy's `industries`); empty: all.
  std::vector<std::string> industries;
  // The newest batch to include; 0 for the newest there is (the snapshot records which it was).
  int64_t max_batch_id = 0;
};

struct FactSnapshot {
  int64_t max_batch_id = 0;  // the batches the snapshot holds: every one with id ≤ this
  std::shared_ptr<const rules::ColumnTable> table;  // one row per enterprise, in uscc order
  std::vector<std::string> usccs;                   // per row
};

// Reads the snapshot of `options` in one read transaction, page by page. `schema` is the rule
// schema of the stored fields (fact_sheet.h: RulesSchema); a stored value that does not fit its
// field's type is DataLoss naming the enterprise and the field (the importer never writes one).
// `progress`, when set, is called after each page with the enterprises read so far.
absl::StatusOr<FactSnapshot> LoadFactSnapshot(
    store::Store& store, std::shared_ptr<const rules::Schema> schema,
    const SnapshotOptions& options, const std::function<void(int64_t rows)>& progress = {});

}  // namespace zhida::services
