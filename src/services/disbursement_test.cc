// Plan reservations, payment orders, batches, the treasury, return files, reconciliation and
// the funds checks of `zhida ledger verify` (issue 4 §2–§3), on SQLite and PostgreSQL.
#include "services/disbursement.h"

#include "gtest/gtest.h"
#include "services/funds_testing.h"

namespace zhida::services {
namespace {

using ledger::AccountKind;
using testing::Finance;
using testing::FundsTest;
using testing::Yuan;

class DisbursementTest : public FundsTest {
 protected:
  void SetUp() override {
    FundsTest::SetUp();
    Allocate("350500.kjj", 500000);
    Allocate("350582", 200000);
  }

  ReconReport Reconcile() {
    Reconciliation recon(*env_->store, env_->clock);
    auto report = recon.Reconcile(maker_, fund_);
    EXPECT_TRUE(report.ok()) << report.status();
    return report.ok() ? *report : ReconReport{};
  }

  static std::vector<std::string> Kinds(const ReconReport& r) {
    std::vector<std::string> kinds;
    for (const ReconException& e : r.exceptions) kinds.push_back(e.kind);
    return kinds;
  }
};

TEST_F(DisbursementTest, ReserveConfirmPayAndReconcile) {
  Reservation r = ReserveConfirmed("P1", {{"350500.kjj", 6000000}, {"350582", 4000000}});
  EXPECT_EQ(r.status, "confirmed");
  EXPECT_EQ(Available(AccountKind::kQuota, "350500.kjj"), 50000000 - 6000000);
  auto o1 = disbursement_->CreateOrder(maker_, Order("V20260001", "P1", 70000));
  ASSERT_TRUE(o1.ok()) << o1.status();
  EXPECT_EQ(o1->status, "created");
  ASSERT_EQ(o1->legs.size(), 2u);
  EXPECT_EQ(o1->legs[0].amount_fen, 4200000);
  EXPECT_EQ(o1->legs[1].amount_fen, 2800000);
  ASSERT_TRUE(disbursement_->CreateOrder(maker_, Order("V20260002", "P1", 30000)).ok());
  // Beyond the reservation: refused before any transfer, the voucher stays free.
  EXPECT_EQ(ErrorCode(disbursement_->CreateOrder(maker_, Order("V20260003", "P1", 1)).status()),
            "payment.exceeds_reservation");

  auto batch = disbursement_->CreateBatch(maker_, fund_, {});
  ASSERT_TRUE(batch.ok()) << batch.status();
  EXPECT_EQ(batch->orders, 2);
  EXPECT_EQ(batch->total_fen, 10000000);
  auto csv = disbursement_->ExportCsv(maker_, batch->id);
  ASSERT_TRUE(csv.ok()) << csv.status();
  EXPECT_EQ(csv->substr(0, 3), "\xEF\xBB\xBF");
  auto lines = ParseBatchCsv(*csv);
  ASSERT_TRUE(lines.ok()) << lines.status();
  EXPECT_EQ(lines->size(), 2u);
  EXPECT_EQ(*disbursement_->ExportCsv(maker_, batch->id), *csv);  // the same file every time
  auto xlsx = disbursement_->ExportXlsx(maker_, batch->id);
  ASSERT_TRUE(xlsx.ok()) << xlsx.status();
  EXPECT_EQ(xlsx->substr(0, 2), "PK");

  auto sent = disbursement_->Send(maker_, batch->id);
  ASSERT_TRUE(sent.ok()) << sent.status();
  EXPECT_EQ(sent->status, "sent");
  EXPECT_EQ(Reconcile().exceptions.size(), 2u);  // two orders awaiting their return
  auto imported = disbursement_->ImportReturnFile(maker_, "r1.csv", treasury_.TakeReturnFile());
  ASSERT_TRUE(imported.ok()) << imported.status();
  EXPECT_EQ(imported->paid, 2);
  EXPECT_EQ(disbursement_->GetOrder(maker_, "V20260001")->status, "paid");
  ReconReport recon = Reconcile();
  EXPECT_TRUE(recon.ok()) << recon.exceptions[0].message;
  EXPECT_EQ(recon.ledger_paid_fen, 10000000);
  EXPECT_EQ(recon.treasury_paid_fen, treasury_.paid_total_fen());
  ExpectVerified();
}

TEST_F(DisbursementTest, ASharedReservationIsAllOrNothing) {
  auto r = disbursement_->Reserve(
      maker_, NewReservation{"P2", fund_, {{"350500.kjj", 100}, {"350582", 30000000}}, "超额"});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->status, "refused");
  EXPECT_EQ(r->result, "exceeds_credits");
  EXPECT_EQ(Available(AccountKind::kQuota, "350500.kjj"), 50000000);  // linked: neither moved
  // The plan may reserve again (a new reservation, new transfer ids).
  auto again = disbursement_->Reserve(
      maker_, NewReservation{"P2", fund_, {{"350500.kjj", 100}, {"350582", 300}}, "更正"});
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->status, "reserved");
  // Idempotent: the same reservation again is the live one; a different one is refused.
  auto same = disbursement_->Reserve(
      maker_, NewReservation{"P2", fund_, {{"350500.kjj", 100}, {"350582", 300}}, "更正"});
  ASSERT_TRUE(same.ok());
  EXPECT_EQ(same->id, again->id);
  EXPECT_EQ(
      ErrorCode(disbursement_->Reserve(maker_, NewReservation{"P2", fund_, {{"350582", 1}}, "x"})
                    .status()),
      "funds.plan_reserved");
  // County staff reserve on their county only.
  auto county = disbursement_->Reserve(Finance("jj", "350582"),
                                       NewReservation{"P3", fund_, {{"350500.kjj", 1}}, "x"});
  EXPECT_EQ(county.status().code(), absl::StatusCode::kPermissionDenied);
  ExpectVerified();
}

