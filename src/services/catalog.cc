#include "services/catalog.h"

#include <map>

#include "core/date.h"
#include "core/region.h"
#include "services/common.h"
#include "services/reference.h"
#include "services/search_terms.h"

namespace zhida::services {

namespace {

using nlohmann::json;

absl::Status PolicyNotFound() {
  return NotFoundError("policy.not_found", "政策不存在或尚未发布", "no such published policy");
}

absl::Status ValidateKey(std::string_view key) {
  if (key.empty()) return absl::OkStatus();
  bool ok = key.size() <= 64;
  for (char c : key) ok = ok && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-');
  if (!ok) {
    return InvalidField("policy.key", "key", "政策标识只能包含小写字母、数字和 -，不超过 64 个字符",
                        "key may contain a-z, 0-9 and '-', at most 64 characters");
  }
  return absl::OkStatus();
}

// The industries column: space-separated and padded, so that `LIKE '% C19 %'` finds a prefix.
std::string IndustriesColumn(const std::vector<std::string>& industries) {
  std::string out = " ";
  for (const std::string& i : industries) out += i + " ";
  return out;
}

struct PolicyRow {
  int64_t id = 0;
  std::string key, status, region, owner_dept;
  std::optional<int64_t> current_version;
  int64_t latest_version = 0;
};

absl::StatusOr<PolicyRow> LoadPolicyRow(store::Tx& tx, int64_t id) {
  ASSIGN_OR_RETURN(store::Result rows,
                   tx.Query("SELECT id, COALESCE(key, ''), status, region, owner_dept, "
                            "current_version, latest_version FROM policies WHERE id = ?",
                            {id}));
  if (rows.rows.empty()) return PolicyNotFound();
  const store::Row& r = rows.rows[0];
  return PolicyRow{r.Int(0), r.Text(1), r.Text(2), r.Text(3), r.Text(4), r.OptInt(5), r.Int(6)};
}

absl::StatusOr<PolicyBody> BodyFromText(const std::string& text) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return absl::DataLossError("stored policy body is not JSON");
  return PolicyBodyFromJson(j);
}

absl::StatusOr<std::string> LatestVersionStatus(store::Tx& tx, int64_t id, int64_t version) {
  ASSIGN_OR_RETURN(store::Result rows,
                   tx.Query("SELECT status FROM policy_versions WHERE policy_id = ? AND version = ?",
                            {id, version}));
  if (rows.rows.empty()) return absl::DataLossError("policy version row missing");
  return rows.rows[0].Text(0);
}

// Regions whose drafts a staff actor may see: every region for city staff, else their counties.
std::vector<std::string> VisibleRegions(const Actor& actor) {
  std::vector<std::string> regions;
  for (const core::Region& r : core::AllRegions()) {
    if (actor.CanSeeRegion(r.code)) regions.emplace_back(r.code);
  }
  return regions;
}

bool IsStaff(const Actor* actor) {
  return actor != nullptr && (actor->IsSystem() || actor->kind == "staff");
}

}  // namespace

CatalogService::CatalogService(store::Store& store, const core::Clock& clock,
                               RuleValidator rules)
    : store_(store), clock_(clock), rules_(std::move(rules)) {}

absl::Status CatalogService::CheckOfficer(const Actor& actor, std::string_view owner_dept) {
  if (actor.HasRoleInDept(kRolePolicyOfficer, owner_dept)) return absl::OkStatus();
  return Forbidden("只有主管部门的政策经办人可以编辑该部门的政策",
                   "only policy officers of the owner department may edit its policies");
}

absl::Status CatalogService::CheckDepartments(store::Tx& tx, const PolicyBody& body) {
  for (auto [field, code] : {std::pair<const char*, const std::string*>{"owner_dept",
                                                                        &body.owner_dept},
                             {"accepting_dept", &body.accepting_dept}}) {
    auto dept = GetDepartment(tx, *code);
    if (!dept.ok()) {
      return InvalidField("policy.invalid", field,
                          std::string(field) + "：部门不存在：" + *code,
                          std::string(field) + ": no such department");
    }
  }
  return absl::OkStatus();
}

