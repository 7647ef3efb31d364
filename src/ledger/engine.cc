#include "ledger/engine.h"

#include <optional>
#include <utility>

#include "core/status.h"
#include "ledger/limits.h"

namespace zhida::ledger {

namespace {

// a + b into *sum, false on int64 overflow.
bool Add(int64_t a, int64_t b, int64_t* sum) { return !__builtin_add_overflow(a, b, sum); }

// The limits and overflows of a single-phase or pending transfer, in precedence order; on kOk
// `*dr` and `*cr` hold the accounts' new totals.
TransferCode Debit(const Transfer& t, Account& debit, Account& credit, Balance* dr, Balance* cr) {
  *dr = debit.balance;
  *cr = credit.balance;
  bool pending = (t.flags & kPending) != 0;
  int64_t amount = t.amount_fen;
  if (pending) {
    if (!Add(dr->debits_pending, amount, &dr->debits_pending)) {
      return TransferCode::kOverflowsDebitsPending;
    }
    if (!Add(cr->credits_pending, amount, &cr->credits_pending)) {
      return TransferCode::kOverflowsCreditsPending;
    }
  } else {
    if (!Add(dr->debits_posted, amount, &dr->debits_posted)) {
      return TransferCode::kOverflowsDebitsPosted;
    }
    if (!Add(cr->credits_posted, amount, &cr->credits_posted)) {
      return TransferCode::kOverflowsCreditsPosted;
    }
  }
  int64_t ignored = 0;
  if (!Add(dr->debits_pending, dr->debits_posted, &ignored)) return TransferCode::kOverflowsDebits;
  if (!Add(cr->credits_pending, cr->credits_posted, &ignored)) {
    return TransferCode::kOverflowsCredits;
  }
  // Pending debits count against the limit: a reservation is spent until it is voided.
  if ((debit.flags & kDebitsMustNotExceedCredits) &&
      dr->debits_pending + dr->debits_posted > dr->credits_posted) {
    return TransferCode::kExceedsCredits;
  }
  if ((credit.flags & kCreditsMustNotExceedDebits) &&
      cr->credits_pending + cr->credits_posted > cr->debits_posted) {
    return TransferCode::kExceedsDebits;
  }
  return TransferCode::kOk;
}

TransferCode ApplySinglePhase(EngineState& state, const Transfer& t) {
  auto debit = state.accounts.find(t.debit_account_id);
  if (debit == state.accounts.end()) return TransferCode::kDebitAccountNotFound;
  auto credit = state.accounts.find(t.credit_account_id);
  if (credit == state.accounts.end()) return TransferCode::kCreditAccountNotFound;
  const AccountKey& dk = debit->second.key;
  const AccountKey& ck = credit->second.key;
  if (dk.fund != ck.fund || dk.fiscal_year != ck.fiscal_year) {
    return TransferCode::kAccountsMustHaveTheSameFund;
  }
  Balance dr, cr;
  TransferCode code = Debit(t, debit->second, credit->second, &dr, &cr);
  if (code != TransferCode::kOk) return code;
  debit->second.balance = dr;
  credit->second.balance = cr;
  return TransferCode::kOk;
}

// A post or void: checks the pending transfer and completes `*recorded` from it.
TransferCode ApplyResolution(EngineState& state, const Transfer& t, Transfer* recorded) {
  auto found = state.transfers.find(t.pending_id);
  if (found == state.transfers.end() || found->second.result != TransferCode::kOk) {
    return TransferCode::kPendingTransferNotFound;
  }
  const Transfer& p = found->second.transfer;
  if ((p.flags & kPending) == 0) return TransferCode::kPendingTransferNotPending;
  // From here on the row records the pending transfer's accounts and amount, also on failure, so
  // that a retry leaving them 0 and one naming them compare equal.
  if (t.debit_account_id == 0) recorded->debit_account_id = p.debit_account_id;
  if (t.credit_account_id == 0) recorded->credit_account_id = p.credit_account_id;
  if (t.amount_fen == 0) recorded->amount_fen = p.amount_fen;
  if (recorded->debit_account_id != p.debit_account_id) {
    return TransferCode::kPendingTransferHasDifferentDebitAccountId;
  }
  if (recorded->credit_account_id != p.credit_account_id) {
    return TransferCode::kPendingTransferHasDifferentCreditAccountId;
  }
  if (recorded->amount_fen != p.amount_fen) return TransferCode::kPendingTransferHasDifferentAmount;
  if (auto r = state.resolutions.find(p.id); r != state.resolutions.end()) {
    return r->second == Resolution::kPosted ? TransferCode::kPendingTransferAlreadyPosted
                                            : TransferCode::kPendingTransferAlreadyVoided;
  }
  Account& debit = state.accounts.at(p.debit_account_id);  // loaded with the pending transfer
  Account& credit = state.accounts.at(p.credit_account_id);
  Balance dr = debit.balance;
  Balance cr = credit.balance;
  dr.debits_pending -= p.amount_fen;
  cr.credits_pending -= p.amount_fen;
  ZCHECK(dr.debits_pending >= 0 && cr.credits_pending >= 0);
  if (t.flags & kPostPending) {
    if (!Add(dr.debits_posted, p.amount_fen, &dr.debits_posted)) {
      return TransferCode::kOverflowsDebitsPosted;
    }
    if (!Add(cr.credits_posted, p.amount_fen, &cr.credits_posted)) {
      return TransferCode::kOverflowsCreditsPosted;
    }
  }
  // Moving an amount from pending to posted (or dropping it) never raises a limited total.
  debit.balance = dr;
  credit.balance = cr;
  state.resolutions[p.id] =
      (t.flags & kPostPending) ? Resolution::kPosted : Resolution::kVoided;
  return TransferCode::kOk;
}

// What a linked chain must restore when one of its transfers fails.
struct Undo {
  absl::flat_hash_map<int64_t, Balance> balances;  // first value seen in the chain
  std::vector<std::string> transfer_ids;
  std::vector<std::string> resolved_ids;
  size_t inserts_size = 0;
  absl::flat_hash_set<int64_t> changed_before;

