#include "services/corrections.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "services/common.h"
#include "services/disbursement.h"

namespace zhida::services {

namespace {

using ledger::AccountKind;
using nlohmann::json;

absl::Status StateError(std::string_view zh, std::string_view en) {
  return MakeError(absl::StatusCode::kFailedPrecondition, "correction.state", "", zh, en);
}

std::vector<std::string> OrderRegions(const FundInfo& fund, const PaymentOrder& order) {
  std::vector<std::string> regions = {fund.region};
  for (const PlanShare& l : order.legs) regions.push_back(HolderRegion(l.quota));
  return regions;
}

absl::Status ApplyReverse(store::Tx& tx, const FundRequest& r, const std::string& now) {
  std::string voucher = r.detail.value("voucher", "");
  ASSIGN_OR_RETURN(int64_t n, tx.Exec("UPDATE payment_orders SET status = 'reversed', "
                                      "updated_at = ? WHERE voucher = ? AND status = 'paid'",
                                      {now, voucher}));
  if (n != 1) return StateError("该支付已不是“已支付”状态，不能冲正", "the order is not paid");
  return absl::OkStatus();
}

absl::Status ApplyRecover(store::Tx& tx, const FundRequest& r, const std::string& now) {
  std::string voucher = r.detail.value("voucher", "");
  ASSIGN_OR_RETURN(std::optional<PaymentOrder> order, LoadOrder(tx, voucher));
  if (!order || order->status != "paid") {
    return StateError("该支付已不是“已支付”状态，不能追回", "the order is not paid");
  }
  ASSIGN_OR_RETURN(store::Result claimed,
                   tx.Query("SELECT CAST(COALESCE(SUM(amount_fen), 0) AS BIGINT) FROM "
                            "recoveries WHERE voucher = ?",
                            {voucher}));
  if (claimed.rows.at(0).Int(0) + r.amount_fen > order->order.amount.fen()) {
    return StateError("追回金额合计超过原支付金额", "recoveries would exceed the payment");
  }
  return tx
      .Exec(
          "INSERT INTO recoveries (voucher, fund, fiscal_year, payee_uscc, quota, amount_fen, "
          "status, regions, claimed_at) VALUES (?, ?, ?, ?, ?, ?, 'claimed', ?, ?)",
          {voucher, r.fund.fund, int64_t{r.fund.fiscal_year}, order->order.payee_uscc,
           r.detail.value("quota", ""), r.amount_fen, RegionsTag(r.regions), now})
      .status();
}

absl::Status ApplyRepay(store::Tx& tx, const FundRequest& r, const std::string& now) {
  ASSIGN_OR_RETURN(int64_t n, tx.Exec("UPDATE recoveries SET status = 'repaid', repaid_at = ? "
                                      "WHERE id = ? AND status = 'claimed'",
                                      {now, r.detail.value("recovery_id", int64_t{0})}));
  if (n != 1) return StateError("该追回已办结", "the recovery is no longer claimed");
  return absl::OkStatus();
}

absl::Status ApplyReissue(store::Tx& tx, const FundRequest& r, const std::string& user,
                          const std::string& now) {
  std::string old_voucher = r.detail.value("voucher", "");
  ASSIGN_OR_RETURN(std::optional<PaymentOrder> old, LoadOrder(tx, old_voucher));
  if (!old || (old->status != "failed" && old->status != "reversed")) {
    return StateError("原支付已不是“失败”或“已冲正”状态",
                      "the old order is not failed or reversed");
  }
  ASSIGN_OR_RETURN(store::Result other,
                   tx.Query("SELECT voucher FROM payment_orders WHERE replaces = ? AND "
                            "status <> 'refused'",
                            {old_voucher}));
  if (!other.rows.empty()) {
    return StateError(absl::StrCat("原支付已由凭证号 ", other.rows[0].Text(0), " 重新支付"),
                      "the old order was already re-issued");
  }
  const NewPaymentOrder& o = old->order;
  std::vector<std::string> regions;
  for (const PlanShare& l : old->legs) regions.push_back(HolderRegion(l.quota));
  return tx
      .Exec(
          "INSERT INTO payment_orders (voucher, reservation_id, plan_id, fund, fiscal_year, "
          "payee_uscc, payee_name, bank_name, bank_account, amount_fen, policy_id, "
          "policy_version, memo, legs, regions, status, result, replaces, created_by, "
          "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
          "'created', 'ok', ?, ?, ?, ?)",
          {r.detail.value("new_voucher", ""), old->reservation_id, o.plan_id, old->fund.fund,
           int64_t{old->fund.fiscal_year}, o.payee_uscc, o.payee_name,
           r.detail.value("bank_name", ""), r.detail.value("bank_account", ""), o.amount.fen(),
           o.policy_id, int64_t{o.policy_version}, o.memo, SharesJson(old->legs),
           RegionsTag(regions), old_voucher, user, now, now})
      .status();
}

}  // namespace

absl::Status ApplyCorrectionEffects(store::Tx& tx, const FundRequest& request,
                                    const std::string& user, const std::string& now) {
  if (request.kind == codes::kReverse) return ApplyReverse(tx, request, now);
  if (request.kind == codes::kRecover) return ApplyRecover(tx, request, now);
  if (request.kind == codes::kRepay) return ApplyRepay(tx, request, now);
  if (request.kind == codes::kReissue) return ApplyReissue(tx, request, user, now);
  return absl::InternalError(absl::StrCat("unknown correction kind ", request.kind));
}

Corrections::Corrections(store::Store& store, const core::Clock& clock)
    : store_(store), clock_(clock), requests_(store, clock) {}

namespace {

// The order `voucher` and its fund, for a proposal by `actor` (a finance officer of the fund's
// region).
absl::Status LoadForProposal(store::Store& store, const Actor& actor, const std::string& voucher,
                             PaymentOrder* order, FundInfo* fund) {
  RETURN_IF_ERROR(store.InTx(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(std::optional<PaymentOrder> found, LoadOrder(tx, voucher));
    if (!found) return NotFoundError("payment.not_found", "支付指令不存在或无权查看");
    *order = std::move(*found);
    ASSIGN_OR_RETURN(*fund, LoadFund(tx, order->fund));
    return absl::OkStatus();
  }));
  return RequireFinance(actor, fund->region);
}

}  // namespace

