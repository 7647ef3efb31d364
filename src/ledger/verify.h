// Verify: the ledger's invariants checked from what is stored, for `zhida ledger verify` and for
// the tests' harnesses. It trusts nothing the ledger computed: account totals are recomputed from
// the transfers.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/status.h"
#include "store/store.h"

namespace zhida::ledger {

struct Discrepancy {
  std::string message_zh;  // for the operator: which account or transfer, what differs
  std::string message_en;
};

struct VerifyReport {
  int64_t accounts = 0;
  int64_t transfers = 0;  // successful ones
  int64_t funds = 0;      // (fund, fiscal year) pairs
  std::optional<Discrepancy> first;  // nullopt when every check passed
  bool ok() const { return !first.has_value(); }
};

// Checks, in one read transaction (a consistent snapshot), in this order, and reports the first
// discrepancy:
//   1. every successful transfer names two existing accounts of the same fund and year and a
//      positive amount;
//   2. every successful post or void resolves a successful pending transfer with the same
//      accounts and amount (and, by the database's unique index, at most once);
//   3. every account's four stored totals equal the sums of its transfers;
//   4. every account respects its flags, counting pending (no quota below zero), and no total is
//      negative;
//   5. every fund and year balances: Σ debits = Σ credits, posted and pending each.
// Errors: store errors only; a discrepancy is a result, not an error.
absl::StatusOr<VerifyReport> Verify(store::Store& store);

}  // namespace zhida::ledger
