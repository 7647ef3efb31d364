// Reconciliation (对账, issue 4 §3) and the funds checks of `zhida ledger verify` (§2).
//
// Reconcile matches three records of every payment: the ledger (the order's transfers: pending,
// posted or voided), the orders (their status) and the bank's return files (paid / failed), and
// lists every mismatch as an exception with what to do about it. It changes nothing.
//
// VerifyFunds runs the ledger's own Verify (balances, limits, resolutions) and then checks that
// every pending transfer belongs to a live plan reservation or payment order, and that every live
// reservation and order still has its pending transfers — naming the first discrepancy.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "ledger/verify.h"
#include "services/actor.h"
#include "services/funds_common.h"
#include "store/store.h"

namespace zhida::services {

struct ReconException {
  // awaiting_return, unknown_batch, ledger_mismatch, orphan_transfer, return_conflict,
  // unknown_voucher, amount_mismatch, not_sent, return_refused, totals_mismatch
  std::string kind;
  std::string subject;  // a voucher, "batch <id>", or the fund
  std::string message;  // 中文: what differs
  std::string action;   // 中文: how to resolve it
};

struct ReconReport {
  FundKey fund;
  std::map<std::string, int64_t> orders_by_status;
  int64_t orders = 0;
  int64_t orders_paid_fen = 0;    // orders paid (including those reversed later)
  int64_t ledger_paid_fen = 0;    // Σ posted payments in the ledger
  int64_t treasury_paid_fen = 0;  // Σ orders the bank's return files say it paid
  int64_t in_flight_fen = 0;      // orders batched or sent, not yet settled
  std::vector<ReconException> exceptions;
  bool ok() const { return exceptions.empty(); }
};

class Reconciliation {
 public:
  Reconciliation(store::Store& store, const core::Clock& clock);

  // The reconciliation of `fund` (the actor must be able to read funds; county staff see the
  // exceptions of their county's orders only).
  absl::StatusOr<ReconReport> Reconcile(const Actor& actor, const FundKey& fund);

 private:
  store::Store& store_;
  const core::Clock& clock_;
};

struct FundsVerifyReport {
  ledger::VerifyReport ledger;
  int64_t pending_transfers = 0;  // unresolved, each matched to a live reservation or order
  int64_t live_reservations = 0;
  int64_t live_orders = 0;
  std::optional<ledger::Discrepancy> first;  // the ledger's, else ours; nullopt when all pass
  bool ok() const { return !first.has_value(); }
};

// For `zhida ledger verify`: see the header comment. Errors: store errors only.
absl::StatusOr<FundsVerifyReport> VerifyFunds(store::Store& store, const core::Clock& clock);

}  // namespace zhida::services
