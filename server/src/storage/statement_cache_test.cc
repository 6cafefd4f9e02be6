#include "storage/statement_cache.h"

#include <gtest/gtest.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <filesystem>

#include "storage/sql_query.h"

namespace salesdb {
namespace {

// A SQLite file with a cache attached to its connection, as the Database sets it up.
class StatementCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = std::filesystem::temp_directory_path() /
            ("salesdb-stmt-cache-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".db");
    std::filesystem::remove(path_);
    session_.open(*soci::factory_sqlite3(), "db=" + path_.string());
    session_ << "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, blob BLOB, n INTEGER)";
    session_ << "INSERT INTO t (id, name, blob, n) VALUES (1, 'one', x'00ff00', 10), (2, 'two', NULL, NULL)";
    cache_ = std::make_unique<StatementCache>(StatementCache::Handle(session_), 2);
    StatementCache::Attach(session_, cache_.get());
  }
  void TearDown() override {
    StatementCache::Detach(session_);
    cache_.reset();
    session_.close();
    std::filesystem::remove(path_);
  }

  std::filesystem::path path_;
  soci::session session_;
  std::unique_ptr<StatementCache> cache_;
};

TEST_F(StatementCacheTest, ReusesAStatementAcrossQueries) {
  ASSERT_EQ(StatementCache::For(session_), cache_.get());
  for (long long id : {1LL, 2LL, 1LL}) {
    std::string name;
    Query q(session_, "SELECT name FROM t WHERE id = :id");
    q.Bind("id", id).Into(name);
    ASSERT_TRUE(q.One());
    EXPECT_EQ(name, id == 1 ? "one" : "two");
  }
  EXPECT_EQ(cache_->idle(), 1u);  // one statement, prepared once, back in the cache
}

TEST_F(StatementCacheTest, NestedUseOfTheSameSqlGetsItsOwnStatement) {
  const std::string sql = "SELECT id FROM t WHERE id >= :from ORDER BY id";
  std::vector<std::pair<long long, long long>> pairs;
  long long outer = 0;
  Query q(session_, sql);
  q.Bind("from", 1LL).Into(outer);
  q.Each([&] {
    long long inner = 0;
    Query nested(session_, sql);
    nested.Bind("from", outer).Into(inner);
    nested.Each([&] { pairs.emplace_back(outer, inner); });
  });
  std::vector<std::pair<long long, long long>> want = {{1, 1}, {1, 2}, {2, 2}};
  EXPECT_EQ(pairs, want);
  EXPECT_EQ(cache_->idle(), 2u);
}

TEST_F(StatementCacheTest, KeepsAtMostCapacityIdleStatements) {
  for (int i = 0; i < 5; ++i) {
    long long n = 0;
    Query q(session_, "SELECT " + std::to_string(i) + " + :x");
    q.Bind("x", 1LL).Into(n);
    ASSERT_TRUE(q.One());
    EXPECT_EQ(n, i + 1);
  }
  EXPECT_EQ(cache_->idle(), 2u);
}

TEST_F(StatementCacheTest, ReadsBlobsNullsAndAffectedRows) {
  std::string blob;
  long long n = 0;
  soci::indicator blob_ind = soci::i_ok, n_ind = soci::i_ok;
  Query q(session_, "SELECT blob, n FROM t WHERE id = :id");
  q.Bind("id", 1LL).Into(blob, blob_ind).Into(n, n_ind);
  ASSERT_TRUE(q.One());
  EXPECT_EQ(blob, std::string("\0\xff\0", 3));
  EXPECT_EQ(n, 10);
  EXPECT_EQ(blob_ind, soci::i_ok);

  Query nulls(session_, "SELECT blob, n FROM t WHERE id = :id");
  nulls.Bind("id", 2LL).Into(blob, blob_ind).Into(n, n_ind);
  ASSERT_TRUE(nulls.One());
  EXPECT_EQ(blob_ind, soci::i_null);
  EXPECT_EQ(n_ind, soci::i_null);

  long long strict = 0;
  Query no_indicator(session_, "SELECT n FROM t WHERE id = 2");
  no_indicator.Into(strict);
  EXPECT_THROW(no_indicator.One(), soci::soci_error);

  Query update(session_, "UPDATE t SET name = :name WHERE id >= :id");
  update.Bind("name", "renamed").Bind("id", 1LL);
  EXPECT_EQ(update.Exec(), 2);
}

TEST_F(StatementCacheTest, ParametersBindByNameInAnyOrder) {
  // Bound out of the SQL's order, and one name used twice: each value still goes to its name.
  std::string name;
  long long id = 0;
  Query q(session_, "SELECT name, id FROM t WHERE (id = :a OR id = :b) AND (n = :n OR :n IS NULL) ORDER BY id LIMIT 1");
  q.Bind("n", 10LL).Bind("b", 1LL).Bind("a", 99LL).Into(name).Into(id);
  ASSERT_TRUE(q.One());
  EXPECT_EQ(id, 1);
  Query in_order(session_, "SELECT name FROM t WHERE id = :a OR id = :b ORDER BY id DESC LIMIT 1");
  in_order.Bind("a", 1LL).Bind("b", 2LL).Into(name);
  ASSERT_TRUE(in_order.One());
  EXPECT_EQ(name, "two");
}

TEST_F(StatementCacheTest, ErrorsLeaveTheStatementReusable) {
  Query dup(session_, "INSERT INTO t (id, name) VALUES (:id, :name)");
  dup.Bind("id", 1LL).Bind("name", "again");
  try {
    dup.Exec();
    FAIL() << "a duplicate key must throw";
  } catch (const soci::soci_error& e) {
    EXPECT_NE(std::string(e.what()).find("UNIQUE constraint failed"), std::string::npos) << e.what();
  }
  Query ok(session_, "INSERT INTO t (id, name) VALUES (:id, :name)");
  ok.Bind("id", 3LL).Bind("name", "three");
  EXPECT_EQ(ok.Exec(), 1);
  EXPECT_THROW(Query(session_, "SELECT nope FROM t").Exec(), soci::soci_error);
  EXPECT_THROW(Query(session_, "SELECT id FROM t WHERE id = :id").Bind("other", 1LL).Exec(), soci::soci_error);
}

// A statement whose parameters cannot be bound is given back, not lost: a lost one is never finalized,
// and SQLite then refuses to close the connection (found by AddressSanitizer's leak check).
TEST_F(StatementCacheTest, AStatementWhoseBindingFailsIsGivenBack) {
  const std::string sql = "SELECT id FROM t WHERE id = :id";
  EXPECT_THROW(Query(session_, sql).Bind("other", 1LL).Exec(), soci::soci_error);
  EXPECT_EQ(cache_->idle(), 1u);
  long long id = 0;
  Query q(session_, sql);
  q.Bind("id", 2LL).Into(id);
  ASSERT_TRUE(q.One());  // the statement given back is reused, with nothing of the failed binding left
  EXPECT_EQ(id, 2);
  EXPECT_EQ(cache_->idle(), 1u);
}

TEST_F(StatementCacheTest, SchemaChangesAreSeenByCachedStatements) {
  long long count = 0;
  Query(session_, "SELECT COUNT(*) FROM t").Into(count).One();
  session_ << "ALTER TABLE t ADD COLUMN extra TEXT DEFAULT 'x'";
  std::string extra;
  Query q(session_, "SELECT extra FROM t WHERE id = 1");
  q.Into(extra);
  ASSERT_TRUE(q.One());
  EXPECT_EQ(extra, "x");
  Query again(session_, "SELECT COUNT(*) FROM t");
  again.Into(count);
  ASSERT_TRUE(again.One());
  EXPECT_EQ(count, 2);
}

}  // namespace
}  // namespace salesdb
