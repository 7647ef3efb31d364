// Safety harnesses under concurrency, on SQLite and PostgreSQL, each with a negative control: a
// planted bug (a "naive" path that reads a balance in one transaction and writes in another, as
// code without the ledger would) that the harness must catch. The controls widen the race window
// deterministically: every thread reads before any thread writes (a latch), so the bug shows on
// every run instead of now and then.
#include <atomic>
#include <functional>
#include <iostream>
#include <latch>
#include <mutex>
#include <random>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gtest/gtest.h"
#include "ledger/ledger.h"
#include "ledger/test_support.h"
#include "ledger/verify.h"

namespace zhida::ledger::testing {
namespace {

using C = TransferCode;

// ---- What both harnesses share ----

// Reads an account's four totals in its own read transaction (the naive paths' first step).
absl::StatusOr<Balance> ReadBalance(store::Store& store, int64_t id) {
  ASSIGN_OR_RETURN(std::unique_ptr<store::Tx> tx, store.Begin(store::TxMode::kRead));
  ASSIGN_OR_RETURN(store::Result r,
                   tx->Query("SELECT debits_pending, debits_posted, credits_pending, "
                             "credits_posted FROM ledger_accounts WHERE id = ?",
                             {id}));
  if (r.rows.empty()) return absl::NotFoundError("no account");
  const store::Row& row = r.rows[0];
  return Balance{row.Int(0), row.Int(1), row.Int(2), row.Int(3)};
}

// The naive write: sets totals computed from an earlier read, and records the transfer.
absl::Status NaiveWrite(store::Tx& tx, int64_t id, const Balance& b) {
  return tx
      .Exec("UPDATE ledger_accounts SET debits_pending = ?, debits_posted = ?, "
            "credits_pending = ?, credits_posted = ? WHERE id = ?",
            {b.debits_pending, b.debits_posted, b.credits_pending, b.credits_posted, id})
      .status();
}

absl::Status NaiveRecord(store::Tx& tx, const Transfer& t) {
  return tx
      .Exec("INSERT INTO ledger_transfers (id, debit_account_id, credit_account_id, amount_fen, "
            "flags, pending_id, code, reason, user_name, result, created_at) "
            "VALUES (?, ?, ?, ?, ?, NULL, ?, ?, ?, 'ok', 'naive')",
            {t.id, t.debit_account_id, t.credit_account_id, t.amount_fen, int64_t{t.flags},
             t.code, t.reason, t.user})
      .status();
}

// Runs fn(i) on `threads` threads released together.
void RunThreads(int threads, const std::function<void(int)>& fn) {
  std::latch start(threads);
  std::vector<std::thread> pool;
  for (int i = 0; i < threads; ++i) {
    pool.emplace_back([&, i] {
      start.arrive_and_wait();
      fn(i);
    });
  }
  for (std::thread& t : pool) t.join();
}

class LedgerRaceTest : public LedgerTest {
 protected:
  // appropriation → budget → quota (quota_fen) and an empty commitment.
  void SeedQuota(int64_t quota_fen) {
    Account a = Open(AccountKind::kAppropriation), b = Open(AccountKind::kBudget);
    quota_ = Open(AccountKind::kQuota, "350582.czj").id;
    commitment_ = Open(AccountKind::kCommitment, "plan-race").id;
    ASSERT_EQ(Create({MakeTransfer("seed-budget", a.id, b.id, quota_fen),
                      MakeTransfer("seed-quota", b.id, quota_, quota_fen)}),
              (std::vector<C>{C::kOk, C::kOk}));
  }

  std::vector<std::string> VerifyProblems() {
    absl::StatusOr<VerifyReport> report = Verify(scratch_->store());
    if (!report.ok()) return {report.status().ToString()};
    if (!report->ok()) return {"verify: " + report->first->message_en};
    return {};
  }

