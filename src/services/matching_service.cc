// MatchingService: loading what Explain and MatchPolicies need (the field schema, the
// enterprise's facts within the actor's scope, the policies in force), then calling them.
#include "core/region.h"
#include "services/explain_format.h"
#include "services/matching.h"

namespace zhida::services {

MatchingService::MatchingService(store::Store& store, const core::Clock& clock,
                                 RegistryService& registry, CatalogService& catalog)
    : store_(store), clock_(clock), registry_(registry), catalog_(catalog) {}

core::Date MatchingService::DateOr(std::optional<core::Date> as_of) const {
  return as_of.value_or(core::TodayIn(clock_.Now()));
}

absl::StatusOr<std::shared_ptr<const rules::Schema>> MatchingService::LoadSchema() {
  // Read per call: a field added to the schema is usable at once (as POST /rules/check does).
  ASSIGN_OR_RETURN(std::shared_ptr<const RuleChecker> checker, RuleChecker::Load(store_));
  return checker->schema();
}

absl::StatusOr<FactSheet> MatchingService::LoadSheet(
    const Actor& actor, std::string_view uscc, const std::shared_ptr<const rules::Schema>& schema,
    core::Date as_of, Enterprise* enterprise) {
  // The registry enforces the scope (kNotFound when out of it, so existence is not disclosed).
  ASSIGN_OR_RETURN(EnterpriseView view, registry_.Get(actor, uscc, as_of));
  std::string updated_at;
  RETURN_IF_ERROR(store_.InTx(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(store::Result rows, tx.Query("SELECT updated_at FROM enterprises WHERE "
                                                  "uscc = ?",
                                                  {std::string(uscc)}));
    if (!rows.rows.empty()) updated_at = rows.rows[0].Text(0);
    return absl::OkStatus();
  }));
  *enterprise = view.enterprise;
  return FactSheetFromRegistry(schema, view, updated_at, as_of);
}

absl::StatusOr<std::vector<PolicyRecord>> MatchingService::InForce(std::string_view region,
                                                                   core::Date as_of) {
  // The public view of the catalog: published policies only, the county's and the city's.
  PolicyQuery query;
  query.region = std::string(region);
  query.in_force_on = as_of.ToString();
  query.sort = "title";
  query.size = PolicyQuery::kMaxSize;
  std::vector<PolicyRecord> out;
  for (query.page = 1;; ++query.page) {
    ASSIGN_OR_RETURN(PolicyPage page, catalog_.Search(nullptr, query));
    for (PolicyRecord& p : page.items) out.push_back(std::move(p));
    if (page.items.empty() || static_cast<int64_t>(out.size()) >= page.total) break;
    if (static_cast<int>(out.size()) >= kPoliciesMax) break;
  }
  if (out.size() > static_cast<size_t>(kPoliciesMax)) out.resize(kPoliciesMax);
  return out;
}

absl::StatusOr<MatchResult> MatchingService::Match(const Actor& actor, std::string_view uscc,
                                                   std::optional<core::Date> as_of) {
  const core::Date date = DateOr(as_of);
  ASSIGN_OR_RETURN(std::shared_ptr<const rules::Schema> schema, LoadSchema());
  Enterprise enterprise;
  ASSIGN_OR_RETURN(FactSheet sheet, LoadSheet(actor, uscc, schema, date, &enterprise));
  ASSIGN_OR_RETURN(std::vector<PolicyRecord> records, InForce(enterprise.region, date));
  std::vector<PolicyRules> policies;
  std::vector<ErrorMatch> broken;
  for (PolicyRecord& record : records) {
    absl::StatusOr<PolicyRules> compiled = CompilePolicy(record, schema);
    if (!compiled.ok()) {
      // One stale rule must not hide every other policy from the enterprise.
      broken.push_back({std::move(record), ErrorCode(compiled.status()),
                        std::string(compiled.status().message())});
      continue;
    }
    policies.push_back(*std::move(compiled));
  }
  MatchResult result = MatchPolicies(policies, sheet);
  result.evaluated += static_cast<int>(broken.size());
  for (ErrorMatch& e : broken) result.errors.push_back(std::move(e));
  result.uscc = enterprise.uscc;
  result.name = enterprise.name;
  result.region = enterprise.region;
  return result;
}

absl::StatusOr<Explanation> MatchingService::ExplainEnterprise(const Actor& actor,
                                                               int64_t policy_id,
                                                               std::optional<int> version,
                                                               std::string_view uscc,
                                                               std::optional<core::Date> as_of) {
  const core::Date date = DateOr(as_of);
  ASSIGN_OR_RETURN(std::shared_ptr<const rules::Schema> schema, LoadSchema());
  Enterprise enterprise;
  ASSIGN_OR_RETURN(FactSheet sheet, LoadSheet(actor, uscc, schema, date, &enterprise));
  ASSIGN_OR_RETURN(PolicyRecord record, catalog_.Get(&actor, policy_id, version));
  ASSIGN_OR_RETURN(PolicyRules policy, CompilePolicy(record, schema));
  Explanation e = Explain(policy, sheet);
  e.notes = PolicyNotes(policy.record, date);
  return e;
}

absl::StatusOr<Explanation> MatchingService::ExplainFacts(const Actor* actor, int64_t policy_id,
                                                          std::optional<int> version,
                                                          const nlohmann::json& facts,
                                                          std::optional<core::Date> as_of) {
  const core::Date date = DateOr(as_of);
  ASSIGN_OR_RETURN(std::shared_ptr<const rules::Schema> schema, LoadSchema());
  ASSIGN_OR_RETURN(FactSheet sheet, FactSheetFromInput(schema, facts, date));
  ASSIGN_OR_RETURN(PolicyRecord record, catalog_.Get(actor, policy_id, version));
  ASSIGN_OR_RETURN(PolicyRules policy, CompilePolicy(record, schema));
  Explanation e = Explain(policy, sheet);
  e.notes = PolicyNotes(policy.record, date);
  return e;
}

std::vector<std::string> PolicyNotes(const PolicyRecord& policy, core::Date as_of) {
  std::vector<std::string> notes;
  if (policy.version_status == "draft") {
    notes.push_back("这是尚未发布的草稿（第 " + std::to_string(policy.version) + " 版）");
  } else if (policy.version_status == "superseded") {
    notes.push_back("这是已被新版本替代的第 " + std::to_string(policy.version) + " 版");
  }
  if (policy.status == "suspended") notes.push_back("该政策已暂停受理");
  if (policy.status == "expired") notes.push_back("该政策已失效");
  const DateRange& range = policy.body.effective;
  absl::StatusOr<core::Date> from = core::Date::Parse(range.from);
  absl::StatusOr<core::Date> to = core::Date::Parse(range.to);
  bool before = from.ok() && as_of < *from;
  bool after = !range.to.empty() && to.ok() && as_of > *to;
  if (before || after) {
    std::string period = from.ok() ? DateText(*from) : range.from;
    period += to.ok() ? " 至 " + DateText(*to) : " 起";
    notes.push_back(Tidy("该政策有效期为 " + period + "，" + DateText(as_of) + " 不在有效期内"));
  }
  return notes;
}

}  // namespace zhida::services
