#include "backup/retention.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>

namespace salesdb::backup {
namespace {

constexpr int64_t kHour = 3'600'000;
constexpr int64_t kDay = 24 * kHour;
// 2026-11-23 00:00:00 UTC, a Monday.
constexpr int64_t kMonday = 1795392000000;

TEST(RetentionTest, BucketsFollowTheCalendar) {
  EXPECT_EQ(WeekBucket(kMonday), WeekBucket(kMonday + 6 * kDay + 23 * kHour));
  EXPECT_EQ(WeekBucket(kMonday) - 1, WeekBucket(kMonday - 1));
  // 2026-11-30 23:59:59.999 and 2026-12-01 00:00 are different months; 2024-02-29 is in February.
  EXPECT_EQ(MonthBucket(1796083199999) + 1, MonthBucket(1796083200000));
  EXPECT_EQ(MonthBucket(1709164800000), 2024 * 12 + 1);
  EXPECT_EQ(MonthBucket(0), 1970 * 12);
  EXPECT_EQ(DayBucket(kMonday), DayBucket(kMonday + kDay - 1));
}

TEST(RetentionTest, HourlyBackupsForAMonthKeepTheGfsSet) {
  std::vector<RetentionItem> items;
  int64_t now = kMonday + 30 * kDay;
  for (int i = 0; i < 30 * 24; ++i) items.push_back({i + 1, now - i * kHour, true});
  RetentionPolicy p;
  auto doomed = SelectForDeletion(items, p);
  std::set<int64_t> gone(doomed.begin(), doomed.end());
  EXPECT_FALSE(gone.count(1));  // the newest
  for (int i = 0; i < 24; ++i) EXPECT_FALSE(gone.count(i + 1)) << "hour " << i;
  // 30 days of hourly backups: 24 hourly + 14 daily (overlapping) + weeks + months, far fewer than 720.
  size_t kept = items.size() - gone.size();
  EXPECT_LE(kept, 24u + 14 + 8 + 12 + 1);
  EXPECT_GE(kept, 24u + 13);
}

TEST(RetentionTest, FailedBackupsGoOnlyWhenANewerVerifiedOneExists) {
  std::vector<RetentionItem> items = {{1, kMonday, true}, {2, kMonday + kHour, false}, {3, kMonday - kHour, false}};
  auto doomed = SelectForDeletion(items, RetentionPolicy{});
  EXPECT_EQ(doomed, std::vector<int64_t>{3});
}

TEST(RetentionTest, NothingVerifiedMeansNothingDeleted) {
  std::vector<RetentionItem> items = {{1, kMonday, false}, {2, kMonday + kHour, false}};
  EXPECT_TRUE(SelectForDeletion(items, RetentionPolicy{}).empty());
}

// Property test: over random histories and random policies, retention never deletes the newest
// verified backup, keeps the newest backup of each of the `limit` most recent buckets of every tier,
// keeps at most 1 + the sum of the limits, and is idempotent (pruning the kept set deletes nothing).
TEST(RetentionTest, PropertiesHoldOverRandomHistories) {
  std::mt19937_64 rng(20261125);
  for (int round = 0; round < 500; ++round) {
    RetentionPolicy p{static_cast<int>(rng() % 30), static_cast<int>(rng() % 20), static_cast<int>(rng() % 10),
                      static_cast<int>(rng() % 14)};
    int n = static_cast<int>(rng() % 400);
    int64_t t = kMonday - static_cast<int64_t>(rng() % (400 * kDay));
    std::vector<RetentionItem> items;
    for (int i = 0; i < n; ++i) {
      // Bursts, gaps of minutes to weeks, equal timestamps now and then.
      int64_t step = rng() % 10 == 0 ? static_cast<int64_t>(rng() % (20 * kDay)) : static_cast<int64_t>(rng() % (3 * kHour));
      t += step;
      items.push_back({i + 1, t, rng() % 8 != 0});
    }
    std::shuffle(items.begin(), items.end(), rng);
    auto doomed = SelectForDeletion(items, p);
    std::set<int64_t> gone(doomed.begin(), doomed.end());
    ASSERT_EQ(gone.size(), doomed.size()) << "no id twice";

    std::vector<RetentionItem> verified;
    for (const auto& it : items) {
      if (it.verified) verified.push_back(it);
    }
    std::sort(verified.begin(), verified.end(), [](const auto& a, const auto& b) {
      return a.created_at != b.created_at ? a.created_at > b.created_at : a.id > b.id;
    });
    if (!verified.empty()) {
      ASSERT_FALSE(gone.count(verified.front().id)) << "round " << round;
    }
    for (const auto& it : items) {
      ASSERT_TRUE(std::any_of(items.begin(), items.end(), [&](const auto& x) { return x.id == it.id; }));
      if (!it.verified && (verified.empty() || it.created_at >= verified.front().created_at)) {
        ASSERT_FALSE(gone.count(it.id)) << "a failed backup newer than every verified one is kept";
      }
    }
    struct Tier {
      int limit;
      int64_t (*bucket)(int64_t);
    };
    for (const Tier& tier : {Tier{p.hourly, HourBucket}, Tier{p.daily, DayBucket}, Tier{p.weekly, WeekBucket},
                             Tier{p.monthly, MonthBucket}}) {
      std::map<int64_t, int64_t, std::greater<>> newest_per_bucket;  // bucket → id of its newest backup
      for (const auto& it : verified) newest_per_bucket.emplace(tier.bucket(it.created_at), it.id);
      int seen = 0;
      for (const auto& [bucket, id] : newest_per_bucket) {
        if (seen++ >= tier.limit) break;
        ASSERT_FALSE(gone.count(id)) << "round " << round << " bucket " << bucket;
      }
    }
    size_t kept_verified = 0;
    std::vector<RetentionItem> kept;
    for (const auto& it : items) {
      if (gone.count(it.id)) continue;
      kept.push_back(it);
      if (it.verified) ++kept_verified;
    }
    ASSERT_LE(kept_verified, static_cast<size_t>(1 + p.hourly + p.daily + p.weekly + p.monthly));
    ASSERT_TRUE(SelectForDeletion(kept, p).empty()) << "round " << round << ": pruning again deletes more";
  }
}

}  // namespace
}  // namespace salesdb::backup
