#include "services/fund_requests.h"

#include "absl/strings/str_cat.h"
#include "ledger/limits.h"
#include "services/common.h"
#include "services/corrections.h"
#include "services/funds.h"

namespace zhida::services {

namespace {

using ledger::AccountKind;
using nlohmann::json;

constexpr char kRequestColumns[] =
    "id, fund, fiscal_year, kind, status, amount_fen, reason, detail, regions, maker, created_at, "
    "COALESCE(checker, ''), COALESCE(decided_at, ''), COALESCE(decision_reason, ''), "
    "COALESCE(result, '')";

json LegJson(const RequestLeg& l) {
  return {{"debit", l.debit_account_id}, {"credit", l.credit_account_id},
          {"debit_key", l.debit_key},    {"credit_key", l.credit_key},
          {"amount_fen", l.amount_fen},  {"code", l.code},
          {"pending", l.pending},        {"id", l.transfer_id}};
}

RequestLeg LegFromJson(const json& j) {
  return RequestLeg{j.value("debit", int64_t{0}),      j.value("credit", int64_t{0}),
                    j.value("debit_key", ""),          j.value("credit_key", ""),
                    j.value("amount_fen", int64_t{0}), j.value("code", ""),
                    j.value("pending", false),         j.value("id", "")};
}

FundRequest RequestFromRow(const store::Row& row) {
  FundRequest r;
  r.id = row.Int(0);
  r.fund = FundKey{row.Text(1), static_cast<int>(row.Int(2))};
  r.kind = row.Text(3);
  r.status = row.Text(4);
  r.amount_fen = row.Int(5);
  r.reason = row.Text(6);
  json stored = json::parse(row.Text(7), nullptr, /*allow_exceptions=*/false);
  if (stored.is_object()) {
    for (const json& l : stored.value("legs", json::array())) r.legs.push_back(LegFromJson(l));
    r.detail = stored.value("detail", json::object());
  }
  r.regions = SplitRegions(row.Text(8));
  r.maker = row.Text(9);
  r.created_at = row.Text(10);
  r.checker = row.Text(11);
  r.decided_at = row.Text(12);
  r.decision_reason = row.Text(13);
  r.result = row.Text(14);
  if (auto code = ledger::ParseCodeName(r.result)) {
    r.result_message = std::string(ledger::ResultMessage(*code, ledger::Lang::kZh));
  }
  return r;
}

std::vector<ledger::Transfer> TransfersOf(const FundRequest& r, const std::string& user) {
  std::vector<ledger::Transfer> transfers;
  for (size_t i = 0; i < r.legs.size(); ++i) {
    const RequestLeg& l = r.legs[i];
    ledger::Transfer t;
    t.id = l.transfer_id.empty() ? absl::StrCat("req-", r.id, "-", i + 1) : l.transfer_id;
    t.debit_account_id = l.debit_account_id;
    t.credit_account_id = l.credit_account_id;
    t.amount_fen = l.amount_fen;
    t.flags = (l.pending ? uint32_t{ledger::kPending} : 0u) |
              (i + 1 < r.legs.size() ? uint32_t{ledger::kLinked} : 0u);
    t.code = l.code;
    t.reason = TruncateUtf8(r.reason, ledger::kReasonBytesMax);
    t.user = user;
    transfers.push_back(std::move(t));
  }
  return transfers;
}

absl::Status Decided(const FundRequest& r) {
  return MakeError(absl::StatusCode::kFailedPrecondition, "funds.request_decided", "",
                   absl::StrCat("申请 ", r.id, " 已处理（", r.status, "），不能再次审批"),
                   absl::StrCat("request ", r.id, " is already ", r.status));
}

}  // namespace

absl::StatusOr<FundRequest> LoadRequest(store::Tx& tx, int64_t id) {
  ASSIGN_OR_RETURN(
      store::Result r,
      tx.Query(absl::StrCat("SELECT ", kRequestColumns, " FROM fund_requests WHERE id = ?"), {id}));
  if (r.rows.empty()) {
    return NotFoundError("funds.request_not_found", "申请不存在或无权查看",
                         "no such request, or not visible to you");
  }
  return RequestFromRow(r.rows[0]);
}

FundRequests::FundRequests(store::Store& store, const core::Clock& clock)
    : store_(store), clock_(clock), ledger_(&store, &clock) {}

absl::StatusOr<FundInfo> FundRequests::CheckFund(const Actor& actor, const FundKey& fund) {
  FundInfo info;
  RETURN_IF_ERROR(store_.InTx(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(info, LoadFund(tx, fund));
    return absl::OkStatus();
  }));
  RETURN_IF_ERROR(RequireFinance(actor, info.region));
  return info;
}