TEST_F(DisbursementTest, ReleaseVoidsOrGivesBackWhatIsLeft) {
  auto r =
      disbursement_->Reserve(maker_, NewReservation{"P4", fund_, {{"350500.kjj", 500000}}, "核准"});
  ASSERT_TRUE(r.ok());
  auto released = disbursement_->Release(maker_, r->id, "异议成立，方案撤销");
  ASSERT_TRUE(released.ok()) << released.status();
  EXPECT_EQ(released->status, "released");
  EXPECT_EQ(Available(AccountKind::kQuota, "350500.kjj"), 50000000);

  Reservation p5 = ReserveConfirmed("P5", {{"350500.kjj", 1000000}});
  ASSERT_TRUE(disbursement_->CreateOrder(maker_, Order("V5", "P5", 4000)).ok());
  auto closed = disbursement_->Release(maker_, p5.id, "方案执行完毕");
  ASSERT_TRUE(closed.ok()) << closed.status();
  EXPECT_EQ(closed->status, "closed");
  // 10,000 reserved, 4,000 in an order: 6,000 back to the quota.
  EXPECT_EQ(Available(AccountKind::kQuota, "350500.kjj"), 50000000 - 400000);
  ExpectVerified();
}

TEST_F(DisbursementTest, AVoucherIsTheIdempotencyKey) {
  ReserveConfirmed("P6", {{"350500.kjj", 1000000}});
  auto first = disbursement_->CreateOrder(maker_, Order("V6", "P6", 100));
  ASSERT_TRUE(first.ok());
  auto retry = disbursement_->CreateOrder(maker_, Order("V6", "P6", 100));
  ASSERT_TRUE(retry.ok());
  EXPECT_EQ(retry->created_at, first->created_at);
  auto changed = disbursement_->CreateOrder(maker_, Order("V6", "P6", 101));
  EXPECT_EQ(ErrorCode(changed.status()), "payment.voucher_conflict");
  EXPECT_EQ(ErrorField(changed.status()), "amount");
  EXPECT_EQ(Available(AccountKind::kCommitment, "P6:350500.kjj"), 1000000 - 10000);
  auto cancelled = disbursement_->CancelOrder(maker_, "V6", "录入错误");
  ASSERT_TRUE(cancelled.ok()) << cancelled.status();
  EXPECT_EQ(cancelled->status, "cancelled");
  EXPECT_EQ(Available(AccountKind::kCommitment, "P6:350500.kjj"), 1000000);
  ExpectVerified();
}

