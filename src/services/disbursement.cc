// Plan reservations (Reserve, Confirm, Release) and the loaders shared by the disbursement
// files. Orders and batches are in payment_orders.cc, return files in return_import.cc.
#include "services/disbursement.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"
#include "services/common.h"

namespace zhida::services {

namespace {

using ledger::AccountKind;
using nlohmann::json;

constexpr char kReservationColumns[] =
    "id, plan_id, fund, fiscal_year, status, amount_fen, shares, reason, result, created_by, "
    "created_at, COALESCE(resolved_by, ''), COALESCE(resolved_at, ''), "
    "COALESCE(resolve_reason, ''), regions";

Reservation ReservationFromRow(const store::Row& row) {
  Reservation r;
  r.id = row.Int(0);
  r.plan_id = row.Text(1);
  r.fund = FundKey{row.Text(2), static_cast<int>(row.Int(3))};
  r.status = row.Text(4);
  r.amount_fen = row.Int(5);
  r.shares = SharesFromJson(row.Text(6));
  r.reason = row.Text(7);
  r.result = row.Text(8);
  r.created_by = row.Text(9);
  r.created_at = row.Text(10);
  r.resolved_by = row.Text(11);
  r.resolved_at = row.Text(12);
  r.resolve_reason = row.Text(13);
  return r;
}

std::string ShareTransferId(int64_t reservation_id, size_t share) {
  return absl::StrCat("rsv-", reservation_id, "-", share + 1);
}

absl::Status ValidateReservation(const NewReservation& r) {
  RETURN_IF_ERROR(ValidatePlanId(r.plan_id));
  RETURN_IF_ERROR(ValidateText(r.reason, "reason", /*required=*/true));
  if (r.shares.empty() || r.shares.size() > kSharesMax) {
    return InvalidField("funds.shares", "shares", "方案应由 1–4 个指标分担",
                        "a plan draws on 1-4 quotas");
  }
  std::set<std::string> seen;
  for (const PlanShare& s : r.shares) {
    if (s.amount_fen <= 0) {
      return InvalidField("funds.amount", "shares", "分担金额必须大于零",
                          "a share must be positive");
    }
    if (!seen.insert(s.quota).second) {
      return InvalidField("funds.shares", "shares", "同一指标不能重复分担",
                          "a quota appears twice");
    }
  }
  return absl::OkStatus();
}

std::vector<std::string> ShareRegions(const std::vector<PlanShare>& shares) {
  std::vector<std::string> regions;
  for (const PlanShare& s : shares) regions.push_back(HolderRegion(s.quota));
  return regions;
}

absl::Status RequireFinanceForShares(const Actor& actor, const std::vector<PlanShare>& shares) {
  for (const PlanShare& s : shares) RETURN_IF_ERROR(RequireFinance(actor, HolderRegion(s.quota)));
  return absl::OkStatus();
}

}  // namespace

std::string SharesJson(const std::vector<PlanShare>& shares) {
  json out = json::array();
  for (const PlanShare& s : shares)
    out.push_back({{"quota", s.quota}, {"amount_fen", s.amount_fen}});
  return out.dump();
}

std::vector<PlanShare> SharesFromJson(const std::string& text) {
  std::vector<PlanShare> shares;
  json parsed = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!parsed.is_array()) return shares;
  for (const json& s : parsed) {
    shares.push_back(PlanShare{s.value("quota", ""), s.value("amount_fen", int64_t{0})});
  }
  return shares;
}

bool CanSeeTagged(const Actor& actor, const std::string& regions_tag) {
  for (const std::string& region : SplitRegions(regions_tag)) {
    if (CanReadFunds(actor, region)) return true;
  }
  return false;
}

absl::StatusOr<Reservation> LoadReservation(store::Tx& tx, int64_t id) {
  ASSIGN_OR_RETURN(store::Result r, tx.Query(absl::StrCat("SELECT ", kReservationColumns,
                                                          " FROM plan_reservations WHERE id = ?"),
                                             {id}));
  if (r.rows.empty()) {
    return NotFoundError("funds.reservation_not_found", "预留不存在或无权查看",
                         "no such reservation, or not visible to you");
  }
  return ReservationFromRow(r.rows[0]);
}

Disbursement::Disbursement(store::Store& store, const core::Clock& clock, Treasury* treasury)
    : store_(store), clock_(clock), treasury_(treasury), ledger_(&store, &clock) {}