absl::StatusOr<RequestLeg> FundRequests::MakeLeg(const FundKey& fund,
                                                 const ledger::AccountKey& from,
                                                 const ledger::AccountKey& to, int64_t amount_fen,
                                                 std::string_view code, const Actor& actor) {
  std::string user = LedgerUser(actor);
  ASSIGN_OR_RETURN(int64_t debit, OpenFundAccount(store_, ledger_, from, user));
  ASSIGN_OR_RETURN(int64_t credit, OpenFundAccount(store_, ledger_, to, user));
  return RequestLeg{
      debit,      credit,           ledger::DescribeKey(from), ledger::DescribeKey(to),
      amount_fen, std::string(code)};
}

absl::StatusOr<FundRequest> FundRequests::Create(const Actor& actor, const NewRequest& request) {
  RETURN_IF_ERROR(ValidateText(request.reason, "reason", /*required=*/true));
  if (request.legs.empty() || request.legs.size() > kRequestLegsMax) {
    return InvalidField("funds.legs", "legs", "一项申请应有 1–200 笔转账",
                        "a request has 1-200 transfers");
  }
  int64_t total = 0;
  for (const RequestLeg& l : request.legs) {
    if (l.amount_fen <= 0 || total > INT64_MAX - l.amount_fen) {
      return InvalidField("funds.amount", "amount", "金额必须大于零", "amount must be positive");
    }
    if (!l.pending) total += l.amount_fen;  // a re-issued order's pending legs repeat the amount
  }
  if (request.amount_fen > 0) total = request.amount_fen;
  json legs = json::array();
  for (const RequestLeg& l : request.legs) legs.push_back(LegJson(l));
  json stored = {{"legs", legs}, {"detail", request.detail}};
  FundRequest created;
  std::string now = TimeText(clock_.Now());
  RETURN_IF_ERROR(store_.InTx(store::TxMode::kWrite, [&](store::Tx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(store::Result r,
                     tx.Query("INSERT INTO fund_requests (fund, fiscal_year, kind, status, "
                              "amount_fen, reason, detail, regions, maker, created_at) VALUES "
                              "(?, ?, ?, 'pending', ?, ?, ?, ?, ?, ?) RETURNING id",
                              {request.fund.fund, int64_t{request.fund.fiscal_year}, request.kind,
                               total, request.reason, stored.dump(), RegionsTag(request.regions),
                               LedgerUser(actor), now}));
    int64_t id = r.rows.at(0).Int(0);
    ASSIGN_OR_RETURN(created, LoadRequest(tx, id));
    return Audit(tx, clock_.Now(), actor, "funds.request.create", "fund_request", absl::StrCat(id),
                 {{"kind", request.kind},
                  {"amount_fen", total},
                  {"reason", request.reason},
                  {"detail", request.detail}});
  }));
  return created;
}

