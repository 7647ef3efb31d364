#include "ledger/ledger.h"

#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "core/text.h"
#include "ledger/engine.h"
#include "ledger/ledger_sql.h"
#include "ledger/limits.h"

namespace zhida::ledger {

namespace {

using internal::kAccountColumns;
using internal::kTransferColumns;

std::string TimeText(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", t, absl::UTCTimeZone());
}

const std::string& FindAccountSql() {
  static const std::string sql = absl::StrCat(
      "SELECT ", kAccountColumns,
      " FROM ledger_accounts WHERE fund = ? AND fiscal_year = ? AND kind = ? AND holder = ?");
  return sql;
}

absl::StatusOr<std::optional<Account>> FindAccountInTx(store::Tx& tx, const AccountKey& key) {
  ASSIGN_OR_RETURN(store::Result result,
                   tx.Query(FindAccountSql(), {key.fund, int64_t{key.fiscal_year},
                                               std::string(KindName(key.kind)), key.holder}));
  if (result.rows.empty()) return std::nullopt;
  ASSIGN_OR_RETURN(Account account, internal::ReadAccount(result.rows[0]));
  return account;
}

}  // namespace

absl::StatusOr<Account> Ledger::OpenAccount(const AccountKey& key, std::string_view user) {
  RETURN_IF_ERROR(ValidateAccountKey(key));
  if (user.empty() || user.size() > kUserLengthMax || !core::IsValidUtf8(user)) {
    return InvalidField("ledger.user", "user", "经办人标识须为 1–64 字节", "bad user");
  }
  Account opened;
  std::string now = TimeText(clock_->Now());
  RETURN_IF_ERROR(store_->InTx(store::TxMode::kWrite, [&](store::Tx& tx) -> absl::Status {
    // ON CONFLICT: two processes opening the same account at once both end with the one row.
    RETURN_IF_ERROR(
        tx.Exec("INSERT INTO ledger_accounts (fund, fiscal_year, kind, holder, flags, created_by, "
                "created_at) VALUES (?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (fund, fiscal_year, kind, holder) DO NOTHING",
                {key.fund, int64_t{key.fiscal_year}, std::string(KindName(key.kind)), key.holder,
                 int64_t{FlagsForKind(key.kind)}, std::string(user), now})
            .status());
    ASSIGN_OR_RETURN(std::optional<Account> account, FindAccountInTx(tx, key));
    if (!account) return absl::InternalError("ledger_accounts: the account just opened is gone");
    opened = std::move(*account);
    return absl::OkStatus();
  }));
  return opened;
}

absl::StatusOr<std::optional<Account>> Ledger::FindAccount(const AccountKey& key) {
  ASSIGN_OR_RETURN(std::unique_ptr<store::Tx> tx, store_->Begin(store::TxMode::kRead));
  return FindAccountInTx(*tx, key);
}

absl::StatusOr<std::vector<Account>> Ledger::LookupAccounts(std::span<const int64_t> ids) {
  ASSIGN_OR_RETURN(std::unique_ptr<store::Tx> tx, store_->Begin(store::TxMode::kRead));
  absl::flat_hash_map<int64_t, Account> found;
  std::string sql =
      absl::StrCat("SELECT ", kAccountColumns, " ", internal::AccountsWhereIn(tx->dialect()));
  std::string list =
      internal::IdList(tx->dialect(), std::vector<int64_t>(ids.begin(), ids.end()));
  ASSIGN_OR_RETURN(store::Result result, tx->Query(sql, {list}));
  for (const store::Row& row : result.rows) {
    ASSIGN_OR_RETURN(Account account, internal::ReadAccount(row));
    found.emplace(account.id, std::move(account));
  }
  std::vector<Account> accounts;
  for (int64_t id : ids) {
    if (auto it = found.find(id); it != found.end()) accounts.push_back(it->second);
  }
  return accounts;
}

absl::StatusOr<std::vector<TransferCode>> Ledger::CreateTransfers(
    std::span<const Transfer> transfers) {
  std::vector<TransferCode> results;
  RETURN_IF_ERROR(store_->InTx(
      store::TxMode::kWrite,
      [&](store::Tx& tx) -> absl::Status {
        ASSIGN_OR_RETURN(results, CreateTransfersInTx(tx, transfers));
        return absl::OkStatus();
      },
      kWriteAttemptsMax));
  return results;
}

absl::StatusOr<std::vector<TransferCode>> Ledger::CreateTransfersInTx(
    store::Tx& tx, std::span<const Transfer> transfers) {
  if (transfers.size() > kTransfersPerBatchMax) {
    return MakeError(absl::StatusCode::kInvalidArgument, "ledger.batch_too_large", {},
                     absl::StrCat("一次最多提交 ", kTransfersPerBatchMax, " 笔转账"),
                     absl::StrCat("at most ", kTransfersPerBatchMax, " transfers per batch"));
  }
  ASSIGN_OR_RETURN(EngineState state, internal::LoadBatchState(tx, transfers));
  BatchOutcome outcome = ApplyBatch(state, transfers, TimeText(clock_->Now()));
  RETURN_IF_ERROR(internal::WriteBatchOutcome(tx, outcome, state));
  return std::move(outcome.results);
}

absl::StatusOr<std::optional<StoredTransfer>> Ledger::LookupTransfer(std::string_view id) {
  ASSIGN_OR_RETURN(std::unique_ptr<store::Tx> tx, store_->Begin(store::TxMode::kRead));
  ASSIGN_OR_RETURN(store::Result result,
                   tx->Query(absl::StrCat("SELECT ", kTransferColumns,
                                          " FROM ledger_transfers WHERE id = ?"),
                             {std::string(id)}));
  if (result.rows.empty()) return std::nullopt;
  ASSIGN_OR_RETURN(StoredTransfer t, internal::ReadTransfer(result.rows[0]));
  return t;
}

absl::StatusOr<HistoryPage> Ledger::History(int64_t account_id, int64_t after_seq, int limit) {
  if (limit < 1 || limit > kHistoryPageSizeMax) {
    return InvalidField("ledger.page_size", "limit",
                        absl::StrCat("每页条数须在 1–", kHistoryPageSizeMax, " 之间"),
                        "page size out of range");
  }
  ASSIGN_OR_RETURN(std::unique_ptr<store::Tx> tx, store_->Begin(store::TxMode::kRead));
  // One row more than asked tells whether another page follows.
  ASSIGN_OR_RETURN(
      store::Result result,
      tx->Query(absl::StrCat("SELECT ", kTransferColumns,
                             " FROM ledger_transfers WHERE (debit_account_id = ? OR "
                             "credit_account_id = ?) AND result = 'ok' AND seq > ? "
                             "ORDER BY seq LIMIT ?"),
                {account_id, account_id, after_seq, int64_t{limit} + 1}));
  HistoryPage page;
  for (const store::Row& row : result.rows) {
    if (page.transfers.size() == static_cast<size_t>(limit)) {
      page.next_after_seq = page.transfers.back().seq;
      break;
    }
    ASSIGN_OR_RETURN(StoredTransfer t, internal::ReadTransfer(row));
    page.transfers.push_back(std::move(t));
  }
  return page;
}

}  // namespace zhida::ledger
