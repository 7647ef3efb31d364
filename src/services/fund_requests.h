// Maker-checker (双人复核) for changes of quotas and for corrections (issue 4 §2, §4).
//
// A change is first a request row (pending) that moves no money: a finance officer (the maker)
// proposes it with a reason. A second finance officer (the checker) approves it — the maker can
// never approve their own — and approving applies its transfers in the same transaction that
// records the decision, all of them or none (a linked chain); or rejects it with a reason. Every
// step is audited. When the ledger refuses an approved request's transfers (e.g. the quota was
// spent meanwhile: exceeds_credits), the request ends `failed` with the ledger's code and a
// notice for the maker; its transfer ids ("req-<id>-<n>") stay spent, so it is never applied
// later by accident: the maker proposes again.
//
// Kinds: quota.allocate (budget → quota, 指标预下达), quota.adjust (quota → quota, 指标调整),
// quota.return (quota → budget, 结余收回; a settlement returns every quota's available balance in
// one request), and the corrections of corrections.h (correction.*).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/money.h"
#include "ledger/ledger.h"
#include "nlohmann/json.hpp"
#include "services/actor.h"
#include "services/funds_common.h"
#include "store/store.h"

namespace zhida::services {

// One transfer a request makes when approved. Accounts are opened when the request is made, so
// that approving needs no second transaction.
struct RequestLeg {
  int64_t debit_account_id = 0;
  int64_t credit_account_id = 0;
  std::string debit_key;  // ledger::DescribeKey, for people
  std::string credit_key;
  int64_t amount_fen = 0;
  std::string code;         // business code (funds_common.h codes::)
  bool pending = false;     // a two-phase transfer (a re-issued payment order)
  std::string transfer_id;  // "" → "req-<request id>-<n>"
};

struct FundRequest {
  int64_t id = 0;
  FundKey fund;
  std::string kind;
  std::string status;  // pending, approved, rejected, failed
  int64_t amount_fen = 0;
  std::string reason;
  nlohmann::json detail;  // kind-specific (legs, voucher, …)
  std::vector<RequestLeg> legs;
  std::vector<std::string> regions;
  std::string maker;
  std::string created_at;
  std::string checker;  // "" while pending
  std::string decided_at;
  std::string decision_reason;  // the checker's note, or the rejection's reason
  std::string result;           // "" while pending; "ok" or the ledger's code name
  std::string result_message;   // the ledger's Chinese message for `result`
};

// What a service proposes (FundRequests::Create).
struct NewRequest {
  FundKey fund;
  std::string kind;
  std::string reason;
  std::vector<RequestLeg> legs;
  nlohmann::json detail = nlohmann::json::object();
  std::vector<std::string> regions;  // the fund's region first
  int64_t amount_fen = 0;            // the request's amount; 0: the sum of its posted legs
};

class FundRequests {
 public:
  FundRequests(store::Store& store, const core::Clock& clock);

  // 指标预下达: budget → quota of `holder` (a department or region code).
  absl::StatusOr<FundRequest> ProposeAllocation(const Actor& actor, const FundKey& fund,
                                                const std::string& holder, core::Money amount,
                                                const std::string& reason);
  // 指标调整: quota `from` → quota `to`.
  absl::StatusOr<FundRequest> ProposeAdjustment(const Actor& actor, const FundKey& fund,
                                                const std::string& from, const std::string& to,
                                                core::Money amount, const std::string& reason);
  // 指标收回: quota `holder` → budget.
  absl::StatusOr<FundRequest> ProposeReturn(const Actor& actor, const FundKey& fund,
                                            const std::string& holder, core::Money amount,
                                            const std::string& reason);
  // 据实清算: returns every quota's available balance (as of now) to the budget, one linked
  // chain. kFailedPrecondition (funds.nothing_to_return) when every quota is empty.
  absl::StatusOr<FundRequest> ProposeSettlement(const Actor& actor, const FundKey& fund,
                                                const std::string& reason);

  // Approves a pending request: applies its legs (and its kind's effects) and records the
  // decision. Returns the request as decided: `approved`, or `failed` with the ledger's code.
  // Errors: kNotFound; kFailedPrecondition (funds.request_decided) when no longer pending;
  // kPermissionDenied when the actor is the maker (funds.same_person) or not a finance officer of
  // the fund's region.
  absl::StatusOr<FundRequest> Approve(const Actor& actor, int64_t id, const std::string& note);
  // Rejects a pending request with a reason (required). Same errors as Approve.
  absl::StatusOr<FundRequest> Reject(const Actor& actor, int64_t id, const std::string& reason);

  absl::StatusOr<FundRequest> Get(const Actor& actor, int64_t id);
  // Requests of a fund (status "" = all), newest first, at most kFundListSizeMax.
  absl::StatusOr<std::vector<FundRequest>> List(const Actor& actor, const FundKey& fund,
                                                const std::string& status);

  // Records a new pending request (validated by the caller), audited. For corrections.cc.
  absl::StatusOr<FundRequest> Create(const Actor& actor, const NewRequest& request);

  // A leg between two accounts of `fund`, opening them (and registering them in fund_accounts).
  absl::StatusOr<RequestLeg> MakeLeg(const FundKey& fund, const ledger::AccountKey& from,
                                     const ledger::AccountKey& to, int64_t amount_fen,
                                     std::string_view code, const Actor& actor);

 private:
  // A quota move of `amount` from `from` to `to`, "" standing for the fund's budget: allocation
  // (budget → holder), adjustment (holder → holder) or return (holder → budget).
  absl::StatusOr<FundRequest> ProposeMove(const Actor& actor, const FundKey& fund,
                                          std::string_view code, const std::string& from,
                                          const std::string& to, core::Money amount,
                                          const std::string& reason);
  absl::StatusOr<FundRequest> Decide(const Actor& actor, int64_t id, bool approve,
                                     const std::string& text);
  absl::StatusOr<FundInfo> CheckFund(const Actor& actor, const FundKey& fund);

  store::Store& store_;
  const core::Clock& clock_;
  ledger::Ledger ledger_;
};

// Reads the request `id` in `tx` (no visibility check). kNotFound when absent.
absl::StatusOr<FundRequest> LoadRequest(store::Tx& tx, int64_t id);

}  // namespace zhida::services
