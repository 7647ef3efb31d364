// VerifyFunds (reconciliation.h): the ledger's Verify, then every pending transfer matched to a
// live plan reservation or payment order, and every live one to its pending transfers.
#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "services/disbursement.h"
#include "services/funds.h"
#include "services/reconciliation.h"

namespace zhida::services {

namespace {

using ledger::Discrepancy;
using ledger::StoredTransfer;

Discrepancy Make(std::string zh, std::string en) { return {std::move(zh), std::move(en)}; }

// The live reservations ("rsv-<id>-<n>" each) and orders ("<voucher>/<n>" each): the pending
// transfer ids they must hold.
struct Live {
  absl::flat_hash_map<std::string, std::string> expected;  // transfer id → owner, for messages
  int64_t reservations = 0, orders = 0, accounts = 0;
};

absl::StatusOr<Live> LoadLive(store::Store& store) {
  Live live;
  RETURN_IF_ERROR(store.InTx(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(store::Result r,
                     tx.Query("SELECT id, shares FROM plan_reservations WHERE status = "
                              "'reserved'"));
    for (const store::Row& row : r.rows) {
      ++live.reservations;
      size_t shares = SharesFromJson(row.Text(1)).size();
      for (size_t i = 0; i < shares; ++i) {
        live.expected[absl::StrCat("rsv-", row.Int(0), "-", i + 1)] =
            absl::StrCat("方案预留 ", row.Int(0));
      }
    }
    ASSIGN_OR_RETURN(store::Result o,
                     tx.Query("SELECT voucher, legs FROM payment_orders WHERE status IN "
                              "('created', 'batched', 'sent', 'unknown')"));
    for (const store::Row& row : o.rows) {
      ++live.orders;
      size_t legs = SharesFromJson(row.Text(1)).size();
      for (size_t i = 0; i < legs; ++i) {
        live.expected[absl::StrCat(row.Text(0), "/", i + 1)] =
            absl::StrCat("支付指令 ", row.Text(0));
      }
    }
    ASSIGN_OR_RETURN(store::Result a, tx.Query("SELECT COUNT(*) FROM fund_accounts"));
    live.accounts = a.rows.at(0).Int(0);
    return absl::OkStatus();
  }));
  return live;
}

// Every unresolved pending transfer: a reservation debits a quota, a payment a commitment, so
// the histories of those accounts hold every pending transfer and its resolution.
absl::StatusOr<absl::flat_hash_map<std::string, int64_t>> UnresolvedPending(
    store::Store& store, ledger::Ledger& ledger) {
  std::vector<int64_t> accounts;
  RETURN_IF_ERROR(store.InTx(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(store::Result r, tx.Query("SELECT account_id FROM fund_accounts WHERE kind IN "
                                               "('quota', 'commitment') ORDER BY account_id"));
    for (const store::Row& row : r.rows) accounts.push_back(row.Int(0));
    return absl::OkStatus();
  }));
  absl::flat_hash_map<std::string, int64_t> pending;  // id → amount
  absl::flat_hash_set<std::string> resolved;
  for (int64_t id : accounts) {
    ASSIGN_OR_RETURN(std::vector<StoredTransfer> history, FullHistory(ledger, id));
    for (const StoredTransfer& st : history) {
      const ledger::Transfer& t = st.transfer;
      if (t.flags & ledger::kPending) pending[t.id] = t.amount_fen;
      if (!t.pending_id.empty()) resolved.insert(t.pending_id);
    }
  }
  for (const std::string& id : resolved) pending.erase(id);
  return pending;
}

}  // namespace

absl::StatusOr<FundsVerifyReport> VerifyFunds(store::Store& store, const core::Clock& clock) {
  FundsVerifyReport report;
  ASSIGN_OR_RETURN(report.ledger, ledger::Verify(store));
  if (!report.ledger.ok()) {
    report.first = report.ledger.first;
    return report;
  }
  ASSIGN_OR_RETURN(Live live, LoadLive(store));
  report.live_reservations = live.reservations;
  report.live_orders = live.orders;
  if (report.ledger.accounts != live.accounts) {
    report.first = Make(absl::StrCat("台账有 ", report.ledger.accounts, " 个账户，资金业务登记 ",
                                     live.accounts, " 个：有账户不经资金业务开立，无法核对其预留"),
                        absl::StrCat("the ledger has ", report.ledger.accounts,
                                     " accounts; the funds services registered ", live.accounts));
    return report;
  }
  ledger::Ledger ledger(&store, &clock);
  ASSIGN_OR_RETURN(auto pending, UnresolvedPending(store, ledger));
  report.pending_transfers = static_cast<int64_t>(pending.size());
  // Sorted, so that the first discrepancy named is the same on every run.
  std::vector<std::string> ids;
  for (const auto& [id, amount] : pending) ids.push_back(id);
  std::sort(ids.begin(), ids.end());
  for (const std::string& id : ids) {
    if (live.expected.contains(id)) continue;
    report.first = Make(
        absl::StrCat("预留转账 ", id, "（", pending[id], " 分）不属于任何有效的方案预留或支付指令"),
        absl::StrCat("pending transfer ", id, " belongs to no live reservation or payment order"));
    return report;
  }
  std::vector<std::pair<std::string, std::string>> expected(live.expected.begin(),
                                                            live.expected.end());
  std::sort(expected.begin(), expected.end());
  for (const auto& [id, owner] : expected) {
    if (pending.contains(id)) continue;
    report.first = Make(absl::StrCat(owner, " 应有未决的预留转账 ", id, "，台账中没有"),
                        absl::StrCat(owner, " should hold pending transfer ", id));
    return report;
  }
  return report;
}

}  // namespace zhida::services