  int64_t quota_ = 0;
  int64_t commitment_ = 0;
};

// ---- Quota race: 200 reservations of 1 fen against a quota of 150 ----

constexpr int kRaceThreads = 200;
constexpr int64_t kRaceQuotaFen = 150;

// A way to reserve 1 fen of the quota for thread `i`: true when accepted, false when refused.
using ReserveFn = std::function<absl::StatusOr<bool>(int i)>;

class QuotaRaceTest : public LedgerRaceTest {
 protected:
  // Runs the race and returns what the harness finds wrong (empty: the quota held exactly).
  std::vector<std::string> RaceProblems(const ReserveFn& reserve) {
    std::atomic<int> accepted{0};
    std::mutex mu;
    std::vector<std::string> problems;
    RunThreads(kRaceThreads, [&](int i) {
      absl::StatusOr<bool> ok = reserve(i);
      if (!ok.ok()) {
        std::lock_guard<std::mutex> lock(mu);
        problems.push_back(ok.status().ToString());
      } else if (*ok) {
        ++accepted;
      }
    });
    if (accepted != kRaceQuotaFen) {
      problems.push_back(absl::StrCat(accepted.load(), " reservations accepted against a quota of ",
                                      kRaceQuotaFen));
    }
    Balance quota = BalanceOf(quota_);
    if (!WithinLimits(quota, kDebitsMustNotExceedCredits) ||
        quota.debits_pending != accepted.load()) {
      problems.push_back(absl::StrCat("quota holds ", quota.debits_pending,
                                      " fen reserved for ", accepted.load(), " reservations"));
    }
    for (std::string& p : VerifyProblems()) problems.push_back(std::move(p));
    return problems;
  }

  // The ledger's way.
  absl::StatusOr<bool> LedgerReserve(int i) {
    ASSIGN_OR_RETURN(std::vector<C> results,
                     ledger_->CreateTransfers(std::vector<Transfer>{MakeTransfer(
                         absl::StrCat("reserve-", i), quota_, commitment_, 1, kPending)}));
    if (results[0] == C::kOk) return true;
    if (results[0] == C::kExceedsCredits) return false;
    return absl::InternalError(std::string(CodeName(results[0])));
  }

  // The planted bug: check the balance in one transaction, write in another.
  absl::StatusOr<bool> NaiveReserve(int i, std::latch& all_read) {
    absl::StatusOr<Balance> quota = ReadBalance(scratch_->store(), quota_);
    absl::StatusOr<Balance> commitment = ReadBalance(scratch_->store(), commitment_);
    all_read.arrive_and_wait();
    RETURN_IF_ERROR(quota.status());
    RETURN_IF_ERROR(commitment.status());
    if (CreditsAvailable(*quota) < 1) return false;
    quota->debits_pending += 1;
    commitment->credits_pending += 1;
    Transfer t = MakeTransfer(absl::StrCat("naive-", i), quota_, commitment_, 1, kPending);
    RETURN_IF_ERROR(scratch_->store().InTx(store::TxMode::kWrite, [&](store::Tx& tx) {
      RETURN_IF_ERROR(NaiveWrite(tx, quota_, *quota));
      RETURN_IF_ERROR(NaiveWrite(tx, commitment_, *commitment));
      return NaiveRecord(tx, t);
    }));
    return true;
  }
};

TEST_P(QuotaRaceTest, ExactlyTheQuotaIsReserved) {
  SeedQuota(kRaceQuotaFen);
  std::vector<std::string> problems = RaceProblems([&](int i) { return LedgerReserve(i); });
  EXPECT_TRUE(problems.empty()) << absl::StrJoin(problems, "\n");
}

TEST_P(QuotaRaceTest, NegativeControlNaiveReservationOverspendsAndIsCaught) {
  SeedQuota(kRaceQuotaFen);
  std::latch all_read(kRaceThreads);
  std::vector<std::string> problems =
      RaceProblems([&](int i) { return NaiveReserve(i, all_read); });
  ASSERT_FALSE(problems.empty()) << "the harness missed a planted overspend";
  std::cout << "[ control  ] caught: " << problems.front() << " … " << problems.back() << "\n";
  EXPECT_EQ(problems[0], "200 reservations accepted against a quota of 150");
}

ZHIDA_LEDGER_BOTH_BACKENDS(QuotaRaceTest);

// ---- Bank test: transfers among quotas while readers take snapshots ----

constexpr int kBankQuotas = 5;
constexpr int64_t kBankTotalFen = 5'000'000;
constexpr int kBankWriters = 4;
constexpr int kBankReaders = 2;
constexpr int kBankOpsPerWriter = 120;
// The naive control needs few steps: its first ones already lose an update.
constexpr int kBankNaiveOpsPerWriter = 20;
// Problems a run keeps (a broken run would otherwise note one per snapshot).
constexpr size_t kProblemsKept = 10;

// One writer's step: moves money among `quotas` somehow.
using BankStep = std::function<absl::Status(int writer, int op, std::mt19937_64& rng)>;

class BankTest : public LedgerRaceTest {
 protected:
  void SeedBank() {
    Account a = Open(AccountKind::kAppropriation), b = Open(AccountKind::kBudget);
    all_ = {a.id, b.id};
    std::vector<Transfer> seed = {MakeTransfer("seed", a.id, b.id, kBankTotalFen)};
    for (int i = 0; i < kBankQuotas; ++i) {
      int64_t q = Open(AccountKind::kQuota, absl::StrCat("q", i)).id;
      quotas_.push_back(q);
      all_.push_back(q);
      seed.push_back(MakeTransfer(absl::StrCat("seed-", i), b.id, q, kBankTotalFen / kBankQuotas));
    }
    ASSERT_EQ(Create(seed), std::vector<C>(seed.size(), C::kOk));
  }

