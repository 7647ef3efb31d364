// Batches of payment orders (Disbursement, disbursement.h): form a batch, export its file, hand it
// to the treasury exactly once.
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "services/common.h"
#include "services/disbursement.h"

namespace zhida::services {

namespace {

constexpr char kBatchColumns[] =
    "id, fund, fiscal_year, status, orders, total_fen, checksum, created_by, created_at, "
    "COALESCE(sent_by, ''), COALESCE(sent_at, ''), COALESCE(send_note, ''), regions";

PaymentBatch BatchFromRow(const store::Row& row) {
  PaymentBatch b;
  b.id = row.Int(0);
  b.fund = FundKey{row.Text(1), static_cast<int>(row.Int(2))};
  b.status = row.Text(3);
  b.orders = row.Int(4);
  b.total_fen = row.Int(5);
  b.checksum = row.Text(6);
  b.created_by = row.Text(7);
  b.created_at = row.Text(8);
  b.sent_by = row.Text(9);
  b.sent_at = row.Text(10);
  b.send_note = row.Text(11);
  return b;
}

struct LoadedBatch {
  PaymentBatch batch;
  std::string regions;
};

absl::StatusOr<LoadedBatch> LoadBatch(store::Tx& tx, int64_t id) {
  ASSIGN_OR_RETURN(
      store::Result r,
      tx.Query(absl::StrCat("SELECT ", kBatchColumns, " FROM payment_batches WHERE id = ?"), {id}));
  if (r.rows.empty()) {
    return NotFoundError("payment.batch_not_found", "支付批次不存在或无权查看",
                         "no such batch, or not visible to you");
  }
  return LoadedBatch{BatchFromRow(r.rows[0]), r.rows[0].Text(12)};
}

absl::Status RequireFinanceForRegions(const Actor& actor, const std::string& regions_tag) {
  for (const std::string& region : SplitRegions(regions_tag)) {
    RETURN_IF_ERROR(RequireFinance(actor, region));
  }
  return absl::OkStatus();
}

}  // namespace

std::string PaymentBatch::file_name() const {
  return absl::StrFormat("ZHIDA-%s-%d-%06d", fund.fund, fund.fiscal_year, id);
}

absl::StatusOr<PaymentBatch> Disbursement::CreateBatch(const Actor& actor, const FundKey& fund,
                                                       const std::vector<std::string>& vouchers) {
  if (vouchers.size() > kBatchOrdersMax) {
    return InvalidField("payment.batch_size", "vouchers",
                        absl::StrCat("一个批次最多 ", kBatchOrdersMax, " 笔支付指令"),
                        "too many orders for one batch");
  }
  PaymentBatch out;
  std::string user = LedgerUser(actor);
  RETURN_IF_ERROR(store_.InTx(store::TxMode::kWrite, [&](store::Tx& tx) -> absl::Status {
    std::vector<std::string> picked = vouchers;
    if (picked.empty()) {
      ASSIGN_OR_RETURN(
          store::Result r,
          tx.Query("SELECT voucher FROM payment_orders WHERE fund = ? AND "
                   "fiscal_year = ? AND status = 'created' ORDER BY voucher LIMIT ?",
                   {fund.fund, int64_t{fund.fiscal_year}, static_cast<int64_t>(kBatchOrdersMax)}));
      for (const store::Row& row : r.rows) picked.push_back(row.Text(0));
    }
    if (picked.empty()) {
      return MakeError(absl::StatusCode::kFailedPrecondition, "payment.nothing_to_batch", "",
                       "没有待编批的支付指令", "no created orders to put into a batch");
    }
    std::sort(picked.begin(), picked.end());
    int64_t total = 0;
    std::vector<std::string> regions;
    for (const std::string& voucher : picked) {
      ASSIGN_OR_RETURN(std::optional<PaymentOrder> o, LoadOrder(tx, voucher));
      if (!o || o->status != "created" || !(o->fund == fund)) {
        return MakeError(absl::StatusCode::kFailedPrecondition, "payment.not_created", "vouchers",
                         absl::StrCat("支付指令 ", voucher, " 不存在、不属于该资金或已编入批次"),
                         absl::StrCat("order ", voucher, " cannot be batched"));
      }
      for (const PlanShare& l : o->legs) {
        RETURN_IF_ERROR(RequireFinance(actor, HolderRegion(l.quota)));
        regions.push_back(HolderRegion(l.quota));
      }
      total += o->order.amount.fen();
    }
    std::string now = TimeText(clock_.Now());
    ASSIGN_OR_RETURN(
        store::Result inserted,
        tx.Query("INSERT INTO payment_batches (fund, fiscal_year, status, orders, "
                 "total_fen, checksum, regions, created_by, created_at) VALUES "
                 "(?, ?, 'ready', ?, ?, '', ?, ?, ?) RETURNING id",
                 {fund.fund, int64_t{fund.fiscal_year}, static_cast<int64_t>(picked.size()), total,
                  RegionsTag(regions), user, now}));
    int64_t id = inserted.rows.at(0).Int(0);
    for (const std::string& voucher : picked) {
      ASSIGN_OR_RETURN(int64_t n, tx.Exec("UPDATE payment_orders SET status = 'batched', "
                                          "batch_id = ?, updated_at = ? WHERE voucher = ? AND "
                                          "status = 'created'",
                                          {id, now, voucher}));
      if (n != 1) return absl::AbortedError("an order was batched concurrently");
    }
    ASSIGN_OR_RETURN(std::vector<OrderLine> lines, BatchLines(tx, id));
    std::string checksum = Sha256Hex(OrderLinesText(lines));
    RETURN_IF_ERROR(
        tx.Exec("UPDATE payment_batches SET checksum = ? WHERE id = ?", {checksum, id}).status());
    RETURN_IF_ERROR(
        Audit(tx, clock_.Now(), actor, "funds.batch.create", "payment_batch", absl::StrCat(id),
              {{"orders", picked.size()}, {"total_fen", total}, {"checksum", checksum}}));
    ASSIGN_OR_RETURN(LoadedBatch loaded, LoadBatch(tx, id));
    out = loaded.batch;
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<PaymentBatch> Disbursement::GetBatch(const Actor& actor, int64_t batch_id) {
  RETURN_IF_ERROR(RequireFundsReader(actor));
  LoadedBatch loaded;
  RETURN_IF_ERROR(store_.InTx(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(loaded, LoadBatch(tx, batch_id));
    return absl::OkStatus();
  }));
  if (!CanSeeTagged(actor, loaded.regions)) {
    return NotFoundError("payment.batch_not_found", "支付批次不存在或无权查看");
  }
  return loaded.batch;
}

absl::StatusOr<std::vector<PaymentBatch>> Disbursement::ListBatches(const Actor& actor,
                                                                    const FundKey& fund) {
  RETURN_IF_ERROR(RequireFundsReader(actor));
  std::vector<PaymentBatch> out;
  RETURN_IF_ERROR(store_.InTx(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(store::Result r, ListFundRows(tx, actor, kBatchColumns, "payment_batches", fund));
    out.clear();
    for (const store::Row& row : r.rows) out.push_back(BatchFromRow(row));
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<std::vector<OrderLine>> Disbursement::RecordedLines(const PaymentBatch& batch) {
  std::vector<OrderLine> lines;
  RETURN_IF_ERROR(store_.InTx(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(lines, BatchLines(tx, batch.id));
    return absl::OkStatus();
  }));
  if (Sha256Hex(OrderLinesText(lines)) != batch.checksum) {
    return absl::InternalError(absl::StrCat("batch ", batch.id, ": lines differ from checksum"));
  }
  return lines;
}

absl::StatusOr<std::string> Disbursement::ExportCsv(const Actor& actor, int64_t batch_id) {
  ASSIGN_OR_RETURN(PaymentBatch batch, GetBatch(actor, batch_id));
  ASSIGN_OR_RETURN(std::vector<OrderLine> lines, RecordedLines(batch));
  return BatchCsv(lines);
}

absl::StatusOr<std::string> Disbursement::ExportXlsx(const Actor& actor, int64_t batch_id) {
  ASSIGN_OR_RETURN(PaymentBatch batch, GetBatch(actor, batch_id));
  ASSIGN_OR_RETURN(std::vector<OrderLine> lines, RecordedLines(batch));
  return BatchXlsx(lines);
}

absl::StatusOr<PaymentBatch> Disbursement::Send(const Actor& actor, int64_t batch_id) {
  if (treasury_ == nullptr) {
    return MakeError(absl::StatusCode::kFailedPrecondition, "payment.no_treasury", "",
                     "未配置国库支付接口", "no treasury is configured");
  }
  TreasuryBatch handed;
  std::string user = LedgerUser(actor);
  // 1. Marked `unknown` and committed before the call: whatever happens next (a crash, a
  //    time-out), the batch can never be handed over again.
  RETURN_IF_ERROR(store_.InTx(store::TxMode::kWrite, [&](store::Tx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(LoadedBatch loaded, LoadBatch(tx, batch_id));
    RETURN_IF_ERROR(RequireFinanceForRegions(actor, loaded.regions));
    std::string now = TimeText(clock_.Now());
    ASSIGN_OR_RETURN(int64_t claimed,
                     tx.Exec("UPDATE payment_batches SET status = 'unknown', sent_by = ?, "
                             "sent_at = ? WHERE id = ? AND status = 'ready'",
                             {user, now, batch_id}));
    if (claimed != 1) {
      return MakeError(absl::StatusCode::kFailedPrecondition, "payment.batch_sent", "",
                       "该批次已报送，不能重复报送；支付结果以银行回单为准",
                       "the batch was already handed over; the return file settles it");
    }
    RETURN_IF_ERROR(tx.Exec("UPDATE payment_orders SET status = 'unknown', updated_at = ? "
                            "WHERE batch_id = ? AND status = 'batched'",
                            {now, batch_id})
                        .status());
    ASSIGN_OR_RETURN(std::vector<OrderLine> lines, BatchLines(tx, batch_id));
    handed = TreasuryBatch{batch_id, loaded.batch.file_name() + ".csv", BatchCsv(lines),
                           loaded.batch.checksum};
    return Audit(tx, clock_.Now(), actor, "funds.batch.send", "payment_batch",
                 absl::StrCat(batch_id), {{"checksum", loaded.batch.checksum}});
  }));
  // 2. The call, outside any transaction.
  SubmitOutcome outcome = treasury_->Submit(handed);
  // 3. Accepted: `sent`. Otherwise it stays `unknown` with the note.
  PaymentBatch out;
  RETURN_IF_ERROR(store_.InTx(store::TxMode::kWrite, [&](store::Tx& tx) -> absl::Status {
    bool accepted = outcome.result == SubmitResult::kAccepted;
    RETURN_IF_ERROR(tx.Exec("UPDATE payment_batches SET status = ?, send_note = ? WHERE id = ? "
                            "AND status = 'unknown'",
                            {std::string(accepted ? "sent" : "unknown"), outcome.note, batch_id})
                        .status());
    if (accepted) {
      RETURN_IF_ERROR(tx.Exec("UPDATE payment_orders SET status = 'sent', updated_at = ? "
                              "WHERE batch_id = ? AND status = 'unknown'",
                              {TimeText(clock_.Now()), batch_id})
                          .status());
    }
    RETURN_IF_ERROR(Audit(tx, clock_.Now(), actor,
                          accepted ? "funds.batch.accepted" : "funds.batch.unknown",
                          "payment_batch", absl::StrCat(batch_id), {{"note", outcome.note}}));
    ASSIGN_OR_RETURN(LoadedBatch loaded, LoadBatch(tx, batch_id));
    out = loaded.batch;
    return absl::OkStatus();
  }));
  return out;
}

}  // namespace zhida::services
