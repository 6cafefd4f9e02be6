// The whole role × permission table of docs/api.md "Roles", and row access by ownership and region.
#include "domain/permissions.h"

#include <gtest/gtest.h>

#include <map>

namespace salesdb {
namespace {

Actor MakeActor(const std::string& role, int64_t id = 7, const std::string& region = "east_china") {
  Actor a;
  a.user_id = id;
  a.role = role;
  a.region = region;
  return a;
}

Customer MakeCustomer(int64_t owner, const std::string& region) {
  Customer c;
  c.id = 1;
  c.owner_id = owner;
  c.region = region;
  return c;
}

TEST(PermissionsTest, RolePermissionTable) {
  using P = Permission;
  // Columns: admin, sales_manager, sales_rep, finance, viewer, auditor.
  const std::map<P, std::string> table = {
      {P::kCustomerRead, "111110"}, {P::kCustomerWrite, "111000"}, {P::kLicenseWrite, "111100"},
      {P::kUserRead, "110000"},     {P::kUserWrite, "100000"},     {P::kDashboardRead, "111110"},
      {P::kAuditRead, "100001"},    {P::kMonitoringRead, "100001"}, {P::kBackupAdmin, "100000"},
  };
  ASSERT_EQ(table.size(), 9u);
  for (const auto& [perm, row] : table) {
    for (size_t i = 0; i < 6; ++i) {
      const std::string role(kRoles[i]);
      EXPECT_EQ(RoleHas(role, perm), row[i] == '1') << role << " permission " << static_cast<int>(perm);
      Status s = Require(MakeActor(role), perm);
      EXPECT_EQ(s.ok(), row[i] == '1') << role;
      if (!s.ok()) {
        EXPECT_EQ(s.code(), StatusCode::kPermissionDenied);
      }
    }
    EXPECT_FALSE(RoleHas("", perm));
    EXPECT_FALSE(RoleHas("Admin", perm));
    EXPECT_FALSE(RoleHas("superuser", perm));
  }
}

TEST(PermissionsTest, ValidRoles) {
  for (auto r : kRoles) EXPECT_TRUE(IsValidRole(r));
  EXPECT_FALSE(IsValidRole(""));
  EXPECT_FALSE(IsValidRole("root"));
  EXPECT_FALSE(IsValidRole("admin "));
}

TEST(PermissionsTest, RowAccessByRoleOwnershipAndRegion) {
  const Customer mine = MakeCustomer(7, "east_china");        // owned by the actor, in their region
  const Customer theirs_here = MakeCustomer(8, "east_china"); // another owner, same region
  const Customer theirs_away = MakeCustomer(8, "emea");       // another owner and region
  struct Row {
    std::string role;
    RowAccess mine, here, away;
  };
  const std::vector<Row> rows = {
      {"admin", RowAccess::kWrite, RowAccess::kWrite, RowAccess::kWrite},
      {"sales_manager", RowAccess::kWrite, RowAccess::kWrite, RowAccess::kNone},
      {"sales_rep", RowAccess::kWrite, RowAccess::kRead, RowAccess::kRead},
      {"finance", RowAccess::kRead, RowAccess::kRead, RowAccess::kRead},
      {"viewer", RowAccess::kRead, RowAccess::kRead, RowAccess::kRead},
      {"auditor", RowAccess::kNone, RowAccess::kNone, RowAccess::kNone},
  };
  for (const Row& r : rows) {
    Actor a = MakeActor(r.role);
    EXPECT_EQ(CustomerAccess(a, mine), r.mine) << r.role;
    EXPECT_EQ(CustomerAccess(a, theirs_here), r.here) << r.role;
    EXPECT_EQ(CustomerAccess(a, theirs_away), r.away) << r.role;
  }
}

TEST(PermissionsTest, CheckReadAndWriteGiveTheRightErrors) {
  const Customer away = MakeCustomer(8, "emea");
  const Customer here = MakeCustomer(8, "east_china");
  // Out of a manager's region: 404, as if the row did not exist.
  EXPECT_EQ(CheckRead(MakeActor("sales_manager"), away).code(), StatusCode::kNotFound);
  EXPECT_EQ(CheckWrite(MakeActor("sales_manager"), away).code(), StatusCode::kNotFound);
  EXPECT_TRUE(CheckWrite(MakeActor("sales_manager"), here).ok());
  // A rep reads everyone's customers but writes only their own: 403.
  EXPECT_TRUE(CheckRead(MakeActor("sales_rep"), here).ok());
  EXPECT_EQ(CheckWrite(MakeActor("sales_rep"), here).code(), StatusCode::kPermissionDenied);
  EXPECT_TRUE(CheckWrite(MakeActor("sales_rep", 8), here).ok());
  // Read-only roles: 403 on write; the auditor sees no customer data at all: 403.
  EXPECT_EQ(CheckWrite(MakeActor("finance"), here).code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(CheckWrite(MakeActor("viewer"), here).code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(CheckRead(MakeActor("auditor"), here).code(), StatusCode::kPermissionDenied);
  // A manager without a region sees no customer.
  EXPECT_EQ(CheckRead(MakeActor("sales_manager", 7, ""), here).code(), StatusCode::kNotFound);
}

TEST(PermissionsTest, LicenceWritersAndScopeAndMasking) {
  const Customer mine = MakeCustomer(7, "east_china");
  const Customer away = MakeCustomer(8, "emea");
  EXPECT_TRUE(CanWriteLicenses(MakeActor("admin"), away));
  EXPECT_TRUE(CanWriteLicenses(MakeActor("finance"), away));
  EXPECT_TRUE(CanWriteLicenses(MakeActor("sales_rep"), mine));
  EXPECT_FALSE(CanWriteLicenses(MakeActor("sales_rep"), away));
  EXPECT_TRUE(CanWriteLicenses(MakeActor("sales_manager"), mine));
  EXPECT_FALSE(CanWriteLicenses(MakeActor("sales_manager"), away));
  EXPECT_FALSE(CanWriteLicenses(MakeActor("viewer"), mine));
  EXPECT_FALSE(CanWriteLicenses(MakeActor("auditor"), mine));

  EXPECT_EQ(ScopeRegion(MakeActor("sales_manager")), "east_china");
  for (const char* r : {"admin", "sales_rep", "finance", "viewer", "auditor"}) EXPECT_EQ(ScopeRegion(MakeActor(r)), "");
}

}  // namespace
}  // namespace salesdb
