// The outcome of one transfer: a code, ordered by precedence (TigerBeetle's CreateTransferResult
// is the model). When a transfer breaks several rules, the result is the first in this list, so
// the same request always gets the same answer. Each code has an English name (stable: stored in
// ledger_transfers.result and sent by the API) and a message for a finance officer.
//
// Groups, in order:
//   ok
//   linked_*               the transfer's chain failed because of another transfer
//   validation             the request alone is wrong; nothing is stored (a retry of the same
//                          request fails the same way, being checked the same way)
//   exists*                the id is taken: same request → `exists` (or the stored failure,
//                          below); a different request → the first differing field
//   state failures         the ledger's state refused it (missing account, overspend, overflow,
//                          pending already resolved, …). These are stored under the transfer id:
//                          the id is spent, and a retry of the same request gets the same code
//                          even if the state has changed since ("a failed id stays failed").
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace zhida::ledger {

// X(enumerator, name). The order is the precedence; result.cc holds the messages in the same
// order (checked at compile time).
#define ZHIDA_LEDGER_TRANSFER_CODES(X)                                             \
  X(kOk, "ok")                                                                     \
  X(kLinkedEventFailed, "linked_event_failed")                                     \
  X(kLinkedEventChainOpen, "linked_event_chain_open")                              \
  X(kReservedFlag, "reserved_flag")                                                \
  X(kIdMustNotBeEmpty, "id_must_not_be_empty")                                     \
  X(kIdInvalid, "id_invalid")                                                      \
  X(kFlagsAreMutuallyExclusive, "flags_are_mutually_exclusive")                    \
  X(kPendingIdMustBeEmpty, "pending_id_must_be_empty")                             \
  X(kPendingIdMustNotBeEmpty, "pending_id_must_not_be_empty")                      \
  X(kPendingIdInvalid, "pending_id_invalid")                                       \
  X(kPendingIdMustBeDifferent, "pending_id_must_be_different")                     \
  X(kDebitAccountIdMustNotBeZero, "debit_account_id_must_not_be_zero")             \
  X(kCreditAccountIdMustNotBeZero, "credit_account_id_must_not_be_zero")           \
  X(kAccountsMustBeDifferent, "accounts_must_be_different")                        \
  X(kAmountMustBePositive, "amount_must_be_positive")                              \
  X(kCodeMustNotBeEmpty, "code_must_not_be_empty")                                 \
  X(kCodeInvalid, "code_invalid")                                                  \
  X(kReasonInvalid, "reason_invalid")                                             \
  X(kUserMustNotBeEmpty, "user_must_not_be_empty")                                 \
  X(kUserInvalid, "user_invalid")                                                  \
  X(kExistsWithDifferentFlags, "exists_with_different_flags")                      \
  X(kExistsWithDifferentDebitAccountId, "exists_with_different_debit_account_id")  \
  X(kExistsWithDifferentCreditAccountId, "exists_with_different_credit_account_id") \
  X(kExistsWithDifferentAmount, "exists_with_different_amount")                    \
  X(kExistsWithDifferentPendingId, "exists_with_different_pending_id")             \
  X(kExistsWithDifferentCode, "exists_with_different_code")                        \
  X(kExistsWithDifferentReason, "exists_with_different_reason")                    \
  X(kExistsWithDifferentUser, "exists_with_different_user")                        \
  X(kExists, "exists")                                                             \
  X(kDebitAccountNotFound, "debit_account_not_found")                              \
  X(kCreditAccountNotFound, "credit_account_not_found")                            \
  X(kAccountsMustHaveTheSameFund, "accounts_must_have_the_same_fund")              \
  X(kPendingTransferNotFound, "pending_transfer_not_found")                        \
  X(kPendingTransferNotPending, "pending_transfer_not_pending")                    \
  X(kPendingTransferHasDifferentDebitAccountId,                                    \
    "pending_transfer_has_different_debit_account_id")                             \
  X(kPendingTransferHasDifferentCreditAccountId,                                   \
    "pending_transfer_has_different_credit_account_id")                            \
  X(kPendingTransferHasDifferentAmount, "pending_transfer_has_different_amount")   \
  X(kPendingTransferAlreadyPosted, "pending_transfer_already_posted")              \
  X(kPendingTransferAlreadyVoided, "pending_transfer_already_voided")              \
  X(kOverflowsDebitsPending, "overflows_debits_pending")                           \
  X(kOverflowsCreditsPending, "overflows_credits_pending")                         \
  X(kOverflowsDebitsPosted, "overflows_debits_posted")                             \
  X(kOverflowsCreditsPosted, "overflows_credits_posted")                           \
  X(kOverflowsDebits, "overflows_debits")                                          \
  X(kOverflowsCredits, "overflows_credits")                                        \
  X(kExceedsCredits, "exceeds_credits")                                            \
  X(kExceedsDebits, "exceeds_debits")

enum class TransferCode : uint8_t {
#define ZHIDA_LEDGER_ENUMERATOR(e, name) e,
  ZHIDA_LEDGER_TRANSFER_CODES(ZHIDA_LEDGER_ENUMERATOR)
#undef ZHIDA_LEDGER_ENUMERATOR
};

inline constexpr int kTransferCodeCount = 0
#define ZHIDA_LEDGER_COUNT(e, name) +1
    ZHIDA_LEDGER_TRANSFER_CODES(ZHIDA_LEDGER_COUNT);
#undef ZHIDA_LEDGER_COUNT

enum class Lang { kZh, kEn };

// The stable English name, e.g. "exceeds_credits".
std::string_view CodeName(TransferCode code);
// The code of `name`, or nullopt for an unknown name.
std::optional<TransferCode> ParseCodeName(std::string_view name);
// The sentence a user reads: Chinese for the UI, English for logs and the API's second language.
std::string_view ResultMessage(TransferCode code, Lang lang);

// The transfer took effect now (kOk) or earlier under the same id (kExists).
inline bool Succeeded(TransferCode code) {
  return code == TransferCode::kOk || code == TransferCode::kExists;
}
// A failure caused by the ledger's state, stored under the transfer's id (see the header comment).
inline bool IsStoredFailure(TransferCode code) {
  return code >= TransferCode::kDebitAccountNotFound;
}
// A failure of the request alone, decided without reading the ledger.
inline bool IsValidationFailure(TransferCode code) {
  return code >= TransferCode::kReservedFlag && code <= TransferCode::kUserInvalid;
}

}  // namespace zhida::ledger
