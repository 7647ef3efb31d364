// The funds routes through Api::Handle, in process, over a fresh store (SQLite, or PostgreSQL
// under tests/pg/with_pg.sh): roles, maker-checker, money as strings, file download and upload,
// reconciliation.
#include "gtest/gtest.h"
#include "http/api.h"
#include "http/api_testing.h"
#include "services/registry.h"
#include "services/test_support.h"

namespace zhida::http {
namespace {

using nlohmann::json;

class ApiFundsTest : public testing::ApiFixture {
 protected:
  void SetUp() override {
    ApiFixture::SetUp();
    app_->disbursement.set_treasury(&treasury_);
    AddUser("finance", "staff", {"finance", "350500", "350500.czj"});
    AddUser("finance2", "staff", {"finance", "350500", "350500.czj"});
    AddUser("finance-jj", "staff", {"finance", "350582", "350582.czj"});
    AddUser("leader", "staff", {"leader", "350500", ""});
    finance_ = Login("finance");
    finance2_ = Login("finance2");
  }

  void TearDown() override { app_.reset(); }  // before the treasury it points to

  // Creates the budget and allocates 350500.kjj and 350582 through maker and checker.
  void Seed() {
    Response b = Call("POST", "/api/v1/funds",
                      json{{"fund", "KJCX"},
                           {"fiscal_year", 2026},
                           {"name", "科技创新专项资金"},
                           {"amount", "1000000.00"},
                           {"basis", "泉财预〔2026〕1号"}}
                          .dump(),
                      finance_);
    ASSERT_EQ(b.status, 200) << b.body;
    for (auto [holder, amount] :
         {std::pair{"350500.kjj", "300000.00"}, std::pair{"350582", "100000.00"}}) {
      Response r =
          Call("POST", "/api/v1/funds/KJCX/2026/requests",
               json{{"kind", "allocate"}, {"to", holder}, {"amount", amount}, {"reason", "预下达"}}
                   .dump(),
               finance_);
      ASSERT_EQ(r.status, 200) << r.body;
      Response a = Call(
          "POST", "/api/v1/fund-requests/" + std::to_string(Body(r)["id"].get<int>()) + "/approve",
          json{{"note", "同意"}}.dump(), finance2_);
      ASSERT_EQ(a.status, 200) << a.body;
      ASSERT_EQ(Body(a)["status"], "approved");
    }
  }

