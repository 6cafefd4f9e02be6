// Grandfather-father-son retention. Walking the verified backups from newest to oldest, the first
// (newest) one seen in each hour, day, ISO week (Monday first) and calendar month is kept, until
// `hourly` hours, `daily` days, `weekly` weeks and `monthly` months have one each (UTC). The newest
// verified backup is always kept. Backups that failed verification are deleted once a verified
// backup newer than them exists; newer failures stay for inspection. Pure function; thread-safe.
#pragma once

#include <cstdint>
#include <vector>

namespace salesdb::backup {

struct RetentionPolicy {
  int hourly = 24;
  int daily = 14;
  int weekly = 8;
  int monthly = 12;
};

struct RetentionItem {
  int64_t id = 0;
  int64_t created_at = 0;  // ms since the epoch, UTC
  bool verified = false;
};

// The ids to delete, in no particular order.
std::vector<int64_t> SelectForDeletion(const std::vector<RetentionItem>& items, const RetentionPolicy& policy);

// Bucket numbers (UTC), exposed for tests.
int64_t HourBucket(int64_t ms);
int64_t DayBucket(int64_t ms);
int64_t WeekBucket(int64_t ms);
int64_t MonthBucket(int64_t ms);

}  // namespace salesdb::backup
