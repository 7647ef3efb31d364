#include "ledger/model.h"

#include <limits>

#include "core/text.h"

namespace zhida::ledger::testing {

namespace {

using C = TransferCode;
constexpr int64_t kMax = std::numeric_limits<int64_t>::max();

bool IdChars(const std::string& s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s) {
    if (!isalnum(static_cast<unsigned char>(c)) && std::string("-_.:/").find(c) == std::string::npos) {
      return false;
    }
  }
  return true;
}

bool Plain(const std::string& s) {
  if (!core::IsValidUtf8(s)) return false;
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7f) return false;
  }
  return true;
}

bool CodeChars(const std::string& s) {
  if (s.size() > 48) return false;
  for (char c : s) {
    if (!(islower(static_cast<unsigned char>(c)) || isdigit(static_cast<unsigned char>(c)) ||
          c == '.' || c == '_' || c == '-')) {
      return false;
    }
  }
  return true;
}

// Would a + b exceed int64? (a, b ≥ 0 here.)
bool Over(int64_t a, int64_t b) { return a > kMax - b; }

}  // namespace

void Model::AddAccount(const Account& a) { accounts_[a.id] = Acct{a.key, a.flags, {}}; }

std::map<int64_t, Balance> Model::Balances() const {
  std::map<int64_t, Balance> out;
  for (const auto& [id, a] : accounts_) out[id] = a.balance;
  return out;
}

TransferCode Model::Validate(const Transfer& t) const {
  if (t.flags & ~15u) return C::kReservedFlag;
  if (t.id.empty()) return C::kIdMustNotBeEmpty;
  if (!IdChars(t.id)) return C::kIdInvalid;
  int phases = !!(t.flags & kPending) + !!(t.flags & kPostPending) + !!(t.flags & kVoidPending);
  if (phases > 1) return C::kFlagsAreMutuallyExclusive;
  bool resolve = (t.flags & (kPostPending | kVoidPending)) != 0;
  if (!resolve && !t.pending_id.empty()) return C::kPendingIdMustBeEmpty;
  if (resolve && t.pending_id.empty()) return C::kPendingIdMustNotBeEmpty;
  if (resolve && !IdChars(t.pending_id)) return C::kPendingIdInvalid;
  if (resolve && t.pending_id == t.id) return C::kPendingIdMustBeDifferent;
  if (!resolve && t.debit_account_id == 0) return C::kDebitAccountIdMustNotBeZero;
  if (!resolve && t.credit_account_id == 0) return C::kCreditAccountIdMustNotBeZero;
  if (t.debit_account_id != 0 && t.debit_account_id == t.credit_account_id) {
    return C::kAccountsMustBeDifferent;
  }
  if (t.amount_fen < 0 || (!resolve && t.amount_fen == 0)) return C::kAmountMustBePositive;
  if (t.code.empty()) return C::kCodeMustNotBeEmpty;
  if (!CodeChars(t.code)) return C::kCodeInvalid;
  if (t.reason.size() > 600 || !Plain(t.reason)) return C::kReasonInvalid;
  if (t.user.empty()) return C::kUserMustNotBeEmpty;
  if (t.user.size() > 64 || !Plain(t.user)) return C::kUserInvalid;
  return C::kOk;
}

TransferCode Model::Existing(const Transfer& t, const Record& r) const {
  const Transfer& e = r.transfer;
  bool resolve = (t.flags & (kPostPending | kVoidPending)) != 0;
  if (t.flags != e.flags) return C::kExistsWithDifferentFlags;
  if (t.debit_account_id != e.debit_account_id && !(resolve && t.debit_account_id == 0)) {
    return C::kExistsWithDifferentDebitAccountId;
  }
  if (t.credit_account_id != e.credit_account_id && !(resolve && t.credit_account_id == 0)) {
    return C::kExistsWithDifferentCreditAccountId;
  }
  if (t.amount_fen != e.amount_fen && !(resolve && t.amount_fen == 0)) {
    return C::kExistsWithDifferentAmount;
  }
  if (t.pending_id != e.pending_id) return C::kExistsWithDifferentPendingId;
  if (t.code != e.code) return C::kExistsWithDifferentCode;
  if (t.reason != e.reason) return C::kExistsWithDifferentReason;
  if (t.user != e.user) return C::kExistsWithDifferentUser;
  return r.result == C::kOk ? C::kExists : r.result;
}

TransferCode Model::ApplySingle(const Transfer& t) {
  if (!accounts_.contains(t.debit_account_id)) return C::kDebitAccountNotFound;
  if (!accounts_.contains(t.credit_account_id)) return C::kCreditAccountNotFound;
  Acct& d = accounts_[t.debit_account_id];
  Acct& c = accounts_[t.credit_account_id];
  if (d.key.fund != c.key.fund || d.key.fiscal_year != c.key.fiscal_year) {
    return C::kAccountsMustHaveTheSameFund;
  }
  int64_t a = t.amount_fen;
  bool pending = (t.flags & kPending) != 0;
  if (pending && Over(d.balance.debits_pending, a)) return C::kOverflowsDebitsPending;
  if (pending && Over(c.balance.credits_pending, a)) return C::kOverflowsCreditsPending;
  if (!pending && Over(d.balance.debits_posted, a)) return C::kOverflowsDebitsPosted;
  if (!pending && Over(c.balance.credits_posted, a)) return C::kOverflowsCreditsPosted;
  // Both totals plus the amount, counted in 128 bits.
  __int128 d_all = static_cast<__int128>(d.balance.debits_pending) + d.balance.debits_posted + a;
  __int128 c_all = static_cast<__int128>(c.balance.credits_pending) + c.balance.credits_posted + a;
  if (d_all > kMax) return C::kOverflowsDebits;
  if (c_all > kMax) return C::kOverflowsCredits;
  __int128 d_counted = options_.ignore_pending_in_limit ? d_all - d.balance.debits_pending : d_all;
  if ((d.flags & kDebitsMustNotExceedCredits) && d_counted > d.balance.credits_posted) {
    return C::kExceedsCredits;
  }
  if ((c.flags & kCreditsMustNotExceedDebits) && c_all > c.balance.debits_posted) {
    return C::kExceedsDebits;
  }
  (pending ? d.balance.debits_pending : d.balance.debits_posted) += a;
  (pending ? c.balance.credits_pending : c.balance.credits_posted) += a;
  return C::kOk;
}

