#include "storage/sql_query.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "storage/test_database.h"

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

TEST(QueryBatchTest, EachStatementsRowsInTheOrderAdded) {
  TestDatabase t("query-batch");
  ASSERT_TRUE(t.status().ok()) << t.status().message();
  std::vector<std::pair<int, long long>> seen;  // (statement, value)
  Status read = t.db().Read([&](soci::session& s) {
    QueryBatch batch(s);
    long long a = 0, b = 0;
    batch.Add("SELECT 10 UNION ALL SELECT :x", [&] { seen.emplace_back(1, a); }).Bind("x", 11LL).Into(a);
    batch.Add("SELECT 20 WHERE 1 = :no", [&] { seen.emplace_back(2, b); }).Bind("no", 0LL).Into(b);
    batch.Add("SELECT 30", [&] { seen.emplace_back(3, b); }).Into(b);
    batch.Run();
    return Status::Ok();
  });
  ASSERT_TRUE(read.ok()) << read.message();
  EXPECT_EQ(seen, (std::vector<std::pair<int, long long>>{{1, 10}, {1, 11}, {3, 30}}));
}

TEST(QueryBatchTest, AFailingStatementFailsTheRead) {
  TestDatabase t("query-batch-error");
  ASSERT_TRUE(t.status().ok()) << t.status().message();
  int rows = 0;
  Status read = t.db().Read([&](soci::session& s) {
    QueryBatch batch(s);
    long long v = 0;
    batch.Add("SELECT 1", [&] { ++rows; }).Into(v);
    batch.Add("SELECT nothing FROM no_such_table", [&] { ++rows; }).Into(v);
    batch.Run();
    return Status::Ok();
  });
  EXPECT_FALSE(read.ok());
  EXPECT_EQ(read.code(), StatusCode::kInternal) << read.message();
}

}  // namespace
}  // namespace salesdb
