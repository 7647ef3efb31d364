#include "services/funds.h"

#include <algorithm>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "core/region.h"
#include "ledger/limits.h"
#include "services/common.h"
#include "services/reference.h"

namespace zhida::services {

namespace {

using ledger::AccountKind;
using ledger::StoredTransfer;

absl::Status ValidateBudget(const NewBudget& b) {
  RETURN_IF_ERROR(ledger::ValidateAccountKey(AccountOf(b.key, AccountKind::kBudget)));
  RETURN_IF_ERROR(ValidateText(b.name, "name", /*required=*/true));
  RETURN_IF_ERROR(ValidateText(b.basis, "basis", /*required=*/false));
  if (core::FindRegion(b.region) == nullptr) {
    return InvalidField("funds.region", "region", "不是泉州市的行政区划代码", "unknown region");
  }
  if (b.amount.fen() <= 0) {
    return InvalidField("funds.amount", "amount", "预算金额必须大于零", "amount must be positive");
  }
  return absl::OkStatus();
}

int64_t Available(const ledger::Balance& b) {
  return b.credits_posted - b.debits_posted - b.debits_pending;
}

}  // namespace

FundsService::FundsService(store::Store& store, const core::Clock& clock)
    : store_(store), clock_(clock), ledger_(&store, &clock) {}

absl::StatusOr<std::vector<ledger::StoredTransfer>> FullHistory(ledger::Ledger& ledger,
                                                                int64_t account_id) {
  std::vector<StoredTransfer> all;
  int64_t after = 0;
  do {
    ASSIGN_OR_RETURN(ledger::HistoryPage page,
                     ledger.History(account_id, after, ledger::kHistoryPageSizeMax));
    for (StoredTransfer& t : page.transfers) all.push_back(std::move(t));
    after = page.next_after_seq;
  } while (after != 0);
  return all;
}

absl::StatusOr<FundInfo> FundsService::CreateBudget(const Actor& actor, const NewBudget& budget) {
  RETURN_IF_ERROR(ValidateBudget(budget));
  RETURN_IF_ERROR(RequireFinance(actor, budget.region));
  std::string user = LedgerUser(actor);
  ASSIGN_OR_RETURN(
      int64_t source,
      OpenFundAccount(store_, ledger_, AccountOf(budget.key, AccountKind::kAppropriation), user));
  ASSIGN_OR_RETURN(
      int64_t target,
      OpenFundAccount(store_, ledger_, AccountOf(budget.key, AccountKind::kBudget), user));
  FundInfo info;
  RETURN_IF_ERROR(store_.InTx(store::TxMode::kWrite, [&](store::Tx& tx) -> absl::Status {
    absl::StatusOr<FundInfo> existing = LoadFund(tx, budget.key);
    if (existing.ok()) {
      if (existing->budget_fen != budget.amount.fen() || existing->name != budget.name ||
          existing->region != budget.region) {
        return MakeError(absl::StatusCode::kAlreadyExists, "funds.exists", "amount",
                         "该资金本年度预算已批复，金额或名称不同：如需追加，请另行办理",
                         "the fund already has a different budget for this year");
      }
      info = *existing;
      return absl::OkStatus();
    }
    if (existing.status().code() != absl::StatusCode::kNotFound) return existing.status();
    ledger::Transfer t{absl::StrCat("bud/", budget.key.fund, "/", budget.key.fiscal_year),
                       source,
                       target,
                       budget.amount.fen(),
                       0,
                       "",
                       std::string(codes::kBudgetCreate),
                       absl::StrCat("预算批复：", budget.name),
                       user};
    ASSIGN_OR_RETURN(std::vector<ledger::TransferCode> results,
                     ledger_.CreateTransfersInTx(tx, std::span(&t, 1)));
    if (!ledger::Succeeded(results[0])) return LedgerRefused(results[0]);
    std::string now = TimeText(clock_.Now());
    RETURN_IF_ERROR(tx.Exec("INSERT INTO funds (code, fiscal_year, name, region, budget_fen, "
                            "basis, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                            {budget.key.fund, int64_t{budget.key.fiscal_year}, budget.name,
                             budget.region, budget.amount.fen(), budget.basis, user, now})
                        .status());
    info = FundInfo{budget.key, budget.name, budget.region, budget.amount.fen(), budget.basis,
                    user,       now};
    return Audit(
        tx, clock_.Now(), actor, "funds.budget.create", "fund",
        absl::StrCat(budget.key.fund, "/", budget.key.fiscal_year),
        {{"amount", budget.amount.ToString()}, {"name", budget.name}, {"basis", budget.basis}});
  }));
  return info;
}

