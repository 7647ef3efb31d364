// Helpers of the funds tests (funds_test.cc, disbursement_test.cc, corrections_test.cc): a fresh
// store (SQLite, or PostgreSQL under tests/pg/with_pg.sh) with the 2026 budget of one fund, two
// finance officers for maker-checker, and short ways to move money.
#pragma once

#include <memory>
#include <string>

#include "gtest/gtest.h"
#include "services/corrections.h"
#include "services/disbursement.h"
#include "services/fund_requests.h"
#include "services/funds.h"
#include "services/reconciliation.h"
#include "services/test_support.h"

namespace zhida::services::testing {

inline core::Money Yuan(int64_t yuan) { return core::Money::FromFen(yuan * 100); }

inline Actor Finance(std::string username, std::string region = "350500") {
  Actor a = StaffActor("finance", std::move(region));
  a.username = std::move(username);
  return a;
}

class FundsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    env_ = NewTestEnv();
    ASSERT_NE(env_, nullptr);
    funds_ = std::make_unique<FundsService>(*env_->store, env_->clock);
    requests_ = std::make_unique<FundRequests>(*env_->store, env_->clock);
    disbursement_ = std::make_unique<Disbursement>(*env_->store, env_->clock, &treasury_);
    corrections_ = std::make_unique<Corrections>(*env_->store, env_->clock);
    auto budget = funds_->CreateBudget(
        maker_, NewBudget{fund_, "科技创新专项资金", "350500", Yuan(1000000), "泉财预〔2026〕1号"});
    ASSERT_TRUE(budget.ok()) << budget.status();
  }

  // Allocates `yuan` to `holder` through maker and checker; expects success.
  void Allocate(const std::string& holder, int64_t yuan) {
    auto r = requests_->ProposeAllocation(maker_, fund_, holder, Yuan(yuan), "指标预下达");
    ASSERT_TRUE(r.ok()) << r.status();
    auto a = requests_->Approve(checker_, r->id, "同意");
    ASSERT_TRUE(a.ok()) << a.status();
    ASSERT_EQ(a->status, "approved") << a->result;
  }

  // The available balance (fen) of `kind`/`holder`.
  int64_t Available(ledger::AccountKind kind, const std::string& holder = "") {
    auto accounts = funds_->Balances(Actor::System(), fund_, kind);
    EXPECT_TRUE(accounts.ok()) << accounts.status();
    if (!accounts.ok()) return -1;
    for (const FundAccount& a : *accounts) {
      if (a.holder == holder) return a.available_fen;
    }
    return 0;
  }

  // Reserves and confirms plan `plan` with `shares`; returns the reservation.
  Reservation ReserveConfirmed(const std::string& plan, std::vector<PlanShare> shares) {
    auto r =
        disbursement_->Reserve(maker_, NewReservation{plan, fund_, std::move(shares), "方案核准"});
    EXPECT_TRUE(r.ok()) << r.status();
    if (!r.ok()) return {};
    EXPECT_EQ(r->status, "reserved") << r->result;
    auto c = disbursement_->Confirm(maker_, r->id);
    EXPECT_TRUE(c.ok()) << c.status();
    return c.ok() ? *c : Reservation{};
  }

  NewPaymentOrder Order(std::string voucher, std::string plan, int64_t yuan,
                        std::string account = "6222020000000001") {
    return NewPaymentOrder{std::move(voucher),
                           std::move(plan),
                           "91350581133456810F",
                           "泉州利瑞城市配送有限公司",
                           "中国工商银行泉州分行",
                           std::move(account),
                           Yuan(yuan),
                           1,
                           1,
                           "研发奖补"};
  }

  // Batches every created order, sends it, and imports the treasury's return file.
  PaymentBatch PayAll() {
    auto batch = disbursement_->CreateBatch(maker_, fund_, {});
    EXPECT_TRUE(batch.ok()) << batch.status();
    if (!batch.ok()) return {};
    auto sent = disbursement_->Send(maker_, batch->id);
    EXPECT_TRUE(sent.ok()) << sent.status();
    std::string file = treasury_.TakeReturnFile();
    auto imported = disbursement_->ImportReturnFile(maker_, "return.csv", file);
    EXPECT_TRUE(imported.ok()) << imported.status();
    return sent.ok() ? *sent : *batch;
  }

  void ExpectVerified() {
    auto verified = VerifyFunds(*env_->store, env_->clock);
    ASSERT_TRUE(verified.ok()) << verified.status();
    EXPECT_TRUE(verified->ok()) << verified->first->message_zh;
  }

  std::unique_ptr<TestEnv> env_;
  FakeTreasury treasury_{7};
  FundKey fund_{"KJCX", 2026};
  Actor maker_ = Finance("finance");
  Actor checker_ = Finance("finance2");
  std::unique_ptr<FundsService> funds_;
  std::unique_ptr<FundRequests> requests_;
  std::unique_ptr<Disbursement> disbursement_;
  std::unique_ptr<Corrections> corrections_;
};

}  // namespace zhida::services::testing
