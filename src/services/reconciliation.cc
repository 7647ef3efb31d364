#include "services/reconciliation.h"

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "core/money.h"
#include "services/disbursement.h"
#include "services/funds.h"

namespace zhida::services {

namespace {

using ledger::AccountKind;
using ledger::StoredTransfer;

struct OrderRow {
  std::string voucher;
  std::string status;
  int64_t amount_fen = 0;
  size_t legs = 0;
  std::string regions;
};

std::string Yuan(int64_t fen) { return core::Money::FromFen(fen).ToString(); }

// What the ledger says about one order: how many legs are pending, posted, voided.
struct LedgerState {
  int pending = 0, posted = 0, voided = 0;
};

// The order's expected ledger state for its status; "" when it matches.
std::string Mismatch(const OrderRow& o, const LedgerState& s) {
  int n = static_cast<int>(o.legs);
  bool live =
      o.status == "created" || o.status == "batched" || o.status == "sent" || o.status == "unknown";
  bool ok = true;
  if (live) ok = s.pending == n && s.posted == 0 && s.voided == 0;
  if (o.status == "paid" || o.status == "reversed") ok = s.pending == n && s.posted == n;
  if (o.status == "failed" || o.status == "cancelled") ok = s.pending == n && s.voided == n;
  if (o.status == "refused") ok = s.pending == 0;
  if (ok) return "";
  return absl::StrCat("状态为 ", o.status, "，台账中预留 ", s.pending, " 笔、已入账 ", s.posted,
                      " 笔、已撤销 ", s.voided, " 笔（应有 ", n, " 笔）");
}

// The voucher of a payment transfer id "<voucher>/<leg>[/p|/v]".
std::string VoucherOf(const std::string& id) { return id.substr(0, id.find('/')); }

}  // namespace

Reconciliation::Reconciliation(store::Store& store, const core::Clock& clock)
    : store_(store), clock_(clock) {}

absl::StatusOr<ReconReport> Reconciliation::Reconcile(const Actor& actor, const FundKey& fund) {
  RETURN_IF_ERROR(RequireFundsReader(actor));
  ReconReport report;
  report.fund = fund;
  std::vector<OrderRow> orders;
  absl::flat_hash_map<std::string, std::string> paid_by_bank;  // voucher → return line outcome
  std::vector<ReconException> line_exceptions;
  std::vector<int64_t> unknown_batches;
  RegionFilter filter = RegionFilterFor(actor);
  RETURN_IF_ERROR(store_.InTx(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    RETURN_IF_ERROR(LoadFund(tx, fund).status());
    std::vector<store::Value> params = {fund.fund, int64_t{fund.fiscal_year}};
    params.insert(params.end(), filter.params.begin(), filter.params.end());
    ASSIGN_OR_RETURN(store::Result r,
                     tx.Query(absl::StrCat("SELECT voucher, status, amount_fen, legs, regions "
                                           "FROM payment_orders WHERE fund = ? AND "
                                           "fiscal_year = ?",
                                           filter.sql, " ORDER BY voucher"),
                              params));
    for (const store::Row& row : r.rows) {
      orders.push_back(OrderRow{row.Text(0), row.Text(1), row.Int(2),
                                SharesFromJson(row.Text(3)).size(), row.Text(4)});
    }
    ASSIGN_OR_RETURN(store::Result lines,
                     tx.Query("SELECT l.voucher, l.status, l.outcome, l.file_id, l.line_no, "
                              "o.fund FROM return_lines l LEFT JOIN payment_orders o ON "
                              "o.voucher = l.voucher ORDER BY l.file_id, l.line_no"));
    for (const store::Row& row : lines.rows) {
      std::string voucher = row.Text(0), status = row.Text(1), outcome = row.Text(2);
      bool ours = row.IsNull(5) || row.Text(5) == fund.fund;
      if (!ours) continue;
      if (status == "paid" && (outcome == "applied" || outcome == "duplicate")) {
        paid_by_bank[voucher] = outcome;
      }
      if (outcome == "applied" || outcome == "duplicate") continue;
      std::string where = absl::StrCat("回单 ", row.Int(3), " 第 ", row.Int(4), " 行");
      ReconException e{outcome, voucher, "", ""};
      if (outcome == "conflict") {
        e.message = where + "：与此前回单结果相反";
        e.action = "向代理银行核实该笔实际结果；如确已支付，按容错纠错办理";
      } else if (outcome == "unknown_voucher") {
        e.message = where + "：本平台无此凭证号";
        e.action = "向代理银行核实，退回或更正回单";
      } else if (outcome == "amount_mismatch") {
        e.message = where + "：金额与支付指令不符，未入账";
        e.action = "向代理银行核实金额，取得更正后的回单再导入";
      } else if (outcome == "not_sent") {
        e.message = where + "：该支付指令未报送或已撤销";
        e.action = "核实是否另行报送过该凭证；如已支付，按容错纠错办理";
      } else {
        e.kind = "return_refused";
        e.message = absl::StrCat(where, "：台账拒绝（", outcome, "）");
        e.action = "联系系统管理员核查台账";
      }
      line_exceptions.push_back(std::move(e));
    }
    ASSIGN_OR_RETURN(store::Result batches,
                     tx.Query("SELECT id FROM payment_batches WHERE fund = ? AND fiscal_year = ? "
                              "AND status = 'unknown' ORDER BY id",
                              {fund.fund, int64_t{fund.fiscal_year}}));
    for (const store::Row& row : batches.rows) unknown_batches.push_back(row.Int(0));
    return absl::OkStatus();
  }));

