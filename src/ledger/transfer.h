// Transfers: the only way money moves (DESIGN.md §3). A transfer debits one account and credits
// another of the same fund and year by the same positive amount, and is never changed afterwards:
// a correction is a new transfer.
//
// Two-phase transfers (a plan's reservation, a payment awaiting the treasury's answer):
//   - kPending moves the amount into the accounts' pending totals. It already counts against the
//     debit account's limit, so a reservation can never be spent twice.
//   - kPostPending (names the pending by pending_id) moves it to the posted totals;
//     kVoidPending takes it back out of the pending totals. Either happens at most once per
//     pending transfer (a unique index on resolving transfers in the database guards this too).
//   - No partial post: a post or void carries the pending amount, or 0 meaning "the pending
//     amount"; any other amount is refused (pending_transfer_has_different_amount). Paying less
//     than was reserved is a decision with its own record: void, then reserve the new amount.
//     Likewise a post or void may leave its accounts 0 (taken from the pending transfer) or must
//     name the pending transfer's own accounts.
//   - Pending transfers do not expire: the award flows void them explicitly (objection upheld,
//     payment failed, plan amended), so every release has a reason and an actor.
//
// Linked transfers (kLinked): a transfer with kLinked and the ones after it up to and including
// the first without kLinked form a chain that takes effect whole or not at all; if one fails, the
// others get linked_event_failed. `exists` does not fail a chain (it is the retry of a success), so
// resending a whole chain that succeeded gets `exists` for each of its transfers.
#pragma once

#include <cstdint>
#include <string>

#include "ledger/result.h"

namespace zhida::ledger {

enum TransferFlag : uint32_t {
  kLinked = 1u << 0,
  kPending = 1u << 1,
  kPostPending = 1u << 2,
  kVoidPending = 1u << 3,
};
inline constexpr uint32_t kTransferFlagsAll = kLinked | kPending | kPostPending | kVoidPending;

// A request to move money, as a client sends it.
struct Transfer {
  // Client-chosen, unique across the ledger: the idempotency key (a UUID or a voucher number).
  // 1..kTransferIdLengthMax of [A-Za-z0-9-_.:/].
  std::string id;
  int64_t debit_account_id = 0;   // 0 on a post/void: the pending transfer's
  int64_t credit_account_id = 0;  // 0 on a post/void: the pending transfer's
  int64_t amount_fen = 0;         // > 0; 0 on a post/void: the pending transfer's
  uint32_t flags = 0;             // TransferFlag bits
  std::string pending_id;         // the pending transfer a post/void resolves; "" otherwise
  std::string code;    // the business event, e.g. "quota.allocate": [a-z0-9._-], 1..48
  std::string reason;  // 摘要 shown to people: UTF-8, no control characters, ≤ kReasonBytesMax
  std::string user;    // the actor (username or "system:…"): 1..kUserLengthMax, no controls

  friend bool operator==(const Transfer&, const Transfer&) = default;
};

inline bool IsPostOrVoid(const Transfer& t) {
  return (t.flags & (kPostPending | kVoidPending)) != 0;
}

// A transfer as the ledger recorded it: the request with the accounts and amount of its pending
// transfer filled in (for a post or void that found it), the result (kOk, or a stored failure), the
// order of acceptance (seq, increasing) and the time from the ledger's clock.
struct StoredTransfer {
  int64_t seq = 0;
  Transfer transfer;
  TransferCode result = TransferCode::kOk;
  std::string created_at;  // RFC 3339 UTC with milliseconds
};

// The validation group of result.h, in precedence order: the first rule `t` breaks, or kOk. Pure:
// depends on `t` alone.
TransferCode ValidateTransfer(const Transfer& t);

// For a request whose id is already recorded as `existing`: the first field that differs
// (exists_with_different_*), else kExists when `existing` succeeded, else the stored failure.
// A post or void may leave accounts and amount 0 to mean "the pending transfer's", so 0 matches
// what was recorded there.
TransferCode CompareWithExisting(const Transfer& request, const StoredTransfer& existing);

// Whether `s` can be a transfer id (also used for pending_id).
bool IsValidTransferId(std::string_view s);

}  // namespace zhida::ledger