absl::StatusOr<std::vector<FundInfo>> FundsService::ListFunds(const Actor& actor, int fiscal_year) {
  RETURN_IF_ERROR(RequireFundsReader(actor));
  std::vector<FundInfo> funds;
  RETURN_IF_ERROR(store_.InTx(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    funds.clear();
    ASSIGN_OR_RETURN(store::Result r,
                     tx.Query("SELECT code, fiscal_year, name, region, budget_fen, basis, "
                              "created_by, created_at FROM funds WHERE (? = 0 OR fiscal_year = ?) "
                              "ORDER BY fiscal_year DESC, code",
                              {int64_t{fiscal_year}, int64_t{fiscal_year}}));
    for (const store::Row& row : r.rows) {
      // Every reader sees every fund: county staff's quotas live in the city's funds; what
      // they may not see is other counties' accounts (Balances).
      funds.push_back(FundInfo{{row.Text(0), static_cast<int>(row.Int(1))},
                               row.Text(2),
                               row.Text(3),
                               row.Int(4),
                               row.Text(5),
                               row.Text(6),
                               row.Text(7)});
    }
    return absl::OkStatus();
  }));
  return funds;
}

absl::StatusOr<std::vector<FundNotice>> FundsService::Notices(const Actor& actor,
                                                              const FundKey& fund) {
  RETURN_IF_ERROR(RequireFundsReader(actor));
  std::vector<FundNotice> out;
  RETURN_IF_ERROR(store_.InTx(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(store::Result r, ListFundRows(tx, actor,
                                                   "id, kind, subject, message, created_at",
                                                   "fund_notices", fund));
    out.clear();
    for (const store::Row& row : r.rows) {
      out.push_back(FundNotice{row.Int(0), row.Text(1), row.Text(2), row.Text(3), row.Text(4)});
    }
    return absl::OkStatus();
  }));
  return out;
}

std::string FundsService::HolderName(store::Tx& tx, AccountKind kind, const std::string& holder) {
  if (kind != AccountKind::kQuota) return holder;
  if (holder.find('.') == std::string::npos) {
    const core::Region* r = core::FindRegion(holder);
    return r != nullptr ? std::string(r->name) : holder;
  }
  absl::StatusOr<Department> d = GetDepartment(tx, holder);
  return d.ok() ? d->name : holder;
}

absl::StatusOr<std::vector<FundAccount>> FundsService::Balances(const Actor& actor,
                                                                const FundKey& fund,
                                                                std::optional<AccountKind> kind) {
  RETURN_IF_ERROR(RequireFundsReader(actor));
  std::vector<FundAccount> accounts;
  RETURN_IF_ERROR(store_.InTx(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    accounts.clear();
    ASSIGN_OR_RETURN(FundInfo info, LoadFund(tx, fund));
    ASSIGN_OR_RETURN(store::Result r,
                     tx.Query("SELECT account_id, kind, holder, region FROM fund_accounts "
                              "WHERE fund = ? AND fiscal_year = ? ORDER BY kind, holder",
                              {fund.fund, int64_t{fund.fiscal_year}}));
    for (const store::Row& row : r.rows) {
      std::optional<AccountKind> k = ledger::ParseKindName(row.Text(1));
      if (!k || (kind && *k != *kind)) continue;
      std::string region = row.Text(3).empty() ? info.region : row.Text(3);
      if (!CanReadFunds(actor, region)) continue;
      FundAccount a;
      a.account_id = row.Int(0);
      a.kind = *k;
      a.holder = row.Text(2);
      a.holder_name = HolderName(tx, *k, a.holder);
      a.region = row.Text(3);
      accounts.push_back(std::move(a));
    }
    return absl::OkStatus();
  }));
  std::vector<int64_t> ids;
  for (const FundAccount& a : accounts) ids.push_back(a.account_id);
  // One read of all balances: a consistent snapshot across the fund's accounts.
  ASSIGN_OR_RETURN(std::vector<ledger::Account> read, ledger_.LookupAccounts(ids));
  for (size_t i = 0, j = 0; i < accounts.size() && j < read.size(); ++i) {
    if (read[j].id != accounts[i].account_id) continue;
    accounts[i].balance = read[j].balance;
    accounts[i].available_fen = Available(read[j].balance);
    ++j;
  }
  std::stable_sort(accounts.begin(), accounts.end(), [](const auto& a, const auto& b) {
    return static_cast<int>(a.kind) < static_cast<int>(b.kind);
  });
  return accounts;
}

absl::StatusOr<ledger::HistoryPage> FundsService::History(const Actor& actor, int64_t account_id,
                                                          int64_t after_seq, int limit) {
  RETURN_IF_ERROR(RequireFundsReader(actor));
  bool visible = false;
  RETURN_IF_ERROR(store_.InTx(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(store::Result r,
                     tx.Query("SELECT a.region, f.region FROM fund_accounts a JOIN funds f ON "
                              "f.code = a.fund AND f.fiscal_year = a.fiscal_year "
                              "WHERE a.account_id = ?",
                              {account_id}));
    visible = !r.rows.empty() && CanReadFunds(actor, r.rows[0].Text(0).empty() ? r.rows[0].Text(1)
                                                                               : r.rows[0].Text(0));
    return absl::OkStatus();
  }));
  if (!visible) {
    return NotFoundError("funds.account_not_found", "账户不存在或无权查看",
                         "no such account, or not visible to you");
  }
  return ledger_.History(account_id, after_seq, limit);
}

