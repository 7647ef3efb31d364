#include "ledger/verify.h"

#include <map>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "ledger/account.h"
#include "ledger/ledger_sql.h"
#include "ledger/transfer.h"

namespace zhida::ledger {

namespace {

// Exact sums: an int64 total plus any number of int64 terms of one check cannot overflow 128 bits.
using Wide = __int128;

std::string Str(Wide v) {
  if (v >= INT64_MIN && v <= INT64_MAX) return absl::StrCat(static_cast<int64_t>(v));
  return v < 0 ? "<-2^63" : ">2^63";
}

Discrepancy Make(std::string zh, std::string en) { return {std::move(zh), std::move(en)}; }

// 1. Transfers that name missing accounts, accounts of two funds, or a non-positive amount.
absl::StatusOr<std::optional<Discrepancy>> CheckTransferAccounts(store::Tx& tx) {
  ASSIGN_OR_RETURN(
      store::Result r,
      tx.Query("SELECT t.id FROM ledger_transfers t "
               "LEFT JOIN ledger_accounts d ON d.id = t.debit_account_id "
               "LEFT JOIN ledger_accounts c ON c.id = t.credit_account_id "
               "WHERE t.result = 'ok' AND (d.id IS NULL OR c.id IS NULL OR d.fund <> c.fund OR "
               "d.fiscal_year <> c.fiscal_year OR t.amount_fen <= 0) ORDER BY t.seq LIMIT 1"));
  if (r.rows.empty()) return std::nullopt;
  std::string id = r.rows[0].Text(0);
  return Make(absl::StrCat("转账 ", id, " 的账户不存在、不属于同一资金年度，或金额不为正"),
              absl::StrCat("transfer ", id,
                           " names a missing account, accounts of two funds, or a bad amount"));
}

// 2. Posts and voids that resolve no pending transfer, or one with other accounts or amount.
absl::StatusOr<std::optional<Discrepancy>> CheckResolutions(store::Tx& tx) {
  ASSIGN_OR_RETURN(
      store::Result r,
      tx.Query("SELECT t.id, t.pending_id FROM ledger_transfers t "
               "LEFT JOIN ledger_transfers p ON p.id = t.pending_id AND p.result = 'ok' "
               "WHERE t.result = 'ok' AND t.pending_id IS NOT NULL AND (p.id IS NULL OR "
               "(p.flags & 2) = 0 OR p.amount_fen <> t.amount_fen OR "
               "p.debit_account_id <> t.debit_account_id OR "
               "p.credit_account_id <> t.credit_account_id) ORDER BY t.seq LIMIT 1"));
  if (r.rows.empty()) return std::nullopt;
  std::string id = r.rows[0].Text(0), pending = r.rows[0].Text(1);
  return Make(absl::StrCat("转账 ", id, " 确认或撤销的预留转账 ", pending,
                           " 不存在，或账户、金额与之不符"),
              absl::StrCat("transfer ", id, " resolves ", pending,
                           " which is missing or has other accounts or amount"));
}

struct Totals {
  Wide debits_pending = 0, debits_posted = 0, credits_pending = 0, credits_posted = 0;
};

// Adds one side's totals, recomputed from the successful transfers, to `totals`: posted = Σ
// single-phase transfers + Σ posts; pending = Σ pending transfers not yet resolved. Each sum is
// at most the total it recomputes (amounts are positive), so it fits in int64 whenever the stored
// totals are right; a sum that does not is reported by the database as an error.
absl::Status SumSide(store::Tx& tx, bool debit, absl::flat_hash_map<int64_t, Totals>& totals) {
  std::string column = debit ? "debit_account_id" : "credit_account_id";
  // Single-phase transfers and posts (flags without pending 2 and void 8).
  ASSIGN_OR_RETURN(store::Result posted,
                   tx.Query(absl::StrCat("SELECT ", column, ", CAST(SUM(amount_fen) AS BIGINT) "
                                         "FROM ledger_transfers WHERE result = 'ok' AND "
                                         "(flags & 10) = 0 GROUP BY ", column)));
  for (const store::Row& row : posted.rows) {
    Totals& t = totals[row.Int(0)];
    (debit ? t.debits_posted : t.credits_posted) += row.Int(1);
  }
  ASSIGN_OR_RETURN(
      store::Result pending,
      tx.Query(absl::StrCat(
          "SELECT p.", column, ", CAST(SUM(p.amount_fen) AS BIGINT) FROM ledger_transfers p "
          "WHERE p.result = 'ok' AND (p.flags & 2) <> 0 AND NOT EXISTS (SELECT 1 FROM "
          "ledger_transfers r WHERE r.pending_id = p.id AND r.result = 'ok') GROUP BY p.",
          column)));
  for (const store::Row& row : pending.rows) {
    Totals& t = totals[row.Int(0)];
    (debit ? t.debits_pending : t.credits_pending) += row.Int(1);
  }
  return absl::OkStatus();
}

std::optional<Discrepancy> CheckAccount(const Account& a, const Totals& t) {
  const Balance& b = a.balance;
  std::string name = DescribeKey(a.key);
  struct Field {
    const char* zh;
    const char* en;
    int64_t stored;
    Wide computed;
  };
  const Field fields[] = {
      {"预留借方", "debits_pending", b.debits_pending, t.debits_pending},
      {"已入账借方", "debits_posted", b.debits_posted, t.debits_posted},
      {"预留贷方", "credits_pending", b.credits_pending, t.credits_pending},
      {"已入账贷方", "credits_posted", b.credits_posted, t.credits_posted},
  };
  for (const Field& f : fields) {
    if (f.stored == f.computed) continue;
    return Make(absl::StrCat("账户 ", a.id, "（", name, "）的", f.zh, "合计为 ", f.stored,
                             " 分，按转账重算应为 ", Str(f.computed), " 分"),
                absl::StrCat("account ", a.id, " (", name, ") ", f.en, " is ", f.stored,
                             " fen; its transfers sum to ", Str(f.computed)));
  }
  if (!WithinLimits(b, a.flags)) {
    return Make(absl::StrCat("账户 ", a.id, "（", name, "）透支：可用余额（扣除预留）为 ",
                             Str(CreditsAvailable(b)), " 分，或有合计为负"),
                absl::StrCat("account ", a.id, " (", name, ") violates its limit flags"));
  }
  return std::nullopt;
}

// 5. Σ debits = Σ credits per fund and year, posted and pending.
std::optional<Discrepancy> CheckFunds(const std::vector<Account>& accounts, int64_t* funds) {
  std::map<std::pair<std::string, int>, Totals> by_fund;
  for (const Account& a : accounts) {
    Totals& t = by_fund[{a.key.fund, a.key.fiscal_year}];
    t.debits_pending += a.balance.debits_pending;
    t.debits_posted += a.balance.debits_posted;
    t.credits_pending += a.balance.credits_pending;
    t.credits_posted += a.balance.credits_posted;
  }
  *funds = static_cast<int64_t>(by_fund.size());
  for (const auto& [fund, t] : by_fund) {
    if (t.debits_posted == t.credits_posted && t.debits_pending == t.credits_pending) continue;
    return Make(absl::StrCat("资金 ", fund.first, "（", fund.second, " 年度）借贷不平：已入账借方 ",
                             Str(t.debits_posted), "、贷方 ", Str(t.credits_posted), "；预留借方 ",
                             Str(t.debits_pending), "、贷方 ", Str(t.credits_pending)),
                absl::StrCat("fund ", fund.first, " ", fund.second,
                             " does not balance: posted debits ", Str(t.debits_posted),
                             ", credits ", Str(t.credits_posted), "; pending debits ",
                             Str(t.debits_pending), ", credits ", Str(t.credits_pending)));
  }
  return std::nullopt;
}

absl::Status VerifyInTx(store::Tx& tx, VerifyReport& report) {
  ASSIGN_OR_RETURN(report.first, CheckTransferAccounts(tx));
  if (report.first) return absl::OkStatus();
  ASSIGN_OR_RETURN(report.first, CheckResolutions(tx));
  if (report.first) return absl::OkStatus();
  ASSIGN_OR_RETURN(store::Result rows,
                   tx.Query(absl::StrCat("SELECT ", internal::kAccountColumns,
                                         " FROM ledger_accounts ORDER BY id")));
  std::vector<Account> accounts;
  for (const store::Row& row : rows.rows) {
    ASSIGN_OR_RETURN(Account a, internal::ReadAccount(row));
    accounts.push_back(std::move(a));
  }
  report.accounts = static_cast<int64_t>(accounts.size());
  absl::flat_hash_map<int64_t, Totals> totals;
  RETURN_IF_ERROR(SumSide(tx, /*debit=*/true, totals));
  RETURN_IF_ERROR(SumSide(tx, /*debit=*/false, totals));
  ASSIGN_OR_RETURN(store::Result count,
                   tx.Query("SELECT COUNT(*) FROM ledger_transfers WHERE result = 'ok'"));
  report.transfers = count.rows.at(0).Int(0);
  for (const Account& a : accounts) {
    report.first = CheckAccount(a, totals[a.id]);
    if (report.first) return absl::OkStatus();
  }
  report.first = CheckFunds(accounts, &report.funds);
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<VerifyReport> Verify(store::Store& store) {
  ASSIGN_OR_RETURN(std::unique_ptr<store::Tx> tx, store.Begin(store::TxMode::kRead));
  VerifyReport report;
  RETURN_IF_ERROR(VerifyInTx(*tx, report));
  return report;
}

}  // namespace zhida::ledger
