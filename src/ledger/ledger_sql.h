// The ledger's tables (src/store/schema/0002_ledger.sql) as the ledger reads and writes them.
// Internal to src/ledger.
//
// Concurrency. CreateTransfers runs in one write transaction that must see a state no other
// writer can change before it commits:
//   - SQLite has one writer at a time (BEGIN IMMEDIATE), so reading then writing is safe.
//   - PostgreSQL runs writers at READ COMMITTED: LoadBatchState locks the account rows the batch
//     touches with SELECT … ORDER BY id FOR UPDATE — one statement, rows locked in id order, so
//     two batches cannot deadlock on each other's accounts — and reads everything that depends on
//     those accounts (recorded transfers, resolutions) only after the locks are held; a statement
//     at READ COMMITTED then sees every transaction that held them before. A concurrent batch
//     that creates the same new transfer id on other accounts is caught by the unique index: the
//     insert fails, and WriteBatchOutcome reports kAborted so that the caller retries and finds
//     the id recorded.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/account.h"
#include "ledger/engine.h"
#include "ledger/transfer.h"
#include "store/store.h"

namespace zhida::ledger::internal {

// Column lists and the readers of one row of each.
inline constexpr char kAccountColumns[] =
    "id, fund, fiscal_year, kind, holder, flags, debits_pending, debits_posted, credits_pending, "
    "credits_posted, created_by, created_at";
inline constexpr char kTransferColumns[] =
    "seq, id, debit_account_id, credit_account_id, amount_fen, flags, pending_id, code, reason, "
    "user_name, result, created_at";
absl::StatusOr<Account> ReadAccount(const store::Row& row);
absl::StatusOr<StoredTransfer> ReadTransfer(const store::Row& row);

// "FROM … WHERE the account id is one of the list ?", and the list parameter for `ids`.
std::string AccountsWhereIn(store::Dialect dialect);
std::string IdList(store::Dialect dialect, const std::vector<int64_t>& ids);

// In write transaction `tx`: locks and reads what ApplyBatch needs for `batch` (engine.h).
absl::StatusOr<EngineState> LoadBatchState(store::Tx& tx, std::span<const Transfer> batch);

// In the same transaction: inserts the outcome's rows and updates the changed accounts' totals
// from `state`. kAborted when a transfer id was created concurrently (retry the batch).
absl::Status WriteBatchOutcome(store::Tx& tx, const BatchOutcome& outcome,
                               const EngineState& state);

}  // namespace zhida::ledger::internal