absl::StatusOr<SettlementReport> FundsService::Settlement(const Actor& actor, const FundKey& fund) {
  SettlementReport report;
  RETURN_IF_ERROR(store_.InTx(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(report.fund, LoadFund(tx, fund));
    return absl::OkStatus();
  }));
  ASSIGN_OR_RETURN(std::vector<FundAccount> quotas, Balances(actor, fund, AccountKind::kQuota));
  ASSIGN_OR_RETURN(std::vector<FundAccount> commitments,
                   Balances(actor, fund, AccountKind::kCommitment));
  report.total.holder = "合计";
  report.total.holder_name = "合计";
  for (const FundAccount& q : quotas) {
    ASSIGN_OR_RETURN(QuotaSettlement s, SettleQuota(q, commitments));
    QuotaSettlement& t = report.total;
    t.allocated_fen += s.allocated_fen;
    t.adjusted_fen += s.adjusted_fen;
    t.committed_fen += s.committed_fen;
    t.released_fen += s.released_fen;
    t.paid_fen += s.paid_fen;
    t.in_flight_fen += s.in_flight_fen;
    t.outstanding_fen += s.outstanding_fen;
    t.recovered_fen += s.recovered_fen;
    t.returned_fen += s.returned_fen;
    t.available_fen += s.available_fen;
    t.balanced = t.balanced && s.balanced;
    report.quotas.push_back(std::move(s));
  }
  return report;
}

absl::StatusOr<QuotaSettlement> FundsService::SettleQuota(
    const FundAccount& quota, const std::vector<FundAccount>& commitments) {
  QuotaSettlement s;
  s.holder = quota.holder;
  s.holder_name = quota.holder_name;
  s.available_fen = quota.available_fen;
  ASSIGN_OR_RETURN(std::vector<StoredTransfer> own, FullHistory(ledger_, quota.account_id));
  const int64_t q = quota.account_id;
  for (const StoredTransfer& st : own) {
    const ledger::Transfer& t = st.transfer;
    const bool in = t.credit_account_id == q, out = t.debit_account_id == q;
    if (t.flags & ledger::kVoidPending) {
      if (out) s.released_fen += t.amount_fen;  // a reservation given back before confirmation
      continue;
    }
    if (t.flags & ledger::kPostPending) continue;  // confirmation: already counted when pending
    if (t.code == codes::kQuotaAllocate && in) s.allocated_fen += t.amount_fen;
    if (t.code == codes::kQuotaAdjust) s.adjusted_fen += in ? t.amount_fen : -t.amount_fen;
    if ((t.code == codes::kPlanReserve || t.code == codes::kReissue) && out) {
      s.committed_fen += t.amount_fen;
    }
    if (t.code == codes::kPlanRelease && in) s.released_fen += t.amount_fen;
    if (t.code == codes::kRepay && in) s.recovered_fen += t.amount_fen;
    if (t.code == codes::kQuotaReturn && out) s.returned_fen += t.amount_fen;
  }
  std::string suffix = absl::StrCat(":", quota.holder);
  for (const FundAccount& c : commitments) {
    if (!c.holder.ends_with(suffix)) continue;
    ASSIGN_OR_RETURN(std::vector<StoredTransfer> history, FullHistory(ledger_, c.account_id));
    absl::flat_hash_set<std::string> resolved;
    for (const StoredTransfer& st : history) {
      if (!st.transfer.pending_id.empty()) resolved.insert(st.transfer.pending_id);
    }
    for (const StoredTransfer& st : history) {
      const ledger::Transfer& t = st.transfer;
      if (t.debit_account_id == c.account_id && (t.flags & ledger::kPostPending)) {
        s.paid_fen += t.amount_fen;
      }
      if (t.credit_account_id == c.account_id && t.code == codes::kReverse) {
        s.paid_fen -= t.amount_fen;
      }
      if (t.debit_account_id == c.account_id && (t.flags & ledger::kPending) &&
          !resolved.contains(t.id)) {
        s.in_flight_fen += t.amount_fen;
      }
    }
  }
  s.outstanding_fen = s.committed_fen - s.released_fen - s.paid_fen - s.in_flight_fen;
  s.balanced = s.available_fen == s.allocated_fen + s.adjusted_fen - s.committed_fen +
                                      s.released_fen + s.recovered_fen - s.returned_fen;
  return s;
}

}  // namespace zhida::services
