// The ledger through the store, on SQLite and PostgreSQL: every result code, idempotency, two-phase
// transfers, linked chains, overflow, reads and Verify.
#include "ledger/ledger.h"

#include <limits>
#include <set>

#include "gtest/gtest.h"
#include "ledger/limits.h"
#include "ledger/test_support.h"
#include "ledger/verify.h"

namespace zhida::ledger::testing {
namespace {

using C = TransferCode;
constexpr int64_t kMax = std::numeric_limits<int64_t>::max();

class LedgerCodesTest : public LedgerTest {
 protected:
  // One fund's chain: appropriation → budget → quota → commitment, paid.
  struct Chart {
    Account appropriation, budget, quota, commitment, paid, receivable;
  };

  Chart OpenChart(const std::string& fund) {
    return Chart{Open(AccountKind::kAppropriation, "", fund), Open(AccountKind::kBudget, "", fund),
                 Open(AccountKind::kQuota, "350582.czj", fund),
                 Open(AccountKind::kCommitment, "plan-1", fund), Open(AccountKind::kPaid, "", fund),
                 Open(AccountKind::kReceivable, "91350582MA6KKM2WX5", fund)};
  }

  // Expects `transfers` (one batch) to end with `code` for the last transfer, and notes the code.
  void Expect(C code, std::vector<Transfer> transfers) {
    std::vector<C> results = Create(transfers);
    ASSERT_FALSE(results.empty());
    EXPECT_EQ(CodeName(results.back()), CodeName(code)) << transfers.back().id;
    seen_.insert(results.back());
  }

