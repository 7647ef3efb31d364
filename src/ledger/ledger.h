// The ledger of funds (DESIGN.md §3): accounts per fund and fiscal year, transfers between them,
// persisted through the store on SQLite or PostgreSQL. TigerBeetle's design, in SQL:
//   - amounts are integer fen; totals never wrap (overflows_* results);
//   - a transfer is never changed; a pending transfer is resolved by a new transfer;
//   - a limited account (budget, quota, commitment, …) never goes below zero, counting pending
//     reservations, under any concurrency (ledger_sql.h says how);
//   - every transfer carries a client-chosen id: retrying is always safe (result.h, transfer.h).
//
// Domain outcomes are TransferCode values, one per transfer; a Status is an operating error (the
// database failed, a batch too large): then nothing of the batch happened.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/status.h"
#include "ledger/account.h"
#include "ledger/result.h"
#include "ledger/transfer.h"
#include "store/store.h"

namespace zhida::ledger {

// One page of an account's history, oldest first.
struct HistoryPage {
  std::vector<StoredTransfer> transfers;
  int64_t next_after_seq = 0;  // pass as after_seq for the next page; 0 when this is the last
};

class Ledger {
 public:
  // `store` and `clock` must outlive the ledger. Thread-safe: the ledger holds no state of its own.
  Ledger(store::Store* store, const core::Clock* clock) : store_(store), clock_(clock) {}

  // Opens the account `key` if it does not exist yet, and returns it (an existing account is
  // returned unchanged: opening is idempotent). `user` is recorded as its creator. Errors:
  // kInvalidArgument (ValidateAccountKey, or a bad user), store errors.
  absl::StatusOr<Account> OpenAccount(const AccountKey& key, std::string_view user);

  // The account `key`, or nullopt.
  absl::StatusOr<std::optional<Account>> FindAccount(const AccountKey& key);

  // The accounts `ids` as of one instant (one read transaction: a consistent snapshot of all of
  // them), in the order asked; ids that do not exist are left out.
  absl::StatusOr<std::vector<Account>> LookupAccounts(std::span<const int64_t> ids);

  // Applies `transfers` in one transaction, in order (engine.h), and returns one code per
  // transfer. Retries the transaction on conflicts. Errors: kInvalidArgument when there are more
  // than kTransfersPerBatchMax transfers; store errors (then nothing was applied).
  absl::StatusOr<std::vector<TransferCode>> CreateTransfers(std::span<const Transfer> transfers);

  // The same inside the caller's transaction `tx`, which must have been begun with
  // TxMode::kWrite (on SQLite that is what makes the read-then-write safe), so that a service can
  // record its own rows (a payment order, an audit line) atomically with the transfers. The caller
  // commits, and retries the whole transaction on kAborted (Store::InTx does). On PostgreSQL the
  // accounts stay locked until the commit: keep the rest of the transaction short.
  absl::StatusOr<std::vector<TransferCode>> CreateTransfersInTx(
      store::Tx& tx, std::span<const Transfer> transfers);

  // The transfer recorded under `id` (succeeded, or a stored failure), or nullopt.
  absl::StatusOr<std::optional<StoredTransfer>> LookupTransfer(std::string_view id);

  // The successful transfers that debit or credit `account_id`, in order of acceptance, after
  // `after_seq` (0 for the first page), at most `limit` (1..kHistoryPageSizeMax).
  absl::StatusOr<HistoryPage> History(int64_t account_id, int64_t after_seq, int limit);

 private:
  store::Store* const store_;
  const core::Clock* const clock_;
};

}  // namespace zhida::ledger
