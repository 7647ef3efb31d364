#include "services/funds_common.h"

#include "absl/strings/str_cat.h"
#include "core/region.h"
#include "core/text.h"
#include "services/common.h"
#include "services/reference.h"

namespace zhida::services {

namespace {

bool AllOf(std::string_view s, std::string_view extra) {
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              extra.find(c) != std::string_view::npos;
    if (!ok) return false;
  }
  return true;
}

}  // namespace

ledger::AccountKey AccountOf(const FundKey& fund, ledger::AccountKind kind, std::string holder) {
  return ledger::AccountKey{fund.fund, fund.fiscal_year, kind, std::move(holder)};
}

std::string CommitmentHolder(std::string_view plan_id, std::string_view quota_holder) {
  return absl::StrCat(Av(plan_id), ":", Av(quota_holder));
}

std::string HolderRegion(std::string_view quota_holder) {
  return std::string(quota_holder.substr(0, quota_holder.find('.')));
}

absl::Status ValidateQuotaHolder(store::Tx& tx, std::string_view holder) {
  auto bad = [&] {
    return InvalidField(
        "funds.holder", "holder",
        absl::StrCat("指标持有者应为部门代码（如 350500.kjj）或县（市、区）代码：", Av(holder)),
        absl::StrCat("a quota holder is a department or region code: ", Av(holder)));
  };
  if (holder.empty() || holder.size() > 32) return bad();
  if (holder.find('.') == std::string_view::npos) {
    return core::FindRegion(holder) != nullptr ? absl::OkStatus() : bad();
  }
  absl::StatusOr<Department> dept = GetDepartment(tx, holder);
  if (dept.ok()) return absl::OkStatus();
  if (dept.status().code() == absl::StatusCode::kNotFound) return bad();
  return dept.status();
}

absl::Status ValidatePlanId(std::string_view plan_id) {
  if (plan_id.empty() || plan_id.size() > kPlanIdLengthMax || !AllOf(plan_id, "._-")) {
    return InvalidField("funds.plan_id", "plan_id", "方案编号应为 1–24 个字母、数字或 . _ -",
                        "a plan id is 1-24 letters, digits or . _ -");
  }
  return absl::OkStatus();
}

absl::Status ValidateVoucher(std::string_view voucher) {
  if (voucher.empty() || voucher.size() > kVoucherLengthMax || !AllOf(voucher, "-")) {
    return InvalidField("payment.voucher", "voucher", "凭证号应为 1–32 个字母、数字或 -",
                        "a voucher number is 1-32 letters, digits or -");
  }
  return absl::OkStatus();
}

absl::Status ValidateText(std::string_view text, std::string_view field, bool required) {
  bool controls = false;
  for (unsigned char c : text) controls |= c < 0x20 || c == 0x7f;
  if ((required && text.empty()) || text.size() > kFundTextBytesMax || controls ||
      !core::IsValidUtf8(text)) {
    return InvalidField(
        "funds.text", field,
        absl::StrCat(Av(field), (required ? " 必填，" : " "), "最多 200 个汉字，不能含控制字符"),
        absl::StrCat(Av(field), required ? " is required, " : " ",
                     "at most 600 bytes of UTF-8 without control characters"));
  }
  return absl::OkStatus();
}

std::string TruncateUtf8(std::string_view text, size_t bytes_max) {
  if (text.size() <= bytes_max) return std::string(text);
  size_t end = bytes_max;
  // Back up over continuation bytes (10xxxxxx) to the start of the character that was cut.
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return std::string(text.substr(0, end));
}

std::string RegionsTag(const std::vector<std::string>& regions) {
  std::string tag = " ";
  for (const std::string& r : regions) {
    if (tag.find(absl::StrCat(" ", r, " ")) == std::string::npos) absl::StrAppend(&tag, r, " ");
  }
  return tag;
}

std::vector<std::string> SplitRegions(std::string_view regions_tag) {
  std::vector<std::string> regions;
  size_t pos = 0;
  while (pos < regions_tag.size()) {
    size_t end = regions_tag.find(' ', pos);
    if (end == std::string_view::npos) end = regions_tag.size();
    if (end > pos) regions.emplace_back(regions_tag.substr(pos, end - pos));
    pos = end + 1;
  }
  return regions;
}

RegionFilter RegionFilterFor(const Actor& actor) {
  RegionFilter filter;
  if (actor.IsSystem()) return filter;
  std::vector<std::string> counties;
  for (const RoleGrant& g : actor.roles) {
    if (g.role != kRoleFinance && g.role != kRoleLeader && g.role != kRoleAuditAdmin) continue;
    if (g.region == core::kCityRegion) return RegionFilter{};  // the city sees every county
    counties.push_back(g.region);
  }
  if (counties.empty()) {
    filter.sql = " AND 1 = 0";
    return filter;
  }
  filter.sql = " AND (";
  for (size_t i = 0; i < counties.size(); ++i) {
    absl::StrAppend(&filter.sql, i ? " OR " : "", "regions LIKE ?");
    filter.params.push_back(absl::StrCat("% ", counties[i], " %"));
  }
  filter.sql += ")";
  return filter;
}

absl::StatusOr<store::Result> ListFundRows(store::Tx& tx, const Actor& actor,
                                           std::string_view columns, std::string_view table,
                                           const FundKey& fund, std::string_view condition,
                                           const std::vector<store::Value>& condition_params) {
  RegionFilter filter = RegionFilterFor(actor);
  std::vector<store::Value> params = {fund.fund, int64_t{fund.fiscal_year}};
  params.insert(params.end(), condition_params.begin(), condition_params.end());
  params.insert(params.end(), filter.params.begin(), filter.params.end());
  params.push_back(int64_t{kFundListSizeMax});
  std::string sql = "SELECT " + std::string(columns) + " FROM " + std::string(table) +
                    " WHERE fund = ? AND fiscal_year = ?" + std::string(condition) + filter.sql +
                    " ORDER BY id DESC LIMIT ?";
  return tx.Query(sql, params);
}

