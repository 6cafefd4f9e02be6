#include "domain/permissions.h"

#include <algorithm>

namespace salesdb {

bool IsValidRole(std::string_view role) {
  return std::find(std::begin(kRoles), std::end(kRoles), role) != std::end(kRoles);
}

bool RoleHas(std::string_view role, Permission p) {
  if (role == "admin") return true;
  switch (p) {
    case Permission::kCustomerRead:
    case Permission::kDashboardRead:
      return role == "sales_manager" || role == "sales_rep" || role == "finance" || role == "viewer";
    case Permission::kCustomerWrite:
      return role == "sales_manager" || role == "sales_rep";
    case Permission::kLicenseWrite:
      return role == "sales_manager" || role == "sales_rep" || role == "finance";
    case Permission::kUserRead:
      return role == "sales_manager";
    case Permission::kUserWrite:
    case Permission::kBackupAdmin:
      return false;
    case Permission::kAuditRead:
    case Permission::kMonitoringRead:
      return role == "auditor";
  }
  return false;
}

Status Require(const Actor& actor, Permission p) {
  if (RoleHas(actor.role, p)) return Status::Ok();
  return PermissionDenied("your role (" + actor.role + ") may not do this");
}

RowAccess CustomerAccess(const Actor& actor, const Customer& c) {
  const std::string& role = actor.role;
  if (role == "admin") return RowAccess::kWrite;
  if (role == "sales_manager") {
    return c.region == actor.region ? RowAccess::kWrite : RowAccess::kNone;
  }
  if (role == "sales_rep") return c.owner_id == actor.user_id ? RowAccess::kWrite : RowAccess::kRead;
  if (role == "finance" || role == "viewer") return RowAccess::kRead;
  return RowAccess::kNone;
}

bool CanWriteLicenses(const Actor& actor, const Customer& c) {
  if (!RoleHas(actor.role, Permission::kLicenseWrite)) return false;
  if (actor.role == "finance") return true;
  return CustomerAccess(actor, c) == RowAccess::kWrite;
}

Status CheckRead(const Actor& actor, const Customer& c) {
  RETURN_IF_ERROR(Require(actor, Permission::kCustomerRead));
  if (CustomerAccess(actor, c) == RowAccess::kNone) return NotFound("customer not found");
  return Status::Ok();
}

Status CheckWrite(const Actor& actor, const Customer& c) {
  RETURN_IF_ERROR(CheckRead(actor, c));
  if (CustomerAccess(actor, c) != RowAccess::kWrite) {
    return PermissionDenied("you may read this customer but not change it");
  }
  return Status::Ok();
}

std::string ScopeRegion(const Actor& actor) {
  return actor.role == "sales_manager" ? actor.region : std::string();
}

}  // namespace salesdb
