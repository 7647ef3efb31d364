// Corrections (容错纠错, issue 4 §4) and the file formats, on SQLite and PostgreSQL.
#include "services/corrections.h"

#include "gtest/gtest.h"
#include "services/funds_testing.h"
#include "services/treasury_file.h"

namespace zhida::services {
namespace {

using ledger::AccountKind;
using testing::FundsTest;
using testing::Yuan;

class CorrectionsTest : public FundsTest {
 protected:
  void SetUp() override {
    FundsTest::SetUp();
    Allocate("350500.kjj", 100000);
    ReserveConfirmed("P1", {{"350500.kjj", 5000000}});
  }

  FundRequest Approve(const absl::StatusOr<FundRequest>& proposed) {
    EXPECT_TRUE(proposed.ok()) << proposed.status();
    if (!proposed.ok()) return {};
    EXPECT_EQ(ErrorCode(requests_->Approve(maker_, proposed->id, "").status()),
              "funds.same_person");
    auto decided = requests_->Approve(checker_, proposed->id, "复核同意");
    EXPECT_TRUE(decided.ok()) << decided.status();
    return decided.ok() ? *decided : FundRequest{};
  }
};

TEST_F(CorrectionsTest, AReversedPaymentGoesBackToTheQuota) {
  ASSERT_TRUE(disbursement_->CreateOrder(maker_, Order("V1", "P1", 20000)).ok());
  PayAll();
  EXPECT_EQ(ErrorCode(corrections_->ProposeReversal(maker_, "NONE", "x").status()),
            "payment.not_found");
  FundRequest r = Approve(corrections_->ProposeReversal(maker_, "V1", "重复兑现，银行已退回"));
  EXPECT_EQ(r.status, "approved") << r.result;
  EXPECT_EQ(r.amount_fen, 2000000);
  EXPECT_EQ(disbursement_->GetOrder(maker_, "V1")->status, "reversed");
  EXPECT_EQ(Available(AccountKind::kQuota, "350500.kjj"), 10000000 - 5000000 + 2000000);
  auto settlement = funds_->Settlement(maker_, fund_);
  ASSERT_TRUE(settlement.ok());
  EXPECT_EQ(settlement->total.paid_fen, 0);
  EXPECT_TRUE(settlement->total.balanced);
  // Reversed once only.
  EXPECT_EQ(ErrorCode(corrections_->ProposeReversal(maker_, "V1", "再次").status()),
            "correction.state");
  ExpectVerified();
}

TEST_F(CorrectionsTest, ARecoveryIsAReceivableUntilRepaid) {
  ASSERT_TRUE(disbursement_->CreateOrder(maker_, Order("V2", "P1", 30000)).ok());
  PayAll();
  EXPECT_EQ(ErrorCode(corrections_->ProposeRecovery(maker_, "V2", Yuan(30001), "x").status()),
            "correction.amount");
  FundRequest claim =
      Approve(corrections_->ProposeRecovery(maker_, "V2", Yuan(10000), "虚报研发费用，追回"));
  EXPECT_EQ(claim.status, "approved") << claim.result;
  EXPECT_EQ(Available(AccountKind::kReceivable, "91350581133456810F"), 1000000);
  auto recoveries = corrections_->ListRecoveries(maker_, fund_);
  ASSERT_TRUE(recoveries.ok());
  ASSERT_EQ(recoveries->size(), 1u);
  EXPECT_EQ((*recoveries)[0].status, "claimed");
  FundRequest repay =
      Approve(corrections_->ProposeRepayment(maker_, (*recoveries)[0].id, "企业已缴回"));
  EXPECT_EQ(repay.status, "approved") << repay.result;
  EXPECT_EQ(Available(AccountKind::kReceivable, "91350581133456810F"), 0);
  EXPECT_EQ(Available(AccountKind::kQuota, "350500.kjj"), 10000000 - 5000000 + 1000000);
  auto settlement = funds_->Settlement(maker_, fund_);
  ASSERT_TRUE(settlement.ok());
  EXPECT_EQ(settlement->quotas[0].recovered_fen, 1000000);
  EXPECT_TRUE(settlement->quotas[0].balanced);
  ExpectVerified();
}

TEST_F(CorrectionsTest, AFailedPaymentIsReissuedToACorrectedAccount) {
  ASSERT_TRUE(
      disbursement_->CreateOrder(maker_, Order("V3", "P1", 40000, "6222000000000099")).ok());
  treasury_.FailAccount("6222000000000099");
  PayAll();
  ASSERT_EQ(disbursement_->GetOrder(maker_, "V3")->status, "failed");
  FundRequest r = Approve(corrections_->ProposeReissue(
      maker_, ReissueRequest{"V3", "V3R", "中国银行泉州分行", "6217000000000123", "企业更正账户"}));
  EXPECT_EQ(r.status, "approved") << r.result;
  auto reissued = disbursement_->GetOrder(maker_, "V3R");
  ASSERT_TRUE(reissued.ok()) << reissued.status();
  EXPECT_EQ(reissued->status, "created");
  EXPECT_EQ(reissued->replaces, "V3");
  EXPECT_EQ(reissued->order.bank_account, "6217000000000123");
  PayAll();
  EXPECT_EQ(disbursement_->GetOrder(maker_, "V3R")->status, "paid");
  EXPECT_EQ(ErrorCode(corrections_
                          ->ProposeReissue(
                              maker_, ReissueRequest{"V3", "V3S", "", "6217000000000124", "再次"})
                          .status()),
            "correction.state");  // V3 was re-issued already
  ExpectVerified();
}

TEST(TreasuryFileTest, BatchCsvRoundTripsAndATamperedFileIsRefused) {
  std::vector<OrderLine> lines = {
      {"V1", "91350581133456810F", "泉州利瑞城市配送有限公司", "工行", "6222020000000001", 123456,
       7, 2, "P1", "KJCX", 2026, "研发奖补，第一批"},
      {"V2", "913505038728481487", "名称含\"引号\"", "", "6222020000000002", 1, 7, 2, "P1", "KJCX",
       2026, ""}};
  std::string csv = BatchCsv(lines);
  EXPECT_NE(csv.find("1234.56"), std::string::npos);
  EXPECT_NE(csv.find("合计,2笔,,,,1234.57"), std::string::npos);
  auto parsed = ParseBatchCsv(csv);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(*parsed, lines);
  // Negative control: one digit changed in an amount.
  std::string tampered = csv;
  tampered.replace(tampered.find("1234.56"), 7, "1234.66");
  EXPECT_EQ(ErrorCode(ParseBatchCsv(tampered).status()), "treasury.file");
  auto xlsx = BatchXlsx(lines);
  ASSERT_TRUE(xlsx.ok()) << xlsx.status();
  EXPECT_GT(xlsx->size(), 1000u);
}

TEST(TreasuryFileTest, ReturnFilesInChineseOrEnglish) {
  std::vector<ReturnLine> lines = {{2, "V1", true, 123456, "S1", "2026-11-30", ""},
                                   {3, "V2", false, 1, "", "2026-11-30", "户名不符"}};
  auto parsed = ParseReturnFile(ReturnFileCsv(lines));
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(*parsed, lines);
  auto english = ParseReturnFile("voucher,status,amount,reason\nV1,paid,1.00,\nV2,failed,2.00,x\n");
  ASSERT_TRUE(english.ok()) << english.status();
  EXPECT_TRUE((*english)[0].paid);
  EXPECT_EQ((*english)[1].reason, "x");
  auto bad = ParseReturnFile("voucher,status,amount\nV1,paid,1.005\n");
  EXPECT_EQ(ErrorCode(bad.status()), "treasury.return_file");
  EXPECT_NE(std::string(bad.status().message()).find("第 2 行"), std::string::npos);
  EXPECT_EQ(ErrorCode(ParseReturnFile("a,b\n").status()), "treasury.return_file");
}

}  // namespace
}  // namespace zhida::services
