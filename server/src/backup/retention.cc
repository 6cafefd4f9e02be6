#include "backup/retention.h"

#include <algorithm>
#include <set>

namespace salesdb::backup {
namespace {

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

}  // namespace

int64_t HourBucket(int64_t ms) { return FloorDiv(ms, 3'600'000); }
int64_t DayBucket(int64_t ms) { return FloorDiv(ms, 86'400'000); }
// 1970-01-01 was a Thursday: shifting by 3 days makes weeks start on Monday.
int64_t WeekBucket(int64_t ms) { return FloorDiv(DayBucket(ms) + 3, 7); }
int64_t MonthBucket(int64_t ms) {
  // Civil-from-days (Howard Hinnant's algorithm), reduced to year * 12 + month.
  int64_t z = DayBucket(ms) + 719468;
  int64_t era = FloorDiv(z, 146097);
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t y = yoe + era * 400;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  int64_t m = mp < 10 ? mp + 3 : mp - 9;
  if (m <= 2) ++y;
  return y * 12 + (m - 1);
}

std::vector<int64_t> SelectForDeletion(const std::vector<RetentionItem>& items, const RetentionPolicy& policy) {
  std::vector<RetentionItem> verified;
  int64_t newest_verified_at = INT64_MIN;
  for (const auto& it : items) {
    if (it.verified) {
      verified.push_back(it);
      newest_verified_at = std::max(newest_verified_at, it.created_at);
    }
  }
  std::sort(verified.begin(), verified.end(), [](const RetentionItem& a, const RetentionItem& b) {
    return a.created_at != b.created_at ? a.created_at > b.created_at : a.id > b.id;
  });
  std::set<int64_t> keep;
  if (!verified.empty()) keep.insert(verified.front().id);
  struct Tier {
    int limit;
    int64_t (*bucket)(int64_t);
  };
  for (const Tier& tier : {Tier{policy.hourly, HourBucket}, Tier{policy.daily, DayBucket},
                           Tier{policy.weekly, WeekBucket}, Tier{policy.monthly, MonthBucket}}) {
    std::set<int64_t> seen;
    for (const auto& it : verified) {
      if (static_cast<int>(seen.size()) >= tier.limit) break;
      if (seen.insert(tier.bucket(it.created_at)).second) keep.insert(it.id);
    }
  }
  std::vector<int64_t> out;
  for (const auto& it : items) {
    if (it.verified) {
      if (!keep.count(it.id)) out.push_back(it.id);
    } else if (it.created_at < newest_verified_at) {
      out.push_back(it.id);
    }
  }
  return out;
}

}  // namespace salesdb::backup
