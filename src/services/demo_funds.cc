// The demo's funds (issue 4 §7): this year's budgets, quotas of city departments and counties,
// and a history — adjustments, a pending and a rejected request, reservations, paid orders, a
// failed payment re-issued as a correction, a recovery, a batch whose answer was lost — so that
// every page and report has content. `zhida ledger verify` passes on it (demo_test.cc).
#include "services/demo_funds.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "services/corrections.h"
#include "services/disbursement.h"
#include "services/fund_requests.h"
#include "services/funds.h"

namespace zhida::services {

namespace {

core::Money Yuan(int64_t yuan) { return core::Money::FromFen(yuan * 100); }

struct Payee {
  std::string uscc, name, bank_name, bank_account;
};

// Makes and approves a request (maker-checker: two demo officers).
absl::Status Approved(FundRequests& requests, const Actor& checker,
                      absl::StatusOr<FundRequest> proposed) {
  if (!proposed.ok()) return proposed.status();
  ASSIGN_OR_RETURN(FundRequest decided, requests.Approve(checker, proposed->id, "复核同意"));
  if (decided.status != "approved") {
    return absl::InternalError(absl::StrCat("demo request ", decided.id, ": ", decided.result));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<Payee>> Payees(store::Store& store, int count) {
  std::vector<Payee> payees;
  RETURN_IF_ERROR(store.InTx(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(store::Result r,
                     tx.Query("SELECT uscc, name, COALESCE(bank_name, ''), "
                              "COALESCE(bank_account, '') FROM enterprises ORDER BY uscc LIMIT ?",
                              {int64_t{count}}));
    for (const store::Row& row : r.rows) {
      std::string account = row.Text(3);
      if (account.size() < 6) account = absl::StrFormat("62220200%08d", payees.size() + 1);
      payees.push_back(Payee{row.Text(0), row.Text(1), row.Text(2), account});
    }
    return absl::OkStatus();
  }));
  return payees;
}

absl::Status Budgets(FundsService& funds, FundRequests& requests, const Actor& maker,
                     const Actor& checker, int year) {
  FundKey kj{"KJCX", year}, gy{"GYZZ", year};
  RETURN_IF_ERROR(funds
                      .CreateBudget(maker, {kj, "科技创新专项资金", "350500", Yuan(10000000),
                                            absl::StrCat("泉财预〔", year, "〕12号")})
                      .status());
  RETURN_IF_ERROR(funds
                      .CreateBudget(maker, {gy, "工业转型升级专项资金", "350500", Yuan(20000000),
                                            absl::StrCat("泉财预〔", year, "〕13号")})
                      .status());
  const std::pair<const char*, int64_t> kj_quotas[] = {
      {"350500.kjj", 4000000}, {"350582", 1500000}, {"350583", 1000000}, {"350581", 600000}};
  const std::pair<const char*, int64_t> gy_quotas[] = {{"350500.gxj", 8000000},
                                                       {"350500.swj", 2000000},
                                                       {"350582", 3000000},
                                                       {"350583", 2000000},
                                                       {"350521", 1000000}};
  for (const auto& [holder, yuan] : kj_quotas) {
    RETURN_IF_ERROR(
        Approved(requests, checker,
                 requests.ProposeAllocation(maker, kj, holder, Yuan(yuan), "年初指标预下达")));
  }
  for (const auto& [holder, yuan] : gy_quotas) {
    RETURN_IF_ERROR(
        Approved(requests, checker,
                 requests.ProposeAllocation(maker, gy, holder, Yuan(yuan), "年初指标预下达")));
  }
  RETURN_IF_ERROR(
      Approved(requests, checker,
               requests.ProposeAdjustment(maker, kj, "350500.kjj", "350582", Yuan(300000),
                                          "年中调整：晋江市研发投入增长超预期")));
  // One waiting for the checker, one rejected: the approval pages have content.
  RETURN_IF_ERROR(
      requests.ProposeAllocation(maker, gy, "350524", Yuan(500000), "追加下达安溪县指标").status());
  ASSIGN_OR_RETURN(FundRequest wrong, requests.ProposeAllocation(maker, kj, "350526", Yuan(9000000),
                                                                 "下达德化县指标"));
  return requests.Reject(checker, wrong.id, "金额超出年度预算安排，请核实后重报").status();
}

}  // namespace

absl::Status BuildDemoFunds(store::Store& store, const core::Clock& clock, const Actor& maker,
                            const Actor& checker, int year) {
  FundsService funds(store, clock);
  FundRequests requests(store, clock);
  FakeTreasury treasury(/*seed=*/year);
  Disbursement disbursement(store, clock, &treasury);
  Corrections corrections(store, clock);
  RETURN_IF_ERROR(Budgets(funds, requests, maker, checker, year));
  FundKey kj{"KJCX", year}, gy{"GYZZ", year};
  ASSIGN_OR_RETURN(std::vector<Payee> payees, Payees(store, 9));
  if (payees.size() < 9) return absl::InternalError("the demo needs 9 enterprises");

  // A research plan shared by the city and 晋江 (linked reservation), confirmed and paid.
  std::string p1 = absl::StrCat("P", year, "-KJ-001"), p2 = absl::StrCat("P", year, "-GX-002");
  ASSIGN_OR_RETURN(Reservation r1,
                   disbursement.Reserve(maker, {p1,
                                                kj,
                                                {{"350500.kjj", 60000000}, {"350582", 40000000}},
                                                "研发经费投入奖补第一批（市、晋江分担）"}));
  RETURN_IF_ERROR(disbursement.Confirm(maker, r1.id).status());
  ASSIGN_OR_RETURN(
      Reservation r2,
      disbursement.Reserve(maker, {p2, gy, {{"350500.gxj", 150000000}}, "技改设备投资奖补第一批"}));
  RETURN_IF_ERROR(disbursement.Confirm(maker, r2.id).status());
  const int64_t kj_awards[] = {300000, 180000, 120000, 95000, 60000};
  for (size_t i = 0; i < std::size(kj_awards); ++i) {
    const Payee& p = payees[i];
    RETURN_IF_ERROR(disbursement
                        .CreateOrder(maker, {absl::StrFormat("KJ%d%04d", year, i + 1), p1, p.uscc,
                                             p.name, p.bank_name, p.bank_account,
                                             Yuan(kj_awards[i]), 1, 1, "研发经费投入奖补"})
                        .status());
  }
  // The fourth payee's account was closed: its payment fails and is re-issued below.
  treasury.FailAccount(payees[3].bank_account);
  ASSIGN_OR_RETURN(PaymentBatch b1, disbursement.CreateBatch(maker, kj, {}));
  RETURN_IF_ERROR(disbursement.Send(maker, b1.id).status());
  RETURN_IF_ERROR(
      disbursement.ImportReturnFile(maker, "回单-KJ-1.csv", treasury.TakeReturnFile()).status());
  std::string failed = absl::StrFormat("KJ%d%04d", year, 4);
  RETURN_IF_ERROR(Approved(
      requests, checker,
      corrections.ProposeReissue(maker, {failed, failed + "R", "中国银行泉州分行",
                                         "6217856000012345678", "企业已更正收款账户，重新支付"})));
  // A recovery: one enterprise's award was overstated.
  RETURN_IF_ERROR(
      Approved(requests, checker,
               corrections.ProposeRecovery(maker, absl::StrFormat("KJ%d%04d", year, 5), Yuan(20000),
                                           "复核发现研发费用多计，追回多拨部分")));

  // Industry plan: three paid; a second batch whose answer was lost stays `unknown` until the
  // bank's return file arrives (the reconciliation lists it).
  const int64_t gy_awards[] = {500000, 350000, 200000, 150000};
  for (size_t i = 0; i < std::size(gy_awards); ++i) {
    const Payee& p = payees[5 + i];
    RETURN_IF_ERROR(disbursement
                        .CreateOrder(maker, {absl::StrFormat("GX%d%04d", year, i + 1), p2, p.uscc,
                                             p.name, p.bank_name, p.bank_account,
                                             Yuan(gy_awards[i]), 2, 1, "技改设备投资奖补"})
                        .status());
    if (i == 2) {
      ASSIGN_OR_RETURN(PaymentBatch b2, disbursement.CreateBatch(maker, gy, {}));
      RETURN_IF_ERROR(disbursement.Send(maker, b2.id).status());
      RETURN_IF_ERROR(
          disbursement.ImportReturnFile(maker, "回单-GX-1.csv", treasury.TakeReturnFile())
              .status());
    }
  }
  treasury.LoseNext();
  ASSIGN_OR_RETURN(PaymentBatch b3, disbursement.CreateBatch(maker, gy, {}));
  RETURN_IF_ERROR(disbursement.Send(maker, b3.id).status());

  // A plan still in publicity (reserved, not confirmed) and one withdrawn after an objection.
  RETURN_IF_ERROR(disbursement
                      .Reserve(maker, {absl::StrCat("P", year, "-GX-003"),
                                       gy,
                                       {{"350582", 50000000}},
                                       "晋江市技改奖补（公示中）"})
                      .status());
  ASSIGN_OR_RETURN(
      Reservation withdrawn,
      disbursement.Reserve(
          maker,
          {absl::StrCat("P", year, "-KJ-004"), kj, {{"350583", 20000000}}, "南安市研发奖补"}));
  return disbursement.Release(maker, withdrawn.id, "公示期异议成立，方案撤回重报").status();
}

}  // namespace zhida::services
