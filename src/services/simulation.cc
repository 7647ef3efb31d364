#include "services/simulation.h"

#include <algorithm>
#include <map>
#include <utility>

#include "core/region.h"
#include "ledger/ledger.h"
#include "rules/issue.h"
#include "services/catalog.h"
#include "services/common.h"
#include "services/fact_sheet.h"
#include "services/fact_snapshot.h"
#include "services/reference.h"
#include "services/rule_check.h"
#include "services/screening.h"

namespace zhida::services {
namespace {

constexpr std::string_view kSimulated = "simulated";
constexpr std::string_view kBaseline = "baseline";

// Section names of GB/T 4754-2017 (门类), by letter.
std::string_view SectionName(char section) {
  static constexpr std::string_view kNames[] = {
      "农、林、牧、渔业", "采矿业", "制造业", "电力、热力、燃气及水生产和供应业", "建筑业",
      "批发和零售业", "交通运输、仓储和邮政业", "住宿和餐饮业", "信息传输、软件和信息技术服务业",
      "金融业", "房地产业", "租赁和商务服务业", "科学研究和技术服务业",
      "水利、环境和公共设施管理业", "居民服务、修理和其他服务业", "教育", "卫生和社会工作",
      "文化、体育和娱乐业", "公共管理、社会保障和社会组织", "国际组织"};
  if (section < 'A' || section > 'T') return "未知门类";
  return kNames[section - 'A'];
}

std::string_view ScaleName(std::string_view scale) {
  if (scale == "micro") return "微型";
  if (scale == "small") return "小型";
  if (scale == "medium") return "中型";
  if (scale == "large") return "大型";
  return "未知规模";
}

// Sums of one breakdown, keyed by group.
class Groups {
 public:
  void Add(std::string key, std::string_view label, int64_t fen) {
    Group& g = groups_[key];
    g.label = label;
    ++g.eligible;
    g.fen += fen;
  }
  std::vector<SimulationGroup> Sorted() const {
    std::vector<SimulationGroup> out;
    for (const auto& [key, g] : groups_) {
      out.push_back(SimulationGroup{key, g.label, g.eligible,
                                    core::Money::FromFen(static_cast<int64_t>(g.fen))});
    }
    std::stable_sort(out.begin(), out.end(), [](const SimulationGroup& a, const SimulationGroup& b) {
      return a.cost > b.cost;
    });
    return out;
  }