  std::set<C> seen_;
};

TEST_P(LedgerCodesTest, EveryResultCodeIsReachable) {
  Chart f = OpenChart("F1");
  int64_t a = f.appropriation.id, b = f.budget.id, q = f.quota.id, c = f.commitment.id;
  int64_t paid = f.paid.id;
  Expect(C::kOk, {MakeTransfer("budget", a, b, 1000)});
  Expect(C::kOk, {MakeTransfer("alloc", b, q, 600)});
  // Chains.
  Expect(C::kLinkedEventFailed,
         {MakeTransfer("l1", q, c, 10'000, kLinked), MakeTransfer("l2", b, q, 1)});
  Expect(C::kLinkedEventChainOpen, {MakeTransfer("l3", b, q, 1, kLinked)});
  // Validation.
  Expect(C::kReservedFlag, {MakeTransfer("v", b, q, 1, 64)});
  Expect(C::kIdMustNotBeEmpty, {MakeTransfer("", b, q, 1)});
  Expect(C::kIdInvalid, {MakeTransfer("a b", b, q, 1)});
  Expect(C::kFlagsAreMutuallyExclusive, {MakeTransfer("v", b, q, 1, kPending | kPostPending)});
  Expect(C::kPendingIdMustBeEmpty, {MakeTransfer("v", b, q, 1, 0, "p")});
  Expect(C::kPendingIdMustNotBeEmpty, {MakeTransfer("v", 0, 0, 0, kPostPending)});
  Expect(C::kPendingIdInvalid, {MakeTransfer("v", 0, 0, 0, kPostPending, "p q")});
  Expect(C::kPendingIdMustBeDifferent, {MakeTransfer("v", 0, 0, 0, kVoidPending, "v")});
  Expect(C::kDebitAccountIdMustNotBeZero, {MakeTransfer("v", 0, q, 1)});
  Expect(C::kCreditAccountIdMustNotBeZero, {MakeTransfer("v", b, 0, 1)});
  Expect(C::kAccountsMustBeDifferent, {MakeTransfer("v", b, b, 1)});
  Expect(C::kAmountMustBePositive, {MakeTransfer("v", b, q, 0)});
  Transfer t = MakeTransfer("v", b, q, 1);
  t.code = "";
  Expect(C::kCodeMustNotBeEmpty, {t});
  t.code = "BAD CODE";
  Expect(C::kCodeInvalid, {t});
  t = MakeTransfer("v", b, q, 1);
  t.reason = "tab\there";
  Expect(C::kReasonInvalid, {t});
  t = MakeTransfer("v", b, q, 1);
  t.user = "";
  Expect(C::kUserMustNotBeEmpty, {t});
  t.user = std::string(65, 'u');
  Expect(C::kUserInvalid, {t});
  // The id is taken.
  Transfer alloc = MakeTransfer("alloc", b, q, 600);
  Transfer changed = alloc;
  changed.flags = kPending;
  Expect(C::kExistsWithDifferentFlags, {changed});
  changed = alloc;
  changed.debit_account_id = a;
  Expect(C::kExistsWithDifferentDebitAccountId, {changed});
  changed = alloc;
  changed.credit_account_id = c;
  Expect(C::kExistsWithDifferentCreditAccountId, {changed});
  changed = alloc;
  changed.amount_fen = 601;
  Expect(C::kExistsWithDifferentAmount, {changed});
  changed = alloc;
  changed.code = "other";
  Expect(C::kExistsWithDifferentCode, {changed});
  changed = alloc;
  changed.reason = "另一个摘要";
  Expect(C::kExistsWithDifferentReason, {changed});
  changed = alloc;
  changed.user = "someone-else";
  Expect(C::kExistsWithDifferentUser, {changed});
  Expect(C::kExists, {alloc});
  // State.
  Expect(C::kDebitAccountNotFound, {MakeTransfer("s1", 999'999, q, 1)});
  Expect(C::kCreditAccountNotFound, {MakeTransfer("s2", b, 999'999, 1)});
  Chart g = OpenChart("F2");
  Expect(C::kAccountsMustHaveTheSameFund, {MakeTransfer("s3", b, g.budget.id, 1)});
  Expect(C::kPendingTransferNotFound, {MakeTransfer("s4", 0, 0, 0, kPostPending, "nope")});
  Expect(C::kPendingTransferNotPending, {MakeTransfer("s5", 0, 0, 0, kPostPending, "alloc")});
  Expect(C::kOk, {MakeTransfer("r1", q, c, 100, kPending)});
  Expect(C::kPendingTransferHasDifferentDebitAccountId,
         {MakeTransfer("s6", b, 0, 0, kPostPending, "r1")});
  Expect(C::kPendingTransferHasDifferentCreditAccountId,
         {MakeTransfer("s7", 0, b, 0, kPostPending, "r1")});
  Expect(C::kPendingTransferHasDifferentAmount,
         {MakeTransfer("s8", 0, 0, 99, kPostPending, "r1")});
  Expect(C::kOk, {MakeTransfer("r1-post", 0, 0, 0, kPostPending, "r1")});
  Expect(C::kExistsWithDifferentPendingId, {MakeTransfer("r1-post", 0, 0, 0, kPostPending, "r0")});
  Expect(C::kPendingTransferAlreadyPosted, {MakeTransfer("s9", 0, 0, 0, kVoidPending, "r1")});
  Expect(C::kOk, {MakeTransfer("r2", q, c, 100, kPending)});
  Expect(C::kOk, {MakeTransfer("r2-void", q, c, 100, kVoidPending, "r2")});
  Expect(C::kPendingTransferAlreadyVoided, {MakeTransfer("s10", 0, 0, 0, kPostPending, "r2")});
  Expect(C::kExceedsCredits, {MakeTransfer("s11", q, c, 501)});  // 600 − 100 posted
  // No kind of this chart can reach exceeds_debits (appropriation is the only debit-normal
  // account, and nothing holds more than it gave): a hand-made debit-normal account shows the rule.
  int64_t debit_normal = 0;
  ASSERT_TRUE(scratch_->store()
                  .InTx(store::TxMode::kWrite,
                        [&](store::Tx& tx) -> absl::Status {
                          ASSIGN_OR_RETURN(
                              store::Result r,
                              tx.Query("INSERT INTO ledger_accounts (fund, fiscal_year, kind, "
                                       "holder, flags, created_by, created_at) VALUES ('F1', "
                                       "2026, 'receivable', 'debit-normal', 2, 't', 't') "
                                       "RETURNING id"));
                          debit_normal = r.rows.at(0).Int(0);
                          return absl::OkStatus();
                        })
                  .ok());
  Expect(C::kExceedsDebits, {MakeTransfer("s12", b, debit_normal, 1)});
  EXPECT_EQ(CreateOne(MakeTransfer("pay", c, paid, 100)), C::kOk);
  // Overflow, one fund per total so that each is the first rule broken.
  Chart o1 = OpenChart("OV1");
  EXPECT_EQ(CreateOne(MakeTransfer("o1", o1.appropriation.id, o1.budget.id, kMax, kPending)),
            C::kOk);
  Expect(C::kOverflowsDebitsPending,
         {MakeTransfer("o2", o1.appropriation.id, o1.paid.id, 1, kPending)});
  Expect(C::kOverflowsCreditsPending, {MakeTransfer("o3", o1.paid.id, o1.budget.id, 1, kPending)});
  Chart o2 = OpenChart("OV2");
  EXPECT_EQ(CreateOne(MakeTransfer("o4", o2.appropriation.id, o2.budget.id, kMax - 10)), C::kOk);
  Expect(C::kOverflowsDebitsPosted, {MakeTransfer("o5", o2.appropriation.id, o2.paid.id, 11)});
  Expect(C::kOverflowsCreditsPosted, {MakeTransfer("o6", o2.paid.id, o2.budget.id, 11)});
  Expect(C::kOverflowsDebits, {MakeTransfer("o7", o2.appropriation.id, o2.paid.id, 11, kPending)});
  Expect(C::kOverflowsCredits, {MakeTransfer("o8", o2.paid.id, o2.budget.id, 11, kPending)});
  for (int i = 0; i < kTransferCodeCount; ++i) {
    EXPECT_TRUE(seen_.contains(static_cast<C>(i))) << CodeName(static_cast<C>(i));
  }
  ExpectVerified();
}

TEST_P(LedgerCodesTest, IdempotencyTriad) {
  Chart f = OpenChart("F1");
  ASSERT_EQ(CreateOne(MakeTransfer("budget", f.appropriation.id, f.budget.id, 500)), C::kOk);
  Transfer alloc = MakeTransfer("alloc-2026-001", f.budget.id, f.quota.id, 300);
  // 1. An identical retry returns the first result and moves nothing again.
  EXPECT_EQ(CreateOne(alloc), C::kOk);
  EXPECT_EQ(CreateOne(alloc), C::kExists);
  EXPECT_EQ(Create({alloc, alloc}), (std::vector<C>{C::kExists, C::kExists}));
  EXPECT_EQ(BalanceOf(f.quota.id).credits_posted, 300);
  // 2. A changed body under the same id is refused, naming the field.
  Transfer changed = alloc;
  changed.amount_fen = 301;
  EXPECT_EQ(CreateOne(changed), C::kExistsWithDifferentAmount);
  changed = alloc;
  changed.credit_account_id = f.commitment.id;
  EXPECT_EQ(CreateOne(changed), C::kExistsWithDifferentCreditAccountId);
  EXPECT_EQ(BalanceOf(f.quota.id).credits_posted, 300);
  // 3. A failed id stays failed, even once the state would let it through.
  Transfer too_much = MakeTransfer("alloc-2026-002", f.budget.id, f.quota.id, 250);
  EXPECT_EQ(CreateOne(too_much), C::kExceedsCredits);
  ASSERT_EQ(CreateOne(MakeTransfer("budget-top-up", f.appropriation.id, f.budget.id, 1000)),
            C::kOk);
  EXPECT_EQ(CreateOne(too_much), C::kExceedsCredits);
  absl::StatusOr<std::optional<StoredTransfer>> stored = ledger_->LookupTransfer(too_much.id);
  ASSERT_TRUE(stored.ok()) << stored.status();
  ASSERT_TRUE(stored->has_value());
  EXPECT_EQ((*stored)->result, C::kExceedsCredits);
  // ... and a changed body is still refused as such.
  too_much.amount_fen = 1;
  EXPECT_EQ(CreateOne(too_much), C::kExistsWithDifferentAmount);
  // A request refused for its own content is not stored: fixed, the same id goes through.
  Transfer fixed = MakeTransfer("alloc-2026-003", f.budget.id, f.quota.id, 0);
  EXPECT_EQ(CreateOne(fixed), C::kAmountMustBePositive);
  fixed.amount_fen = 10;
  EXPECT_EQ(CreateOne(fixed), C::kOk);
  ExpectVerified();
}

TEST_P(LedgerCodesTest, TwoPhaseResolvesOnceAndCountsPendingAgainstTheLimit) {
  Chart f = OpenChart("F1");
  ASSERT_EQ(Create({MakeTransfer("b", f.appropriation.id, f.budget.id, 1000),
                    MakeTransfer("q", f.budget.id, f.quota.id, 1000)}),
            (std::vector<C>{C::kOk, C::kOk}));
  int64_t q = f.quota.id, c = f.commitment.id;
  EXPECT_EQ(CreateOne(MakeTransfer("r1", q, c, 700, kPending)), C::kOk);
  // Pending counts: 700 reserved leaves 300.
  EXPECT_EQ(CreateOne(MakeTransfer("r2", q, c, 301, kPending)), C::kExceedsCredits);
  EXPECT_EQ(CreateOne(MakeTransfer("r3", q, c, 301)), C::kExceedsCredits);
  EXPECT_EQ(BalanceOf(q), (Balance{.debits_pending = 700, .credits_posted = 1000}));
  // No partial post.
  EXPECT_EQ(CreateOne(MakeTransfer("p1", q, c, 500, kPostPending, "r1")),
            C::kPendingTransferHasDifferentAmount);
  EXPECT_EQ(CreateOne(MakeTransfer("p2", q, c, 700, kPostPending, "r1")), C::kOk);
  EXPECT_EQ(BalanceOf(q), (Balance{.debits_posted = 700, .credits_posted = 1000}));
  EXPECT_EQ(BalanceOf(c), (Balance{.credits_posted = 700}));
  // Resolved once: a second post or a void under new ids is refused; the retry of p2 is exists.
  EXPECT_EQ(CreateOne(MakeTransfer("p3", 0, 0, 0, kPostPending, "r1")),
            C::kPendingTransferAlreadyPosted);
  EXPECT_EQ(CreateOne(MakeTransfer("v1", 0, 0, 0, kVoidPending, "r1")),
            C::kPendingTransferAlreadyPosted);
  EXPECT_EQ(CreateOne(MakeTransfer("p2", 0, 0, 0, kPostPending, "r1")), C::kExists);
  // Void gives the reservation back.
  EXPECT_EQ(CreateOne(MakeTransfer("r4", q, c, 300, kPending)), C::kOk);
  EXPECT_EQ(CreateOne(MakeTransfer("v2", 0, 0, 0, kVoidPending, "r4")), C::kOk);
  EXPECT_EQ(CreateOne(MakeTransfer("p4", 0, 0, 0, kPostPending, "r4")),
            C::kPendingTransferAlreadyVoided);
  EXPECT_EQ(BalanceOf(q), (Balance{.debits_posted = 700, .credits_posted = 1000}));
  // Two resolutions of one pending in one batch: the first wins.
  EXPECT_EQ(Create({MakeTransfer("r5", q, c, 300, kPending),
                    MakeTransfer("p5", 0, 0, 0, kPostPending, "r5"),
                    MakeTransfer("v5", 0, 0, 0, kVoidPending, "r5")}),
            (std::vector<C>{C::kOk, C::kOk, C::kPendingTransferAlreadyPosted}));
  EXPECT_EQ(BalanceOf(q), (Balance{.debits_posted = 1000, .credits_posted = 1000}));
  ExpectVerified();
}

TEST_P(LedgerCodesTest, LinkedChainIsAllOrNone) {
  Chart city = OpenChart("F1");
  Account county = Open(AccountKind::kQuota, "350582.czj-county");
  ASSERT_EQ(Create({MakeTransfer("b", city.appropriation.id, city.budget.id, 1000),
                    MakeTransfer("q1", city.budget.id, city.quota.id, 100),
                    MakeTransfer("q2", city.budget.id, county.id, 50)}),
            (std::vector<C>(3, C::kOk)));
  // A cost shared between the city's and the county's quota: 60 + 60, the county has only 50.
  std::vector<Transfer> shared = {
      MakeTransfer("share-city", city.quota.id, city.commitment.id, 60, kLinked | kPending),
      MakeTransfer("share-county", county.id, city.commitment.id, 60, kPending)};
  EXPECT_EQ(Create(shared), (std::vector<C>{C::kLinkedEventFailed, C::kExceedsCredits}));
  EXPECT_EQ(BalanceOf(city.quota.id).debits_pending, 0);
  EXPECT_EQ(BalanceOf(city.commitment.id).credits_pending, 0);
  // The chain is re-sent with new ids and a smaller county share: both take effect.
  shared[0].id = "share-city-2";
  shared[1].id = "share-county-2";
  shared[1].amount_fen = 40;
  EXPECT_EQ(Create(shared), (std::vector<C>{C::kOk, C::kOk}));
  // Resending the chain that succeeded is a retry: exists for each.
  EXPECT_EQ(Create(shared), (std::vector<C>{C::kExists, C::kExists}));
  // A chain before and after a single transfer in one batch: the single one stands alone.
  EXPECT_EQ(Create({MakeTransfer("x1", city.budget.id, city.quota.id, 1, kLinked),
                    MakeTransfer("x2", city.budget.id, city.quota.id, 10'000),
                    MakeTransfer("x3", city.budget.id, city.quota.id, 1)}),
            (std::vector<C>{C::kLinkedEventFailed, C::kExceedsCredits, C::kOk}));
  EXPECT_EQ(BalanceOf(city.commitment.id).credits_pending, 100);
  ExpectVerified();
}

TEST_P(LedgerCodesTest, BatchesApplyInOrderAndRefuseTooMany) {
  Chart f = OpenChart("F1");
  std::vector<Transfer> batch = {MakeTransfer("b", f.appropriation.id, f.budget.id, 10)};
  for (int i = 0; i < 12; ++i) {
    batch.push_back(MakeTransfer("q" + std::to_string(i), f.budget.id, f.quota.id, 1));
  }
  std::vector<C> results = Create(batch);
  EXPECT_EQ(std::count(results.begin(), results.end(), C::kOk), 11);
  EXPECT_EQ(results[11], C::kExceedsCredits);
  EXPECT_EQ(results[12], C::kExceedsCredits);
  std::vector<Transfer> too_many(kTransfersPerBatchMax + 1, batch[1]);
  absl::StatusOr<std::vector<C>> refused = ledger_->CreateTransfers(too_many);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  ExpectVerified();
}

TEST_P(LedgerCodesTest, AccountsOpenOnceAndReadAtomically) {
  Account q1 = Open(AccountKind::kQuota, "350582.czj");
  Account q2 = Open(AccountKind::kQuota, "350582.czj");
  EXPECT_EQ(q1.id, q2.id);
  EXPECT_EQ(q1.flags, kDebitsMustNotExceedCredits);
  EXPECT_EQ(Open(AccountKind::kPaid).flags, kDebitsMustNotExceedCredits);
  EXPECT_EQ(Open(AccountKind::kAppropriation).flags, kCreditsMustNotExceedDebits);
  absl::StatusOr<Account> bad = ledger_->OpenAccount({"F1", 2026, AccountKind::kQuota, ""}, "u");
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  bad = ledger_->OpenAccount({"F1", 2026, AccountKind::kBudget, "x"}, "u");
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  bad = ledger_->OpenAccount({"F 1", 2026, AccountKind::kBudget, ""}, "u");
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  bad = ledger_->OpenAccount({"F1", 226, AccountKind::kBudget, ""}, "u");
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  absl::StatusOr<std::optional<Account>> found =
      ledger_->FindAccount({"F1", 2026, AccountKind::kQuota, "350582.czj"});
  ASSERT_TRUE(found.ok()) << found.status();
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->id, q1.id);
  found = ledger_->FindAccount({"F1", 2027, AccountKind::kQuota, "350582.czj"});
  ASSERT_TRUE(found.ok());
  EXPECT_FALSE(found->has_value());
  int64_t ids[] = {q1.id, 424242};
  absl::StatusOr<std::vector<Account>> accounts = ledger_->LookupAccounts(ids);
  ASSERT_TRUE(accounts.ok()) << accounts.status();
  ASSERT_EQ(accounts->size(), 1u);
  EXPECT_EQ(accounts->at(0).key.holder, "350582.czj");
}

TEST_P(LedgerCodesTest, HistoryPagesThroughAnAccountsSuccessfulTransfers) {
  Chart f = OpenChart("F1");
  ASSERT_EQ(CreateOne(MakeTransfer("b", f.appropriation.id, f.budget.id, 100)), C::kOk);
  std::vector<Transfer> batch;
  for (int i = 0; i < 7; ++i) {
    batch.push_back(MakeTransfer("h" + std::to_string(i), f.budget.id, f.quota.id, 20));
  }
  Create(batch);  // h0..h4 ok, h5 and h6 exceed (stored failures, not history)
  std::vector<std::string> seen;
  int64_t after = 0;
  do {
    absl::StatusOr<HistoryPage> page = ledger_->History(f.quota.id, after, 2);
    ASSERT_TRUE(page.ok()) << page.status();
    for (const StoredTransfer& t : page->transfers) seen.push_back(t.transfer.id);
    after = page->next_after_seq;
  } while (after != 0);
  EXPECT_EQ(seen, (std::vector<std::string>{"h0", "h1", "h2", "h3", "h4"}));
  absl::StatusOr<std::optional<StoredTransfer>> t = ledger_->LookupTransfer("h0");
  ASSERT_TRUE(t.ok() && t->has_value());
  EXPECT_EQ((*t)->transfer, batch[0]);
  EXPECT_EQ((*t)->created_at, "2024-12-31T16:00:00.000Z");  // the fake clock's
  EXPECT_EQ(ledger_->History(f.quota.id, 0, 0).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_P(LedgerCodesTest, VerifyCatchesATamperedTotalAndAnOverspentQuota) {
  Chart f = OpenChart("F1");
  ASSERT_EQ(Create({MakeTransfer("b", f.appropriation.id, f.budget.id, 100),
                    MakeTransfer("q", f.budget.id, f.quota.id, 100)}),
            (std::vector<C>{C::kOk, C::kOk}));
  ExpectVerified();
  // Someone edits a total behind the ledger's back (the CHECK constraints allow this one).
  ASSERT_TRUE(scratch_->store()
                  .InTx(store::TxMode::kWrite,
                        [&](store::Tx& tx) {
                          return tx.Exec("UPDATE ledger_accounts SET credits_posted = 150 "
                                         "WHERE id = ?",
                                         {f.quota.id})
                              .status();
                        })
                  .ok());
  absl::StatusOr<VerifyReport> report = Verify(scratch_->store());
  ASSERT_TRUE(report.ok()) << report.status();
  ASSERT_FALSE(report->ok());
  EXPECT_NE(report->first->message_en.find("credits_posted is 150"), std::string::npos)
      << report->first->message_en;
  // The database refuses an overspent quota outright.
  absl::Status overspend = scratch_->store().InTx(store::TxMode::kWrite, [&](store::Tx& tx) {
    return tx.Exec("UPDATE ledger_accounts SET debits_pending = 151 WHERE id = ?", {f.quota.id})
        .status();
  });
  EXPECT_EQ(overspend.code(), absl::StatusCode::kFailedPrecondition) << overspend;
}

ZHIDA_LEDGER_BOTH_BACKENDS(LedgerCodesTest);

}  // namespace
}  // namespace zhida::ledger::testing
