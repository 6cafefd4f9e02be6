#include "storage/sql_query.h"

#include <gtest/gtest.h>

namespace salesdb {
namespace {

TEST(QueryNameTest, VerbAndFirstTable) {
  EXPECT_EQ(QueryName("SELECT c.id FROM customers c LEFT JOIN users u ON u.id = c.owner_id"), "select:customers");
  EXPECT_EQ(QueryName("INSERT INTO audit_log (at) VALUES (:at)"), "insert:audit_log");
  EXPECT_EQ(QueryName("UPDATE sessions SET last_seen_at = :at"), "update:sessions");
  EXPECT_EQ(QueryName("DELETE FROM login_attempts WHERE at < :at"), "delete:login_attempts");
  EXPECT_EQ(QueryName("SELECT 1"), "select:other");
  EXPECT_EQ(QueryName("PRAGMA wal_checkpoint"), "pragma:other");
}

}  // namespace
}  // namespace salesdb
