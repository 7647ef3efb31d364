#include "services/demo.h"

#include "core/date.h"
#include "core/region.h"
#include "nlohmann/json.hpp"
#include "services/accounts.h"
#include "services/catalog.h"
#include "services/demo_enterprises.h"
#include "services/demo_funds.h"
#include "services/reference.h"
#include "services/registry.h"

namespace zhida::services {

namespace {

struct DemoUser {
  const char* username;
  const char* display_name;
  const char* role;
  const char* region;
  const char* dept_kind;  // "" for none
};

// One account per role of DESIGN.md §6, with the usernames scripts rely on (issue 2 §9).
constexpr DemoUser kStaff[] = {
    {"sysadmin", "系统管理员（演示）", "sysadmin", "350500", "szb"},
    {"secadmin", "安全保密管理员（演示）", "secadmin", "350500", "szb"},
    {"auditadmin", "安全审计员（演示）", "auditadmin", "350500", "szb"},
    {"officer", "林晓东（市工信局）", "policy_officer", "350500", "gxj"},
    {"officer-jj", "陈雅琴（晋江市工信局）", "policy_officer", "350582", "gxj"},
    {"finance", "黄志明（市财政局）", "finance", "350500", "czj"},
    // A second city finance officer approves what the first proposes (maker-checker).
    {"finance2", "庄美华（市财政局·复核）", "finance", "350500", "czj"},
    {"finance-jj", "施文杰（晋江市财政局）", "finance", "350582", "czj"},
    {"reviewer-credit", "王建华（市发改委·信用）", "reviewer", "350500", "fgw"},
    {"reviewer-tax", "吴丽萍（市税务局）", "reviewer", "350500", "sw"},
    {"reviewer-court", "郑国强（市中级人民法院）", "reviewer", "350500", "fy"},
    {"reviewer-police", "许文斌（市公安局）", "reviewer", "350500", "gaj"},
    {"reviewer-bank", "蔡美玲（金融监管局）", "reviewer", "350500", "jrj"},
    {"leader", "李副市长（演示）", "leader", "350500", ""},
};

std::string ScopeText(const std::string& region, const std::string& dept_kind) {
  if (dept_kind.empty()) {
    const core::Region* r = core::FindRegion(region);
    return r ? std::string(r->name) : region;
  }
  return DepartmentName(region, dept_kind);
}

}  // namespace

absl::Status SeedReferenceData(store::Store& store) {
  return store.InTx(store::TxMode::kWrite, [](store::Tx& tx) -> absl::Status {
    RETURN_IF_ERROR(SeedDepartments(tx));
    return SeedFields(tx);
  });
}

absl::StatusOr<DemoSummary> BuildDemo(store::Store& store, const core::Clock& clock,
                                      core::IdSource& ids, const DemoConfig& config,
                                      const RuleValidator& rules, std::ostream& progress) {
  if (config.enterprises < 2 || config.enterprises > 2000000) {
    return InvalidField("demo.enterprises", "enterprises", "演示企业数量应为 2 至 2,000,000",
                        "enterprises must be 2 to 2,000,000");
  }
  bool has_users = false;
  RETURN_IF_ERROR(store.InTx(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(store::Result r, tx.Query("SELECT COUNT(*) FROM users"));
    has_users = r.rows.at(0).Int(0) > 0;
    return absl::OkStatus();
  }));
  if (has_users) {
    return MakeError(absl::StatusCode::kFailedPrecondition, "demo.not_empty", "",
                     "数据库中已有用户，演示数据只能写入新数据库",
                     "the database already has users; the demo needs a new database");
  }
  DemoSummary summary;
  Actor system = Actor::System();
  RETURN_IF_ERROR(SeedReferenceData(store));
  progress << "演示：部门与字段表已写入\n" << std::flush;

  std::string csv;
  WriteDemoEnterprisesCsv(DemoOptions{config.enterprises, config.seed}, &csv);
  RegistryService registry(store, clock);
  ImportOptions import;
  import.strict = true;
  import.source = "350500.szb";
  import.file_name = "demo-enterprises.csv";
  ASSIGN_OR_RETURN(ImportReport report, registry.ImportEnterprises(system, csv, import));
  if (!report.committed) {
    std::string first = report.issues.empty() ? "" : report.issues[0].message;
    return absl::InternalError("the demo generator produced a bad row: " + first);
  }
  summary.enterprises = report.rows_ok;
  progress << "演示：已导入 " << report.rows_ok << " 家企业\n" << std::flush;