absl::StatusOr<FundRequest> Corrections::ProposeReversal(const Actor& actor,
                                                         const std::string& voucher,
                                                         const std::string& reason) {
  PaymentOrder order;
  FundInfo fund;
  RETURN_IF_ERROR(LoadForProposal(store_, actor, voucher, &order, &fund));
  if (order.status != "paid") return StateError("只有“已支付”的支付才能冲正", "not paid");
  NewRequest request{order.fund, std::string(codes::kReverse), reason,
                     {},         {{"voucher", voucher}},       OrderRegions(fund, order)};
  for (const PlanShare& l : order.legs) {
    ledger::AccountKey commitment = AccountOf(order.fund, AccountKind::kCommitment,
                                              CommitmentHolder(order.order.plan_id, l.quota));
    ASSIGN_OR_RETURN(RequestLeg back,
                     requests_.MakeLeg(order.fund, AccountOf(order.fund, AccountKind::kPaid),
                                       commitment, l.amount_fen, codes::kReverse, actor));
    ASSIGN_OR_RETURN(RequestLeg release,
                     requests_.MakeLeg(order.fund, commitment,
                                       AccountOf(order.fund, AccountKind::kQuota, l.quota),
                                       l.amount_fen, codes::kPlanRelease, actor));
    request.legs.push_back(back);
    request.legs.push_back(release);
  }
  request.amount_fen = order.order.amount.fen();
  return requests_.Create(actor, request);
}

absl::StatusOr<FundRequest> Corrections::ProposeRecovery(const Actor& actor,
                                                         const std::string& voucher,
                                                         core::Money amount,
                                                         const std::string& reason) {
  PaymentOrder order;
  FundInfo fund;
  RETURN_IF_ERROR(LoadForProposal(store_, actor, voucher, &order, &fund));
  if (order.status != "paid") return StateError("只有“已支付”的支付才能追回", "not paid");
  if (amount.fen() <= 0 || amount > order.order.amount) {
    return InvalidField("correction.amount", "amount", "追回金额应大于零且不超过原支付金额",
                        "the amount must be positive and at most the payment");
  }
  ASSIGN_OR_RETURN(
      RequestLeg leg,
      requests_.MakeLeg(order.fund, AccountOf(order.fund, AccountKind::kPaid),
                        AccountOf(order.fund, AccountKind::kReceivable, order.order.payee_uscc),
                        amount.fen(), codes::kRecover, actor));
  return requests_.Create(actor,
                          NewRequest{order.fund,
                                     std::string(codes::kRecover),
                                     reason,
                                     {leg},
                                     {{"voucher", voucher}, {"quota", order.legs.at(0).quota}},
                                     OrderRegions(fund, order)});
}

absl::StatusOr<FundRequest> Corrections::ProposeRepayment(const Actor& actor, int64_t recovery_id,
                                                          const std::string& reason) {
  Recovery rec;
  FundInfo fund;
  RETURN_IF_ERROR(store_.InTx(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(store::Result r,
                     tx.Query("SELECT voucher, fund, fiscal_year, payee_uscc, quota, amount_fen, "
                              "status FROM recoveries WHERE id = ?",
                              {recovery_id}));
    if (r.rows.empty()) return NotFoundError("correction.recovery_not_found", "追回记录不存在");
    const store::Row& row = r.rows[0];
    rec = Recovery{recovery_id, row.Text(0), {row.Text(1), static_cast<int>(row.Int(2))},
                   row.Text(3), row.Text(4), row.Int(5),
                   row.Text(6)};
    ASSIGN_OR_RETURN(fund, LoadFund(tx, rec.fund));
    return absl::OkStatus();
  }));
  RETURN_IF_ERROR(RequireFinance(actor, fund.region));
  if (rec.status != "claimed") return StateError("该追回已办结", "the recovery is not claimed");
  ASSIGN_OR_RETURN(
      RequestLeg leg,
      requests_.MakeLeg(rec.fund, AccountOf(rec.fund, AccountKind::kReceivable, rec.payee_uscc),
                        AccountOf(rec.fund, AccountKind::kQuota, rec.quota), rec.amount_fen,
                        codes::kRepay, actor));
  return requests_.Create(actor,
                          NewRequest{rec.fund,
                                     std::string(codes::kRepay),
                                     reason,
                                     {leg},
                                     {{"recovery_id", recovery_id}, {"voucher", rec.voucher}},
                                     {fund.region, HolderRegion(rec.quota)}});
}