absl::Status CatalogService::RefreshDisplay(store::Tx& tx, int64_t id, int version,
                                            const PolicyBody& body,
                                            std::string_view published_at) {
  std::string now = TimeText(clock_.Now());
  RETURN_IF_ERROR(tx.Exec("UPDATE policies SET title = ?, level = ?, region = ?, owner_dept = ?, "
                          "mode = ?, industries = ?, effective_from = ?, effective_to = ?, "
                          "published_at = ?, updated_at = ? WHERE id = ?",
                          {body.title, body.level, body.region, body.owner_dept, body.mode,
                           IndustriesColumn(body.industries), body.effective.from,
                           body.effective.to.empty() ? store::Null()
                                                     : store::Value(body.effective.to),
                           published_at.empty() ? store::Null()
                                                : store::Value(std::string(published_at)),
                           now, id})
                      .status());
  std::map<std::string, int> terms;
  AddIndexTerms(body.title, 3, &terms);
  for (const BasisRef& b : body.basis) {
    AddIndexTerms(b.document, 2, &terms);
    AddIndexTerms(b.article, 2, &terms);
  }
  AddIndexTerms(body.summary, 1, &terms);
  AddIndexTerms(body.beneficiaries, 1, &terms);
  AddIndexTerms(DepartmentName(body.region, body.owner_dept.substr(body.owner_dept.find('.') + 1)),
                1, &terms);
  RETURN_IF_ERROR(tx.Exec("DELETE FROM policy_terms WHERE policy_id = ?", {id}).status());
  for (const auto& [term, weight] : terms) {
    RETURN_IF_ERROR(tx.Exec("INSERT INTO policy_terms (term, policy_id, weight) VALUES (?, ?, ?)",
                            {term, id, static_cast<int64_t>(weight)})
                        .status());
  }
  (void)version;
  return absl::OkStatus();
}

absl::StatusOr<int64_t> CatalogService::Create(const Actor& actor, const PolicyBody& body,
                                               std::string_view key) {
  RETURN_IF_ERROR(CheckOfficer(actor, body.owner_dept));
  RETURN_IF_ERROR(ValidateKey(key));
  RETURN_IF_ERROR(ValidatePolicyBody(body, rules_));
  int64_t id = 0;
  RETURN_IF_ERROR(store_.InTx(store::TxMode::kWrite, [&](store::Tx& tx) -> absl::Status {
    RETURN_IF_ERROR(CheckDepartments(tx, body));
    if (!key.empty()) {
      ASSIGN_OR_RETURN(store::Result dup, tx.Query("SELECT id FROM policies WHERE key = ?",
                                                   {std::string(key)}));
      if (!dup.rows.empty()) {
        return MakeError(absl::StatusCode::kAlreadyExists, "policy.key_exists", "key",
                         "政策标识已被使用：" + std::string(key), "the key is taken");
      }
    }
    std::string now = TimeText(clock_.Now());
    ASSIGN_OR_RETURN(store::Result inserted,
                     tx.Query("INSERT INTO policies (key, status, latest_version, title, level, "
                              "region, owner_dept, mode, industries, effective_from, created_at, "
                              "updated_at) VALUES (?, 'draft', 1, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                              "RETURNING id",
                              {key.empty() ? store::Null() : store::Value(std::string(key)),
                               body.title, body.level, body.region, body.owner_dept, body.mode,
                               IndustriesColumn(body.industries), body.effective.from, now, now}));
    id = inserted.rows.at(0).Int(0);
    RETURN_IF_ERROR(tx.Exec("INSERT INTO policy_versions (policy_id, version, status, body, "
                            "created_by, created_at) VALUES (?, 1, 'draft', ?, ?, ?)",
                            {id, PolicyBodyToJson(body).dump(),
                             actor.user_id == 0 ? store::Null() : store::Value(actor.user_id),
                             now})
                        .status());
    RETURN_IF_ERROR(RefreshDisplay(tx, id, 1, body, ""));
    return Audit(tx, clock_.Now(), actor, "policy.create", "policy", std::to_string(id),
                 {{"title", body.title}, {"version", 1}});
  }));
  return id;
}