  // The ledger's view: every payment transfer touches the fund's `paid` account.
  ledger::Ledger ledger(&store_, &clock_);
  absl::flat_hash_map<std::string, LedgerState> states;
  ASSIGN_OR_RETURN(auto paid_account, ledger.FindAccount(AccountOf(fund, AccountKind::kPaid)));
  if (paid_account) {
    ASSIGN_OR_RETURN(std::vector<StoredTransfer> history, FullHistory(ledger, paid_account->id));
    for (const StoredTransfer& st : history) {
      const ledger::Transfer& t = st.transfer;
      if (t.code == codes::kPayment && (t.flags & ledger::kPending)) {
        ++states[VoucherOf(t.id)].pending;
      } else if (t.code == codes::kPaymentPaid) {
        ++states[VoucherOf(t.id)].posted;
        report.ledger_paid_fen += t.amount_fen;
      } else if (t.code == codes::kPaymentFailed || t.code == codes::kPaymentCancel) {
        ++states[VoucherOf(t.id)].voided;
      }
    }
  }

  absl::flat_hash_set<std::string> known;
  for (const OrderRow& o : orders) {
    known.insert(o.voucher);
    ++report.orders;
    ++report.orders_by_status[o.status];
    if (o.status == "paid" || o.status == "reversed") report.orders_paid_fen += o.amount_fen;
    if (o.status == "batched" || o.status == "sent" || o.status == "unknown") {
      report.in_flight_fen += o.amount_fen;
    }
    if (paid_by_bank.contains(o.voucher)) report.treasury_paid_fen += o.amount_fen;
    std::string mismatch = Mismatch(o, states[o.voucher]);
    if (!mismatch.empty()) {
      report.exceptions.push_back(
          {"ledger_mismatch", o.voucher, mismatch, "联系系统管理员运行 zhida ledger verify 核查"});
    }
    if (o.status == "sent" || o.status == "unknown") {
      report.exceptions.push_back({"awaiting_return", o.voucher,
                                   o.status == "unknown" ? "已报送但未得到国库应答，支付结果未知"
                                                         : "已报送，尚未收到银行回单",
                                   "等待并导入银行回单；切勿重复报送或另开凭证支付"});
    }
  }
  // Only the city sees payments of orders it cannot list (county staff see their own).
  if (filter.sql.empty()) {
    for (const auto& [voucher, state] : states) {
      if (known.contains(voucher)) continue;
      report.exceptions.push_back({"orphan_transfer", voucher,
                                   "台账中有支付转账，但没有对应的支付指令", "联系系统管理员核查"});
    }
  }
  for (int64_t id : unknown_batches) {
    report.exceptions.push_back({"unknown_batch", absl::StrCat("批次 ", id),
                                 "批次已报送，国库未应答（超时或中断）",
                                 "以银行回单为准；切勿重复报送"});
  }
  for (ReconException& e : line_exceptions) report.exceptions.push_back(std::move(e));
  // The totals cover the whole fund: compared only for readers who see all of it.
  if (filter.sql.empty() && (report.ledger_paid_fen != report.orders_paid_fen ||
                             report.treasury_paid_fen != report.orders_paid_fen)) {
    report.exceptions.push_back(
        {"totals_mismatch", fund.fund,
         absl::StrCat("已支付合计不一致：台账 ", Yuan(report.ledger_paid_fen), " 元，支付指令 ",
                      Yuan(report.orders_paid_fen), " 元，银行回单 ",
                      Yuan(report.treasury_paid_fen), " 元"),
         "逐笔核对上列异常"});
  }
  return report;
}

}  // namespace zhida::services