absl::StatusOr<Reservation> Disbursement::Reserve(const Actor& actor,
                                                  const NewReservation& request) {
  RETURN_IF_ERROR(ValidateReservation(request));
  RETURN_IF_ERROR(RequireFinanceForShares(actor, request.shares));
  RETURN_IF_ERROR(store_.InTx(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    RETURN_IF_ERROR(LoadFund(tx, request.fund).status());
    for (const PlanShare& s : request.shares) RETURN_IF_ERROR(ValidateQuotaHolder(tx, s.quota));
    return absl::OkStatus();
  }));
  std::string user = LedgerUser(actor);
  std::vector<std::pair<int64_t, int64_t>> accounts;  // quota, commitment per share
  int64_t total = 0;
  for (const PlanShare& s : request.shares) {
    ASSIGN_OR_RETURN(int64_t quota,
                     OpenFundAccount(store_, ledger_,
                                     AccountOf(request.fund, AccountKind::kQuota, s.quota), user));
    ASSIGN_OR_RETURN(int64_t commitment,
                     OpenFundAccount(store_, ledger_,
                                     AccountOf(request.fund, AccountKind::kCommitment,
                                               CommitmentHolder(request.plan_id, s.quota)),
                                     user));
    accounts.emplace_back(quota, commitment);
    if (total > INT64_MAX - s.amount_fen) return InvalidField("funds.amount", "shares", "金额过大");
    total += s.amount_fen;
  }
  Reservation out;
  RETURN_IF_ERROR(store_.InTx(store::TxMode::kWrite, [&](store::Tx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(store::Result live,
                     tx.Query(absl::StrCat("SELECT ", kReservationColumns,
                                           " FROM plan_reservations WHERE plan_id = ? AND "
                                           "status IN ('reserved', 'confirmed')"),
                              {request.plan_id}));
    if (!live.rows.empty()) {
      out = ReservationFromRow(live.rows[0]);
      if (out.fund == request.fund && out.shares == request.shares) return absl::OkStatus();
      return MakeError(absl::StatusCode::kFailedPrecondition, "funds.plan_reserved", "plan_id",
                       "该方案已有有效预留且金额不同：请先撤销原预留再重新预留",
                       "the plan has a different live reservation; release it first");
    }
    std::string now = TimeText(clock_.Now());
    ASSIGN_OR_RETURN(
        store::Result inserted,
        tx.Query("INSERT INTO plan_reservations (plan_id, fund, fiscal_year, status, amount_fen, "
                 "shares, regions, reason, result, created_by, created_at) VALUES "
                 "(?, ?, ?, 'reserved', ?, ?, ?, ?, 'ok', ?, ?) RETURNING id",
                 {request.plan_id, request.fund.fund, int64_t{request.fund.fiscal_year}, total,
                  SharesJson(request.shares), RegionsTag(ShareRegions(request.shares)),
                  request.reason, user, now}));
    int64_t id = inserted.rows.at(0).Int(0);
    std::vector<ledger::Transfer> transfers;
    for (size_t i = 0; i < request.shares.size(); ++i) {
      transfers.push_back(ledger::Transfer{
          ShareTransferId(id, i), accounts[i].first, accounts[i].second,
          request.shares[i].amount_fen,
          ledger::kPending | (i + 1 < request.shares.size() ? ledger::kLinked : 0u), "",
          std::string(codes::kPlanReserve),
          TruncateUtf8(absl::StrCat("方案 ", request.plan_id, " 预留：", request.reason), 450),
          user});
    }
    ASSIGN_OR_RETURN(std::vector<ledger::TransferCode> results,
                     ledger_.CreateTransfersInTx(tx, transfers));
    ledger::TransferCode first = FirstFailure(results);
    if (!ledger::Succeeded(first)) {
      RETURN_IF_ERROR(tx.Exec("UPDATE plan_reservations SET status = 'refused', result = ? "
                              "WHERE id = ?",
                              {std::string(ledger::CodeName(first)), id})
                          .status());
    }
    RETURN_IF_ERROR(Audit(tx, clock_.Now(), actor, "funds.plan.reserve", "plan_reservation",
                          absl::StrCat(id),
                          {{"plan_id", request.plan_id},
                           {"amount_fen", total},
                           {"shares", json::parse(SharesJson(request.shares))},
                           {"result", ledger::CodeName(first)}}));
    ASSIGN_OR_RETURN(out, LoadReservation(tx, id));
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<Reservation> Disbursement::Confirm(const Actor& actor, int64_t reservation_id) {
  return ResolveReservation(actor, reservation_id, /*confirm=*/true, "");
}

absl::StatusOr<Reservation> Disbursement::Release(const Actor& actor, int64_t reservation_id,
                                                  const std::string& reason) {
  RETURN_IF_ERROR(ValidateText(reason, "reason", /*required=*/true));
  return ResolveReservation(actor, reservation_id, /*confirm=*/false, reason);
}

// Confirm: reserved → confirmed (posts). Release: reserved → released (voids); confirmed →
// closed (what each commitment still holds, net of orders in flight, goes back to its quota).
absl::StatusOr<Reservation> Disbursement::ResolveReservation(const Actor& actor, int64_t id,
                                                             bool confirm,
                                                             const std::string& reason) {
  Reservation before;
  RETURN_IF_ERROR(store_.InTx(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(before, LoadReservation(tx, id));
    return absl::OkStatus();
  }));
  RETURN_IF_ERROR(RequireFinanceForShares(actor, before.shares));
  const bool closing = !confirm && before.status == "confirmed";
  if (before.status != "reserved" && !closing) {
    return MakeError(absl::StatusCode::kFailedPrecondition, "funds.reservation_state", "",
                     absl::StrCat("预留 ", id, " 当前状态为 ", before.status, "，不能",
                                  confirm ? "确认" : "撤销"),
                     absl::StrCat("reservation ", id, " is ", before.status));
  }
  std::string user = LedgerUser(actor);
  std::vector<ledger::Transfer> transfers;
  for (size_t i = 0; i < before.shares.size(); ++i) {
    std::string pending = ShareTransferId(id, i);
    if (!closing) {
      transfers.push_back(ledger::Transfer{
          pending + (confirm ? "/p" : "/v"), 0, 0, 0,
          confirm ? ledger::kPostPending : ledger::kVoidPending, pending,
          std::string(confirm ? codes::kPlanConfirm : codes::kPlanRelease),
          confirm ? absl::StrCat("方案 ", before.plan_id, " 生效") : TruncateUtf8(reason, 450),
          user});
      continue;
    }
    const PlanShare& s = before.shares[i];
    ASSIGN_OR_RETURN(auto commitment,
                     ledger_.FindAccount(AccountOf(before.fund, AccountKind::kCommitment,
                                                   CommitmentHolder(before.plan_id, s.quota))));
    ASSIGN_OR_RETURN(auto quota,
                     ledger_.FindAccount(AccountOf(before.fund, AccountKind::kQuota, s.quota)));
    if (!commitment || !quota) return absl::InternalError("reservation accounts are missing");
    const ledger::Balance& b = commitment->balance;
    int64_t left = b.credits_posted - b.debits_posted - b.debits_pending;
    if (left <= 0) continue;
    transfers.push_back(ledger::Transfer{pending + "/c", commitment->id, quota->id, left, 0, "",
                                         std::string(codes::kPlanRelease),
                                         TruncateUtf8(reason, 450), user});
  }
  for (size_t i = 0; i + 1 < transfers.size(); ++i) transfers[i].flags |= ledger::kLinked;
  Reservation out;
  RETURN_IF_ERROR(store_.InTx(store::TxMode::kWrite, [&](store::Tx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(int64_t claimed,
                     tx.Exec("UPDATE plan_reservations SET resolved_by = ? WHERE id = ? AND "
                             "status = ?",
                             {user, id, before.status}));
    if (claimed != 1) {
      return MakeError(absl::StatusCode::kAborted, "funds.reservation_changed", "",
                       "预留状态已变化，请刷新后重试", "the reservation changed; retry");
    }
    ledger::TransferCode first = ledger::TransferCode::kOk;
    if (!transfers.empty()) {
      ASSIGN_OR_RETURN(std::vector<ledger::TransferCode> results,
                       ledger_.CreateTransfersInTx(tx, transfers));
      first = FirstFailure(results);
    }
    if (!ledger::Succeeded(first)) return LedgerRefused(first);  // rolls back: stays as it was
    std::string status = confirm ? "confirmed" : closing ? "closed" : "released";
    RETURN_IF_ERROR(tx.Exec("UPDATE plan_reservations SET status = ?, resolved_at = ?, "
                            "resolve_reason = ? WHERE id = ?",
                            {status, TimeText(clock_.Now()), reason, id})
                        .status());
    RETURN_IF_ERROR(Audit(tx, clock_.Now(), actor, absl::StrCat("funds.plan.", status),
                          "plan_reservation", absl::StrCat(id),
                          {{"plan_id", before.plan_id}, {"reason", reason}}));
    ASSIGN_OR_RETURN(out, LoadReservation(tx, id));
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<Reservation> Disbursement::GetReservation(const Actor& actor,
                                                         int64_t reservation_id) {
  RETURN_IF_ERROR(RequireFundsReader(actor));
  Reservation r;
  std::string regions;
  RETURN_IF_ERROR(store_.InTx(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(r, LoadReservation(tx, reservation_id));
    return absl::OkStatus();
  }));
  if (!CanSeeTagged(actor, RegionsTag(ShareRegions(r.shares)))) {
    return NotFoundError("funds.reservation_not_found", "预留不存在或无权查看");
  }
  return r;
}

absl::StatusOr<std::vector<Reservation>> Disbursement::ListReservations(const Actor& actor,
                                                                        const FundKey& fund) {
  RETURN_IF_ERROR(RequireFundsReader(actor));
  std::vector<Reservation> out;
  RETURN_IF_ERROR(store_.InTx(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(store::Result r,
                     ListFundRows(tx, actor, kReservationColumns, "plan_reservations", fund));
    out.clear();
    for (const store::Row& row : r.rows) out.push_back(ReservationFromRow(row));
    return absl::OkStatus();
  }));
  return out;
}

}  // namespace zhida::services
