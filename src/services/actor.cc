#include "services/actor.h"

#include <array>
#include <utility>

#include "core/region.h"

namespace zhida::services {

namespace {
constexpr std::array<std::pair<std::string_view, std::string_view>, 8> kRoles = {{
    {kRoleEnterprise, "企业用户"},
    {kRolePolicyOfficer, "政策主管部门经办人"},
    {kRoleReviewer, "联审部门审核人"},
    {kRoleFinance, "财政资金经办人"},
    {kRoleLeader, "领导（只读）"},
    {kRoleSysAdmin, "系统管理员"},
    {kRoleSecAdmin, "安全保密管理员"},
    {kRoleAuditAdmin, "安全审计员"},
}};
}  // namespace

bool IsKnownRole(std::string_view role) {
  for (const auto& [code, label] : kRoles) {
    if (code == role) return true;
  }
  return false;
}

std::string_view RoleLabel(std::string_view role) {
  for (const auto& [code, label] : kRoles) {
    if (code == role) return label;
  }
  return role;
}

Actor Actor::System() {
  Actor actor;
  actor.username = "system";
  actor.display_name = "系统（命令行）";
  actor.kind = "system";
  return actor;
}

bool Actor::HasRoleFor(std::string_view role, std::string_view region) const {
  if (IsSystem()) return true;
  for (const RoleGrant& grant : roles) {
    if (grant.role == role && core::RegionWithin(region, grant.region)) return true;
  }
  return false;
}

bool Actor::HasRoleInDept(std::string_view role, std::string_view dept) const {
  if (IsSystem()) return true;
  for (const RoleGrant& grant : roles) {
    if (grant.role != role) continue;
    if (grant.dept == dept) return true;
    // A grant without a department covers every department of its region's scope.
    std::string_view dept_region = dept.substr(0, dept.find('.'));
    if (grant.dept.empty() && core::RegionWithin(dept_region, grant.region)) return true;
  }
  return false;
}

bool Actor::HasRole(std::string_view role) const {
  if (IsSystem()) return true;
  for (const RoleGrant& grant : roles) {
    if (grant.role == role) return true;
  }
  return false;
}

bool Actor::CanSeeRegion(std::string_view region) const {
  if (IsSystem()) return true;
  if (kind != "staff") return false;
  for (const RoleGrant& grant : roles) {
    if (core::RegionWithin(region, grant.region)) return true;
  }
  return false;
}

}  // namespace zhida::services