  void Save(const EngineState& state, int64_t account_id) {
    auto it = state.accounts.find(account_id);
    if (it != state.accounts.end()) balances.try_emplace(account_id, it->second.balance);
  }

  void Rollback(EngineState& state, BatchOutcome& outcome) const {
    for (const auto& [id, balance] : balances) state.accounts.at(id).balance = balance;
    for (const std::string& id : transfer_ids) state.transfers.erase(id);
    for (const std::string& id : resolved_ids) state.resolutions.erase(id);
    outcome.inserts.resize(inserts_size);
    outcome.changed_accounts = changed_before;
  }
};

void Record(EngineState& state, BatchOutcome& outcome, const Transfer& recorded, TransferCode code,
            const std::string& created_at) {
  StoredTransfer row{.seq = 0, .transfer = recorded, .result = code, .created_at = created_at};
  state.transfers.emplace(recorded.id, row);
  outcome.inserts.push_back(std::move(row));
}

// One transfer of a batch: validation, then the recorded id, then the state. Records a success
// (and notes it in `undo` when inside a chain). Returns a failure without recording it; when the
// failure is new (not the replay of a recorded one), sets `*fresh` and fills `*recorded` with the
// row to record if it is a stored failure.
TransferCode Process(EngineState& state, BatchOutcome& outcome, const Transfer& t,
                     const std::string& created_at, Undo* undo, Transfer* recorded, bool* fresh) {
  *recorded = t;
  *fresh = false;
  if (TransferCode code = ValidateTransfer(t); code != TransferCode::kOk) return code;
  if (auto existing = state.transfers.find(t.id); existing != state.transfers.end()) {
    return CompareWithExisting(t, existing->second);
  }
  *fresh = true;
  int64_t touched[2] = {t.debit_account_id, t.credit_account_id};
  if (IsPostOrVoid(t)) {
    if (auto p = state.transfers.find(t.pending_id); p != state.transfers.end()) {
      touched[0] = p->second.transfer.debit_account_id;
      touched[1] = p->second.transfer.credit_account_id;
    }
  }
  if (undo != nullptr) {
    undo->Save(state, touched[0]);
    undo->Save(state, touched[1]);
  }
  bool resolved_before = state.resolutions.contains(t.pending_id);
  TransferCode code = IsPostOrVoid(t) ? ApplyResolution(state, t, recorded)
                                      : ApplySinglePhase(state, t);
  if (code != TransferCode::kOk) return code;
  outcome.changed_accounts.insert(touched[0]);
  outcome.changed_accounts.insert(touched[1]);
  Record(state, outcome, *recorded, TransferCode::kOk, created_at);
  if (undo != nullptr) {
    undo->transfer_ids.push_back(t.id);
    if (IsPostOrVoid(t) && !resolved_before) undo->resolved_ids.push_back(t.pending_id);
  }
  return TransferCode::kOk;
}

// The index of the last transfer of the chain starting at `first`.
size_t ChainEnd(std::span<const Transfer> batch, size_t first) {
  size_t last = first;
  while (last + 1 < batch.size() && (batch[last].flags & kLinked)) ++last;
  return last;
}

void ApplyChain(EngineState& state, std::span<const Transfer> batch, size_t first, size_t last,
                const std::string& created_at, BatchOutcome& outcome) {
  Undo undo{.inserts_size = outcome.inserts.size(), .changed_before = outcome.changed_accounts};
  for (size_t k = first; k <= last; ++k) {
    Transfer recorded;
    bool fresh = false;
    TransferCode code = Process(state, outcome, batch[k], created_at, &undo, &recorded, &fresh);
    outcome.results[k] = code;
    if (Succeeded(code)) continue;
    undo.Rollback(state, outcome);
    for (size_t other = first; other <= last; ++other) {
      if (other != k) outcome.results[other] = TransferCode::kLinkedEventFailed;
    }
    if (fresh && IsStoredFailure(code)) Record(state, outcome, recorded, code, created_at);
    return;
  }
}

}  // namespace

BatchOutcome ApplyBatch(EngineState& state, std::span<const Transfer> batch,
                        const std::string& created_at) {
  ZCHECK(batch.size() <= kTransfersPerBatchMax);
  BatchOutcome outcome;
  outcome.results.assign(batch.size(), TransferCode::kOk);
  size_t first = 0;
  while (first < batch.size()) {
    size_t last = ChainEnd(batch, first);
    if (batch[last].flags & kLinked) {
      // The batch ended inside a chain: nothing of it is applied.
      for (size_t k = first; k < last; ++k) outcome.results[k] = TransferCode::kLinkedEventFailed;
      outcome.results[last] = TransferCode::kLinkedEventChainOpen;
    } else if (first == last) {
      Transfer recorded;
      bool fresh = false;
      TransferCode code =
          Process(state, outcome, batch[first], created_at, nullptr, &recorded, &fresh);
      outcome.results[first] = code;
      if (fresh && IsStoredFailure(code)) Record(state, outcome, recorded, code, created_at);
    } else {
      ApplyChain(state, batch, first, last, created_at, outcome);
    }
    first = last + 1;
  }
  return outcome;
}

}  // namespace zhida::ledger