// The case that must never pay twice: the treasury pays, then the answer is lost.
TEST_F(DisbursementTest, ATimedOutSendIsUnknownAndNeverSentAgain) {
  ReserveConfirmed("P7", {{"350500.kjj", 1000000}});
  ASSERT_TRUE(disbursement_->CreateOrder(maker_, Order("V7", "P7", 5000)).ok());
  auto batch = disbursement_->CreateBatch(maker_, fund_, {"V7"});
  ASSERT_TRUE(batch.ok());
  treasury_.TimeOutNext();
  auto sent = disbursement_->Send(maker_, batch->id);
  ASSERT_TRUE(sent.ok()) << sent.status();
  EXPECT_EQ(sent->status, "unknown");
  EXPECT_EQ(disbursement_->GetOrder(maker_, "V7")->status, "unknown");
  EXPECT_EQ(ErrorCode(disbursement_->Send(maker_, batch->id).status()), "payment.batch_sent");
  EXPECT_EQ(treasury_.batches_received(), 1);
  std::vector<std::string> kinds = Kinds(Reconcile());
  EXPECT_NE(std::find(kinds.begin(), kinds.end(), "unknown_batch"), kinds.end());
  EXPECT_NE(std::find(kinds.begin(), kinds.end(), "awaiting_return"), kinds.end());
  ASSERT_TRUE(disbursement_->ImportReturnFile(maker_, "r.csv", treasury_.TakeReturnFile()).ok());
  EXPECT_EQ(disbursement_->GetOrder(maker_, "V7")->status, "paid");
  kinds = Kinds(Reconcile());
  EXPECT_EQ(kinds, std::vector<std::string>{"unknown_batch"});  // the batch's own record stays
  EXPECT_EQ(treasury_.duplicate_vouchers(), 0);
  ExpectVerified();
}

TEST_F(DisbursementTest, AFailedPaymentIsVoidedReleasedAndNoticed) {
  ReserveConfirmed("P8", {{"350500.kjj", 1000000}});
  ASSERT_TRUE(disbursement_->CreateOrder(maker_, Order("V8", "P8", 3000, "6222000000000099")).ok());
  treasury_.FailAccount("6222000000000099");
  PayAll();
  auto order = disbursement_->GetOrder(maker_, "V8");
  ASSERT_TRUE(order.ok());
  EXPECT_EQ(order->status, "failed");
  EXPECT_EQ(order->fail_reason, "收款账户已销户");
  // The 3,000 went back to the quota; the plan's commitment keeps the other 7,000.
  EXPECT_EQ(Available(AccountKind::kQuota, "350500.kjj"), 50000000 - 1000000 + 300000);
  EXPECT_EQ(Available(AccountKind::kCommitment, "P8:350500.kjj"), 700000);
  int64_t notices = 0;
  ASSERT_TRUE(env_->store
                  ->InTx(store::TxMode::kRead,
                         [&](store::Tx& tx) -> absl::Status {
                           ASSIGN_OR_RETURN(store::Result r,
                                            tx.Query("SELECT COUNT(*) FROM fund_notices WHERE "
                                                     "subject = 'V8'"));
                           notices = r.rows[0].Int(0);
                           return absl::OkStatus();
                         })
                  .ok());
  EXPECT_EQ(notices, 1);
  EXPECT_TRUE(Reconcile().ok());
  ExpectVerified();
}

TEST_F(DisbursementTest, ReturnFilesAreIdempotentAndMismatchesBecomeExceptions) {
  ReserveConfirmed("P9", {{"350500.kjj", 1000000}});
  ASSERT_TRUE(disbursement_->CreateOrder(maker_, Order("V9", "P9", 100)).ok());
  PaymentBatch batch = PayAll();
  std::string full = treasury_.FullReturnFile();
  auto again = disbursement_->ImportReturnFile(maker_, "again.csv", full);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->already_imported);
  std::vector<ReturnLine> odd = {
      {0, "V9", false, 10000, "", "2026-11-30", "冲突"},  // opposite of paid
      {0, "NOSUCH", true, 100, "S9", "2026-11-30", ""},   // unknown voucher
  };
  auto imported = disbursement_->ImportReturnFile(maker_, "odd.csv", ReturnFileCsv(odd));
  ASSERT_TRUE(imported.ok()) << imported.status();
  EXPECT_EQ(imported->applied, 0);
  EXPECT_EQ(imported->skipped["conflict"], 1);
  EXPECT_EQ(imported->skipped["unknown_voucher"], 1);
  std::vector<std::string> kinds = Kinds(Reconcile());
  EXPECT_EQ(kinds, (std::vector<std::string>{"conflict", "unknown_voucher"}));
  EXPECT_EQ(disbursement_->GetOrder(maker_, "V9")->status, "paid");
  auto bad = disbursement_->ImportReturnFile(maker_, "bad.csv", "凭证号,状态,金额\nV9,也许,1.00\n");
  EXPECT_EQ(ErrorCode(bad.status()), "treasury.return_file");
  ExpectVerified();
}

