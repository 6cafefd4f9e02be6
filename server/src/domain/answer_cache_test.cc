// AnswerCache on a real store's change stamps: an answer is reused while its tables are unchanged,
// computed again after a write to them; the byte budget drops the oldest answers first and never
// keeps one too large for it.
#include "domain/answer_cache.h"

#include <gtest/gtest.h>

#include "storage/test_database.h"

namespace salesdb {
namespace {

class AnswerCacheTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(db_.status().ok()) << db_.status().ToString(); }
  // The answer for `key` (`size` bytes); counts the computations.
  std::string Get(const std::string& key, size_t size = 90) {
    auto got = cache_.Get(db_.store(), kUsersTable, key, now_, [&]() -> StatusOr<std::string> {
      ++computed_;
      return std::string(size, 'x');
    });
    EXPECT_TRUE(got.ok());
    return got.ok() ? **got : std::string();
  }

  TestDatabase db_{"answer-cache"};
  // 1,600 bytes: sixteen answers of 90 bytes and a short key.
  AnswerCache<std::string> cache_{1600, 60'000, [](const std::string& v) { return v.size(); }};
  int64_t now_ = 1'000'000;
  int computed_ = 0;
};

TEST_F(AnswerCacheTest, ReusedWhileItsTablesAreUnchanged) {
  Get("a");
  Get("a");
  EXPECT_EQ(computed_, 1);
  db_.store().MarkAllChanged();
  Get("a");
  EXPECT_EQ(computed_, 2);
  now_ += 60'000;  // aged out
  Get("a");
  EXPECT_EQ(computed_, 3);
}

TEST_F(AnswerCacheTest, TheBudgetDropsTheOldestAndKeepsNothingTooLarge) {
  for (int i = 0; i < 20; ++i, ++now_) Get("k" + std::to_string(i));
  ASSERT_EQ(computed_, 20);
  Get("k19");
  EXPECT_EQ(computed_, 20);  // among the newest: kept
  Get("k0");
  EXPECT_EQ(computed_, 21);  // the oldest: dropped
  Get("big", 200);
  Get("big", 200);
  EXPECT_EQ(computed_, 23);  // larger than a sixteenth of the budget: never kept
}

}  // namespace
}  // namespace salesdb