 private:
  struct Group {
    std::string label;
    int64_t eligible = 0;
    __int128 fen = 0;
  };
  std::map<std::string, Group> groups_;
};

// The text of string field `code` of snapshot row `row`, "" when unknown.
std::string_view Text(const rules::ColumnTable& table, int field, int64_t row) {
  if (field < 0) return {};
  const rules::Column& column = table.column(field);
  if (column.cell_state(row) != rules::CellState::kKnown) return {};
  return column.StringAt(row);
}

// Totals and breakdowns of the eligible rows of policy `id`.
absl::Status Summarize(const ScreenResult& screened, std::string_view id,
                       const FactSnapshot& snapshot, SimulationResult* out) {
  const rules::ColumnTable& table = *snapshot.table;
  const rules::Schema& schema = *table.schema();
  const int region = schema.FieldIndex("region");
  const int industry = schema.FieldIndex("industry");
  const int scale = schema.FieldIndex("scale");
  Groups regions, industries, scales;
  __int128 cost = 0;
  for (const ScreenRow& row : screened.rows) {
    if (row.policy_id != id) continue;
    auto at = std::lower_bound(snapshot.usccs.begin(), snapshot.usccs.end(), row.uscc);
    const int64_t r = at - snapshot.usccs.begin();
    const int64_t fen = row.award.fen();
    cost += fen;
    ++out->eligible;
    std::string_view code = Text(table, region, r);
    const core::Region* found = core::FindRegion(code);
    regions.Add(std::string(code), found != nullptr ? found->name : "未知地区", fen);
    std::string_view ind = Text(table, industry, r);
    char section = ind.empty() ? '?' : ind[0];
    industries.Add(std::string(1, section), SectionName(section), fen);
    std::string_view sc = Text(table, scale, r);
    scales.Add(std::string(sc), ScaleName(sc), fen);
  }
  if (cost > INT64_MAX) {
    return absl::OutOfRangeError("the simulated cost exceeds the range of an amount");
  }
  out->cost = core::Money::FromFen(static_cast<int64_t>(cost));
  out->by_region = regions.Sorted();
  out->by_industry = industries.Sorted();
  out->by_scale = scales.Sorted();
  return absl::OkStatus();
}

// Awards of policy `id` by uscc (the result's rows are sorted by uscc within a policy).
std::vector<std::pair<std::string_view, int64_t>> Awards(const ScreenResult& screened,
                                                         std::string_view id) {
  std::vector<std::pair<std::string_view, int64_t>> out;
  for (const ScreenRow& row : screened.rows) {
    if (row.policy_id == id) out.emplace_back(row.uscc, row.award.fen());
  }
  return out;
}

// Who gains and who loses from the baseline to the simulated version.
absl::StatusOr<SimulationDiff> Diff(store::Store& store, const ScreenResult& screened,
                                    const ScreenResult& base, int baseline_version) {
  auto now = Awards(screened, kSimulated);
  auto before = Awards(base, kBaseline);
  SimulationDiff diff;
  diff.baseline_version = baseline_version;
  diff.baseline_eligible = static_cast<int64_t>(before.size());
  __int128 cost_before = 0, cost_now = 0;
  std::vector<SimulationChange> changes;
  size_t i = 0, j = 0;
  while (i < now.size() || j < before.size()) {
    int order = i == now.size() ? 1 : j == before.size() ? -1 : now[i].first.compare(before[j].first);
    int64_t after_fen = order <= 0 ? now[i].second : 0;
    int64_t before_fen = order >= 0 ? before[j].second : 0;
    std::string_view uscc = order <= 0 ? now[i].first : before[j].first;
    cost_now += after_fen;
    cost_before += before_fen;
    if (order < 0) ++diff.gained;
    if (order > 0) ++diff.lost;
    if (order == 0 && after_fen != before_fen) ++diff.changed;
    if (after_fen != before_fen) {
      changes.push_back(SimulationChange{std::string(uscc), "", core::Money::FromFen(before_fen),
                                         core::Money::FromFen(after_fen)});
    }
    if (order <= 0) ++i;
    if (order >= 0) ++j;
  }
  diff.baseline_cost = core::Money::FromFen(static_cast<int64_t>(cost_before));
  diff.cost_change = core::Money::FromFen(static_cast<int64_t>(cost_now - cost_before));
  auto size = [](const SimulationChange& c) {
    __int128 d = static_cast<__int128>(c.after.fen()) - c.before.fen();
    return d < 0 ? -d : d;
  };
  std::stable_sort(changes.begin(), changes.end(),
                   [&](const SimulationChange& a, const SimulationChange& b) {
                     return size(a) > size(b);
                   });
  if (changes.size() > kSimulationChangesMax) changes.resize(kSimulationChangesMax);
  RETURN_IF_ERROR(store.InTx(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    for (SimulationChange& c : changes) {
      ASSIGN_OR_RETURN(store::Result r,
                       tx.Query("SELECT name FROM enterprises WHERE uscc = ?", {c.uscc}));
      if (!r.rows.empty()) c.name = r.rows[0].Text(0);
    }
    return absl::OkStatus();
  }));
  diff.largest_changes = std::move(changes);
  return diff;
}

// The owner department's quota of `fund` in the as-of year, against the simulated cost.
absl::StatusOr<SimulationBudget> Budget(store::Store& store, const core::Clock& clock,
                                        const std::string& fund, const PolicyBody& body,
                                        core::Date as_of, core::Money cost) {
  ledger::Ledger ledger(&store, &clock);
  ledger::AccountKey key{fund, as_of.year(), ledger::AccountKind::kQuota, body.owner_dept};
  ASSIGN_OR_RETURN(std::optional<ledger::Account> quota, ledger.FindAccount(key));
  if (!quota) {
    return NotFoundError("simulate.quota",
                         absl::StrCat("资金 ", fund, " 在 ", as_of.year(), " 年没有主管部门 ",
                                      body.owner_dept, " 的指标"),
                         "no quota of the owner department in that fund and year");
  }
  SimulationBudget budget;
  budget.fund = fund;
  budget.fiscal_year = as_of.year();
  const __int128 available = ledger::CreditsAvailable(quota->balance);
  budget.available = core::Money::FromFen(static_cast<int64_t>(available));
  budget.shortfall = core::Money::FromFen(
      cost.fen() > available ? static_cast<int64_t>(cost.fen() - available) : 0);
  return budget;
}

// `body` to screen over `fields` (the snapshot table's schema) with its parameters.
absl::StatusOr<ScreenPolicy> ToScreenPolicy(std::string_view id, const PolicyBody& body,
                                            const std::shared_ptr<const rules::Schema>& fields) {
  ASSIGN_OR_RETURN(std::shared_ptr<const rules::Schema> schema,
                   PolicySchema(fields, body.parameters));
  return ScreenPolicy{std::string(id), body.eligibility, body.award, body.award_cap,
                      std::move(schema)};
}

// `body` with the request's what-if changes.
PolicyBody WhatIf(PolicyBody body, const SimulationRequest& request) {
  if (request.eligibility) body.eligibility = *request.eligibility;
  if (request.award) body.award = *request.award;
  if (request.replace_cap) body.award_cap = request.cap;
  for (const PolicyParameter& changed : request.parameters) {
    auto same = std::find_if(body.parameters.begin(), body.parameters.end(),
                             [&](const PolicyParameter& p) { return p.code == changed.code; });
    if (same != body.parameters.end()) {
      *same = changed;
    } else {
      body.parameters.push_back(changed);
    }
  }
  return body;
}

}  // namespace

