#include "ledger/ledger_sql.h"

#include <algorithm>
#include <array>
#include <bit>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "ledger/absl_view.h"
#include "ledger/limits.h"

namespace zhida::ledger::internal {

namespace {

using internal::Av;
using store::Dialect;
using store::Value;

// A list parameter for the "IN list" of the statements below: a JSON array for SQLite's
// json_each, an array literal for PostgreSQL's = ANY(CAST(? AS …[])). Transfer ids are limited to
// [A-Za-z0-9-_.:/] (IsValidTransferId), so quoting them needs no escapes.
std::string TextIdList(Dialect dialect, const std::vector<std::string>& ids) {
  std::string joined = absl::StrJoin(ids, "\",\"");
  if (ids.empty()) return dialect == Dialect::kSqlite ? "[]" : "{}";
  return dialect == Dialect::kSqlite ? absl::StrCat("[\"", joined, "\"]")
                                     : absl::StrCat("{\"", joined, "\"}");
}

// "FROM ledger_transfers WHERE <column> is one of the list ?". On PostgreSQL a join with the
// unnested array rather than `column = ANY(?)`: a prepared statement's generic plan assumes a
// 10-element array, and with `= ANY` it may then scan the table comparing each row with the whole
// list (seen: 200 ms per 1,000-transfer batch on a 10,000-row table); a join over the unique index
// stays one index probe per id.
std::string TransfersWhereIn(Dialect dialect, std::string_view column) {
  if (dialect == Dialect::kSqlite) {
    return absl::StrCat("FROM ledger_transfers WHERE ", Av(column),
                        " IN (SELECT value FROM json_each(?))");
  }
  return absl::StrCat("FROM unnest(CAST(? AS TEXT[])) AS list(key) JOIN ledger_transfers ON ",
                      Av(column), " = list.key WHERE TRUE");
}

}  // namespace

std::string AccountsWhereIn(Dialect dialect) {
  // As TransfersWhereIn, for the same reason: accounts grow with plans and enterprises.
  return dialect == Dialect::kSqlite
             ? "FROM ledger_accounts WHERE id IN (SELECT value FROM json_each(?))"
             : "FROM unnest(CAST(? AS BIGINT[])) AS list(key) JOIN ledger_accounts ON id = list.key";
}

std::string IdList(Dialect dialect, const std::vector<int64_t>& ids) {
  std::string joined = absl::StrJoin(ids, ",");
  return dialect == Dialect::kSqlite ? absl::StrCat("[", joined, "]")
                                     : absl::StrCat("{", joined, "}");
}

namespace {

template <typename T>
std::vector<T> SortedUnique(std::vector<T> v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  return v;
}

// Reads the recorded transfers among `ids` into `state` (keeping rows already there).
absl::Status LoadTransfers(store::Tx& tx, const std::vector<std::string>& ids, EngineState& state) {
  if (ids.empty()) return absl::OkStatus();
  std::string sql =
      absl::StrCat("SELECT ", kTransferColumns, " ", TransfersWhereIn(tx.dialect(), "id"));
  ASSIGN_OR_RETURN(store::Result result, tx.Query(sql, {TextIdList(tx.dialect(), ids)}));
  for (const store::Row& row : result.rows) {
    ASSIGN_OR_RETURN(StoredTransfer t, ReadTransfer(row));
    std::string id = t.transfer.id;
    state.transfers.try_emplace(std::move(id), std::move(t));
  }
  return absl::OkStatus();
}

// Locks (PostgreSQL) and reads the accounts among `ids` into `state`.
absl::Status LockAccounts(store::Tx& tx, const std::vector<int64_t>& ids, EngineState& state) {
  if (ids.empty()) return absl::OkStatus();
  std::string sql = absl::StrCat("SELECT ", kAccountColumns, " ",
                                 AccountsWhereIn(tx.dialect()), " ORDER BY id",
                                 tx.dialect() == Dialect::kSqlite ? "" : " FOR UPDATE OF ledger_accounts");
  ASSIGN_OR_RETURN(store::Result result, tx.Query(sql, {IdList(tx.dialect(), ids)}));
  for (const store::Row& row : result.rows) {
    ASSIGN_OR_RETURN(Account account, ReadAccount(row));
    state.accounts.insert_or_assign(account.id, std::move(account));
  }
  return absl::OkStatus();
}

absl::Status LoadResolutions(store::Tx& tx, const std::vector<std::string>& pending_ids,
                             EngineState& state) {
  if (pending_ids.empty()) return absl::OkStatus();
  std::string sql = absl::StrCat("SELECT pending_id, flags ",
                                 TransfersWhereIn(tx.dialect(), "pending_id"),
                                 " AND result = 'ok'");
  ASSIGN_OR_RETURN(store::Result result, tx.Query(sql, {TextIdList(tx.dialect(), pending_ids)}));
  for (const store::Row& row : result.rows) {
    state.resolutions[row.Text(0)] =
        (row.Int(1) & kPostPending) ? Resolution::kPosted : Resolution::kVoided;
  }
  return absl::OkStatus();
}

// "INSERT INTO ledger_transfers (…) VALUES (?, …), …" for `rows` rows.
const std::string& InsertSql(size_t rows) {
  static const std::array<std::string, 7> kSql = [] {
    std::array<std::string, 7> sql;
    for (size_t i = 0; i < sql.size(); ++i) {
      size_t n = size_t{1} << i;
      std::vector<std::string> tuples(n, "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
      sql[i] = absl::StrCat(
          "INSERT INTO ledger_transfers (id, debit_account_id, credit_account_id, amount_fen, "
          "flags, pending_id, code, reason, user_name, result, created_at) VALUES ",
          absl::StrJoin(tuples, ", "));
    }
    return sql;
  }();
  static_assert(size_t{1} << 6 == kInsertRowsPerStatementMax);
  ZCHECK(std::has_single_bit(rows) && rows <= kInsertRowsPerStatementMax);
  return kSql[std::countr_zero(rows)];
}

void AppendRow(const StoredTransfer& row, std::vector<Value>& params) {
  const Transfer& t = row.transfer;
  params.push_back(t.id);
  params.push_back(t.debit_account_id);
  params.push_back(t.credit_account_id);
  params.push_back(t.amount_fen);
  params.push_back(int64_t{t.flags});
  params.push_back(t.pending_id.empty() ? store::Null() : Value(t.pending_id));
  params.push_back(t.code);
  params.push_back(t.reason);
  params.push_back(t.user);
  params.push_back(std::string(CodeName(row.result)));
  params.push_back(row.created_at);
}

absl::Status InsertTransfers(store::Tx& tx, const std::vector<StoredTransfer>& rows) {
  std::vector<Value> params;
  size_t next = 0;
  while (next < rows.size()) {
    size_t n = std::bit_floor(std::min(rows.size() - next, kInsertRowsPerStatementMax));
    params.clear();
    for (size_t i = next; i < next + n; ++i) AppendRow(rows[i], params);
    absl::Status status = tx.Exec(InsertSql(n), params).status();
    if (status.code() == absl::StatusCode::kAlreadyExists) {
      // Another transaction created one of these ids after we looked: a retry will see it.
      return absl::AbortedError(
          absl::StrCat("转账编号被并发创建，重试：", status.message()));
    }
    RETURN_IF_ERROR(status);
    next += n;
  }
  return absl::OkStatus();
}

// Writes the totals of the accounts `ids` (sorted) from `state` in one statement: a batch
// touches up to two accounts per transfer, and one UPDATE each would be as many round trips on
// PostgreSQL. SQLite reads the rows from one JSON parameter, PostgreSQL from five arrays.
absl::Status UpdateAccounts(store::Tx& tx, const std::vector<int64_t>& ids,
                            const EngineState& state) {
  if (tx.dialect() == Dialect::kSqlite) {
    std::string rows = "[";
    for (int64_t id : ids) {
      const Balance& b = state.accounts.at(id).balance;
      absl::StrAppend(&rows, rows.size() > 1 ? "," : "", "[", id, ",", b.debits_pending, ",",
                      b.debits_posted, ",", b.credits_pending, ",", b.credits_posted, "]");
    }
    rows += "]";
    return tx
        .Exec("UPDATE ledger_accounts SET debits_pending = v.value ->> 1, "
              "debits_posted = v.value ->> 2, credits_pending = v.value ->> 3, "
              "credits_posted = v.value ->> 4 FROM json_each(?) AS v "
              "WHERE ledger_accounts.id = v.value ->> 0",
              {rows})
        .status();
  }
  std::vector<int64_t> columns[4];
  for (int64_t id : ids) {
    const Balance& b = state.accounts.at(id).balance;
    columns[0].push_back(b.debits_pending);
    columns[1].push_back(b.debits_posted);
    columns[2].push_back(b.credits_pending);
    columns[3].push_back(b.credits_posted);
  }
  return tx
      .Exec("UPDATE ledger_accounts SET debits_pending = v.dp, debits_posted = v.dpo, "
            "credits_pending = v.cp, credits_posted = v.cpo FROM unnest(CAST(? AS BIGINT[]), "
            "CAST(? AS BIGINT[]), CAST(? AS BIGINT[]), CAST(? AS BIGINT[]), "
            "CAST(? AS BIGINT[])) AS v(id, dp, dpo, cp, cpo) WHERE ledger_accounts.id = v.id",
            {IdList(Dialect::kPostgres, ids), IdList(Dialect::kPostgres, columns[0]),
             IdList(Dialect::kPostgres, columns[1]), IdList(Dialect::kPostgres, columns[2]),
             IdList(Dialect::kPostgres, columns[3])})
      .status();
}

}  // namespace

absl::StatusOr<Account> ReadAccount(const store::Row& row) {
  Account a;
  a.id = row.Int(0);
  a.key.fund = row.Text(1);
  a.key.fiscal_year = static_cast<int>(row.Int(2));
  std::optional<AccountKind> kind = ParseKindName(row.Text(3));
  if (!kind) {
    return absl::InternalError(absl::StrCat("ledger_accounts ", a.id, ": unknown kind ",
                                            row.Text(3)));
  }
  a.key.kind = *kind;
  a.key.holder = row.Text(4);
  a.flags = static_cast<uint32_t>(row.Int(5));
  a.balance = {row.Int(6), row.Int(7), row.Int(8), row.Int(9)};
  a.created_by = row.Text(10);
  a.created_at = row.Text(11);
  return a;
}

absl::StatusOr<StoredTransfer> ReadTransfer(const store::Row& row) {
  StoredTransfer s;
  s.seq = row.Int(0);
  Transfer& t = s.transfer;
  t.id = row.Text(1);
  t.debit_account_id = row.Int(2);
  t.credit_account_id = row.Int(3);
  t.amount_fen = row.Int(4);
  t.flags = static_cast<uint32_t>(row.Int(5));
  t.pending_id = row.Text(6);  // "" for NULL
  t.code = row.Text(7);
  t.reason = row.Text(8);
  t.user = row.Text(9);
  std::optional<TransferCode> result = ParseCodeName(row.Text(10));
  if (!result) {
    return absl::InternalError(absl::StrCat("ledger_transfers ", t.id, ": unknown result ",
                                            row.Text(10)));
  }
  s.result = *result;
  s.created_at = row.Text(11);
  return s;
}

absl::StatusOr<EngineState> LoadBatchState(store::Tx& tx, std::span<const Transfer> batch) {
  std::vector<std::string> ids, pending_ids;
  std::vector<int64_t> account_ids;
  for (const Transfer& t : batch) {
    if (IsValidTransferId(t.id)) ids.push_back(t.id);
    if (IsPostOrVoid(t) && IsValidTransferId(t.pending_id)) pending_ids.push_back(t.pending_id);
    if (t.debit_account_id > 0) account_ids.push_back(t.debit_account_id);
    if (t.credit_account_id > 0) account_ids.push_back(t.credit_account_id);
  }
  pending_ids = SortedUnique(std::move(pending_ids));
  EngineState state;
  state.transfers.reserve(batch.size() + pending_ids.size());  // the batch records up to one each
  // Pending transfers first (rows never change), to lock their accounts with the others.
  RETURN_IF_ERROR(LoadTransfers(tx, pending_ids, state));
  for (const auto& [id, p] : state.transfers) {
    account_ids.push_back(p.transfer.debit_account_id);
    account_ids.push_back(p.transfer.credit_account_id);
  }
  RETURN_IF_ERROR(LockAccounts(tx, SortedUnique(std::move(account_ids)), state));
  // Now that the accounts are locked, what was written under those locks is visible.
  RETURN_IF_ERROR(LoadTransfers(tx, SortedUnique(std::move(ids)), state));
  RETURN_IF_ERROR(LoadResolutions(tx, pending_ids, state));
  for (const std::string& id : pending_ids) {
    auto p = state.transfers.find(id);
    if (p == state.transfers.end()) continue;
    const Transfer& t = p->second.transfer;
    if (p->second.result == TransferCode::kOk && (t.flags & kPending) &&
        (!state.accounts.contains(t.debit_account_id) ||
         !state.accounts.contains(t.credit_account_id))) {
      // The pending transfer was committed between our first read and the locks (it is both
      // created and resolved by concurrent batches): its accounts are not locked. Start over.
      return absl::AbortedError("预留转账在加锁期间被并发创建，重试");
    }
  }
  return state;
}

absl::Status WriteBatchOutcome(store::Tx& tx, const BatchOutcome& outcome,
                               const EngineState& state) {
  RETURN_IF_ERROR(InsertTransfers(tx, outcome.inserts));
  std::vector<int64_t> changed(outcome.changed_accounts.begin(), outcome.changed_accounts.end());
  if (changed.empty()) return absl::OkStatus();
  std::sort(changed.begin(), changed.end());
  return UpdateAccounts(tx, changed, state);
}

}  // namespace zhida::ledger::internal