TransferCode Model::ApplyResolve(const Transfer& t, Transfer* recorded) {
  auto it = transfers_.find(t.pending_id);
  if (it == transfers_.end() || it->second.result != C::kOk) return C::kPendingTransferNotFound;
  const Transfer p = it->second.transfer;
  if (!(p.flags & kPending)) return C::kPendingTransferNotPending;
  if (recorded->debit_account_id == 0) recorded->debit_account_id = p.debit_account_id;
  if (recorded->credit_account_id == 0) recorded->credit_account_id = p.credit_account_id;
  if (recorded->amount_fen == 0) recorded->amount_fen = p.amount_fen;
  if (recorded->debit_account_id != p.debit_account_id) {
    return C::kPendingTransferHasDifferentDebitAccountId;
  }
  if (recorded->credit_account_id != p.credit_account_id) {
    return C::kPendingTransferHasDifferentCreditAccountId;
  }
  if (recorded->amount_fen != p.amount_fen) return C::kPendingTransferHasDifferentAmount;
  if (auto r = resolved_.find(p.id); r != resolved_.end()) {
    return r->second ? C::kPendingTransferAlreadyPosted : C::kPendingTransferAlreadyVoided;
  }
  Acct& d = accounts_[p.debit_account_id];
  Acct& c = accounts_[p.credit_account_id];
  bool post = (t.flags & kPostPending) != 0;
  if (post && Over(d.balance.debits_posted, p.amount_fen)) return C::kOverflowsDebitsPosted;
  if (post && Over(c.balance.credits_posted, p.amount_fen)) return C::kOverflowsCreditsPosted;
  d.balance.debits_pending -= p.amount_fen;
  c.balance.credits_pending -= p.amount_fen;
  if (post) {
    d.balance.debits_posted += p.amount_fen;
    c.balance.credits_posted += p.amount_fen;
  }
  resolved_[p.id] = post;
  return C::kOk;
}

TransferCode Model::Apply(const Transfer& t, Transfer* recorded) {
  *recorded = t;
  if (t.flags & (kPostPending | kVoidPending)) return ApplyResolve(t, recorded);
  return ApplySingle(t);
}

TransferCode Model::Submit(const Transfer& t, Changes* changes, Transfer* recorded) {
  *recorded = t;
  if (TransferCode code = Validate(t); code != C::kOk) return code;
  if (auto it = transfers_.find(t.id); it != transfers_.end()) return Existing(t, it->second);
  if (changes != nullptr) {
    for (const auto& [id, a] : accounts_) changes->accounts_before.try_emplace(id, a);
  }
  bool was_resolved = resolved_.contains(t.pending_id);
  TransferCode code = Apply(t, recorded);
  if (code != C::kOk) return code;
  transfers_[t.id] = Record{*recorded, C::kOk};
  if (changes != nullptr) {
    changes->added_transfers.push_back(t.id);
    if (!t.pending_id.empty() && !was_resolved) changes->added_resolutions.push_back(t.pending_id);
  }
  return C::kOk;
}

void Model::Undo(const Changes& changes) {
  for (const auto& [id, a] : changes.accounts_before) accounts_[id] = a;
  for (const std::string& id : changes.added_transfers) transfers_.erase(id);
  for (const std::string& id : changes.added_resolutions) resolved_.erase(id);
}

std::vector<TransferCode> Model::CreateTransfers(std::span<const Transfer> batch) {
  std::vector<TransferCode> results(batch.size(), C::kOk);
  size_t i = 0;
  while (i < batch.size()) {
    size_t j = i;
    while (j + 1 < batch.size() && (batch[j].flags & kLinked)) ++j;
    if (batch[j].flags & kLinked) {  // the batch ends inside the chain
      for (size_t k = i; k < j; ++k) results[k] = C::kLinkedEventFailed;
      results[j] = C::kLinkedEventChainOpen;
      break;
    }
    Changes changes;
    bool chain = j > i;
    for (size_t k = i; k <= j; ++k) {
      Transfer recorded;
      TransferCode code = Submit(batch[k], chain ? &changes : nullptr, &recorded);
      results[k] = code;
      if (code == C::kOk || code == C::kExists) continue;
      if (chain) {
        Undo(changes);
        for (size_t m = i; m <= j; ++m) {
          if (m != k) results[m] = C::kLinkedEventFailed;
        }
      }
      // Failures of state are remembered under the id; those of the request alone are not.
      if (code >= C::kDebitAccountNotFound) transfers_.try_emplace(batch[k].id, recorded, code);
      break;
    }
    i = j + 1;
  }
  return results;
}

}  // namespace zhida::ledger::testing
