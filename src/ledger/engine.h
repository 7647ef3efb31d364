// The ledger's rules applied to a batch of transfers in memory: pure, with no I/O, so that the
// rules can be read and tested apart from the database. The caller (ledger.cc) loads the state a
// batch needs inside a write transaction that keeps it from changing (locked account rows on
// PostgreSQL, the single writer on SQLite), runs ApplyBatch, and writes the outcome in the same
// transaction.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "ledger/account.h"
#include "ledger/transfer.h"

namespace zhida::ledger {

// How a pending transfer was resolved.
enum class Resolution : uint8_t { kPosted, kVoided };

// What a batch reads. The loader must provide every account a transfer of the batch names and
// every account of a pending transfer the batch names (when they exist), every recorded transfer
// whose id is a transfer id or pending id of the batch, and the resolution of each such pending.
struct EngineState {
  absl::flat_hash_map<int64_t, Account> accounts;
  absl::flat_hash_map<std::string, StoredTransfer> transfers;  // by id
  absl::flat_hash_map<std::string, Resolution> resolutions;     // by pending transfer id
};

struct BatchOutcome {
  std::vector<TransferCode> results;  // one per transfer of the batch, in order
  // Rows to insert, in order of acceptance: the successes and the stored failures (result.h).
  // seq is 0 (the database assigns it).
  std::vector<StoredTransfer> inserts;
  // Accounts whose totals changed; their new totals are in the EngineState.
  absl::flat_hash_set<int64_t> changed_accounts;
};

// Applies `batch` to `state` in order, as if each transfer were submitted alone, except that a
// linked chain takes effect whole or not at all (transfer.h). `created_at` stamps the rows.
// Updates `state` (accounts, transfers, resolutions) to the state after the batch.
// Precondition: batch.size() ≤ kTransfersPerBatchMax (the caller refuses larger batches).
BatchOutcome ApplyBatch(EngineState& state, std::span<const Transfer> batch,
                        const std::string& created_at);

}  // namespace zhida::ledger
