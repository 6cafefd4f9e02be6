// Roles and what they may do: the one place where the rules of docs/api.md "Roles" live.
// Every service checks these before it touches a row; handlers never decide permissions.
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"
#include "domain/entities.h"

namespace salesdb {

inline constexpr std::string_view kRoles[] = {"admin", "sales_manager", "sales_rep",
                                              "finance", "viewer",      "auditor"};
bool IsValidRole(std::string_view role);

enum class Permission {
  kCustomerRead,    // customers and their contacts, licences, activities, opportunities
  kCustomerWrite,   // create customers and children (row scope still applies)
  kLicenseWrite,    // issue, renew, revoke licences (row scope still applies)
  kUserRead,
  kUserWrite,
  kDashboardRead,
  kAuditRead,
  kMonitoringRead,
  kBackupAdmin,
};

bool RoleHas(std::string_view role, Permission p);
// PermissionDenied naming the permission, or Ok.
Status Require(const Actor& actor, Permission p);

// What an actor may do with one customer row (and, through it, its children).
enum class RowAccess { kNone, kRead, kWrite };
RowAccess CustomerAccess(const Actor& actor, const Customer& c);
// May the actor issue/renew/revoke licences of this customer?
bool CanWriteLicenses(const Actor& actor, const Customer& c);
// Ok when the actor may read the row, NotFound when it is outside the actor's scope.
Status CheckRead(const Actor& actor, const Customer& c);
// Ok when the actor may write the row; NotFound outside scope; PermissionDenied when read-only.
Status CheckWrite(const Actor& actor, const Customer& c);
// Region the actor's lists are limited to; empty: no limit.
std::string ScopeRegion(const Actor& actor);
// What of a customer's sensitive fields an actor sees: domain/masking.h.

}  // namespace salesdb
