// The bank's return file (Disbursement::ImportReturnFile, disbursement.h): each line settles one
// payment order — paid posts its pending transfers, failed voids them and releases the amount to
// the quotas — or is recorded as an exception for reconciliation.
#include "absl/strings/str_cat.h"
#include "core/region.h"
#include "services/common.h"
#include "services/disbursement.h"

namespace zhida::services {

namespace {

using ledger::AccountKind;

std::string LegId(const std::string& voucher, size_t leg) {
  return absl::StrCat(voucher, "/", leg + 1);
}

}  // namespace

absl::StatusOr<ReturnImport> Disbursement::ImportReturnFile(const Actor& actor,
                                                            const std::string& file_name,
                                                            std::string_view bytes) {
  if (!actor.HasRole(kRoleFinance)) return RequireFinance(actor, "350500");
  if (bytes.size() > kReturnFileBytesMax) {
    return InvalidField("treasury.return_file", "file", "回单文件过大（最多 8 MB）",
                        "the return file is too large");
  }
  RETURN_IF_ERROR(ValidateText(file_name, "file_name", /*required=*/false));
  ASSIGN_OR_RETURN(std::vector<ReturnLine> lines, ParseReturnFile(bytes));
  std::string sha = Sha256Hex(bytes), user = LedgerUser(actor);
  ReturnImport report;
  report.lines = static_cast<int64_t>(lines.size());
  RETURN_IF_ERROR(store_.InTx(store::TxMode::kWrite, [&](store::Tx& tx) -> absl::Status {
    report = ReturnImport{};
    report.lines = static_cast<int64_t>(lines.size());
    ASSIGN_OR_RETURN(store::Result seen,
                     tx.Query("SELECT id FROM return_files WHERE sha256 = ?", {sha}));
    if (!seen.rows.empty()) {
      report.file_id = seen.rows[0].Int(0);
      report.already_imported = true;
      return absl::OkStatus();
    }
    // Every order the file settles must be one the importer may pay: a county's finance
    // officer cannot settle the city's orders, and a file is imported whole or not at all (a
    // file half imported would be "already imported" for the officer who may import the rest).
    for (size_t i = 0; i < lines.size(); ++i) {
      ASSIGN_OR_RETURN(std::optional<PaymentOrder> order, LoadOrder(tx, lines[i].voucher));
      if (!order) continue;  // an unknown voucher is recorded for reconciliation
      for (const PlanShare& leg : order->legs) {
        const std::string region = HolderRegion(leg.quota);
        if (RequireFinance(actor, region).ok()) continue;
        const core::Region* known = core::FindRegion(region);
        return MakeError(
            absl::StatusCode::kPermissionDenied, "treasury.return_scope", "file",
            absl::StrCat("回单第 ", i + 1, " 行（支付凭证 ", lines[i].voucher, "）由",
                         known != nullptr ? std::string(known->name) : region,
                         "的资金指标支付，须由该地区的财政资金经办人导入；本回单未导入"),
            absl::StrCat("line ", i + 1, " (voucher ", lines[i].voucher,
                         ") pays from region ", region,
                         ": only its finance officers may import this file; nothing was imported"));
      }
    }
    std::string now = TimeText(clock_.Now());
    ASSIGN_OR_RETURN(store::Result inserted,
                     tx.Query("INSERT INTO return_files (sha256, file_name, lines, imported_by, "
                              "imported_at) VALUES (?, ?, ?, ?, ?) RETURNING id",
                              {sha, file_name, report.lines, user, now}));
    report.file_id = inserted.rows.at(0).Int(0);
    for (size_t i = 0; i < lines.size(); ++i) {
      const ReturnLine& l = lines[i];
      ASSIGN_OR_RETURN(std::string outcome, ApplyReturnLine(tx, l, user, now));
      if (outcome == "applied") {
        ++report.applied;
        ++(l.paid ? report.paid : report.failed);
      } else {
        ++report.skipped[outcome];
      }
      RETURN_IF_ERROR(tx.Exec("INSERT INTO return_lines (file_id, line_no, voucher, status, "
                              "amount_fen, bank_serial, paid_at, reason, outcome) VALUES "
                              "(?, ?, ?, ?, ?, ?, ?, ?, ?)",
                              {report.file_id, static_cast<int64_t>(i + 1), l.voucher,
                               std::string(l.paid ? "paid" : "failed"), l.amount_fen, l.bank_serial,
                               l.paid_at, l.reason, outcome})
                          .status());
    }
    nlohmann::json skipped = report.skipped;
    return Audit(tx, clock_.Now(), actor, "funds.return_file.import", "return_file",
                 absl::StrCat(report.file_id),
                 {{"file_name", file_name},
                  {"sha256", sha},
                  {"lines", report.lines},
                  {"paid", report.paid},
                  {"failed", report.failed},
                  {"skipped", skipped}});
  }));
  return report;
}

// Settles one order from one line; returns the line's outcome (return_lines.outcome).
absl::StatusOr<std::string> Disbursement::ApplyReturnLine(store::Tx& tx, const ReturnLine& line,
                                                          const std::string& user,
                                                          const std::string& now) {
  ASSIGN_OR_RETURN(std::optional<PaymentOrder> order, LoadOrder(tx, line.voucher));
  if (!order) return std::string("unknown_voucher");
  if (order->order.amount.fen() != line.amount_fen) return std::string("amount_mismatch");
  const std::string& s = order->status;
  if (s == "paid" || s == "reversed") return std::string(line.paid ? "duplicate" : "conflict");
  if (s == "failed") return std::string(line.paid ? "conflict" : "duplicate");
  if (s != "batched" && s != "sent" && s != "unknown") return std::string("not_sent");
  std::vector<ledger::Transfer> transfers;
  const std::string& v = line.voucher;
  std::string memo = line.paid ? absl::StrCat("国库回单：已支付，流水号 ", line.bank_serial)
                               : absl::StrCat("国库回单：支付失败，", line.reason);
  memo = TruncateUtf8(memo, 450);
  for (size_t i = 0; i < order->legs.size(); ++i) {
    std::string pending = LegId(v, i);
    transfers.push_back(ledger::Transfer{
        pending + (line.paid ? "/p" : "/v"), 0, 0, 0,
        line.paid ? ledger::kPostPending : ledger::kVoidPending, pending,
        std::string(line.paid ? codes::kPaymentPaid : codes::kPaymentFailed), memo, user});
  }
  if (!line.paid) {
    // The failed amount goes back from each commitment to its quota (released), so that the
    // quota shows it as available again; a re-issue reserves it anew (corrections.h).
    for (size_t i = 0; i < order->legs.size(); ++i) {
      const PlanShare& leg = order->legs[i];
      ASSIGN_OR_RETURN(auto c, ledger_.FindAccount(
                                   AccountOf(order->fund, AccountKind::kCommitment,
                                             CommitmentHolder(order->order.plan_id, leg.quota))));
      ASSIGN_OR_RETURN(auto q,
                       ledger_.FindAccount(AccountOf(order->fund, AccountKind::kQuota, leg.quota)));
      if (!c || !q) return absl::InternalError("payment accounts missing");
      transfers.push_back(ledger::Transfer{LegId(v, i) + "/r", c->id, q->id, leg.amount_fen, 0, "",
                                           std::string(codes::kPlanRelease), memo, user});
    }
  }
  for (size_t i = 0; i + 1 < transfers.size(); ++i) transfers[i].flags |= ledger::kLinked;
  ASSIGN_OR_RETURN(std::vector<ledger::TransferCode> results,
                   ledger_.CreateTransfersInTx(tx, transfers));
  if (ledger::TransferCode first = FirstFailure(results); !ledger::Succeeded(first)) {
    return absl::StrCat("refused_", Av(ledger::CodeName(first)));
  }
  RETURN_IF_ERROR(tx.Exec("UPDATE payment_orders SET status = ?, bank_serial = ?, paid_at = ?, "
                          "fail_reason = ?, updated_at = ? WHERE voucher = ?",
                          {std::string(line.paid ? "paid" : "failed"), line.bank_serial,
                           line.paid_at, line.reason, now, v})
                      .status());
  if (!line.paid) {
    std::vector<std::string> regions;
    for (const PlanShare& leg : order->legs) regions.push_back(HolderRegion(leg.quota));
    RETURN_IF_ERROR(
        AddNotice(tx, order->fund, RegionsTag(regions), "payment.failed", v,
                  absl::StrCat("支付失败：", order->order.payee_name, "（", order->order.payee_uscc,
                               "）", order->order.amount.ToString(), " 元，凭证号 ", v, "。原因：",
                               line.reason.empty() ? "银行未说明" : line.reason,
                               "。资金已退回指标，请核实收款账户后办理重新支付（容错纠错）。"),
                  now));
  }
  return std::string("applied");
}

}  // namespace zhida::services