bool CanReadFunds(const Actor& actor, std::string_view region) {
  return actor.HasRoleFor(kRoleFinance, region) || actor.HasRoleFor(kRoleLeader, region) ||
         actor.HasRoleFor(kRoleAuditAdmin, region);
}

absl::Status RequireFinance(const Actor& actor, std::string_view region) {
  if (actor.HasRoleFor(kRoleFinance, region)) return absl::OkStatus();
  return Forbidden(absl::StrCat("须为该地区（", Av(region), "）的财政资金经办人"),
                   absl::StrCat("needs a finance officer of region ", Av(region)));
}

absl::Status RequireFundsReader(const Actor& actor) {
  if (actor.HasRole(kRoleFinance) || actor.HasRole(kRoleLeader) || actor.HasRole(kRoleAuditAdmin)) {
    return absl::OkStatus();
  }
  return Forbidden("须为财政资金经办人、领导或审计员", "needs finance, leader or audit role");
}

absl::Status LedgerRefused(ledger::TransferCode code) {
  return MakeError(absl::StatusCode::kFailedPrecondition,
                   absl::StrCat("ledger.", Av(ledger::CodeName(code))), "",
                   ledger::ResultMessage(code, ledger::Lang::kZh),
                   ledger::ResultMessage(code, ledger::Lang::kEn));
}

ledger::TransferCode FirstFailure(const std::vector<ledger::TransferCode>& codes) {
  ledger::TransferCode linked = ledger::TransferCode::kOk;
  for (ledger::TransferCode c : codes) {
    if (ledger::Succeeded(c)) continue;
    if (c != ledger::TransferCode::kLinkedEventFailed) return c;
    linked = c;
  }
  return linked;
}

absl::StatusOr<int64_t> OpenFundAccount(store::Store& store, ledger::Ledger& ledger,
                                        const ledger::AccountKey& key, std::string_view user) {
  ASSIGN_OR_RETURN(ledger::Account account, ledger.OpenAccount(key, user));
  std::string region;
  if (key.kind == ledger::AccountKind::kQuota) region = HolderRegion(key.holder);
  if (key.kind == ledger::AccountKind::kCommitment) {
    region = HolderRegion(key.holder.substr(key.holder.find(':') + 1));
  }
  RETURN_IF_ERROR(store.InTx(store::TxMode::kWrite, [&](store::Tx& tx) -> absl::Status {
    return tx
        .Exec(
            "INSERT INTO fund_accounts (account_id, fund, fiscal_year, kind, holder, region) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (account_id) DO NOTHING",
            {account.id, key.fund, int64_t{key.fiscal_year},
             std::string(ledger::KindName(key.kind)), key.holder, region})
        .status();
  }));
  return account.id;
}

absl::Status AddNotice(store::Tx& tx, const FundKey& fund, const std::string& regions_tag,
                       std::string_view kind, std::string_view subject, std::string_view message,
                       std::string_view at) {
  return tx
      .Exec(
          "INSERT INTO fund_notices (fund, fiscal_year, regions, kind, subject, message, "
          "created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
          {fund.fund, int64_t{fund.fiscal_year}, regions_tag, std::string(kind),
           std::string(subject), std::string(message), std::string(at)})
      .status();
}

std::string LedgerUser(const Actor& actor) {
  std::string user = actor.username.empty() ? "system" : actor.username;
  return user.size() > 64 ? user.substr(0, 64) : user;
}

absl::StatusOr<Actor> StaffActorByUsername(store::Store& store, std::string_view username) {
  Actor actor;
  RETURN_IF_ERROR(store.InTx(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(store::Result u,
                     tx.Query("SELECT id, display_name FROM users WHERE username = ? AND "
                              "kind = 'staff' AND disabled = 0",
                              {std::string(username)}));
    if (u.rows.empty()) {
      return NotFoundError("user.not_found", absl::StrCat("没有这个工作人员：", Av(username)),
                           absl::StrCat("no staff user ", Av(username)));
    }
    actor = Actor{u.rows[0].Int(0), std::string(username), u.rows[0].Text(1), "staff", {}, {}};
    ASSIGN_OR_RETURN(
        store::Result roles,
        tx.Query("SELECT role, region, dept FROM user_roles WHERE user_id = ?", {actor.user_id}));
    for (const store::Row& row : roles.rows) {
      actor.roles.push_back(RoleGrant{row.Text(0), row.Text(1), row.Text(2)});
    }
    return absl::OkStatus();
  }));
  return actor;
}

absl::Status FundNotFound(const FundKey& fund) {
  return NotFoundError(
      "funds.not_found",
      absl::StrCat("资金 ", fund.fund, "（", fund.fiscal_year, " 年度）尚未批复预算"),
      absl::StrCat("no budget for fund ", fund.fund, " ", fund.fiscal_year));
}

absl::StatusOr<FundInfo> LoadFund(store::Tx& tx, const FundKey& fund) {
  ASSIGN_OR_RETURN(store::Result r,
                   tx.Query("SELECT name, region, budget_fen, basis, created_by, created_at "
                            "FROM funds WHERE code = ? AND fiscal_year = ?",
                            {fund.fund, int64_t{fund.fiscal_year}}));
  if (r.rows.empty()) return FundNotFound(fund);
  const store::Row& row = r.rows[0];
  return FundInfo{fund,        row.Text(0), row.Text(1), row.Int(2),
                  row.Text(3), row.Text(4), row.Text(5)};
}

}  // namespace zhida::services
