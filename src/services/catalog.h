// The policy catalog (issue 2 §6): versioned policies, their life cycle, and search.
//
// A policy has versions. A published version is immutable: editing a published policy makes a
// new draft version, and publishing it supersedes the old one. Later decisions (screenings,
// applications) record the version they used. Status: draft → published ⇄ suspended → expired.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/status.h"
#include "services/actor.h"
#include "services/policy.h"
#include "store/store.h"

namespace zhida::services {

struct VersionInfo {
  int version = 0;
  std::string status;  // draft, published, superseded
  std::string created_at;
  std::string published_at;  // "" until published
};

struct PolicyRecord {
  int64_t id = 0;
  std::string key;
  std::string status;  // of the policy: draft, published, suspended, expired
  int version = 0;     // the version `body` is
  std::string version_status;
  std::string published_at;
  std::string updated_at;
  PolicyBody body;
  std::vector<VersionInfo> versions;  // only those the actor may see
};

struct PolicyQuery {
  std::string q;
  std::string region;  // a county code gives that county's and the city's policies
  std::string dept;
  std::string mode;
  std::string industry;  // an enterprise's industry code or a section letter
  std::string status;    // "" = published (public), or draft/suspended/expired/all (staff)
  std::string in_force_on;  // YYYY-MM-DD
  std::string sort;         // relevance (default with q), published_desc (default), title
  int page = 1;
  int size = 20;
  static constexpr int kMaxSize = 100;  // a page is read by a person
};

struct PolicyPage {
  std::vector<PolicyRecord> items;  // versions lists left empty
  int64_t total = 0;
  int page = 1;
  int size = 20;
};

class CatalogService {
 public:
  CatalogService(store::Store& store, const core::Clock& clock, RuleValidator rules = nullptr);

  // Creates a policy as a draft (version 1). The actor must be a policy officer of the owner
  // department. `key` is an optional stable slug (a-z 0-9 -).
  absl::StatusOr<int64_t> Create(const Actor& actor, const PolicyBody& body,
                                 std::string_view key = {});
  // Edits the policy: changes the latest draft, or starts a new draft version when the latest is
  // published. Returns the version written.
  absl::StatusOr<int> Update(const Actor& actor, int64_t id, const PolicyBody& body);
  // Publishes the latest draft version; the previously published one becomes superseded.
  absl::StatusOr<int> Publish(const Actor& actor, int64_t id);
  // Suspends a published policy, resumes a suspended one, or marks it expired, with a reason.
  absl::Status SetStatus(const Actor& actor, int64_t id, std::string_view status,
                         std::string_view reason);

  // The policy as the actor may see it: the public sees the published version of a policy that
  // has one; its department's staff (and the city's) may ask for the latest (`latest`) or any
  // version. kNotFound when absent or not visible.
  absl::StatusOr<PolicyRecord> Get(const Actor* actor, int64_t id, std::optional<int> version,
                                   bool latest = false);
  // Finds a policy id by its key.
  absl::StatusOr<int64_t> IdForKey(std::string_view key);

  // Searches the catalog. `actor` may be null (the public).
  absl::StatusOr<PolicyPage> Search(const Actor* actor, const PolicyQuery& query);

 private:
  absl::Status CheckDepartments(store::Tx& tx, const PolicyBody& body);
  absl::Status CheckOfficer(const Actor& actor, std::string_view owner_dept);
  absl::Status RefreshDisplay(store::Tx& tx, int64_t id, int version, const PolicyBody& body,
                              std::string_view published_at);

  store::Store& store_;
  const core::Clock& clock_;
  RuleValidator rules_;
};

}  // namespace zhida::services