absl::StatusOr<FundRequest> FundRequests::ProposeMove(const Actor& actor, const FundKey& fund,
                                                      std::string_view code,
                                                      const std::string& from,
                                                      const std::string& to, core::Money amount,
                                                      const std::string& reason) {
  ASSIGN_OR_RETURN(FundInfo info, CheckFund(actor, fund));
  RETURN_IF_ERROR(store_.InTx(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    for (const std::string* holder : {&from, &to}) {
      if (!holder->empty()) RETURN_IF_ERROR(ValidateQuotaHolder(tx, *holder));
    }
    return absl::OkStatus();
  }));
  auto account = [&](const std::string& holder) {
    return holder.empty() ? AccountOf(fund, AccountKind::kBudget)
                          : AccountOf(fund, AccountKind::kQuota, holder);
  };
  ASSIGN_OR_RETURN(RequestLeg leg,
                   MakeLeg(fund, account(from), account(to), amount.fen(), code, actor));
  NewRequest request{fund, std::string(code), reason, {leg}, json::object(), {info.region}};
  for (const auto& [key, holder] : {std::pair<const char*, const std::string*>{"from", &from},
                                    {"to", &to}}) {
    if (holder->empty()) continue;
    request.detail[key] = *holder;
    request.regions.push_back(HolderRegion(*holder));
  }
  return Create(actor, request);
}

absl::StatusOr<FundRequest> FundRequests::ProposeAllocation(const Actor& actor, const FundKey& fund,
                                                            const std::string& holder,
                                                            core::Money amount,
                                                            const std::string& reason) {
  return ProposeMove(actor, fund, codes::kQuotaAllocate, "", holder, amount, reason);
}

absl::StatusOr<FundRequest> FundRequests::ProposeAdjustment(const Actor& actor, const FundKey& fund,
                                                            const std::string& from,
                                                            const std::string& to,
                                                            core::Money amount,
                                                            const std::string& reason) {
  return ProposeMove(actor, fund, codes::kQuotaAdjust, from, to, amount, reason);
}

absl::StatusOr<FundRequest> FundRequests::ProposeReturn(const Actor& actor, const FundKey& fund,
                                                        const std::string& holder,
                                                        core::Money amount,
                                                        const std::string& reason) {
  return ProposeMove(actor, fund, codes::kQuotaReturn, holder, "", amount, reason);
}

absl::StatusOr<FundRequest> FundRequests::ProposeSettlement(const Actor& actor, const FundKey& fund,
                                                            const std::string& reason) {
  ASSIGN_OR_RETURN(FundInfo info, CheckFund(actor, fund));
  FundsService funds(store_, clock_);
  ASSIGN_OR_RETURN(std::vector<FundAccount> quotas,
                   funds.Balances(actor, fund, AccountKind::kQuota));
  NewRequest request{fund, std::string(codes::kQuotaReturn), reason,
                     {},   {{"settlement", true}},           {info.region}};
  json returned = json::array();
  for (const FundAccount& q : quotas) {
    if (q.available_fen <= 0) continue;
    ASSIGN_OR_RETURN(RequestLeg leg, MakeLeg(fund, AccountOf(fund, AccountKind::kQuota, q.holder),
                                             AccountOf(fund, AccountKind::kBudget), q.available_fen,
                                             codes::kQuotaReturn, actor));
    request.legs.push_back(std::move(leg));
    request.regions.push_back(HolderRegion(q.holder));
    returned.push_back({{"quota", q.holder}, {"amount_fen", q.available_fen}});
  }
  if (request.legs.empty()) {
    return MakeError(absl::StatusCode::kFailedPrecondition, "funds.nothing_to_return", "",
                     "各指标均无可用余额，无需收回", "no quota has an available balance");
  }
  request.detail["quotas"] = returned;
  return Create(actor, request);
}

absl::StatusOr<FundRequest> FundRequests::Approve(const Actor& actor, int64_t id,
                                                  const std::string& note) {
  RETURN_IF_ERROR(ValidateText(note, "note", /*required=*/false));
  return Decide(actor, id, /*approve=*/true, note);
}

absl::StatusOr<FundRequest> FundRequests::Reject(const Actor& actor, int64_t id,
                                                 const std::string& reason) {
  RETURN_IF_ERROR(ValidateText(reason, "reason", /*required=*/true));
  return Decide(actor, id, /*approve=*/false, reason);
}

