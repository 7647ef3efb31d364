// Payment orders and their batches (Disbursement, disbursement.h): create, cancel, batch, export,
// hand over to the treasury once.
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "core/uscc.h"
#include "nlohmann/json.hpp"
#include "services/common.h"
#include "services/disbursement.h"

namespace zhida::services {

namespace {

using ledger::AccountKind;

constexpr char kOrderColumns[] =
    "voucher, plan_id, payee_uscc, payee_name, bank_name, bank_account, amount_fen, policy_id, "
    "policy_version, memo, reservation_id, fund, fiscal_year, legs, status, result, "
    "COALESCE(batch_id, 0), COALESCE(replaces, ''), COALESCE(bank_serial, ''), "
    "COALESCE(paid_at, ''), COALESCE(fail_reason, ''), created_by, created_at, updated_at, regions";

PaymentOrder OrderFromRow(const store::Row& row) {
  PaymentOrder o;
  o.order = NewPaymentOrder{row.Text(0),
                            row.Text(1),
                            row.Text(2),
                            row.Text(3),
                            row.Text(4),
                            row.Text(5),
                            core::Money::FromFen(row.Int(6)),
                            row.Int(7),
                            static_cast<int>(row.Int(8)),
                            row.Text(9)};
  o.reservation_id = row.Int(10);
  o.fund = FundKey{row.Text(11), static_cast<int>(row.Int(12))};
  o.legs = SharesFromJson(row.Text(13));
  o.status = row.Text(14);
  o.result = row.Text(15);
  o.batch_id = row.Int(16);
  o.replaces = row.Text(17);
  o.bank_serial = row.Text(18);
  o.paid_at = row.Text(19);
  o.fail_reason = row.Text(20);
  o.created_by = row.Text(21);
  o.created_at = row.Text(22);
  o.updated_at = row.Text(23);
  return o;
}

absl::Status ValidateOrder(const NewPaymentOrder& o) {
  RETURN_IF_ERROR(ValidateVoucher(o.voucher));
  RETURN_IF_ERROR(ValidatePlanId(o.plan_id));
  RETURN_IF_ERROR(core::ValidateUscc(o.payee_uscc));
  RETURN_IF_ERROR(ValidateText(o.payee_name, "payee_name", /*required=*/true));
  RETURN_IF_ERROR(ValidateText(o.bank_name, "bank_name", /*required=*/false));
  RETURN_IF_ERROR(ValidateText(o.memo, "memo", /*required=*/false));
  bool digits = o.bank_account.size() >= 6 && o.bank_account.size() <= 34 &&
                std::all_of(o.bank_account.begin(), o.bank_account.end(),
                            [](char c) { return c >= '0' && c <= '9'; });
  if (!digits) {
    return InvalidField("payment.bank_account", "bank_account", "收款账号应为 6–34 位数字",
                        "a bank account is 6-34 digits");
  }
  if (o.amount.fen() <= 0) {
    return InvalidField("payment.amount", "amount", "支付金额必须大于零",
                        "amount must be positive");
  }
  if (o.policy_id < 1 || o.policy_version < 1) {
    return InvalidField("payment.policy", "policy_id", "须注明政策编号与版本",
                        "policy id and version are required");
  }
  return absl::OkStatus();
}

// The first field in which `a` and `b` differ, or "".
std::string FirstDifference(const NewPaymentOrder& a, const NewPaymentOrder& b) {
  if (a.plan_id != b.plan_id) return "plan_id";
  if (a.payee_uscc != b.payee_uscc) return "payee_uscc";
  if (a.payee_name != b.payee_name) return "payee_name";
  if (a.bank_name != b.bank_name) return "bank_name";
  if (a.bank_account != b.bank_account) return "bank_account";
  if (a.amount != b.amount) return "amount";
  if (a.policy_id != b.policy_id) return "policy_id";
  if (a.policy_version != b.policy_version) return "policy_version";
  if (a.memo != b.memo) return "memo";
  return "";
}

absl::StatusOr<PaymentOrder> SameOrConflict(const PaymentOrder& stored,
                                            const NewPaymentOrder& request) {
  std::string field = FirstDifference(stored.order, request);
  if (field.empty()) return stored;
  return MakeError(absl::StatusCode::kAlreadyExists, "payment.voucher_conflict", field,
                   absl::StrCat("凭证号 ", request.voucher, " 已用于另一笔支付指令（", field,
                                " 不同），请换用新凭证号"),
                   absl::StrCat("voucher ", request.voucher, " exists with a different ", field));
}

absl::Status RequireFinanceForTag(const Actor& actor, const std::vector<PlanShare>& legs) {
  for (const PlanShare& l : legs) RETURN_IF_ERROR(RequireFinance(actor, HolderRegion(l.quota)));
  return absl::OkStatus();
}

std::string LegTransferId(const std::string& voucher, size_t leg) {
  return absl::StrCat(voucher, "/", leg + 1);
}

}  // namespace

absl::StatusOr<std::optional<PaymentOrder>> LoadOrder(store::Tx& tx, const std::string& voucher) {
  ASSIGN_OR_RETURN(store::Result r, tx.Query(absl::StrCat("SELECT ", kOrderColumns,
                                                          " FROM payment_orders WHERE voucher = ?"),
                                             {voucher}));
  if (r.rows.empty()) return std::nullopt;
  return OrderFromRow(r.rows[0]);
}

absl::StatusOr<std::vector<PlanShare>> Disbursement::SplitOrder(const Reservation& reservation,
                                                                int64_t amount_fen) {
  // What each share's commitment can still pay, read now; the ledger re-checks under its lock.
  std::vector<int64_t> available;
  int64_t total_available = 0, total_shares = 0;
  for (const PlanShare& s : reservation.shares) {
    ASSIGN_OR_RETURN(
        auto c, ledger_.FindAccount(AccountOf(reservation.fund, AccountKind::kCommitment,
                                              CommitmentHolder(reservation.plan_id, s.quota))));
    int64_t left =
        c ? c->balance.credits_posted - c->balance.debits_posted - c->balance.debits_pending : 0;
    available.push_back(std::max<int64_t>(left, 0));
    total_available += available.back();
    total_shares += s.amount_fen;
  }
  if (amount_fen > total_available) {
    return MakeError(absl::StatusCode::kFailedPrecondition, "payment.exceeds_reservation", "amount",
                     absl::StrCat("方案 ", reservation.plan_id, " 的预留余额不足：可用 ",
                                  core::Money::FromFen(total_available).ToString(), " 元"),
                     "the plan's reservation does not cover the amount");
  }
  // Each share pays in proportion to its part of the plan; the last share takes the rounding;
  // then any part beyond what a share still holds moves to shares with room.
  size_t n = reservation.shares.size();
  std::vector<int64_t> part(n, 0);
  int64_t assigned = 0;
  for (size_t i = 0; i + 1 < n; ++i) {
    part[i] = static_cast<int64_t>(static_cast<__int128>(amount_fen) *
                                   reservation.shares[i].amount_fen / total_shares);
    assigned += part[i];
  }
  part[n - 1] = amount_fen - assigned;
  int64_t excess = 0;
  for (size_t i = 0; i < n; ++i) {
    if (part[i] > available[i]) {
      excess += part[i] - available[i];
      part[i] = available[i];
    }
  }
  for (size_t i = 0; i < n && excess > 0; ++i) {
    int64_t room = std::min(available[i] - part[i], excess);
    part[i] += room;
    excess -= room;
  }
  std::vector<PlanShare> legs;
  for (size_t i = 0; i < n; ++i) {
    if (part[i] > 0) legs.push_back(PlanShare{reservation.shares[i].quota, part[i]});
  }
  return legs;
}

absl::StatusOr<PaymentOrder> Disbursement::CreateOrder(const Actor& actor,
                                                       const NewPaymentOrder& request) {
  RETURN_IF_ERROR(ValidateOrder(request));
  std::optional<PaymentOrder> existing;
  Reservation reservation;
  RETURN_IF_ERROR(store_.InTx(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(existing, LoadOrder(tx, request.voucher));
    if (existing) return absl::OkStatus();
    ASSIGN_OR_RETURN(store::Result live,
                     tx.Query("SELECT id FROM plan_reservations WHERE plan_id = ? AND status IN "
                              "('reserved', 'confirmed')",
                              {request.plan_id}));
    if (live.rows.empty()) {
      return MakeError(absl::StatusCode::kFailedPrecondition, "payment.no_reservation", "plan_id",
                       "该方案没有有效的资金预留", "the plan has no live reservation");
    }
    ASSIGN_OR_RETURN(reservation, LoadReservation(tx, live.rows[0].Int(0)));
    return absl::OkStatus();
  }));
  if (existing) {
    RETURN_IF_ERROR(RequireFinanceForTag(actor, existing->legs));
    return SameOrConflict(*existing, request);
  }
  RETURN_IF_ERROR(RequireFinanceForTag(actor, reservation.shares));
  if (reservation.status != "confirmed") {
    return MakeError(absl::StatusCode::kFailedPrecondition, "payment.plan_not_confirmed", "plan_id",
                     "方案预留尚未确认（公示期满、方案生效后方可支付）",
                     "the plan's reservation is not confirmed yet");
  }
  ASSIGN_OR_RETURN(std::vector<PlanShare> legs, SplitOrder(reservation, request.amount.fen()));
  std::string user = LedgerUser(actor);
  ASSIGN_OR_RETURN(
      int64_t paid,
      OpenFundAccount(store_, ledger_, AccountOf(reservation.fund, AccountKind::kPaid), user));
  std::vector<ledger::Transfer> transfers;
  std::vector<std::string> regions;
  for (size_t i = 0; i < legs.size(); ++i) {
    ASSIGN_OR_RETURN(auto c, ledger_.FindAccount(
                                 AccountOf(reservation.fund, AccountKind::kCommitment,
                                           CommitmentHolder(reservation.plan_id, legs[i].quota))));
    if (!c) return absl::InternalError("commitment account missing");
    transfers.push_back(ledger::Transfer{
        LegTransferId(request.voucher, i), c->id, paid, legs[i].amount_fen,
        ledger::kPending | (i + 1 < legs.size() ? ledger::kLinked : 0u), "",
        std::string(codes::kPayment),
        TruncateUtf8(absl::StrCat("支付 ", request.payee_name, " ", request.memo), 450), user});
    regions.push_back(HolderRegion(legs[i].quota));
  }
  PaymentOrder out;
  RETURN_IF_ERROR(store_.InTx(store::TxMode::kWrite, [&](store::Tx& tx) -> absl::Status {
    std::string now = TimeText(clock_.Now());
    const NewPaymentOrder& o = request;
    ASSIGN_OR_RETURN(
        int64_t inserted,
        tx.Exec("INSERT INTO payment_orders (voucher, reservation_id, plan_id, fund, fiscal_year, "
                "payee_uscc, payee_name, bank_name, bank_account, amount_fen, policy_id, "
                "policy_version, memo, legs, regions, status, result, created_by, created_at, "
                "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'created', "
                "'ok', ?, ?, ?) ON CONFLICT (voucher) DO NOTHING",
                {o.voucher, reservation.id, o.plan_id, reservation.fund.fund,
                 int64_t{reservation.fund.fiscal_year}, o.payee_uscc, o.payee_name, o.bank_name,
                 o.bank_account, o.amount.fen(), o.policy_id, int64_t{o.policy_version}, o.memo,
                 SharesJson(legs), RegionsTag(regions), user, now, now}));
    if (inserted == 1) {
      ASSIGN_OR_RETURN(std::vector<ledger::TransferCode> results,
                       ledger_.CreateTransfersInTx(tx, transfers));
      ledger::TransferCode first = FirstFailure(results);
      if (!ledger::Succeeded(first)) {
        RETURN_IF_ERROR(tx.Exec("UPDATE payment_orders SET status = 'refused', result = ? "
                                "WHERE voucher = ?",
                                {std::string(ledger::CodeName(first)), o.voucher})
                            .status());
      }
      RETURN_IF_ERROR(Audit(tx, clock_.Now(), actor, "funds.payment.create", "payment_order",
                            o.voucher,
                            {{"plan_id", o.plan_id},
                             {"payee_uscc", o.payee_uscc},
                             {"amount", o.amount.ToString()},
                             {"result", ledger::CodeName(first)}}));
    }
    ASSIGN_OR_RETURN(std::optional<PaymentOrder> stored, LoadOrder(tx, o.voucher));
    if (!stored) return absl::InternalError("payment order vanished");
    out = std::move(*stored);
    return absl::OkStatus();
  }));
  return SameOrConflict(out, request);  // a concurrent creator of the same voucher won
}

