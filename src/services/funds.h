// Budget operations and reads of the funds (issue 4 §1 reads, §2): a fund's budget for a year
// (预算批复), its accounts with posted and pending balances, an account's history, and the
// settlement by actuals per quota (据实清算). Changes of quotas go through FundRequests
// (fund_requests.h: maker-checker); this service creates budgets and reads.
//
// Who: finance officers of the fund's region operate; finance officers, leaders and audit admins
// read; county staff see their county's quotas only (DESIGN.md §6).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/money.h"
#include "ledger/ledger.h"
#include "services/actor.h"
#include "services/funds_common.h"
#include "store/store.h"

namespace zhida::services {

struct NewBudget {
  FundKey key;
  std::string name;    // 资金名称, e.g. 科技创新专项资金
  std::string region;  // the level that owns it: 350500 (city) or a county code
  core::Money amount;  // > 0
  std::string basis;   // the approving document
};

// One account of a fund as a finance officer reads it.
struct FundAccount {
  int64_t account_id = 0;
  ledger::AccountKind kind = ledger::AccountKind::kQuota;
  std::string holder;
  std::string holder_name;  // 中文: a department's or region's name, the plan id, the USCC
  std::string region;       // whose staff may see it; "" for the fund's own accounts
  ledger::Balance balance;
  // credits_posted − debits_posted − debits_pending: what can still be spent (limited kinds), or
  // for the appropriation minus what was put into the fund.
  int64_t available_fen = 0;
};

// The settlement (据实清算) figures of one quota, from its transfers by business code. The
// identity available = allocated + adjusted − committed + released + recovered − returned holds
// for every quota (`balanced` says whether it did).
struct QuotaSettlement {
  std::string holder;
  std::string holder_name;
  int64_t allocated_fen = 0;  // 指标下达
  int64_t adjusted_fen = 0;   // 指标调整 (net: in − out)
  int64_t committed_fen = 0;  // 方案预留 (gross, including what was later released)
  int64_t released_fen = 0;   // 释放（方案撤销、调整、支付失败、冲正后退回）
  int64_t paid_fen = 0;       // 已支付 (net of reversals) from this quota's commitments
  int64_t in_flight_fen = 0;  // 支付中: payment orders not yet settled by the treasury
  int64_t outstanding_fen = 0;  // reserved for plans, neither paid, in flight nor released
  int64_t recovered_fen = 0;    // 追回到账
  int64_t returned_fen = 0;     // 结余收回
  int64_t available_fen = 0;    // 可用余额 now
  bool balanced = true;
};

struct SettlementReport {
  FundInfo fund;
  std::vector<QuotaSettlement> quotas;
  QuotaSettlement total;  // holder "合计"
};

// A message for finance officers (a failed payment, a refused request).
struct FundNotice {
  int64_t id = 0;
  std::string kind;
  std::string subject;
  std::string message;
  std::string created_at;
};

class FundsService {
 public:
  FundsService(store::Store& store, const core::Clock& clock);

  // Creates the fund's budget for the year: opens its appropriation and budget accounts and moves
  // `amount` from the appropriation to the budget, audited. Idempotent: the same budget again
  // returns the stored one; a different amount or name for an existing fund and year is
  // kAlreadyExists (funds.exists). Needs a finance officer of `region`.
  absl::StatusOr<FundInfo> CreateBudget(const Actor& actor, const NewBudget& budget);

  // The funds of `fiscal_year` (0: every year) the actor may read, by year then code.
  absl::StatusOr<std::vector<FundInfo>> ListFunds(const Actor& actor, int fiscal_year);

  // The fund's accounts the actor may see, with balances read in one snapshot; `kind` filters
  // (nullopt: all), by kind then holder.
  absl::StatusOr<std::vector<FundAccount>> Balances(const Actor& actor, const FundKey& fund,
                                                    std::optional<ledger::AccountKind> kind);

  // One page of an account's history (oldest first, ledger::Ledger::History). kNotFound when the
  // account is not a fund account the actor may see.
  absl::StatusOr<ledger::HistoryPage> History(const Actor& actor, int64_t account_id,
                                              int64_t after_seq, int limit);

  // Settlement figures for every quota of the fund the actor may see (据实清算).
  absl::StatusOr<SettlementReport> Settlement(const Actor& actor, const FundKey& fund);

  // The fund's notices the actor may see, newest first (at most kFundListSizeMax).
  absl::StatusOr<std::vector<FundNotice>> Notices(const Actor& actor, const FundKey& fund);

  // The Chinese name of a holder: department or region name; else the holder itself.
  static std::string HolderName(store::Tx& tx, ledger::AccountKind kind, const std::string& holder);

 private:
  absl::StatusOr<QuotaSettlement> SettleQuota(const FundAccount& quota,
                                              const std::vector<FundAccount>& commitments);

  store::Store& store_;
  const core::Clock& clock_;
  ledger::Ledger ledger_;
};

// Every successful transfer touching `account_id`, oldest first (all pages of History).
absl::StatusOr<std::vector<ledger::StoredTransfer>> FullHistory(ledger::Ledger& ledger,
                                                                int64_t account_id);

}  // namespace zhida::services