SimulationService::SimulationService(store::Store& store, const core::Clock& clock, int threads)
    : store_(store), clock_(clock), threads_(threads) {}

absl::StatusOr<SimulationResult> SimulationService::Simulate(const Actor& actor,
                                                             const SimulationRequest& request) {
  if (actor.kind == "enterprise") return Forbidden("进行事前评估", "simulate a policy");
  CatalogService catalog(store_, clock_);
  ASSIGN_OR_RETURN(PolicyRecord policy, catalog.Get(&actor, request.policy_id, request.version,
                                                    /*latest=*/!request.version.has_value()));
  SimulationResult out;
  out.policy_id = policy.id;
  out.version = policy.version;
  out.as_of = request.as_of.value_or(core::TodayIn(clock_.Now()));
  PolicyBody body = WhatIf(policy.body, request);
  out.what_if = request.eligibility || request.award || request.replace_cap ||
                !request.parameters.empty();

  ASSIGN_OR_RETURN(std::shared_ptr<const RuleChecker> checker, RuleChecker::Load(store_));
  const std::shared_ptr<const rules::Schema>& schema = checker->schema();
  // The changed parameters are checked alone first, so that an error names the request's entry.
  RETURN_IF_ERROR(PolicySchema(schema, request.parameters).status());
  ASSIGN_OR_RETURN(ScreenPolicy simulated, ToScreenPolicy(kSimulated, body, schema));
  RETURN_IF_ERROR(
      FirstRuleIssue(*checker, "simulate.rule", "eligibility", body.eligibility, simulated.schema));
  RETURN_IF_ERROR(FirstRuleIssue(*checker, "simulate.rule", "award", body.award, simulated.schema));

  std::optional<PolicyBody> baseline;
  if (request.compare_version) {
    ASSIGN_OR_RETURN(PolicyRecord record,
                     catalog.Get(&actor, request.policy_id, *request.compare_version));
    baseline = std::move(record.body);
  }

  SnapshotOptions scope;
  scope.region = body.level == "county" ? body.region : "";
  scope.industries = body.industries;
  scope.max_batch_id = request.snapshot_batch_id;
  ASSIGN_OR_RETURN(FactSnapshot snapshot, LoadFactSnapshot(store_, schema, scope));
  out.snapshot_batch_id = snapshot.max_batch_id;
  out.enterprises = static_cast<int64_t>(snapshot.usccs.size());

  EnterpriseTable table = EnterpriseTable::FromSnapshot(snapshot.table, snapshot.usccs);
  ScreenResult screened = Screen({std::move(simulated)}, table, out.as_of, threads_);
  RETURN_IF_ERROR(Summarize(screened, kSimulated, snapshot, &out));
  out.cannot_determine = screened.cannot_determine;
  out.errors = screened.errors;
  out.not_eligible = screened.not_eligible;
  for (const auto& [code, count] : screened.missing_by_field) {
    const rules::FieldDef* field = schema->FindField(code);
    out.missing.emplace_back(field != nullptr ? field->label_zh : code, count);
  }
  std::stable_sort(out.missing.begin(), out.missing.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  out.error_codes.assign(screened.errors_by_code.begin(), screened.errors_by_code.end());
  if (!request.fund.empty()) {
    ASSIGN_OR_RETURN(SimulationBudget budget,
                     Budget(store_, clock_, request.fund, body, out.as_of, out.cost));
    out.budget = budget;
  }
  if (baseline) {
    // The baseline is screened on the same snapshot, over its own county and industries only if
    // they are the simulated version's: a diff compares rules, not scopes.
    absl::StatusOr<ScreenPolicy> base_policy = ToScreenPolicy(kBaseline, *baseline, schema);
    if (!base_policy.ok()) {
      return InvalidField("simulate.rule", "compare_version",
                          "对比版本的参数无效：" + std::string(base_policy.status().message()));
    }
    ScreenResult base = Screen({*std::move(base_policy)}, table, out.as_of, threads_);
    if (!base.policy_errors.empty()) {
      return InvalidField("simulate.rule", "compare_version",
                          "对比版本的规则无法编译：" + base.policy_errors[0].message);
    }
    ASSIGN_OR_RETURN(SimulationDiff diff,
                     Diff(store_, screened, base, *request.compare_version));
    out.diff = std::move(diff);
  }
  return out;
}

}  // namespace zhida::services