absl::StatusOr<int> CatalogService::Update(const Actor& actor, int64_t id,
                                           const PolicyBody& body) {
  RETURN_IF_ERROR(ValidatePolicyBody(body, rules_));
  int written = 0;
  RETURN_IF_ERROR(store_.InTx(store::TxMode::kWrite, [&](store::Tx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(PolicyRow row, LoadPolicyRow(tx, id));
    RETURN_IF_ERROR(CheckOfficer(actor, row.owner_dept));
    RETURN_IF_ERROR(CheckOfficer(actor, body.owner_dept));
    RETURN_IF_ERROR(CheckDepartments(tx, body));
    if (row.status == "expired") {
      return MakeError(absl::StatusCode::kFailedPrecondition, "policy.expired", "",
                       "已失效的政策不能修改，请新建政策", "an expired policy cannot be edited");
    }
    ASSIGN_OR_RETURN(std::string latest_status, LatestVersionStatus(tx, id, row.latest_version));
    std::string now = TimeText(clock_.Now());
    std::string text = PolicyBodyToJson(body).dump();
    if (latest_status == "draft") {
      written = static_cast<int>(row.latest_version);
      RETURN_IF_ERROR(tx.Exec("UPDATE policy_versions SET body = ?, created_by = ?, "
                              "created_at = ? WHERE policy_id = ? AND version = ?",
                              {text, actor.user_id == 0 ? store::Null() : store::Value(actor.user_id),
                               now, id, row.latest_version})
                          .status());
    } else {
      written = static_cast<int>(row.latest_version + 1);
      RETURN_IF_ERROR(tx.Exec("INSERT INTO policy_versions (policy_id, version, status, body, "
                              "created_by, created_at) VALUES (?, ?, 'draft', ?, ?, ?)",
                              {id, static_cast<int64_t>(written), text,
                               actor.user_id == 0 ? store::Null() : store::Value(actor.user_id),
                               now})
                          .status());
      RETURN_IF_ERROR(tx.Exec("UPDATE policies SET latest_version = ?, updated_at = ? WHERE id = ?",
                              {static_cast<int64_t>(written), now, id})
                          .status());
    }
    if (!row.current_version) RETURN_IF_ERROR(RefreshDisplay(tx, id, written, body, ""));
    return Audit(tx, clock_.Now(), actor, "policy.update", "policy", std::to_string(id),
                 {{"version", written}});
  }));
  return written;
}

absl::StatusOr<int> CatalogService::Publish(const Actor& actor, int64_t id) {
  int published = 0;
  RETURN_IF_ERROR(store_.InTx(store::TxMode::kWrite, [&](store::Tx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(PolicyRow row, LoadPolicyRow(tx, id));
    RETURN_IF_ERROR(CheckOfficer(actor, row.owner_dept));
    if (row.status == "expired") {
      return MakeError(absl::StatusCode::kFailedPrecondition, "policy.expired", "",
                       "已失效的政策不能发布", "an expired policy cannot be published");
    }
    ASSIGN_OR_RETURN(store::Result latest,
                     tx.Query("SELECT status, body FROM policy_versions WHERE policy_id = ? AND "
                              "version = ?",
                              {id, row.latest_version}));
    if (latest.rows.empty() || latest.rows[0].Text(0) != "draft") {
      return MakeError(absl::StatusCode::kFailedPrecondition, "policy.no_draft", "",
                       "没有待发布的草稿版本", "there is no draft version to publish");
    }
    ASSIGN_OR_RETURN(PolicyBody body, BodyFromText(latest.rows[0].Text(1)));
    // Rules are checked again: the field schema may have changed since the draft was saved.
    RETURN_IF_ERROR(ValidatePolicyBody(body, rules_));
    std::string now = TimeText(clock_.Now());
    RETURN_IF_ERROR(tx.Exec("UPDATE policy_versions SET status = 'superseded' WHERE policy_id = ? "
                            "AND status = 'published'",
                            {id})
                        .status());
    RETURN_IF_ERROR(tx.Exec("UPDATE policy_versions SET status = 'published', published_by = ?, "
                            "published_at = ? WHERE policy_id = ? AND version = ?",
                            {actor.user_id == 0 ? store::Null() : store::Value(actor.user_id), now,
                             id, row.latest_version})
                        .status());
    RETURN_IF_ERROR(tx.Exec("UPDATE policies SET status = 'published', current_version = ? "
                            "WHERE id = ?",
                            {row.latest_version, id})
                        .status());
    published = static_cast<int>(row.latest_version);
    RETURN_IF_ERROR(RefreshDisplay(tx, id, published, body, now));
    return Audit(tx, clock_.Now(), actor, "policy.publish", "policy", std::to_string(id),
                 {{"version", published}});
  }));
  return published;
}

