// 事前评估 (simulation, DESIGN.md §1; issue 3 §4): a policy version — a draft, or a what-if change
// of its rules or cap — screened over a snapshot of the registry's facts, before it is issued:
// how many enterprises it reaches, what it costs, where the money goes (county, industry section,
// scale), how that compares with the quota left; and, against another version, who gains, who
// loses and how the cost changes (OpenFisca's reform over a baseline).
//
// The same compiled programs and batch evaluator as 免申即享 screening (screening.h). Nothing is
// written: a simulation is a read, repeatable on the same snapshot (fact_snapshot.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/date.h"
#include "core/money.h"
#include "core/status.h"
#include "services/actor.h"
#include "services/policy.h"
#include "store/store.h"

namespace zhida::services {

struct SimulationRequest {
  int64_t policy_id = 0;
  std::optional<int> version;  // default: the latest version, a draft if there is one
  // What-if changes over that version's rules; unset keeps the version's own.
  std::optional<std::string> eligibility;
  std::optional<std::string> award;
  bool replace_cap = false;            // when true, `cap` replaces the version's cap
  std::optional<core::Money> cap;      // none: no cap
  // Changed parameters (a new rate, a new value from a date): each replaces the version's
  // parameter with the same code, or is added when the version has none of that code.
  std::vector<PolicyParameter> parameters;
  std::optional<int> compare_version;  // the baseline of the diff; none: no diff
  std::optional<core::Date> as_of;     // default: today (China time)
  int64_t snapshot_batch_id = 0;       // 0: the newest facts; else repeat an earlier run
  // The fund (ledger fund code, e.g. "GYZZ") the policy would draw on: the cost is compared with
  // the owner department's quota of that fund in the as-of year. Empty: no comparison.
  std::string fund;
};

// One group of a breakdown.
struct SimulationGroup {
  std::string key;    // "350582", "C", "small"
  std::string label;  // "晋江市", "制造业", "小型"
  int64_t eligible = 0;
  core::Money cost;
};

// An enterprise whose award differs between the baseline and the simulated version.
struct SimulationChange {
  std::string uscc;
  std::string name;
  core::Money before;  // 0 when not eligible in the baseline
  core::Money after;   // 0 when not eligible any more
};

struct SimulationDiff {
  int baseline_version = 0;
  int64_t baseline_eligible = 0;
  core::Money baseline_cost;
  int64_t gained = 0;   // eligible now, not in the baseline
  int64_t lost = 0;     // eligible in the baseline, not now
  int64_t changed = 0;  // eligible in both with a different award
  core::Money cost_change;  // cost − baseline cost (may be negative)
  // The largest changes by |after − before|, at most kSimulationChangesMax.
  std::vector<SimulationChange> largest_changes;
};

// The quota the policy draws on, when the ledger has one for its owner department, fund and year.
struct SimulationBudget {
  std::string fund;
  int fiscal_year = 0;
  core::Money available;   // what the quota can still give (posted and pending counted)
  core::Money shortfall;   // cost − available when the cost exceeds it, else 0
};

struct SimulationResult {
  int64_t policy_id = 0;
  int version = 0;
  bool what_if = false;  // eligibility, award or cap were replaced by the request
  core::Date as_of;
  int64_t snapshot_batch_id = 0;
  int64_t enterprises = 0;  // screened: the policy's county (or the whole city) and industries
  int64_t eligible = 0;
  int64_t not_eligible = 0;
  int64_t cannot_determine = 0;
  int64_t errors = 0;
  core::Money cost;  // Σ awards of the eligible
  std::vector<SimulationGroup> by_region, by_industry, by_scale;  // by cost, largest first
  // For the cannot-determine: field label → enterprises that need it, largest first.
  std::vector<std::pair<std::string, int64_t>> missing;
  std::vector<std::pair<std::string, int64_t>> error_codes;
  std::optional<SimulationBudget> budget;
  std::optional<SimulationDiff> diff;
};

inline constexpr size_t kSimulationChangesMax = 50;  // a list a person reads

class SimulationService {
 public:
  SimulationService(store::Store& store, const core::Clock& clock, int threads = 0);

  // Simulates `request` for `actor`, who must be allowed to see the policy's latest version (its
  // owner department's staff or the city's; catalog.h). Errors: kNotFound (no such policy or
  // version, or not visible), InvalidArgument "simulate.rule" naming `eligibility` or `award` with
  // the rule checker's first issue (line, column, Chinese message), NotFound "simulate.quota" when
  // `fund` has no quota of the owner department in that year.
  absl::StatusOr<SimulationResult> Simulate(const Actor& actor, const SimulationRequest& request);

 private:
  store::Store& store_;
  const core::Clock& clock_;
  int threads_;
};

}  // namespace zhida::services
