// The demo database (issue 2 §9): Quanzhou's departments, one account per role, synthetic
// enterprises from the project's own generator, and policies modelled on real measures
// (data/demo/policies.json, embedded in the binary so that the product needs no files at run time).
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/ids.h"
#include "core/status.h"
#include "services/policy.h"
#include "store/store.h"

namespace zhida::services {

struct DemoConfig {
  int64_t enterprises = 20000;
  uint64_t seed = 1;
  std::string password;  // every demo account's password
};

struct DemoAccount {
  std::string username;
  std::string display_name;
  std::string role_label;  // 中文
  std::string scope;       // region / department / enterprise, 中文
};

struct DemoSummary {
  int64_t enterprises = 0;
  int64_t policies = 0;
  std::vector<DemoAccount> accounts;
};

// Fills an empty, migrated database with the demo. Fails with kFailedPrecondition when the
// database already has users (a demo is never mixed into real data). `progress` receives one line
// per step.
absl::StatusOr<DemoSummary> BuildDemo(store::Store& store, const core::Clock& clock,
                                      core::IdSource& ids, const DemoConfig& config,
                                      const RuleValidator& rules, std::ostream& progress);

// The embedded data/demo/policies.json.
std::string_view DemoPoliciesJson();

// Seeds the reference data every database needs (departments, field schema); idempotent.
absl::Status SeedReferenceData(store::Store& store);

}  // namespace zhida::services
