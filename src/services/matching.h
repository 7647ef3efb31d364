// Matching (精准推送, issue 3 §3): for one enterprise, every published policy in force on a date
// that it can see — its county's and the city's — evaluated on its facts, in three lists:
// eligible (with the award), near (one condition away, with the gap) and cannot determine (with
// the missing facts' labels, so that the portal can ask for them). Also the explanations of one
// policy for an enterprise's stored facts or for facts typed into the 政策计算器.
//
// Every decision names the policy version it used. Nothing is written.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/date.h"
#include "core/money.h"
#include "core/status.h"
#include "nlohmann/json.hpp"
#include "services/actor.h"
#include "services/catalog.h"
#include "services/explain.h"
#include "services/registry.h"
#include "store/store.h"

namespace zhida::services {

struct EligibleMatch {
  PolicyRecord policy;
  core::Money award;
};

// A policy the enterprise fails by exactly one top-level condition, all the others held.
struct NearMatch {
  PolicyRecord policy;
  ConditionExplanation condition;  // the failed one: its sentence and gap
};

struct UndeterminedMatch {
  PolicyRecord policy;
  std::vector<std::string> missing;         // field codes
  std::vector<std::string> missing_labels;  // 上年度营业收入, …
};

// A policy whose rule met a run-time error for this enterprise (not eligible, with the reason),
// or whose stored rule no longer compiles.
struct ErrorMatch {
  PolicyRecord policy;
  std::string code;
  std::string message;
};

struct MatchResult {
  std::string uscc;
  std::string name;
  std::string region;
  std::string as_of;                                // YYYY-MM-DD
  int evaluated = 0;                                // policies evaluated
  std::vector<EligibleMatch> eligible;              // by award, largest first
  std::vector<NearMatch> near;                      // gaps in amounts first, then by policy id
  std::vector<UndeterminedMatch> cannot_determine;  // fewest missing facts first
  std::vector<ErrorMatch> errors;
};

// The facts of the registration record (region, industry, scale, established). An enterprise
// cannot change them by effort, so failing a condition that reads only these is not a near
// miss: "move to 晋江" or "become a manufacturer" is not advice.
bool IsRegistrationField(std::string_view code);

// Sorts the policies into the lists for the enterprise in `sheet`. Pure.
MatchResult MatchPolicies(const std::vector<PolicyRules>& policies, const FactSheet& sheet);

class MatchingService {
 public:
  MatchingService(store::Store& store, const core::Clock& clock, RegistryService& registry,
                  CatalogService& catalog);

  // The three lists for enterprise `uscc` on `as_of` (default: today in China). The enterprise
  // must be visible to `actor` (an enterprise user: their own; staff: their region), else
  // kNotFound, as RegistryService::Get.
  absl::StatusOr<MatchResult> Match(const Actor& actor, std::string_view uscc,
                                    std::optional<core::Date> as_of);

  // Explains policy `policy_id` (the version the actor may see: `version`, or the published one)
  // for the stored facts of `uscc`, with the same scope rule as Match.
  absl::StatusOr<Explanation> ExplainEnterprise(const Actor& actor, int64_t policy_id,
                                                std::optional<int> version, std::string_view uscc,
                                                std::optional<core::Date> as_of);

  // Explains policy `policy_id` for facts supplied by the caller (the calculator; `actor` may be
  // null, the public): `facts` as CalculatorFacts returns it, checked by FactSheetFromInput.
  // Writes nothing.
  absl::StatusOr<Explanation> ExplainFacts(const Actor* actor, int64_t policy_id,
                                           std::optional<int> version, const nlohmann::json& facts,
                                           std::optional<core::Date> as_of);

  // The most policies one match evaluates: far more than a region has in force (the demo has
  // 25, Quanzhou publishes a few hundred a year), small enough to answer within a request.
  static constexpr int kPoliciesMax = 2000;

 private:
  absl::StatusOr<std::shared_ptr<const rules::Schema>> LoadSchema();
  // The enterprise's sheet (scope checked) and its registration record.
  absl::StatusOr<FactSheet> LoadSheet(const Actor& actor, std::string_view uscc,
                                      const std::shared_ptr<const rules::Schema>& schema,
                                      core::Date as_of, Enterprise* enterprise);
  absl::StatusOr<std::vector<PolicyRecord>> InForce(std::string_view region, core::Date as_of);
  core::Date DateOr(std::optional<core::Date> as_of) const;

  store::Store& store_;
  const core::Clock& clock_;
  RegistryService& registry_;
  CatalogService& catalog_;
};

// Notes about the policy itself for an explanation on `as_of`: not published, superseded, or
// out of its effective period.
std::vector<std::string> PolicyNotes(const PolicyRecord& policy, core::Date as_of);

}  // namespace zhida::services