absl::StatusOr<PaymentOrder> Disbursement::CancelOrder(const Actor& actor,
                                                       const std::string& voucher,
                                                       const std::string& reason) {
  RETURN_IF_ERROR(ValidateText(reason, "reason", /*required=*/true));
  std::string user = LedgerUser(actor);
  PaymentOrder out;
  RETURN_IF_ERROR(store_.InTx(store::TxMode::kWrite, [&](store::Tx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(std::optional<PaymentOrder> order, LoadOrder(tx, voucher));
    if (!order) return NotFoundError("payment.not_found", "支付指令不存在或无权查看");
    RETURN_IF_ERROR(RequireFinanceForTag(actor, order->legs));
    ASSIGN_OR_RETURN(int64_t claimed,
                     tx.Exec("UPDATE payment_orders SET status = 'cancelled', fail_reason = ?, "
                             "updated_at = ? WHERE voucher = ? AND status = 'created'",
                             {reason, TimeText(clock_.Now()), voucher}));
    if (claimed != 1) {
      return MakeError(absl::StatusCode::kFailedPrecondition, "payment.not_created", "",
                       "只能撤销尚未编入批次的支付指令",
                       "only an order not yet in a batch can be cancelled");
    }
    std::vector<ledger::Transfer> voids;
    for (size_t i = 0; i < order->legs.size(); ++i) {
      std::string pending = LegTransferId(voucher, i);
      voids.push_back(ledger::Transfer{
          pending + "/v", 0, 0, 0,
          ledger::kVoidPending | (i + 1 < order->legs.size() ? ledger::kLinked : 0u), pending,
          std::string(codes::kPaymentCancel), TruncateUtf8(reason, 450), user});
    }
    ASSIGN_OR_RETURN(std::vector<ledger::TransferCode> results,
                     ledger_.CreateTransfersInTx(tx, voids));
    if (ledger::TransferCode first = FirstFailure(results); !ledger::Succeeded(first)) {
      return LedgerRefused(first);
    }
    RETURN_IF_ERROR(Audit(tx, clock_.Now(), actor, "funds.payment.cancel", "payment_order", voucher,
                          {{"reason", reason}}));
    ASSIGN_OR_RETURN(std::optional<PaymentOrder> stored, LoadOrder(tx, voucher));
    out = std::move(*stored);
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<PaymentOrder> Disbursement::GetOrder(const Actor& actor,
                                                    const std::string& voucher) {
  RETURN_IF_ERROR(RequireFundsReader(actor));
  std::optional<PaymentOrder> order;
  std::string regions;
  RETURN_IF_ERROR(store_.InTx(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(order, LoadOrder(tx, voucher));
    return absl::OkStatus();
  }));
  std::vector<std::string> tag;
  if (order) {
    for (const PlanShare& l : order->legs) tag.push_back(HolderRegion(l.quota));
  }
  if (!order || !CanSeeTagged(actor, RegionsTag(tag))) {
    return NotFoundError("payment.not_found", "支付指令不存在或无权查看",
                         "no such payment order, or not visible to you");
  }
  return *order;
}

absl::StatusOr<std::vector<PaymentOrder>> Disbursement::ListOrders(const Actor& actor,
                                                                   const OrderQuery& query) {
  RETURN_IF_ERROR(RequireFundsReader(actor));
  RegionFilter filter = RegionFilterFor(actor);
  int limit = std::clamp(query.limit, 1, kFundListSizeMax);
  std::vector<PaymentOrder> out;
  RETURN_IF_ERROR(store_.InTx(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    out.clear();
    std::vector<store::Value> params = {query.fund.fund, int64_t{query.fund.fiscal_year},
                                        query.status,    query.status,
                                        query.batch_id,  query.batch_id,
                                        query.plan_id,   query.plan_id};
    params.insert(params.end(), filter.params.begin(), filter.params.end());
    params.push_back(int64_t{limit});
    ASSIGN_OR_RETURN(
        store::Result r,
        tx.Query(absl::StrCat("SELECT ", kOrderColumns,
                              " FROM payment_orders WHERE fund = ? AND fiscal_year = ? AND "
                              "(? = '' OR status = ?) AND (? = 0 OR batch_id = ?) AND "
                              "(? = '' OR plan_id = ?)",
                              filter.sql, " ORDER BY created_at DESC, voucher LIMIT ?"),
                 params));
    for (const store::Row& row : r.rows) out.push_back(OrderFromRow(row));
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<std::vector<OrderLine>> Disbursement::BatchLines(store::Tx& tx, int64_t batch_id) {
  ASSIGN_OR_RETURN(store::Result r, tx.Query(absl::StrCat("SELECT ", kOrderColumns,
                                                          " FROM payment_orders WHERE batch_id = ? "
                                                          "ORDER BY voucher"),
                                             {batch_id}));
  std::vector<OrderLine> lines;
  for (const store::Row& row : r.rows) {
    PaymentOrder o = OrderFromRow(row);
    const NewPaymentOrder& n = o.order;
    lines.push_back(OrderLine{n.voucher, n.payee_uscc, n.payee_name, n.bank_name, n.bank_account,
                              n.amount.fen(), n.policy_id, n.policy_version, n.plan_id, o.fund.fund,
                              o.fund.fiscal_year, n.memo});
  }
  return lines;
}

}  // namespace zhida::services