// A return file settles only orders the importer may pay: a county finance officer importing a
// file with a city order is refused, naming the line, and nothing is recorded — the city's
// officer then imports the same file.
TEST_F(DisbursementTest, AReturnFileIsImportedByAFinanceOfficerOfEveryOrder) {
  ReserveConfirmed("P5", {{"350500.kjj", 1000000}});
  ASSERT_TRUE(disbursement_->CreateOrder(maker_, Order("V5", "P5", 100)).ok());
  auto batch = disbursement_->CreateBatch(maker_, fund_, {});
  ASSERT_TRUE(batch.ok()) << batch.status();
  ASSERT_TRUE(disbursement_->Send(maker_, batch->id).ok());
  const std::string file = treasury_.TakeReturnFile();
  auto county = disbursement_->ImportReturnFile(Finance("finance-jj", "350582"), "r.csv", file);
  EXPECT_EQ(county.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(ErrorCode(county.status()), "treasury.return_scope");
  EXPECT_NE(std::string(county.status().message()).find("第 1 行（支付凭证 V5）由泉州市"),
            std::string::npos)
      << county.status();
  EXPECT_EQ(disbursement_->GetOrder(maker_, "V5")->status, "sent");
  auto city = disbursement_->ImportReturnFile(maker_, "r.csv", file);
  ASSERT_TRUE(city.ok()) << city.status();
  EXPECT_FALSE(city->already_imported);
  EXPECT_EQ(city->paid, 1);
  EXPECT_EQ(disbursement_->GetOrder(maker_, "V5")->status, "paid");
  ExpectVerified();
}

// Negative controls: the checks must see a pending transfer nobody owns, and an order whose
// status disagrees with the ledger.
TEST_F(DisbursementTest, VerifyAndReconcileCatchPlantedBugs) {
  ReserveConfirmed("P10", {{"350500.kjj", 1000000}});
  ASSERT_TRUE(disbursement_->CreateOrder(maker_, Order("V10", "P10", 100)).ok());
  ExpectVerified();
  // Planted: an order marked paid by a bad UPDATE, its ledger transfer still pending.
  ASSERT_TRUE(
      env_->store
          ->InTx(store::TxMode::kWrite,
                 [](store::Tx& tx) {
                   return tx.Exec("UPDATE payment_orders SET status = 'paid' WHERE voucher = 'V10'")
                       .status();
                 })
          .ok());
  auto verified = VerifyFunds(*env_->store, env_->clock);
  ASSERT_TRUE(verified.ok());
  ASSERT_FALSE(verified->ok());
  EXPECT_NE(verified->first->message_zh.find("V10/1"), std::string::npos)
      << verified->first->message_zh;
  std::vector<std::string> kinds = Kinds(Reconcile());
  EXPECT_NE(std::find(kinds.begin(), kinds.end(), "ledger_mismatch"), kinds.end());
  // Planted: a reservation forgotten by its row while its transfer stays pending.
  ASSERT_TRUE(
      env_->store
          ->InTx(store::TxMode::kWrite,
                 [](store::Tx& tx) -> absl::Status {
                   RETURN_IF_ERROR(
                       tx.Exec("UPDATE payment_orders SET status = 'created' WHERE voucher = "
                               "'V10'")
                           .status());
                   return tx.Exec("UPDATE plan_reservations SET status = 'released'").status();
                 })
          .ok());
  auto r = disbursement_->Reserve(maker_, NewReservation{"P11", fund_, {{"350582", 1}}, "x"});
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE(env_->store
                  ->InTx(store::TxMode::kWrite,
                         [&](store::Tx& tx) {
                           return tx
                               .Exec(
                                   "UPDATE plan_reservations SET status = 'released' WHERE id = ?",
                                   {r->id})
                               .status();
                         })
                  .ok());
  verified = VerifyFunds(*env_->store, env_->clock);
  ASSERT_TRUE(verified.ok());
  ASSERT_FALSE(verified->ok());
  EXPECT_NE(verified->first->message_zh.find("不属于任何有效的方案预留或支付指令"),
            std::string::npos)
      << verified->first->message_zh;
}

}  // namespace
}  // namespace zhida::services