  // What is wrong with one snapshot of all accounts ("" when nothing).
  std::string SnapshotProblem() {
    absl::StatusOr<std::vector<Account>> accounts = ledger_->LookupAccounts(all_);
    if (!accounts.ok()) return accounts.status().ToString();
    __int128 net = 0, pending_debits = 0, pending_credits = 0, debits = 0, credits = 0;
    for (const Account& a : *accounts) {
      const Balance& b = a.balance;
      debits += b.debits_posted;
      credits += b.credits_posted;
      if (a.key.kind != AccountKind::kQuota) continue;
      net += static_cast<__int128>(b.credits_posted) - b.debits_posted;
      pending_debits += b.debits_pending;
      pending_credits += b.credits_pending;
      if (!WithinLimits(b, a.flags)) return absl::StrCat("quota ", a.id, " overspent");
    }
    if (net != kBankTotalFen) {
      return absl::StrCat("quotas sum to ", static_cast<int64_t>(net), ", not ", kBankTotalFen);
    }
    if (pending_debits != pending_credits) return "pending debits and credits differ";
    if (debits != credits) return "posted debits and credits differ";
    return "";
  }

  // Runs writers and readers; returns what the harness finds wrong.
  std::vector<std::string> BankProblems(const BankStep& step, uint64_t seed, int ops_per_writer) {
    std::atomic<int> writers_left{kBankWriters};
    std::atomic<int> snapshots{0};
    std::mutex mu;
    std::vector<std::string> problems;
    auto note = [&](std::string p) {
      std::lock_guard<std::mutex> lock(mu);
      if (problems.size() < kProblemsKept) problems.push_back(std::move(p));
    };
    RunThreads(kBankWriters + kBankReaders, [&](int t) {
      if (t < kBankWriters) {
        std::mt19937_64 rng(seed + t);
        for (int op = 0; op < ops_per_writer; ++op) {
          if (absl::Status s = step(t, op, rng); !s.ok()) note(s.ToString());
        }
        --writers_left;
        return;
      }
      do {
        if (std::string p = SnapshotProblem(); !p.empty()) note("snapshot: " + p);
        ++snapshots;
      } while (writers_left > 0);
    });
    if (std::string p = SnapshotProblem(); !p.empty()) problems.push_back("final: " + p);
    for (std::string& p : VerifyProblems()) problems.push_back(std::move(p));
    EXPECT_GT(snapshots.load(), kBankReaders);
    return problems;
  }