absl::Status CatalogService::SetStatus(const Actor& actor, int64_t id, std::string_view status,
                                       std::string_view reason) {
  if (status != "published" && status != "suspended" && status != "expired") {
    return InvalidField("policy.status", "status", "状态应为 published、suspended 或 expired",
                        "status must be published, suspended or expired");
  }
  if (reason.empty() || reason.size() > 600) {
    return InvalidField("policy.reason", "reason", "请填写原因（不超过 200 字）",
                        "a reason is required (at most 200 characters)");
  }
  return store_.InTx(store::TxMode::kWrite, [&](store::Tx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(PolicyRow row, LoadPolicyRow(tx, id));
    RETURN_IF_ERROR(CheckOfficer(actor, row.owner_dept));
    bool allowed = (row.status == "published" && status == "suspended") ||
                   (row.status == "suspended" && status == "published") ||
                   ((row.status == "published" || row.status == "suspended") &&
                    status == "expired");
    if (!allowed) {
      return MakeError(absl::StatusCode::kFailedPrecondition, "policy.transition", "status",
                       "政策当前状态为“" + row.status + "”，不能改为“" + std::string(status) + "”",
                       "cannot change status from " + row.status + " to " + std::string(status));
    }
    RETURN_IF_ERROR(tx.Exec("UPDATE policies SET status = ?, updated_at = ? WHERE id = ?",
                            {std::string(status), TimeText(clock_.Now()), id})
                        .status());
    return Audit(tx, clock_.Now(), actor, "policy.status", "policy", std::to_string(id),
                 {{"from", row.status}, {"to", std::string(status)}, {"reason", std::string(reason)}});
  });
}

absl::StatusOr<int64_t> CatalogService::IdForKey(std::string_view key) {
  int64_t id = 0;
  RETURN_IF_ERROR(store_.InTx(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(store::Result rows, tx.Query("SELECT id FROM policies WHERE key = ?",
                                                  {std::string(key)}));
    if (rows.rows.empty()) return PolicyNotFound();
    id = rows.rows[0].Int(0);
    return absl::OkStatus();
  }));
  return id;
}

absl::StatusOr<PolicyRecord> CatalogService::Get(const Actor* actor, int64_t id,
                                                 std::optional<int> version, bool latest) {
  PolicyRecord record;
  RETURN_IF_ERROR(store_.InTx(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(PolicyRow row, LoadPolicyRow(tx, id));
    bool staff = IsStaff(actor) && actor->CanSeeRegion(row.region);
    int64_t wanted = 0;
    if (version) {
      wanted = *version;
    } else if (latest && staff) {
      wanted = row.latest_version;
    } else if (row.current_version) {
      wanted = *row.current_version;
    } else if (staff) {
      wanted = row.latest_version;
    } else {
      return PolicyNotFound();
    }
    ASSIGN_OR_RETURN(store::Result versions,
                     tx.Query("SELECT version, status, created_at, COALESCE(published_at, ''), "
                              "body FROM policy_versions WHERE policy_id = ? ORDER BY version",
                              {id}));
    bool found = false;
    for (const store::Row& v : versions.rows) {
      VersionInfo info{static_cast<int>(v.Int(0)), v.Text(1), v.Text(2), v.Text(3)};
      bool visible = staff || info.status != "draft";
      if (!visible) continue;
      record.versions.push_back(info);
      if (info.version == wanted) {
        found = true;
        ASSIGN_OR_RETURN(record.body, BodyFromText(v.Text(4)));
        record.version = info.version;
        record.version_status = info.status;
        record.published_at = info.published_at;
      }
    }
    if (!found) {
      return NotFoundError("policy.version_not_found", "该政策没有这个版本",
                           "no such version of this policy");
    }
    record.id = row.id;
    record.key = row.key;
    record.status = row.status;
    return absl::OkStatus();
  }));
  return record;
}

