#include "domain/masking.h"

#include <gtest/gtest.h>

#include <set>

#include "domain/permissions.h"
#include "storage/field_encryption.h"

namespace salesdb {
namespace {

Actor As(const std::string& role, int64_t id = 7) {
  Actor a;
  a.role = role;
  a.user_id = id;
  return a;
}

// The one table covers every encrypted column, and nothing else claims to be sensitive.
TEST(MaskingTableTest, CoversEveryEncryptedColumnExactlyOnce) {
  std::set<std::string> encrypted, masked;
  for (const auto& t : EncryptedTables()) {
    for (const auto& c : t.columns) encrypted.insert(std::string(t.table) + "." + c.column);
  }
  for (const auto& r : MaskingTable()) {
    EXPECT_TRUE(masked.insert(std::string(r.table) + "." + r.column).second) << r.table << "." << r.column;
  }
  EXPECT_EQ(encrypted, masked);
  // Every SensitiveField value has its row.
  for (auto f : {SensitiveField::kContactEmail, SensitiveField::kContactPhone, SensitiveField::kLicenseKey,
                 SensitiveField::kActivityBody}) {
    int rows = 0;
    for (const auto& r : MaskingTable()) rows += r.field == f;
    EXPECT_EQ(rows, 1);
  }
}

TEST(MaskingTableTest, EveryRoleMapsToAnAudienceAndOnlyFullAudiencesSeeEverything) {
  for (auto role : kRoles) {
    Actor a = As(std::string(role));
    Audience own = AudienceFor(a, a.user_id), other = AudienceFor(a, a.user_id + 1);
    for (const auto& r : MaskingTable()) {
      Visibility v = r.visibility[static_cast<int>(other)];
      if (role == "viewer" || role == "auditor") {
        EXPECT_NE(v, Visibility::kFull) << role << " " << r.name;
      }
      if (role == "auditor") {
        EXPECT_EQ(v, Visibility::kHidden) << r.name;
      }
      if (role == "admin" || role == "finance" || role == "sales_manager") {
        EXPECT_EQ(v, Visibility::kFull);
      }
      if (role == "sales_rep") {
        EXPECT_EQ(r.visibility[static_cast<int>(own)], Visibility::kFull);
        EXPECT_NE(v, Visibility::kFull);
      }
      // Nobody who sees a field in full is refused a reveal; viewers and auditors may never reveal.
      if (v == Visibility::kFull) {
        EXPECT_TRUE(r.may_reveal[static_cast<int>(other)]);
      }
      if (role == "viewer" || role == "auditor") {
        EXPECT_FALSE(r.may_reveal[static_cast<int>(other)]);
      }
    }
  }
}

TEST(MaskingTest, PartialForms) {
  EXPECT_EQ(MaskEmail("zhang.wei@example.com"), "z***@example.com");
  EXPECT_EQ(MaskPhone("+86 138 1234 5678"), "861****5678");
  EXPECT_EQ(MaskPhone("13812345678"), "138****5678");
  EXPECT_EQ(MaskLicenseKey("DIFY-ABCD-EFGH-JKLM-1A2B"), "XXXX-…-1A2B");
}

TEST(MaskingTest, AppliesToRowsBySeat) {
  Contact c;
  c.email = "zhang.wei@example.com";
  c.phone = "13812345678";
  c.customer_owner_id = 7;
  Contact own = c, other = c, viewer = c, auditor = c;
  ApplyMasking(As("sales_rep", 7), own);
  ApplyMasking(As("sales_rep", 8), other);
  ApplyMasking(As("viewer"), viewer);
  ApplyMasking(As("auditor"), auditor);
  EXPECT_EQ(own.email, "zhang.wei@example.com");
  EXPECT_EQ(other.email, "z***@example.com");
  EXPECT_EQ(other.phone, "138****5678");
  EXPECT_EQ(viewer.email, "z***@example.com");
  EXPECT_EQ(auditor.email, "");
  Activity a;
  a.body = "secret notes";
  a.customer_owner_id = 7;
  ApplyMasking(As("viewer"), a);
  EXPECT_EQ(a.body, "");
  EXPECT_FALSE(MaySearchMatch(SensitiveField::kContactEmail, As("viewer"), 7));
  EXPECT_FALSE(MaySearchMatch(SensitiveField::kContactEmail, As("sales_rep", 8), 7));
  EXPECT_TRUE(MaySearchMatch(SensitiveField::kContactEmail, As("sales_rep", 7), 7));
}

TEST(MaskingTest, AuditEntriesAreRedacted) {
  nlohmann::json j = {{"email", "a@b.c"}, {"phone", "1"}, {"name", "kept"}};
  RedactForAudit("contact", j);
  EXPECT_EQ(j["email"], "[encrypted]");
  EXPECT_EQ(j["phone"], "[encrypted]");
  EXPECT_EQ(j["name"], "kept");
  nlohmann::json l = {{"key", "DIFY-1"}};
  RedactForAudit("license", l);
  EXPECT_EQ(l["key"], "[encrypted]");
}

}  // namespace
}  // namespace salesdb