  // A random ledger operation among the quotas: a plain transfer, a reservation (later posted or
  // voided by the same writer), or a linked pair; amounts up to a whole quota, so some exceed.
  absl::Status LedgerStep(int writer, int op, std::mt19937_64& rng) {
    auto pick = [&] { return quotas_[rng() % quotas_.size()]; };
    int64_t from = pick(), to = pick();
    while (to == from) to = pick();
    int64_t amount = 1 + static_cast<int64_t>(rng() % (kBankTotalFen / kBankQuotas));
    std::string id = absl::StrCat("w", writer, "-", op);
    std::vector<Transfer> batch;
    std::vector<std::string>& mine = pending_[writer];
    switch (rng() % 4) {
      case 0:
        batch.push_back(MakeTransfer(id, from, to, amount));
        break;
      case 1:
        batch.push_back(MakeTransfer(id, from, to, amount, kPending));
        mine.push_back(id);
        break;
      case 2:
        if (mine.empty()) return absl::OkStatus();
        batch.push_back(MakeTransfer(id, 0, 0, 0, rng() % 2 ? kPostPending : kVoidPending,
                                     mine.back()));
        mine.pop_back();
        break;
      default:
        batch.push_back(MakeTransfer(id + "a", from, to, amount / 2 + 1, kLinked));
        batch.push_back(MakeTransfer(id + "b", to, pick(), amount / 2 + 1));
        if (batch[1].debit_account_id == batch[1].credit_account_id) batch.pop_back();
        if (batch.size() == 1) batch[0].flags = 0;
        break;
    }
    ASSIGN_OR_RETURN(std::vector<C> results, ledger_->CreateTransfers(batch));
    for (C code : results) {
      bool expected = code == C::kOk || code == C::kExceedsCredits ||
                      code == C::kLinkedEventFailed || code == C::kPendingTransferNotFound;
      if (!expected) return absl::InternalError(absl::StrCat(id, ": ", std::string(CodeName(code))));
    }
    return absl::OkStatus();
  }

  // The planted bug: read both balances in one transaction, write new totals in another. Every
  // writer's first step waits until all writers have read, so their writes overlap for sure.
  absl::Status NaiveStep(int writer, int op, std::mt19937_64& rng, std::latch& first_reads) {
    int64_t from = quotas_[rng() % quotas_.size()], to = from;
    while (to == from) to = quotas_[rng() % quotas_.size()];
    int64_t amount = 1 + static_cast<int64_t>(rng() % 100);
    absl::StatusOr<Balance> debit = ReadBalance(scratch_->store(), from);
    absl::StatusOr<Balance> credit = ReadBalance(scratch_->store(), to);
    if (op == 0) first_reads.arrive_and_wait();
    RETURN_IF_ERROR(debit.status());
    RETURN_IF_ERROR(credit.status());
    debit->debits_posted += amount;
    credit->credits_posted += amount;
    Transfer t = MakeTransfer(absl::StrCat("naive-w", writer, "-", op), from, to, amount);
    return scratch_->store().InTx(store::TxMode::kWrite, [&](store::Tx& tx) {
      RETURN_IF_ERROR(NaiveWrite(tx, from, *debit));
      RETURN_IF_ERROR(NaiveWrite(tx, to, *credit));
      return NaiveRecord(tx, t);
    });
  }

  std::vector<int64_t> quotas_;
  std::vector<int64_t> all_;
  std::vector<std::string> pending_[kBankWriters];
};

TEST_P(BankTest, SnapshotsAlwaysBalanceAndNoQuotaGoesNegative) {
  SeedBank();
  uint64_t seed = TestSeed();
  std::vector<std::string> problems =
      BankProblems([&](int w, int op, std::mt19937_64& rng) { return LedgerStep(w, op, rng); },
                   seed, kBankOpsPerWriter);
  EXPECT_TRUE(problems.empty()) << "seed " << seed << "\n" << absl::StrJoin(problems, "\n");
}

TEST_P(BankTest, NegativeControlNaiveTransfersLoseUpdatesAndAreCaught) {
  SeedBank();
  // Four writers' first transfers touch 8 account ends among 5 quotas: at least one quota is in
  // two of them, and both writers read it before either wrote — one update is lost, always.
  static_assert(2 * kBankWriters > kBankQuotas);
  std::latch first_reads(kBankWriters);
  std::vector<std::string> problems = BankProblems(
      [&](int w, int op, std::mt19937_64& rng) { return NaiveStep(w, op, rng, first_reads); }, 1,
      kBankNaiveOpsPerWriter);
  ASSERT_FALSE(problems.empty()) << "the harness missed planted lost updates";
  std::cout << "[ control  ] caught: " << problems.front() << " … " << problems.back() << "\n";
}

ZHIDA_LEDGER_BOTH_BACKENDS(BankTest);

}  // namespace
}  // namespace zhida::ledger::testing
