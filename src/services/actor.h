// Who is acting: the user behind a request or a CLI command, with their scoped roles
// (DESIGN.md §6). Services receive an Actor and enforce scope themselves, so that HTTP handlers
// and CLI commands stay thin.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace zhida::services {

// Role codes, stored in user_roles.role and shown in the API.
inline constexpr std::string_view kRoleEnterprise = "enterprise";
inline constexpr std::string_view kRolePolicyOfficer = "policy_officer";
inline constexpr std::string_view kRoleReviewer = "reviewer";
inline constexpr std::string_view kRoleFinance = "finance";
inline constexpr std::string_view kRoleLeader = "leader";
inline constexpr std::string_view kRoleSysAdmin = "sysadmin";
inline constexpr std::string_view kRoleSecAdmin = "secadmin";
inline constexpr std::string_view kRoleAuditAdmin = "auditadmin";

// True for the role codes above.
bool IsKnownRole(std::string_view role);
// The Chinese name of a role, e.g. "政策主管部门经办人".
std::string_view RoleLabel(std::string_view role);

struct RoleGrant {
  std::string role;
  std::string region;  // 350500 for city staff, a county code for county staff
  std::string dept;    // department code, "" when not tied to a department
};

struct Actor {
  int64_t user_id = 0;  // 0 for the system (CLI commands run by the operator)
  std::string username;
  std::string display_name;
  std::string kind;  // staff, enterprise, system
  std::vector<RoleGrant> roles;
  std::optional<std::string> enterprise_uscc;  // set for enterprise users

  // The operator at the command line: may do anything (the CLI runs with the database file's
  // owner's authority, as sqlite3 would).
  static Actor System();
  bool IsSystem() const { return kind == "system"; }

  // True when the actor holds `role` for a region that covers `region` (the city covers its
  // counties; a county covers itself).
  bool HasRoleFor(std::string_view role, std::string_view region) const;
  // True when the actor holds `role` for department `dept`, or for the whole region of `dept`
  // without a department.
  bool HasRoleInDept(std::string_view role, std::string_view dept) const;
  // True when the actor holds `role` anywhere.
  bool HasRole(std::string_view role) const;
  // True when staff with any role may see data of `region` (city staff see everything, county
  // staff their county).
  bool CanSeeRegion(std::string_view region) const;
};

}  // namespace zhida::services
