// The treasury (国库集中支付) or its agent bank, as the disbursement service sees it: something a
// batch file is handed to, which may accept it, refuse it, or not answer in time. Behind an
// interface (STYLE.md: every outside service) so that tests can make it time out *after* paying,
// the case that must never lead to paying twice.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "core/status.h"

namespace zhida::services {

// A batch as handed over: the CSV file of treasury_file.h and what identifies it.
struct TreasuryBatch {
  int64_t batch_id = 0;
  std::string file_name;  // e.g. ZHIDA-KJCX-2026-000012.csv
  std::string csv;        // the file's bytes
  std::string checksum;   // SHA-256 of the order lines (hex)
};

enum class SubmitResult {
  kAccepted,  // the treasury took the batch: it will answer with a return file
  kUnknown,   // no answer (time-out, lost connection): it may or may not have taken it
};

struct SubmitOutcome {
  SubmitResult result = SubmitResult::kUnknown;
  std::string note;  // for the officer: the treasury's receipt number or the error
};

class Treasury {
 public:
  virtual ~Treasury() = default;
  // Hands `batch` over. Must not throw. Whatever it answers, the caller never hands the same
  // batch over again: only a return file settles an unknown outcome.
  virtual SubmitOutcome Submit(const TreasuryBatch& batch) = 0;
};

// Writes each batch as a file into a directory that the agent bank's transfer client collects
// (the usual set-up of 国库集中支付 through an agent bank). Writing is atomic (temp file, fsync,
// rename): a file is there whole or not at all; any failure is kUnknown.
class OutboxTreasury : public Treasury {
 public:
  explicit OutboxTreasury(std::string dir) : dir_(std::move(dir)) {}
  SubmitOutcome Submit(const TreasuryBatch& batch) override;

 private:
  std::string dir_;
};

// Fault injection for the crash test (tests/crash): hands the batch to `inner`, then answers
// kUnknown for `timeout_percent` of the batches that `inner` accepted — a treasury that times out
// *after* taking the batch. Seeded, so that a run can be replayed.
class FaultInjectingTreasury : public Treasury {
 public:
  FaultInjectingTreasury(std::unique_ptr<Treasury> inner, int timeout_percent, uint64_t seed);
  SubmitOutcome Submit(const TreasuryBatch& batch) override;

 private:
  std::unique_ptr<Treasury> inner_;
  int timeout_percent_;
  std::mutex mu_;
  std::mt19937_64 rng_;
};

// The server's treasury: an OutboxTreasury on $ZHIDA_TREASURY_OUTBOX (default
// var/treasury/outbox); with $ZHIDA_TREASURY_FAULT_TIMEOUT_PERCENT set (tests only), wrapped in a
// FaultInjectingTreasury seeded by $ZHIDA_TREASURY_FAULT_SEED.
std::unique_ptr<Treasury> TreasuryFromEnvironment();

// A bank for tests: it reads the CSV as a bank would (checksum and totals verified), pays every
// order unless its account is listed as failing, and can be told to time out after paying. It
// counts what it paid per voucher, so a test sees a voucher paid twice.
class FakeTreasury : public Treasury {
 public:
  // `timeout_percent` of accepted batches answer kUnknown although they were paid; the random
  // choice is seeded (tests print the seed).
  explicit FakeTreasury(uint64_t seed = 1, int timeout_percent = 0);

  SubmitOutcome Submit(const TreasuryBatch& batch) override;

  // Accounts whose payments fail ("账户已销户" as the reason).
  void FailAccount(const std::string& bank_account);
  // The next Submit answers kUnknown whatever happens (after paying when it pays).
  void TimeOutNext() { time_out_next_ = true; }
  // The next Submit fails before paying and answers kUnknown (a lost request).
  void LoseNext() { lose_next_ = true; }

  // The return file of every order settled since the last call (paid or failed), in the format
  // ParseReturnFile reads; "" when there is nothing new.
  std::string TakeReturnFile();
  // The return file of every order ever settled (a bank's full statement).
  std::string FullReturnFile() const;

  int64_t paid_total_fen() const;
  // Vouchers the bank was asked to pay more than once (must stay 0).
  int64_t duplicate_vouchers() const;
  int64_t batches_received() const;

 private:
  struct Settled {
    std::string voucher;
    bool paid = false;
    int64_t amount_fen = 0;
    std::string reason;
  };
  mutable std::mutex mu_;
  std::mt19937_64 rng_;
  int timeout_percent_;
  bool time_out_next_ = false;
  bool lose_next_ = false;
  std::set<std::string> failing_accounts_;
  std::map<std::string, int> requests_per_voucher_;
  std::vector<Settled> settled_;
  size_t reported_ = 0;
  int64_t paid_total_fen_ = 0;
  int64_t batches_ = 0;
};

}  // namespace zhida::services