absl::StatusOr<FundRequest> Corrections::ProposeReissue(const Actor& actor,
                                                        const ReissueRequest& reissue) {
  RETURN_IF_ERROR(ValidateVoucher(reissue.new_voucher));
  RETURN_IF_ERROR(ValidateText(reissue.bank_name, "bank_name", /*required=*/false));
  bool digits = reissue.bank_account.size() >= 6 && reissue.bank_account.size() <= 34 &&
                std::all_of(reissue.bank_account.begin(), reissue.bank_account.end(),
                            [](char c) { return c >= '0' && c <= '9'; });
  if (!digits) {
    return InvalidField("payment.bank_account", "bank_account", "收款账号应为 6–34 位数字",
                        "a bank account is 6-34 digits");
  }
  PaymentOrder order;
  FundInfo fund;
  RETURN_IF_ERROR(LoadForProposal(store_, actor, reissue.voucher, &order, &fund));
  if (order.status != "failed" && order.status != "reversed") {
    return StateError("只有支付失败或已冲正的支付才能重新支付", "not failed or reversed");
  }
  bool taken = false;
  RETURN_IF_ERROR(store_.InTx(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(std::optional<PaymentOrder> existing, LoadOrder(tx, reissue.new_voucher));
    taken = existing.has_value();
    ASSIGN_OR_RETURN(store::Result other,
                     tx.Query("SELECT voucher FROM payment_orders WHERE replaces = ? AND "
                              "status <> 'refused'",
                              {reissue.voucher}));
    if (!other.rows.empty()) {
      return StateError(absl::StrCat("原支付已由凭证号 ", other.rows[0].Text(0), " 重新支付"),
                        "the order was already re-issued");
    }
    return absl::OkStatus();
  }));
  if (taken) {
    return MakeError(absl::StatusCode::kAlreadyExists, "payment.voucher_conflict", "new_voucher",
                     "新凭证号已被使用", "the new voucher number is taken");
  }
  NewRequest request{order.fund,
                     std::string(codes::kReissue),
                     reissue.reason,
                     {},
                     {{"voucher", reissue.voucher},
                      {"new_voucher", reissue.new_voucher},
                      {"bank_name", reissue.bank_name},
                      {"bank_account", reissue.bank_account}},
                     OrderRegions(fund, order)};
  std::vector<RequestLeg> payments;
  for (size_t i = 0; i < order.legs.size(); ++i) {
    const PlanShare& l = order.legs[i];
    ledger::AccountKey commitment = AccountOf(order.fund, AccountKind::kCommitment,
                                              CommitmentHolder(order.order.plan_id, l.quota));
    ASSIGN_OR_RETURN(
        RequestLeg reserve,
        requests_.MakeLeg(order.fund, AccountOf(order.fund, AccountKind::kQuota, l.quota),
                          commitment, l.amount_fen, codes::kReissue, actor));
    ASSIGN_OR_RETURN(RequestLeg pay, requests_.MakeLeg(order.fund, commitment,
                                                       AccountOf(order.fund, AccountKind::kPaid),
                                                       l.amount_fen, codes::kPayment, actor));
    pay.pending = true;
    pay.transfer_id = absl::StrCat(reissue.new_voucher, "/", i + 1);
    request.legs.push_back(reserve);
    payments.push_back(pay);
  }
  request.legs.insert(request.legs.end(), payments.begin(), payments.end());
  request.amount_fen = order.order.amount.fen();
  return requests_.Create(actor, request);
}

absl::StatusOr<std::vector<Recovery>> Corrections::ListRecoveries(const Actor& actor,
                                                                  const FundKey& fund) {
  RETURN_IF_ERROR(RequireFundsReader(actor));
  std::vector<Recovery> out;
  RETURN_IF_ERROR(store_.InTx(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(store::Result r,
                     ListFundRows(tx, actor,
                                  "id, voucher, payee_uscc, quota, amount_fen, status, claimed_at, "
                                  "COALESCE(repaid_at, '')",
                                  "recoveries", fund));
    out.clear();
    for (const store::Row& row : r.rows) {
      out.push_back(Recovery{row.Int(0), row.Text(1), fund, row.Text(2), row.Text(3), row.Int(4),
                             row.Text(5), row.Text(6), row.Text(7)});
    }
    return absl::OkStatus();
  }));
  return out;
}

}  // namespace zhida::services