  AccountService accounts(store, clock, ids);
  for (const DemoUser& u : kStaff) {
    NewUser user{u.username, u.display_name, "staff", config.password, std::nullopt,
                 {RoleGrant{u.role, u.region,
                            *u.dept_kind ? std::string(u.region) + "." + u.dept_kind : ""}}};
    RETURN_IF_ERROR(accounts.CreateUser(system, user).status());
    summary.accounts.push_back(DemoAccount{u.username, u.display_name,
                                           std::string(RoleLabel(u.role)),
                                           ScopeText(u.region, u.dept_kind)});
  }
  // ent1 and ent2 act for two enterprises of different counties: the first rows of the
  // generator in 晋江 and elsewhere.
  std::vector<std::pair<std::string, std::string>> picks;  // uscc, name
  RETURN_IF_ERROR(store.InTx(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(store::Result jj, tx.Query("SELECT uscc, name FROM enterprises WHERE region "
                                                "= '350582' ORDER BY uscc LIMIT 1"));
    ASSIGN_OR_RETURN(store::Result other, tx.Query("SELECT uscc, name FROM enterprises WHERE "
                                                   "region <> '350582' ORDER BY uscc LIMIT 1"));
    for (auto* r : {&jj, &other}) {
      if (!r->rows.empty()) picks.emplace_back(r->rows[0].Text(0), r->rows[0].Text(1));
    }
    return absl::OkStatus();
  }));
  for (size_t i = 0; i < picks.size(); ++i) {
    std::string username = "ent" + std::to_string(i + 1);
    NewUser user{username, "企业经办人（" + picks[i].second + "）", "enterprise", config.password,
                 picks[i].first, {RoleGrant{std::string(kRoleEnterprise), "350500", ""}}};
    RETURN_IF_ERROR(accounts.CreateUser(system, user).status());
    summary.accounts.push_back(DemoAccount{username, user.display_name,
                                           std::string(RoleLabel(kRoleEnterprise)),
                                           picks[i].second + "（" + picks[i].first + "）"});
  }
  progress << "演示：已创建 " << summary.accounts.size() << " 个演示账号\n" << std::flush;

  CatalogService catalog(store, clock, rules);
  nlohmann::json policies = nlohmann::json::parse(DemoPoliciesJson());
  for (const nlohmann::json& p : policies) {
    std::string key = p.value("key", "");
    auto body = PolicyBodyFromJson(p);
    if (!body.ok()) {
      return absl::InternalError("demo policy " + key + ": " + std::string(body.status().message()));
    }
    auto id = catalog.Create(system, *body, key);
    if (!id.ok()) {
      return absl::InternalError("demo policy " + key + ": " + std::string(id.status().message()));
    }
    std::string status = p.value("status", "published");
    if (status != "draft") RETURN_IF_ERROR(catalog.Publish(system, *id).status());
    if (status == "suspended") {
      RETURN_IF_ERROR(catalog.SetStatus(system, *id, "suspended", "资金额度已用完，暂停受理（演示）"));
    } else if (status == "expired") {
      RETURN_IF_ERROR(catalog.SetStatus(system, *id, "expired", "政策有效期届满（演示）"));
    }
    ++summary.policies;
  }
  progress << "演示：已写入 " << summary.policies << " 项政策\n" << std::flush;

  auto officer = [](const char* username) {
    Actor a;
    a.username = username;
    a.kind = "staff";
    a.roles.push_back(RoleGrant{std::string(kRoleFinance), "350500", "350500.czj"});
    return a;
  };
  int year = core::TodayIn(clock.Now()).year();
  RETURN_IF_ERROR(BuildDemoFunds(store, clock, officer("finance"), officer("finance2"), year));
  progress << "演示：已创建 " << year << " 年度资金、指标与兑付记录\n" << std::flush;
  return summary;
}

}  // namespace zhida::services
