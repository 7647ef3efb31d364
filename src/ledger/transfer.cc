#include "ledger/transfer.h"

#include <bit>

#include "core/text.h"
#include "ledger/limits.h"

namespace zhida::ledger {

namespace {

bool IsAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool IsValidCode(std::string_view s) {
  if (s.size() > kTransferCodeLengthMax) return false;
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

// UTF-8 without control characters (C0 and DEL): text a person reads, safe in any export.
bool IsPlainText(std::string_view s) {
  if (!core::IsValidUtf8(s)) return false;
  for (char c : s) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) return false;
  }
  return true;
}

// The checks on pending_id, and the accounts a post/void may leave 0.
TransferCode ValidatePendingReference(const Transfer& t) {
  if (!IsPostOrVoid(t)) {
    if (!t.pending_id.empty()) return TransferCode::kPendingIdMustBeEmpty;
    return TransferCode::kOk;
  }
  if (t.pending_id.empty()) return TransferCode::kPendingIdMustNotBeEmpty;
  if (!IsValidTransferId(t.pending_id)) return TransferCode::kPendingIdInvalid;
  if (t.pending_id == t.id) return TransferCode::kPendingIdMustBeDifferent;
  return TransferCode::kOk;
}

TransferCode ValidateAccountsAndAmount(const Transfer& t) {
  bool resolving = IsPostOrVoid(t);
  if (!resolving && t.debit_account_id == 0) return TransferCode::kDebitAccountIdMustNotBeZero;
  if (!resolving && t.credit_account_id == 0) return TransferCode::kCreditAccountIdMustNotBeZero;
  if (t.debit_account_id != 0 && t.debit_account_id == t.credit_account_id) {
    return TransferCode::kAccountsMustBeDifferent;
  }
  if (t.amount_fen < 0 || (!resolving && t.amount_fen == 0)) {
    return TransferCode::kAmountMustBePositive;
  }
  return TransferCode::kOk;
}

}  // namespace

bool IsValidTransferId(std::string_view s) {
  if (s.empty() || s.size() > kTransferIdLengthMax) return false;
  for (char c : s) {
    if (!IsAlnum(c) && c != '-' && c != '_' && c != '.' && c != ':' && c != '/') return false;
  }
  return true;
}

TransferCode ValidateTransfer(const Transfer& t) {
  if ((t.flags & ~kTransferFlagsAll) != 0) return TransferCode::kReservedFlag;
  if (t.id.empty()) return TransferCode::kIdMustNotBeEmpty;
  if (!IsValidTransferId(t.id)) return TransferCode::kIdInvalid;
  if (std::popcount(t.flags & (kPending | kPostPending | kVoidPending)) > 1) {
    return TransferCode::kFlagsAreMutuallyExclusive;
  }
  if (TransferCode code = ValidatePendingReference(t); code != TransferCode::kOk) return code;
  if (TransferCode code = ValidateAccountsAndAmount(t); code != TransferCode::kOk) return code;
  if (t.code.empty()) return TransferCode::kCodeMustNotBeEmpty;
  if (!IsValidCode(t.code)) return TransferCode::kCodeInvalid;
  if (t.reason.size() > kReasonBytesMax || !IsPlainText(t.reason)) {
    return TransferCode::kReasonInvalid;
  }
  if (t.user.empty()) return TransferCode::kUserMustNotBeEmpty;
  if (t.user.size() > kUserLengthMax || !IsPlainText(t.user)) return TransferCode::kUserInvalid;
  return TransferCode::kOk;
}

TransferCode CompareWithExisting(const Transfer& request, const StoredTransfer& existing) {
  const Transfer& e = existing.transfer;
  // 0 on a post/void means "as the pending transfer": it matches whatever was recorded.
  bool inherit = IsPostOrVoid(request);
  auto same = [inherit](int64_t asked, int64_t recorded) {
    return asked == recorded || (inherit && asked == 0);
  };
  if (request.flags != e.flags) return TransferCode::kExistsWithDifferentFlags;
  if (!same(request.debit_account_id, e.debit_account_id)) {
    return TransferCode::kExistsWithDifferentDebitAccountId;
  }
  if (!same(request.credit_account_id, e.credit_account_id)) {
    return TransferCode::kExistsWithDifferentCreditAccountId;
  }
  if (!same(request.amount_fen, e.amount_fen)) return TransferCode::kExistsWithDifferentAmount;
  if (request.pending_id != e.pending_id) return TransferCode::kExistsWithDifferentPendingId;
  if (request.code != e.code) return TransferCode::kExistsWithDifferentCode;
  if (request.reason != e.reason) return TransferCode::kExistsWithDifferentReason;
  if (request.user != e.user) return TransferCode::kExistsWithDifferentUser;
  return existing.result == TransferCode::kOk ? TransferCode::kExists : existing.result;
}

}  // namespace zhida::ledger