  services::FakeTreasury treasury_{3};
  std::string finance_, finance2_;
};

TEST_F(ApiFundsTest, BudgetAndMakerCheckerWithMoneyAsStrings) {
  Response number =
      Call("POST", "/api/v1/funds",
           json{{"fund", "KJCX"}, {"fiscal_year", 2026}, {"name", "x"}, {"amount", 1000.5}}.dump(),
           finance_);
  EXPECT_EQ(number.status, 400);
  EXPECT_EQ(Body(number)["error"]["code"], "request.money");
  EXPECT_EQ(Body(number)["error"]["field"], "amount");
  Seed();
  json accounts = Body(Call("GET", "/api/v1/funds/KJCX/2026/accounts?kind=quota", "", finance_));
  ASSERT_EQ(accounts["items"].size(), 2u);
  EXPECT_EQ(accounts["items"][0]["available"], "300000.00");
  EXPECT_TRUE(accounts["items"][0]["available"].is_string());
  // The maker cannot approve; the error is Chinese, in the usual shape.
  Response r = Call("POST", "/api/v1/funds/KJCX/2026/requests",
                    json{{"kind", "adjust"},
                         {"from", "350500.kjj"},
                         {"to", "350582"},
                         {"amount", "5000.00"},
                         {"reason", "调整"}}
                        .dump(),
                    finance_);
  ASSERT_EQ(r.status, 200) << r.body;
  std::string id = std::to_string(Body(r)["id"].get<int>());
  Response self = Call("POST", "/api/v1/fund-requests/" + id + "/approve", "{}", finance_);
  EXPECT_EQ(self.status, 403);
  EXPECT_EQ(Body(self)["error"]["code"], "funds.same_person");
  EXPECT_EQ(Body(self)["error"]["request_id"], "test-request");
  // A leader reads but does not operate.
  std::string leader = Login("leader");
  EXPECT_EQ(Call("GET", "/api/v1/funds/KJCX/2026/settlement", "", leader).status, 200);
  EXPECT_EQ(Call("POST", "/api/v1/fund-requests/" + id + "/approve", "{}", leader).status, 403);
  // An approval the ledger refuses: the request fails with the ledger's message.
  Response big = Call(
      "POST", "/api/v1/funds/KJCX/2026/requests",
      json{{"kind", "allocate"}, {"to", "350583"}, {"amount", "9000000.00"}, {"reason", "超额"}}
          .dump(),
      finance_);
  Response failed = Call(
      "POST", "/api/v1/fund-requests/" + std::to_string(Body(big)["id"].get<int>()) + "/approve",
      "{}", finance2_);
  ASSERT_EQ(failed.status, 200) << failed.body;
  EXPECT_EQ(Body(failed)["status"], "failed");
  EXPECT_EQ(Body(failed)["result"], "exceeds_credits");
  EXPECT_NE(Body(failed)["result_message"].get<std::string>().find("可用余额不足"),
            std::string::npos);
  EXPECT_EQ(Call("GET", "/api/v1/funds/KJCX/2026/notices", "", finance_).status, 200);
}

TEST_F(ApiFundsTest, ReservePayDownloadUploadReconcile) {
  Seed();
  Response res = Call("POST", "/api/v1/funds/KJCX/2026/reservations",
                      json{{"plan_id", "P1"},
                           {"reason", "方案核准"},
                           {"shares",
                            {{{"quota", "350500.kjj"}, {"amount", "60000.00"}},
                             {{"quota", "350582"}, {"amount", "40000.00"}}}}}
                          .dump(),
                      finance_);
  ASSERT_EQ(res.status, 200) << res.body;
  std::string rid = std::to_string(Body(res)["id"].get<int>());
  ASSERT_EQ(Call("POST", "/api/v1/reservations/" + rid + "/confirm", "{}", finance_).status, 200);
  json order = {{"voucher", "V1"},
                {"plan_id", "P1"},
                {"payee_uscc", "91350581133456810F"},
                {"payee_name", "泉州利瑞城市配送有限公司"},
                {"bank_name", "工行"},
                {"bank_account", "6222020000000001"},
                {"amount", "12345.67"},
                {"policy_id", 1},
                {"policy_version", 1},
                {"memo", "研发奖补"}};
  Response o = Call("POST", "/api/v1/payment-orders", order.dump(), finance_);
  ASSERT_EQ(o.status, 200) << o.body;
  EXPECT_EQ(Body(o)["amount"], "12345.67");
  order["amount"] = "12345.68";
  Response conflict = Call("POST", "/api/v1/payment-orders", order.dump(), finance_);
  EXPECT_EQ(conflict.status, 409);
  EXPECT_EQ(Body(conflict)["error"]["field"], "amount");

  Response batch = Call("POST", "/api/v1/funds/KJCX/2026/payment-batches", "{}", finance_);
  ASSERT_EQ(batch.status, 200) << batch.body;
  std::string bid = std::to_string(Body(batch)["id"].get<int>());
  Response csv = Call("GET", "/api/v1/payment-batches/" + bid + "/file?format=csv", "", finance_);
  ASSERT_EQ(csv.status, 200);
  EXPECT_EQ(csv.content_type, "text/csv; charset=utf-8");
  EXPECT_EQ(csv.body.substr(0, 3), "\xEF\xBB\xBF");
  EXPECT_NE(csv.body.find("12345.67"), std::string::npos);
  Response xlsx = Call("GET", "/api/v1/payment-batches/" + bid + "/file?format=xlsx", "", finance_);
  ASSERT_EQ(xlsx.status, 200);
  EXPECT_EQ(xlsx.body.substr(0, 2), "PK");
  Response sent = Call("POST", "/api/v1/payment-batches/" + bid + "/send", "{}", finance_);
  ASSERT_EQ(sent.status, 200) << sent.body;
  EXPECT_EQ(Body(sent)["status"], "sent");
  EXPECT_EQ(Call("POST", "/api/v1/payment-batches/" + bid + "/send", "{}", finance_).status, 409);

  std::string file = treasury_.TakeReturnFile();
  EXPECT_EQ(Call("POST", "/api/v1/return-files?file_name=r.csv", file, finance_).status, 400);
  Response up = Call("POST", "/api/v1/return-files?file_name=r.csv", file, finance_, "text/csv");
  ASSERT_EQ(up.status, 200) << up.body;
  EXPECT_EQ(Body(up)["paid"], 1);
  json recon = Body(Call("GET", "/api/v1/funds/KJCX/2026/reconciliation", "", finance_));
  EXPECT_EQ(recon["ok"], true) << recon.dump();
  EXPECT_EQ(recon["ledger_paid"], "12345.67");

  // County staff see their county's quota and the shared order, but cannot touch the city's.
  std::string jj = Login("finance-jj");
  json seen = Body(Call("GET", "/api/v1/funds/KJCX/2026/accounts?kind=quota", "", jj));
  ASSERT_EQ(seen["items"].size(), 1u);
  EXPECT_EQ(seen["items"][0]["holder"], "350582");
  EXPECT_EQ(Call("GET", "/api/v1/payment-orders/V1", "", jj).status, 200);

  Response correction = Call(
      "POST", "/api/v1/payment-orders/V1/corrections",
      json{{"kind", "recover"}, {"amount", "100.00"}, {"reason", "多拨追回"}}.dump(), finance_);
  ASSERT_EQ(correction.status, 200) << correction.body;
  EXPECT_EQ(Body(correction)["kind"], "correction.recover");
  Response ok = Call(
      "POST",
      "/api/v1/fund-requests/" + std::to_string(Body(correction)["id"].get<int>()) + "/approve",
      "{}", finance2_);
  EXPECT_EQ(Body(ok)["status"], "approved") << ok.body;
  json recoveries = Body(Call("GET", "/api/v1/funds/KJCX/2026/recoveries", "", finance_));
  ASSERT_EQ(recoveries["items"].size(), 1u);
  json settlement = Body(Call("GET", "/api/v1/funds/KJCX/2026/settlement", "", finance_));
  EXPECT_EQ(settlement["total"]["paid"], "12345.67");
  EXPECT_EQ(settlement["total"]["balanced"], true);
  int64_t account = 0;
  json all = Body(Call("GET", "/api/v1/funds/KJCX/2026/accounts", "", finance_));
  for (const json& a : all["items"]) {
    if (a["kind"] == "quota" && a["holder"] == "350582") account = a["id"].get<int64_t>();
  }
  json history = Body(
      Call("GET", "/api/v1/ledger/accounts/" + std::to_string(account) + "/history", "", finance_));
  EXPECT_GE(history["items"].size(), 2u);
}

}  // namespace
}  // namespace zhida::http
