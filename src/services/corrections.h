// Corrections (容错纠错, issue 4 §4). Each is a change request (fund_requests.h): a finance
// officer proposes it with a reason, a second one approves it, and only then do its new transfers
// take effect — nothing already recorded is changed (DESIGN.md §3: a correction is a new
// transfer). Every step is audited.
//
//   Reverse   a wrong payment that the bank returned (冲正): paid → the order's commitments →
//             their quotas; the order becomes `reversed`.
//   Recover   claim (part of) a payment back from the enterprise (追回): paid → receivable(USCC);
//             a recovery row stays `claimed` until Repay.
//   Repay     the enterprise paid the claim back: receivable → the quota; the recovery `repaid`.
//   Reissue   pay a failed or reversed order again to a corrected bank account (重新支付): the
//             amount is reserved anew from the quotas (quota → commitment) and a new payment order
//             with a new voucher is created in the same chain (`replaces` names the old one).
#pragma once

#include <string>

#include "core/clock.h"
#include "core/money.h"
#include "services/actor.h"
#include "services/fund_requests.h"
#include "store/store.h"

namespace zhida::services {

struct Recovery {
  int64_t id = 0;
  std::string voucher;
  FundKey fund;
  std::string payee_uscc;
  std::string quota;
  int64_t amount_fen = 0;
  std::string status;  // claimed, repaid
  std::string claimed_at, repaid_at;
};

struct ReissueRequest {
  std::string voucher;      // the failed or reversed order
  std::string new_voucher;  // the new order's voucher number
  std::string bank_name;
  std::string bank_account;
  std::string reason;
};

class Corrections {
 public:
  Corrections(store::Store& store, const core::Clock& clock);

  // Each proposes a request (status pending) and returns it. Errors: kNotFound (payment.not_found),
  // kFailedPrecondition when the order is not in a state the correction applies to
  // (correction.state), kInvalidArgument, kPermissionDenied.
  absl::StatusOr<FundRequest> ProposeReversal(const Actor& actor, const std::string& voucher,
                                              const std::string& reason);
  absl::StatusOr<FundRequest> ProposeRecovery(const Actor& actor, const std::string& voucher,
                                              core::Money amount, const std::string& reason);
  absl::StatusOr<FundRequest> ProposeRepayment(const Actor& actor, int64_t recovery_id,
                                               const std::string& reason);
  absl::StatusOr<FundRequest> ProposeReissue(const Actor& actor, const ReissueRequest& request);

  // The recoveries of a fund the actor may see, newest first.
  absl::StatusOr<std::vector<Recovery>> ListRecoveries(const Actor& actor, const FundKey& fund);

 private:
  store::Store& store_;
  const core::Clock& clock_;
  FundRequests requests_;
};

// Called by FundRequests::Approve, in its transaction, after the request's transfers succeeded:
// the correction's effect on the orders and recoveries. Errors roll the approval back whole
// (correction.state when the order changed since the proposal).
absl::Status ApplyCorrectionEffects(store::Tx& tx, const FundRequest& request,
                                    const std::string& user, const std::string& now);

}  // namespace zhida::services
