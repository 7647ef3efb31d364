// Budget operations, maker-checker and settlement (issue 4 §2), on SQLite and (under
// tests/pg/with_pg.sh) PostgreSQL.
#include "services/funds.h"

#include "gtest/gtest.h"
#include "services/funds_testing.h"

namespace zhida::services {
namespace {

using ledger::AccountKind;
using testing::Finance;
using testing::FundsTest;
using testing::Yuan;

int64_t Count(store::Store& store, const std::string& sql) {
  int64_t n = -1;
  EXPECT_TRUE(store
                  .InTx(store::TxMode::kRead,
                        [&](store::Tx& tx) -> absl::Status {
                          ASSIGN_OR_RETURN(store::Result r, tx.Query(sql));
                          n = r.rows.at(0).Int(0);
                          return absl::OkStatus();
                        })
                  .ok());
  return n;
}

TEST_F(FundsTest, BudgetIsCreatedOnceAndMovesFromTheAppropriation) {
  EXPECT_EQ(Available(AccountKind::kBudget), 100000000);
  EXPECT_EQ(Available(AccountKind::kAppropriation), -100000000);
  // The same budget again is the same budget; another amount is refused.
  auto again = funds_->CreateBudget(
      maker_, NewBudget{fund_, "科技创新专项资金", "350500", Yuan(1000000), "泉财预〔2026〕1号"});
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(Available(AccountKind::kBudget), 100000000);
  auto other = funds_->CreateBudget(
      maker_, NewBudget{fund_, "科技创新专项资金", "350500", Yuan(2), "泉财预〔2026〕1号"});
  EXPECT_EQ(ErrorCode(other.status()), "funds.exists");
  // Only finance officers of the region create budgets.
  // Set member by member: GCC 12 warns (wrongly) that a nested aggregate's string may be used
  // uninitialized.
  NewBudget city_fund;
  city_fund.key.fund = "X";
  city_fund.key.fiscal_year = 2026;
  city_fund.name = "市级资金";
  city_fund.region = "350500";
  city_fund.amount = Yuan(1);
  auto county = funds_->CreateBudget(Finance("jj", "350582"), city_fund);
  EXPECT_EQ(county.status().code(), absl::StatusCode::kPermissionDenied);
  auto listed = funds_->ListFunds(testing::StaffActor("leader", "350500"), 2026);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].budget_fen, 100000000);
}

TEST_F(FundsTest, AQuotaChangeNeedsASecondPerson) {
  auto r = requests_->ProposeAllocation(maker_, fund_, "350500.kjj", Yuan(300000), "预下达");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->status, "pending");
  EXPECT_EQ(Available(AccountKind::kQuota, "350500.kjj"), 0);  // nothing moves yet
  auto self = requests_->Approve(maker_, r->id, "");
  EXPECT_EQ(ErrorCode(self.status()), "funds.same_person");
  auto leader = requests_->Approve(testing::StaffActor("leader", "350500"), r->id, "");
  EXPECT_EQ(leader.status().code(), absl::StatusCode::kPermissionDenied);
  auto approved = requests_->Approve(checker_, r->id, "同意");
  ASSERT_TRUE(approved.ok()) << approved.status();
  EXPECT_EQ(approved->status, "approved");
  EXPECT_EQ(approved->checker, "finance2");
  EXPECT_EQ(Available(AccountKind::kQuota, "350500.kjj"), 30000000);
  EXPECT_EQ(Available(AccountKind::kBudget), 70000000);
  // Decided once.
  EXPECT_EQ(ErrorCode(requests_->Approve(checker_, r->id, "").status()), "funds.request_decided");
  EXPECT_EQ(Count(*env_->store,
                  "SELECT COUNT(*) FROM audit_log WHERE object_type = "
                  "'fund_request'"),
            2);
}

TEST_F(FundsTest, RejectionKeepsItsReasonAndMovesNothing) {
  auto r = requests_->ProposeAllocation(maker_, fund_, "350582", Yuan(1000), "预下达");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(ErrorCode(requests_->Reject(checker_, r->id, "").status()), "funds.text");
  auto rejected = requests_->Reject(checker_, r->id, "额度测算有误");
  ASSERT_TRUE(rejected.ok()) << rejected.status();
  EXPECT_EQ(rejected->status, "rejected");
  EXPECT_EQ(rejected->decision_reason, "额度测算有误");
  EXPECT_EQ(Available(AccountKind::kQuota, "350582"), 0);
  EXPECT_EQ(ErrorCode(requests_->Approve(checker_, r->id, "").status()), "funds.request_decided");
}

TEST_F(FundsTest, AnApprovalTheLedgerRefusesFailsWithItsCodeAndANotice) {
  auto r = requests_->ProposeAllocation(maker_, fund_, "350500.gxj", Yuan(2000000), "超额");
  ASSERT_TRUE(r.ok());
  auto decided = requests_->Approve(checker_, r->id, "");
  ASSERT_TRUE(decided.ok()) << decided.status();
  EXPECT_EQ(decided->status, "failed");
  EXPECT_EQ(decided->result, "exceeds_credits");
  EXPECT_NE(decided->result_message.find("可用余额不足"), std::string::npos);
  EXPECT_EQ(Available(AccountKind::kBudget), 100000000);
  EXPECT_EQ(Count(*env_->store, "SELECT COUNT(*) FROM fund_notices"), 1);
}

