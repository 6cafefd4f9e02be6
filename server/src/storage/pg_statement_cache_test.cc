#include "storage/pg_statement_cache.h"

#include <gtest/gtest.h>

#include <chrono>

namespace salesdb {
namespace {

TEST(ToPositionalTest, NumbersPlaceholdersInOrderOfFirstUse) {
  std::vector<std::string> names;
  EXPECT_EQ(ToPositional("SELECT id FROM t WHERE a = :a AND (b > :b OR a < :a) LIMIT :limit", &names),
            "SELECT id FROM t WHERE a = $1 AND (b > $2 OR a < $1) LIMIT $3");
  EXPECT_EQ(names, (std::vector<std::string>{"a", "b", "limit"}));
}

TEST(ToPositionalTest, LeavesCastsAndQuotedTextAlone) {
  std::vector<std::string> names;
  EXPECT_EQ(ToPositional("SELECT ':not', \"x:y\", 'it''s :no', n::bigint FROM t WHERE s = :s_1", &names),
            "SELECT ':not', \"x:y\", 'it''s :no', n::bigint FROM t WHERE s = $1");
  EXPECT_EQ(names, (std::vector<std::string>{"s_1"}));
}

TEST(ToPositionalTest, WithoutPlaceholdersTheTextIsUnchanged) {
  std::vector<std::string> names;
  EXPECT_EQ(ToPositional("SAVEPOINT w", &names), "SAVEPOINT w");
  EXPECT_TRUE(names.empty());
}

// A statement in constant use is prepared again every 2 s at most, for as long as the server runs:
// the run count that also triggers it grows to a bound and stays there (it once grew by four each
// time, wrapped to zero after 29 re-preparations, about a minute, and from then on the statement was
// prepared again on every run).
TEST(PgStatementCacheTest, ReplanScheduleStaysBoundedForever) {
  PgStatementCache::Statement st;
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(st.replan_uses, PgStatementCache::kFirstReplanUses);
  EXPECT_EQ(st.replan_after, PgStatementCache::kFirstReplanAfter);
  uint64_t previous_uses = st.replan_uses;
  for (int n = 1; n <= 1000; ++n) {
    const auto now = start + n * PgStatementCache::kMaxReplanAfter;
    st.uses = 12345;
    PgStatementCache::ScheduleReplan(st, now);
    EXPECT_EQ(st.uses, 0u);
    ASSERT_GE(st.replan_uses, previous_uses) << "after " << n << " re-preparations";
    EXPECT_LE(st.replan_uses, PgStatementCache::kMaxReplanUses);
    EXPECT_LE(st.replan_after, PgStatementCache::kMaxReplanAfter);
    EXPECT_EQ(st.replan_time, now + st.replan_after);
    previous_uses = st.replan_uses;
  }
  EXPECT_EQ(st.replan_uses, PgStatementCache::kMaxReplanUses);
  EXPECT_EQ(st.replan_after, PgStatementCache::kMaxReplanAfter);
}

}  // namespace
}  // namespace salesdb