absl::StatusOr<PolicyPage> CatalogService::Search(const Actor* actor, const PolicyQuery& query) {
  PolicyPage page;
  if (query.page < 1 || query.page > 10000) {
    return InvalidField("query.page", "page", "页码应为 1 至 10000", "page must be 1 to 10000");
  }
  if (query.size < 1 || query.size > PolicyQuery::kMaxSize) {
    return InvalidField("query.size", "size", "每页条数应为 1 至 100", "size must be 1 to 100");
  }
  if (query.q.size() > 300) {
    return InvalidField("query.q", "q", "搜索词过长（不超过 100 个字）", "the query is too long");
  }
  page.page = query.page;
  page.size = query.size;

  std::string where = " WHERE 1 = 1";
  std::vector<store::Value> params;
  bool staff = IsStaff(actor);
  std::string status = query.status.empty() ? "published" : query.status;
  if (status != "published" && status != "suspended" && status != "expired" &&
      status != "draft" && status != "all") {
    return InvalidField("query.status", "status",
                        "状态应为 published、suspended、expired、draft 或 all", "unknown status");
  }
  if ((status == "draft" || status == "all") && !staff) {
    return Forbidden("查看草稿政策", "see draft policies");
  }
  if (status != "all") {
    where += " AND p.status = ?";
    params.emplace_back(status);
  }
  if (staff && !actor->IsSystem() && (status == "draft" || status == "all")) {
    std::vector<std::string> regions = VisibleRegions(*actor);
    where += " AND (p.status <> 'draft' OR p.region IN (''";
    for (const std::string& r : regions) {
      where += ", ?";
      params.emplace_back(r);
    }
    where += "))";
  }
  if (!query.region.empty()) {
    const core::Region* region = core::FindRegion(query.region);
    if (region == nullptr) {
      return InvalidField("query.region", "region", "不是泉州市的行政区划代码：" + query.region,
                          "unknown region");
    }
    if (region->level == core::RegionLevel::kCity) {
      where += " AND p.region = ?";
      params.emplace_back(query.region);
    } else {
      where += " AND p.region IN (?, ?)";
      params.emplace_back(query.region);
      params.emplace_back(std::string(core::kCityRegion));
    }
  }
  if (!query.dept.empty()) {
    where += " AND p.owner_dept = ?";
    params.emplace_back(query.dept);
  }
  if (!query.mode.empty()) {
    if (query.mode != "auto" && query.mode != "apply") {
      return InvalidField("query.mode", "mode", "兑现方式应为 auto（免申即享）或 apply（即申即享）",
                          "mode must be auto or apply");
    }
    where += " AND p.mode = ?";
    params.emplace_back(query.mode);
  }
  if (!query.industry.empty()) {
    const std::string& ind = query.industry;
    bool ok = ind.size() <= 5 && ind[0] >= 'A' && ind[0] <= 'T';
    for (size_t i = 1; i < ind.size(); ++i) ok = ok && ind[i] >= '0' && ind[i] <= '9';
    if (!ok) {
      return InvalidField("query.industry", "industry", "行业应为 GB/T 4754 代码，如 C 或 C1951",
                          "industry must be a GB/T 4754 code");
    }
    // A policy applies when it names no industry, names a prefix of this one, or names a more
    // specific code under it.
    where += " AND (p.industries = ' ' OR p.industries LIKE ?";
    params.emplace_back("% " + ind + "%");
    for (size_t len = 1; len < ind.size(); ++len) {
      where += " OR p.industries LIKE ?";
      params.emplace_back("% " + ind.substr(0, len) + " %");
    }
    where += ")";
  }
  if (!query.in_force_on.empty()) {
    if (!core::Date::Parse(query.in_force_on).ok()) {
      return InvalidField("query.in_force_on", "in_force_on", "日期应为 YYYY-MM-DD",
                          "in_force_on must be YYYY-MM-DD");
    }
    where += " AND p.effective_from <= ? AND (p.effective_to IS NULL OR p.effective_to >= ?)";
    params.emplace_back(query.in_force_on);
    params.emplace_back(query.in_force_on);
  }
  std::vector<std::string> terms = QueryTerms(query.q);
  std::string term_list;
  for (size_t i = 0; i < terms.size(); ++i) term_list += i == 0 ? "?" : ", ?";
  std::vector<store::Value> score_params;
  if (!terms.empty()) {
    where += " AND p.id IN (SELECT policy_id FROM policy_terms WHERE term IN (" + term_list +
             ") GROUP BY policy_id HAVING COUNT(*) = ?)";
    for (const std::string& t : terms) params.emplace_back(t);
    params.emplace_back(static_cast<int64_t>(terms.size()));
    for (const std::string& t : terms) score_params.emplace_back(t);
  }

  std::string sort = query.sort.empty() ? (terms.empty() ? "published_desc" : "relevance")
                                        : query.sort;
  std::string order;
  if (sort == "relevance") {
    order = terms.empty() ? " ORDER BY COALESCE(p.published_at, p.updated_at) DESC, p.id DESC"
                          : " ORDER BY score DESC, COALESCE(p.published_at, p.updated_at) DESC, "
                            "p.id DESC";
  } else if (sort == "published_desc") {
    order = " ORDER BY COALESCE(p.published_at, p.updated_at) DESC, p.id DESC";
  } else if (sort == "title") {
    order = " ORDER BY p.title, p.id";
  } else {
    return InvalidField("query.sort", "sort", "排序应为 relevance、published_desc 或 title",
                        "sort must be relevance, published_desc or title");
  }
  std::string score = terms.empty()
                          ? std::string("0")
                          : "(SELECT COALESCE(SUM(t.weight), 0) FROM policy_terms t WHERE "
                            "t.policy_id = p.id AND t.term IN (" + term_list + "))";

  RETURN_IF_ERROR(store_.InTx(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    page.items.clear();
    ASSIGN_OR_RETURN(store::Result count,
                     tx.Query("SELECT COUNT(*) FROM policies p" + where, params));
    page.total = count.rows.at(0).Int(0);
    std::vector<store::Value> all = score_params;
    all.insert(all.end(), params.begin(), params.end());
    all.emplace_back(static_cast<int64_t>(query.size));
    all.emplace_back(static_cast<int64_t>(query.page - 1) * query.size);
    ASSIGN_OR_RETURN(
        store::Result rows,
        tx.Query("SELECT p.id, COALESCE(p.key, ''), p.status, v.version, v.status, "
                 "COALESCE(v.published_at, ''), p.updated_at, v.body, " + score + " AS score "
                 "FROM policies p JOIN policy_versions v ON v.policy_id = p.id AND v.version = "
                 "COALESCE(p.current_version, p.latest_version)" + where + order +
                 " LIMIT ? OFFSET ?",
                 all));
    for (const store::Row& r : rows.rows) {
      PolicyRecord rec;
      rec.id = r.Int(0);
      rec.key = r.Text(1);
      rec.status = r.Text(2);
      rec.version = static_cast<int>(r.Int(3));
      rec.version_status = r.Text(4);
      rec.published_at = r.Text(5);
      rec.updated_at = r.Text(6);
      ASSIGN_OR_RETURN(rec.body, BodyFromText(r.Text(7)));
      page.items.push_back(std::move(rec));
    }
    return absl::OkStatus();
  }));
  return page;
}

}  // namespace zhida::services