absl::StatusOr<FundRequest> FundRequests::Decide(const Actor& actor, int64_t id, bool approve,
                                                 const std::string& text) {
  FundRequest decided;
  std::string user = LedgerUser(actor);
  RETURN_IF_ERROR(store_.InTx(store::TxMode::kWrite, [&](store::Tx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(FundRequest r, LoadRequest(tx, id));
    ASSIGN_OR_RETURN(FundInfo info, LoadFund(tx, r.fund));
    RETURN_IF_ERROR(RequireFinance(actor, info.region));
    if (r.status != "pending") return Decided(r);
    if (r.maker == user) {
      return MakeError(absl::StatusCode::kPermissionDenied, "funds.same_person", "",
                       "经办人不能审批自己提交的申请，须由另一名财政人员复核",
                       "the maker of a request cannot approve or reject it");
    }
    // Claims the row first: on PostgreSQL a concurrent decision waits here, then finds it taken.
    ASSIGN_OR_RETURN(int64_t claimed,
                     tx.Exec("UPDATE fund_requests SET checker = ? WHERE id = ? AND "
                             "status = 'pending'",
                             {user, id}));
    if (claimed != 1) return Decided(r);
    std::string status = "rejected", result;
    std::string now = TimeText(clock_.Now());
    if (approve) {
      std::vector<ledger::Transfer> transfers = TransfersOf(r, user);
      ASSIGN_OR_RETURN(std::vector<ledger::TransferCode> codes,
                       ledger_.CreateTransfersInTx(tx, transfers));
      ledger::TransferCode first = FirstFailure(codes);
      result = std::string(ledger::CodeName(first));
      status = ledger::Succeeded(first) ? "approved" : "failed";
      if (status == "approved" && r.kind.starts_with("correction.")) {
        RETURN_IF_ERROR(ApplyCorrectionEffects(tx, r, user, now));
      }
      if (status == "failed") {
        RETURN_IF_ERROR(AddNotice(
            tx, r.fund, RegionsTag(r.regions), "request.failed", absl::StrCat("申请 ", r.id),
            absl::StrCat("申请 ", r.id, "（", r.kind, "）审批通过但未能执行：",
                         Av(ledger::ResultMessage(first, ledger::Lang::kZh))),
            now));
      }
    }
    RETURN_IF_ERROR(
        tx.Exec("UPDATE fund_requests SET status = ?, decided_at = ?, "
                "decision_reason = ?, result = ? WHERE id = ?",
                {status, now, text, result.empty() ? store::Null() : store::Value(result), id})
            .status());
    RETURN_IF_ERROR(
        Audit(tx, clock_.Now(), actor, approve ? "funds.request.approve" : "funds.request.reject",
              "fund_request", absl::StrCat(id),
              {{"status", status}, {"result", result}, {"note", text}, {"maker", r.maker}}));
    ASSIGN_OR_RETURN(decided, LoadRequest(tx, id));
    return absl::OkStatus();
  }));
  return decided;
}

absl::StatusOr<FundRequest> FundRequests::Get(const Actor& actor, int64_t id) {
  RETURN_IF_ERROR(RequireFundsReader(actor));
  FundRequest r;
  RETURN_IF_ERROR(store_.InTx(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(r, LoadRequest(tx, id));
    return absl::OkStatus();
  }));
  bool visible = false;
  for (const std::string& region : r.regions) visible |= CanReadFunds(actor, region);
  if (!visible) return NotFoundError("funds.request_not_found", "申请不存在或无权查看");
  return r;
}

absl::StatusOr<std::vector<FundRequest>> FundRequests::List(const Actor& actor, const FundKey& fund,
                                                            const std::string& status) {
  RETURN_IF_ERROR(RequireFundsReader(actor));
  std::vector<FundRequest> out;
  RETURN_IF_ERROR(store_.InTx(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(store::Result r,
                     ListFundRows(tx, actor, kRequestColumns, "fund_requests", fund,
                                  " AND (? = '' OR status = ?)", {status, status}));
    out.clear();
    for (const store::Row& row : r.rows) out.push_back(RequestFromRow(row));
    return absl::OkStatus();
  }));
  return out;
}

}  // namespace zhida::services
