// The writer's shortcuts for sealed writes (storage/writer_state.h): the data key read once per
// batch, and new ids taken before the INSERT.
#include "storage/field_encryption.h"

#include <gtest/gtest.h>

#include "storage/sql_query.h"
#include "storage/test_database.h"

namespace salesdb {
namespace {

void MakeActive(soci::session& s, long long version) {
  Query(s, "UPDATE encryption_keys SET state = 'retiring' WHERE kind = 'data' AND state = 'active'").Exec();
  Query(s, "INSERT INTO encryption_keys (kind, version, state, wrapped, created_at) VALUES ('data', :v, 'active', "
           "'wrapped', 0)")
      .Bind("v", version)
      .Exec();
}

int64_t Sealing(soci::session& s, WriterState& w) {
  auto v = SealingKeyVersion(s, Dialect::kSqlite, &w);
  EXPECT_TRUE(v.ok()) << v.status().ToString();
  return v.ok() ? *v : -1;
}

TEST(SealingKeyVersionTest, ReadOncePerBatchAndAgainAfterAWriteThatRolledBack) {
  TestDatabase t("sealing-key");
  ASSERT_TRUE(t.status().ok()) << t.status().ToString();
  WriterState w;
  Status st = t.db().Exclusive([&](soci::session& s) {
    MakeActive(s, 1);
    EXPECT_EQ(Sealing(s, w), 1);
    MakeActive(s, 2);
    EXPECT_EQ(Sealing(s, w), 1);  // the batch keeps the version it read (and, on PostgreSQL, locked)
    w.EndWrite(/*kept=*/true);
    EXPECT_EQ(Sealing(s, w), 1);
    w.EndWrite(/*kept=*/false);   // the savepoint that read it may have gone, and its lock with it
    EXPECT_EQ(Sealing(s, w), 2);
    MakeActive(s, 3);
    w.EndBatch();
    EXPECT_EQ(Sealing(s, w), 3);
    // Without a writer's state, every call reads.
    MakeActive(s, 4);
    auto direct = SealingKeyVersion(s, Dialect::kSqlite, nullptr);
    EXPECT_TRUE(direct.ok() && *direct == 4);
    return Status::Ok();
  });
  EXPECT_TRUE(st.ok()) << st.ToString();
}

TEST(NewRowIdTest, SqliteFollowsTheLargestIdAsSqliteWould) {
  TestDatabase t("new-row-id");
  ASSERT_TRUE(t.status().ok()) << t.status().ToString();
  WriterState w;
  Status st = t.db().Exclusive([&](soci::session& s) {
    auto first = NewRowId(s, Dialect::kSqlite, &w, "activities");
    EXPECT_TRUE(first.ok() && *first == 1);
    Query(s, "INSERT INTO users (id, email, name, role, region, password_hash, version, created_at, updated_at, "
             "created_by, updated_by) VALUES (41, 'a@example.com', 'A', 'admin', '', 'x', 1, 0, 0, 0, 0)")
        .Exec();
    auto next = NewRowId(s, Dialect::kSqlite, &w, "users");
    EXPECT_TRUE(next.ok() && *next == 42);
    EXPECT_TRUE(w.spare_ids.empty());  // nothing is drawn ahead on SQLite
    return Status::Ok();
  });
  EXPECT_TRUE(st.ok()) << st.ToString();
}

}  // namespace
}  // namespace salesdb
