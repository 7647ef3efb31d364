// Accounts of the ledger: one per (fund, fiscal year, kind, holder) (DESIGN.md §3).
//
// Money moves along the chain appropriation → budget → quota → commitment → paid, each step a
// transfer that debits the giving account and credits the receiving one (docs/funds.md). An
// account holds four running totals in fen, as TigerBeetle's accounts do: debits and credits, each
// split into pending (reserved by a two-phase transfer not yet resolved) and posted. The sum over a
// fund and year of (debits − credits) is zero at all times, because every transfer debits one of
// its accounts and credits another by the same amount.
//
// Which totals may grow is fixed by the account's kind, not chosen by the caller, so that no code
// path can open a quota that may be overspent:
//   - every kind that holds money (budget, quota, commitment, payable, paid, receivable) carries
//     kDebitsMustNotExceedCredits: debits_pending + debits_posted ≤ credits_posted. Pending
//     debits count: a reservation makes the amount unavailable at once. For `paid` it means no
//     more can be reversed out of it than was paid; for `receivable`, no more recovered than was
//     claimed.
//   - appropriation (预算来源, the People's Congress's side of the budget) is the one account that
//     gives without having received: its balance (credits − debits) is minus all money put into
//     the fund, which is what lets every fund sum to zero. It carries
//     kCreditsMustNotExceedDebits: no more can be returned to it than it gave.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"

namespace zhida::ledger {

enum class AccountKind : uint8_t {
  kAppropriation,  // 预算来源 (人大批准): the counterpart of every budget; may be negative
  kBudget,         // 预算: the fund's approved budget not yet handed down as quotas
  kQuota,          // 指标: a department's or county's quota (holder: dept code or region code)
  kCommitment,     // 承诺: reservations of one award plan (holder: the plan id)
  kPayable,        // 应付: owed to an enterprise, awaiting payment (holder: the USCC)
  kPaid,           // 已支付: paid out by the treasury (debited only by a reversal or recovery)
  kReceivable,     // 应收（追回）: claimed back from an enterprise, until repaid (holder: USCC)
};

// Account flags (bits), as TigerBeetle names them.
enum AccountFlag : uint32_t {
  kDebitsMustNotExceedCredits = 1u << 0,
  kCreditsMustNotExceedDebits = 1u << 1,
};

// The identity of an account. `holder` is "" for kinds that have one account per fund and year
// (appropriation, budget, paid) and required for the others.
struct AccountKey {
  std::string fund;
  int fiscal_year = 0;
  AccountKind kind = AccountKind::kQuota;
  std::string holder;

  friend bool operator==(const AccountKey&, const AccountKey&) = default;
};

// Running totals in fen; each is ≥ 0 and never wraps (a transfer that would overflow one is
// refused with an overflows_* code).
struct Balance {
  int64_t debits_pending = 0;
  int64_t debits_posted = 0;
  int64_t credits_pending = 0;
  int64_t credits_posted = 0;

  friend bool operator==(const Balance&, const Balance&) = default;
};

struct Account {
  int64_t id = 0;  // assigned by the database; > 0
  AccountKey key;
  uint32_t flags = 0;
  Balance balance;
  std::string created_by;
  std::string created_at;  // RFC 3339 UTC
};

// Stable names ("quota") and Chinese labels ("指标") of kinds.
std::string_view KindName(AccountKind kind);
std::string_view KindLabel(AccountKind kind);
std::optional<AccountKind> ParseKindName(std::string_view name);

// The flags every account of `kind` carries (see the header comment).
uint32_t FlagsForKind(AccountKind kind);
// Whether accounts of `kind` need a holder (quota, commitment, payable, receivable).
bool KindNeedsHolder(AccountKind kind);

// Checks a key: fund 1..kFundLengthMax of [A-Za-z0-9._-]; year within [kFiscalYearMin,
// kFiscalYearMax]; holder present exactly when the kind needs one, 1..kHolderLengthMax of
// [A-Za-z0-9._:-]. Errors: kInvalidArgument with code ledger.fund / ledger.fiscal_year /
// ledger.holder and the field concerned.
absl::Status ValidateAccountKey(const AccountKey& key);

// "KJCX-2026/2026/quota/350582.czj": the key as one line for messages and logs.
std::string DescribeKey(const AccountKey& key);

// What a credit-normal account can still give: credits_posted − debits_posted − debits_pending,
// computed without overflow (the totals are each ≥ 0, so the exact value fits in __int128).
__int128 CreditsAvailable(const Balance& balance);

// Whether `balance` respects `flags` (counting pending, as the ledger does when it accepts a
// transfer).
bool WithinLimits(const Balance& balance, uint32_t flags);

}  // namespace zhida::ledger