TEST_F(FundsTest, AdjustmentMovesQuotaBetweenHolders) {
  Allocate("350500.kjj", 100000);
  auto r =
      requests_->ProposeAdjustment(maker_, fund_, "350500.kjj", "350582", Yuan(40000), "年中调整");
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(requests_->Approve(checker_, r->id, "")->status, "approved");
  EXPECT_EQ(Available(AccountKind::kQuota, "350500.kjj"), 6000000);
  EXPECT_EQ(Available(AccountKind::kQuota, "350582"), 4000000);
  auto bad = requests_->ProposeAllocation(maker_, fund_, "999999", Yuan(1), "x");
  EXPECT_EQ(ErrorCode(bad.status()), "funds.holder");
  ExpectVerified();
}

TEST_F(FundsTest, CountyStaffSeeTheirCountysQuotasOnly) {
  Allocate("350500.kjj", 1000);
  Allocate("350582", 1000);
  Allocate("350583", 1000);
  auto seen = funds_->Balances(Finance("jj", "350582"), fund_, std::nullopt);
  ASSERT_TRUE(seen.ok()) << seen.status();
  ASSERT_EQ(seen->size(), 1u);
  EXPECT_EQ((*seen)[0].holder, "350582");
  EXPECT_EQ((*seen)[0].holder_name, "晋江市");
  auto city = funds_->Balances(testing::StaffActor("leader", "350500"), fund_, std::nullopt);
  ASSERT_TRUE(city.ok());
  EXPECT_EQ(city->size(), 5u);  // appropriation, budget, three quotas
  auto requests = requests_->List(Finance("jj", "350582"), fund_, "");
  ASSERT_TRUE(requests.ok());
  EXPECT_EQ(requests->size(), 1u);
  EXPECT_EQ(
      funds_->Balances(testing::StaffActor("policy_officer", "350500"), fund_, {}).status().code(),
      absl::StatusCode::kPermissionDenied);
}

TEST_F(FundsTest, SettlementReportsEveryQuotaAndReturnsWhatIsUnspent) {
  Allocate("350500.kjj", 100000);
  Allocate("350582", 50000);
  ReserveConfirmed("P1", {{"350500.kjj", 3000000}, {"350582", 2000000}});
  ASSERT_TRUE(disbursement_->CreateOrder(maker_, Order("V1", "P1", 30000)).ok());
  ASSERT_TRUE(disbursement_->CreateOrder(maker_, Order("V2", "P1", 10000)).ok());
  PayAll();
  auto report = funds_->Settlement(maker_, fund_);
  ASSERT_TRUE(report.ok()) << report.status();
  ASSERT_EQ(report->quotas.size(), 2u);
  const QuotaSettlement& kjj = report->quotas[0];
  EXPECT_EQ(kjj.holder, "350500.kjj");
  EXPECT_EQ(kjj.allocated_fen, 10000000);
  EXPECT_EQ(kjj.committed_fen, 3000000);
  EXPECT_EQ(kjj.paid_fen, 2400000);        // 60% of 40,000 yuan
  EXPECT_EQ(kjj.outstanding_fen, 600000);  // reserved, not yet paid
  EXPECT_EQ(kjj.available_fen, 7000000);
  EXPECT_TRUE(kjj.balanced);
  EXPECT_EQ(report->total.paid_fen, 4000000);
  EXPECT_TRUE(report->total.balanced);

  auto settle = requests_->ProposeSettlement(maker_, fund_, "年终据实清算");
  ASSERT_TRUE(settle.ok()) << settle.status();
  EXPECT_EQ(settle->amount_fen, 7000000 + 3000000);
  ASSERT_EQ(requests_->Approve(checker_, settle->id, "")->status, "approved");
  EXPECT_EQ(Available(AccountKind::kQuota, "350500.kjj"), 0);
  EXPECT_EQ(Available(AccountKind::kBudget), 100000000 - 15000000 + 10000000);
  auto after = funds_->Settlement(maker_, fund_);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->total.returned_fen, 10000000);
  EXPECT_TRUE(after->total.balanced);
  EXPECT_EQ(ErrorCode(requests_->ProposeSettlement(maker_, fund_, "再次").status()),
            "funds.nothing_to_return");
  ExpectVerified();
}

TEST_F(FundsTest, HistoryListsAnAccountsTransfers) {
  Allocate("350500.kjj", 1000);
  auto accounts = funds_->Balances(maker_, fund_, AccountKind::kQuota);
  ASSERT_TRUE(accounts.ok());
  ASSERT_EQ(accounts->size(), 1u);
  auto page = funds_->History(maker_, (*accounts)[0].account_id, 0, 100);
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->transfers.size(), 1u);
  EXPECT_EQ(page->transfers[0].transfer.code, "quota.allocate");
  EXPECT_EQ(
      funds_->History(Finance("qz", "350583"), (*accounts)[0].account_id, 0, 10).status().code(),
      absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace zhida::services
