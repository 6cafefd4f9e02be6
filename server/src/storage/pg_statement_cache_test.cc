#include "storage/pg_statement_cache.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace salesdb
