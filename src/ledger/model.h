// A reference model of the ledger for differential tests: the rules of result.h, transfer.h and
// account.h written again as plainly as possible — maps in memory, one transfer at a time, a chain
// undone by restoring what it changed — sharing no code with the engine except the data types.
// random_test.cc runs the same seeded operations through the model and the real ledger and
// compares every result code and every balance.
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "ledger/account.h"
#include "ledger/result.h"
#include "ledger/transfer.h"

namespace zhida::ledger::testing {

class Model {
 public:
  struct Options {
    // A planted bug for the harness's negative control: the limit check forgets pending debits,
    // so reservations can overspend a quota. The harness must notice the model disagreeing.
    bool ignore_pending_in_limit = false;
  };

  explicit Model(Options options) : options_(options) {}
  Model() : Model(Options{}) {}

  // Adds an account (as the ledger opened it: its id, key and flags; totals zero).
  void AddAccount(const Account& account);
  // The expected result of each transfer of a batch.
  std::vector<TransferCode> CreateTransfers(std::span<const Transfer> batch);
  // All accounts' expected totals, by id.
  std::map<int64_t, Balance> Balances() const;

 private:
  struct Acct {
    AccountKey key;
    uint32_t flags = 0;
    Balance balance;
  };
  struct Record {
    Transfer transfer;  // as recorded (a post/void completed from its pending transfer)
    TransferCode result;
  };
  // What a chain changed, to put back when it fails.
  struct Changes {
    std::map<int64_t, Acct> accounts_before;
    std::vector<std::string> added_transfers;
    std::vector<std::string> added_resolutions;
  };

  TransferCode Validate(const Transfer& t) const;
  TransferCode Existing(const Transfer& t, const Record& r) const;
  TransferCode Apply(const Transfer& t, Transfer* recorded);
  TransferCode ApplySingle(const Transfer& t);
  TransferCode ApplyResolve(const Transfer& t, Transfer* recorded);
  // Validation, the recorded id, then Apply; records successes (noting them in `changes`).
  TransferCode Submit(const Transfer& t, Changes* changes, Transfer* recorded);
  void Undo(const Changes& changes);

  Options options_;
  std::map<int64_t, Acct> accounts_;
  std::map<std::string, Record> transfers_;
  std::map<std::string, bool> resolved_;  // pending id → posted (true) or voided (false)
};

}  // namespace zhida::ledger::testing
