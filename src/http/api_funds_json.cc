#include "http/api_funds_json.h"

#include "ledger/result.h"

namespace zhida::http {

using nlohmann::json;

namespace {

std::string M(int64_t fen) { return core::Money::FromFen(fen).ToString(); }

json OrNull(const std::string& s) { return s.empty() ? json(nullptr) : json(s); }

json FundKeyJson(const services::FundKey& k) {
  return {{"fund", k.fund}, {"fiscal_year", k.fiscal_year}};
}

json ShareList(const std::vector<services::PlanShare>& shares) {
  json out = json::array();
  for (const auto& s : shares) out.push_back({{"quota", s.quota}, {"amount", M(s.amount_fen)}});
  return out;
}

absl::Status Missing(const std::string& key) {
  return InvalidField("request.fields", key, "缺少或无效的参数：" + key,
                      "missing or invalid field: " + key);
}

absl::StatusOr<int64_t> IntField(const json& body, const std::string& key) {
  if (!body.contains(key) || !body[key].is_number_integer()) return Missing(key);
  return body[key].get<int64_t>();
}

template <typename T, typename F>
json List(const std::vector<T>& items, F encode) {
  json out = json::array();
  for (const T& item : items) out.push_back(encode(item));
  return out;
}

}  // namespace

absl::StatusOr<std::string> StringField(const json& body, const std::string& key, bool required) {
  if (!body.is_object() || !body.contains(key) || body[key].is_null()) {
    if (required) return Missing(key);
    return std::string();
  }
  if (!body[key].is_string()) return Missing(key);
  std::string value = body[key].get<std::string>();
  if (required && value.empty()) return Missing(key);
  return value;
}

absl::StatusOr<core::Money> MoneyField(const json& body, const std::string& key) {
  if (!body.contains(key) || !body[key].is_string()) {
    return InvalidField("request.money", key, key + " 应为金额字符串，如 \"12345.67\"",
                        key + " must be a money string such as \"12345.67\"");
  }
  absl::StatusOr<core::Money> m = core::Money::Parse(body[key].get<std::string>());
  if (!m.ok()) {
    std::string message(m.status().message());
    return MakeError(m.status().code(), ErrorCode(m.status()), key, message,
                     ErrorEnglish(m.status()));
  }
  return *m;
}

absl::StatusOr<std::optional<ledger::AccountKind>> KindParam(std::string_view text) {
  if (text.empty()) return std::optional<ledger::AccountKind>();
  std::optional<ledger::AccountKind> kind = ledger::ParseKindName(text);
  if (!kind) {
    return InvalidField("request.kind", "kind", "未知的账户类别", "unknown account kind");
  }
  return kind;
}

absl::StatusOr<services::NewBudget> DecodeBudget(const json& b) {
  services::NewBudget out;
  ASSIGN_OR_RETURN(out.key.fund, StringField(b, "fund", true));
  ASSIGN_OR_RETURN(int64_t year, IntField(b, "fiscal_year"));
  out.key.fiscal_year = static_cast<int>(year);
  ASSIGN_OR_RETURN(out.name, StringField(b, "name", true));
  ASSIGN_OR_RETURN(out.region, StringField(b, "region", false));
  if (out.region.empty()) out.region = "350500";
  ASSIGN_OR_RETURN(out.amount, MoneyField(b, "amount"));
  ASSIGN_OR_RETURN(out.basis, StringField(b, "basis", false));
  return out;
}

absl::StatusOr<QuotaChange> DecodeQuotaChange(const json& b) {
  QuotaChange c;
  ASSIGN_OR_RETURN(c.kind, StringField(b, "kind", true));
  if (c.kind != "allocate" && c.kind != "adjust" && c.kind != "return" && c.kind != "settle") {
    return InvalidField("request.kind", "kind", "kind 应为 allocate、adjust、return 或 settle",
                        "kind must be allocate, adjust, return or settle");
  }
  ASSIGN_OR_RETURN(c.reason, StringField(b, "reason", true));
  if (c.kind == "settle") return c;
  ASSIGN_OR_RETURN(c.amount, MoneyField(b, "amount"));
  ASSIGN_OR_RETURN(c.from, StringField(b, "from", c.kind != "allocate"));
  ASSIGN_OR_RETURN(c.to, StringField(b, "to", c.kind != "return"));
  return c;
}

absl::StatusOr<services::NewReservation> DecodeReservation(const json& b,
                                                           const services::FundKey& fund) {
  services::NewReservation r;
  r.fund = fund;
  ASSIGN_OR_RETURN(r.plan_id, StringField(b, "plan_id", true));
  ASSIGN_OR_RETURN(r.reason, StringField(b, "reason", true));
  if (!b.contains("shares") || !b["shares"].is_array()) return Missing("shares");
  for (const json& s : b["shares"]) {
    if (!s.is_object()) return Missing("shares");
    services::PlanShare share;
    ASSIGN_OR_RETURN(share.quota, StringField(s, "quota", true));
    ASSIGN_OR_RETURN(core::Money amount, MoneyField(s, "amount"));
    share.amount_fen = amount.fen();
    r.shares.push_back(std::move(share));
  }
  return r;
}

absl::StatusOr<services::NewPaymentOrder> DecodeOrder(const json& b) {
  services::NewPaymentOrder o;
  ASSIGN_OR_RETURN(o.voucher, StringField(b, "voucher", true));
  ASSIGN_OR_RETURN(o.plan_id, StringField(b, "plan_id", true));
  ASSIGN_OR_RETURN(o.payee_uscc, StringField(b, "payee_uscc", true));
  ASSIGN_OR_RETURN(o.payee_name, StringField(b, "payee_name", true));
  ASSIGN_OR_RETURN(o.bank_name, StringField(b, "bank_name", false));
  ASSIGN_OR_RETURN(o.bank_account, StringField(b, "bank_account", true));
  ASSIGN_OR_RETURN(o.amount, MoneyField(b, "amount"));
  ASSIGN_OR_RETURN(o.policy_id, IntField(b, "policy_id"));
  ASSIGN_OR_RETURN(int64_t version, IntField(b, "policy_version"));
  if (version < 1 || version > 1000000) return Missing("policy_version");
  o.policy_version = static_cast<int>(version);
  ASSIGN_OR_RETURN(o.memo, StringField(b, "memo", false));
  return o;
}

absl::StatusOr<std::vector<std::string>> DecodeVouchers(const json& b) {
  std::vector<std::string> vouchers;
  if (!b.contains("vouchers")) return vouchers;
  if (!b["vouchers"].is_array()) return Missing("vouchers");
  for (const json& v : b["vouchers"]) {
    if (!v.is_string()) return Missing("vouchers");
    vouchers.push_back(v.get<std::string>());
  }
  return vouchers;
}

absl::StatusOr<Correction> DecodeCorrection(const json& b) {
  Correction c;
  ASSIGN_OR_RETURN(c.kind, StringField(b, "kind", true));
  ASSIGN_OR_RETURN(c.reason, StringField(b, "reason", true));
  if (c.kind == "recover") {
    ASSIGN_OR_RETURN(c.amount, MoneyField(b, "amount"));
  } else if (c.kind == "reissue") {
    ASSIGN_OR_RETURN(c.new_voucher, StringField(b, "new_voucher", true));
    ASSIGN_OR_RETURN(c.bank_name, StringField(b, "bank_name", false));
    ASSIGN_OR_RETURN(c.bank_account, StringField(b, "bank_account", true));
  } else if (c.kind != "reverse") {
    return InvalidField("request.kind", "kind", "kind 应为 reverse、recover 或 reissue",
                        "kind must be reverse, recover or reissue");
  }
  return c;
}

json FundJson(const services::FundInfo& f) {
  return {{"fund", f.key.fund},         {"fiscal_year", f.key.fiscal_year}, {"name", f.name},
          {"region", f.region},         {"budget", M(f.budget_fen)},        {"basis", f.basis},
          {"created_by", f.created_by}, {"created_at", f.created_at}};
}

json FundsJson(const std::vector<services::FundInfo>& funds) {
  return {{"items", List(funds, FundJson)}};
}

json AccountsJson(const std::vector<services::FundAccount>& accounts) {
  return {{"items", List(accounts, [](const services::FundAccount& a) {
             const ledger::Balance& b = a.balance;
             return json{{"id", a.account_id},
                         {"kind", ledger::KindName(a.kind)},
                         {"kind_label", ledger::KindLabel(a.kind)},
                         {"holder", a.holder},
                         {"holder_name", a.holder_name},
                         {"debits_pending", M(b.debits_pending)},
                         {"debits_posted", M(b.debits_posted)},
                         {"credits_pending", M(b.credits_pending)},
                         {"credits_posted", M(b.credits_posted)},
                         {"posted", M(b.credits_posted - b.debits_posted)},
                         {"available", M(a.available_fen)}};
           })}};
}

json HistoryJson(int64_t account_id, const ledger::HistoryPage& page) {
  json items = List(page.transfers, [account_id](const ledger::StoredTransfer& st) {
    const ledger::Transfer& t = st.transfer;
    std::string phase = (t.flags & ledger::kPending)       ? "pending"
                        : (t.flags & ledger::kPostPending) ? "post"
                        : (t.flags & ledger::kVoidPending) ? "void"
                                                           : "posted";
    return json{{"seq", st.seq},
                {"id", t.id},
                {"direction", t.debit_account_id == account_id ? "debit" : "credit"},
                {"debit_account_id", t.debit_account_id},
                {"credit_account_id", t.credit_account_id},
                {"amount", M(t.amount_fen)},
                {"phase", phase},
                {"pending_id", OrNull(t.pending_id)},
                {"code", t.code},
                {"reason", t.reason},
                {"user", t.user},
                {"created_at", st.created_at}};
  });
  return {{"items", items},
          {"next_after", page.next_after_seq == 0 ? json(nullptr) : json(page.next_after_seq)}};
}

json SettlementJson(const services::SettlementReport& report) {
  auto row = [](const services::QuotaSettlement& q) {
    return json{{"holder", q.holder},
                {"holder_name", q.holder_name},
                {"allocated", M(q.allocated_fen)},
                {"adjusted", M(q.adjusted_fen)},
                {"committed", M(q.committed_fen)},
                {"released", M(q.released_fen)},
                {"paid", M(q.paid_fen)},
                {"in_flight", M(q.in_flight_fen)},
                {"outstanding", M(q.outstanding_fen)},
                {"recovered", M(q.recovered_fen)},
                {"returned", M(q.returned_fen)},
                {"available", M(q.available_fen)},
                {"balanced", q.balanced}};
  };
  return {{"fund", FundJson(report.fund)},
          {"quotas", List(report.quotas, row)},
          {"total", row(report.total)}};
}

json NoticesJson(const std::vector<services::FundNotice>& notices) {
  return {{"items", List(notices, [](const services::FundNotice& n) {
             return json{{"id", n.id},
                         {"kind", n.kind},
                         {"subject", n.subject},
                         {"message", n.message},
                         {"created_at", n.created_at}};
           })}};
}

json RequestJson(const services::FundRequest& r) {
  json legs = List(r.legs, [](const services::RequestLeg& l) {
    return json{{"from", l.debit_key},
                {"to", l.credit_key},
                {"amount", M(l.amount_fen)},
                {"code", l.code},
                {"pending", l.pending}};
  });
  return {{"id", r.id},
          {"fund", FundKeyJson(r.fund)},
          {"kind", r.kind},
          {"status", r.status},
          {"amount", M(r.amount_fen)},
          {"reason", r.reason},
          {"legs", legs},
          {"detail", r.detail},
          {"maker", r.maker},
          {"created_at", r.created_at},
          {"checker", OrNull(r.checker)},
          {"decided_at", OrNull(r.decided_at)},
          {"decision_reason", OrNull(r.decision_reason)},
          {"result", OrNull(r.result)},
          {"result_message", OrNull(r.result_message)}};
}

json RequestsJson(const std::vector<services::FundRequest>& list) {
  return {{"items", List(list, RequestJson)}};
}

json ReservationJson(const services::Reservation& r) {
  json result_message = nullptr;
  if (auto code = ledger::ParseCodeName(r.result); code && *code != ledger::TransferCode::kOk) {
    result_message = std::string(ledger::ResultMessage(*code, ledger::Lang::kZh));
  }
  return {{"id", r.id},
          {"plan_id", r.plan_id},
          {"fund", FundKeyJson(r.fund)},
          {"status", r.status},
          {"amount", M(r.amount_fen)},
          {"shares", ShareList(r.shares)},
          {"reason", r.reason},
          {"result", r.result},
          {"result_message", result_message},
          {"created_by", r.created_by},
          {"created_at", r.created_at},
          {"resolved_by", OrNull(r.resolved_by)},
          {"resolved_at", OrNull(r.resolved_at)},
          {"resolve_reason", OrNull(r.resolve_reason)}};
}

json ReservationsJson(const std::vector<services::Reservation>& list) {
  return {{"items", List(list, ReservationJson)}};
}

json OrderJson(const services::PaymentOrder& o) {
  const services::NewPaymentOrder& n = o.order;
  return {{"voucher", n.voucher},
          {"plan_id", n.plan_id},
          {"fund", FundKeyJson(o.fund)},
          {"reservation_id", o.reservation_id},
          {"payee",
           {{"uscc", n.payee_uscc},
            {"name", n.payee_name},
            {"bank_name", n.bank_name},
            {"bank_account", n.bank_account}}},
          {"amount", n.amount.ToString()},
          {"policy", {{"id", n.policy_id}, {"version", n.policy_version}}},
          {"memo", n.memo},
          {"legs", ShareList(o.legs)},
          {"status", o.status},
          {"result", o.result},
          {"batch_id", o.batch_id == 0 ? json(nullptr) : json(o.batch_id)},
          {"replaces", OrNull(o.replaces)},
          {"bank_serial", OrNull(o.bank_serial)},
          {"paid_at", OrNull(o.paid_at)},
          {"fail_reason", OrNull(o.fail_reason)},
          {"created_by", o.created_by},
          {"created_at", o.created_at},
          {"updated_at", o.updated_at}};
}

json OrdersJson(const std::vector<services::PaymentOrder>& list) {
  return {{"items", List(list, OrderJson)}};
}

json BatchJson(const services::PaymentBatch& b) {
  return {{"id", b.id},
          {"fund", FundKeyJson(b.fund)},
          {"status", b.status},
          {"orders", b.orders},
          {"total", M(b.total_fen)},
          {"checksum", b.checksum},
          {"file_name", b.file_name()},
          {"created_by", b.created_by},
          {"created_at", b.created_at},
          {"sent_by", OrNull(b.sent_by)},
          {"sent_at", OrNull(b.sent_at)},
          {"send_note", OrNull(b.send_note)}};
}

json BatchesJson(const std::vector<services::PaymentBatch>& list) {
  return {{"items", List(list, BatchJson)}};
}

json RecoveriesJson(const std::vector<services::Recovery>& list) {
  return {{"items", List(list, [](const services::Recovery& r) {
             return json{{"id", r.id},
                         {"voucher", r.voucher},
                         {"payee_uscc", r.payee_uscc},
                         {"quota", r.quota},
                         {"amount", M(r.amount_fen)},
                         {"status", r.status},
                         {"claimed_at", r.claimed_at},
                         {"repaid_at", OrNull(r.repaid_at)}};
           })}};
}

json ReconciliationJson(const services::ReconReport& r) {
  json exceptions = List(r.exceptions, [](const services::ReconException& e) {
    return json{
        {"kind", e.kind}, {"subject", e.subject}, {"message", e.message}, {"action", e.action}};
  });
  return {{"fund", FundKeyJson(r.fund)},
          {"orders", r.orders},
          {"orders_by_status", r.orders_by_status},
          {"orders_paid", M(r.orders_paid_fen)},
          {"ledger_paid", M(r.ledger_paid_fen)},
          {"treasury_paid", M(r.treasury_paid_fen)},
          {"in_flight", M(r.in_flight_fen)},
          {"ok", r.ok()},
          {"exceptions", exceptions}};
}

json ReturnImportJson(const services::ReturnImport& r) {
  return {{"file_id", r.file_id}, {"already_imported", r.already_imported},
          {"lines", r.lines},     {"applied", r.applied},
          {"paid", r.paid},       {"failed", r.failed},
          {"skipped", r.skipped}};
}

}  // namespace zhida::http
