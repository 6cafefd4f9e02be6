// AnswerCache: answers read from the database, kept in memory while the tables they were read from
// are unchanged (Store::ChangeStamp) and for at most max_age_ms: a backstop for the changes no
// counter sees (another process writing the SQLite file, such as `salesdb user` while the server
// runs). The key must hold everything the answer depends on besides those tables (the query, the
// caller's row scope). At most `capacity` answers: a full cache drops its stale answers, else the
// oldest. Concurrent misses of one key each compute it. Thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "base/status.h"
#include "domain/store.h"

namespace salesdb {

template <typename V>
class AnswerCache {
 public:
  AnswerCache(size_t capacity, int64_t max_age_ms) : capacity_(capacity), max_age_ms_(max_age_ms) {}

  // The answer for `key`: the cached one while current, else compute()'s, kept when it succeeds.
  // The stamp is taken before the computation reads, so a change committed meanwhile makes the
  // kept answer stale at once rather than hide the change.
  StatusOr<std::shared_ptr<const V>> Get(const Store& store, uint32_t tables, const std::string& key, int64_t now,
                                         const std::function<StatusOr<V>()>& compute) {
    std::optional<uint64_t> stamp = store.ChangeStamp(tables);
    if (stamp) {
      std::lock_guard<std::mutex> lock(mu_);
      auto it = entries_.find(key);
      if (it != entries_.end() && Current(it->second, *stamp, now)) {
        ++hits_;
        return it->second.value;
      }
    }
    StatusOr<V> computed = compute();
    if (!computed.ok()) return computed.status();
    auto value = std::make_shared<const V>(std::move(computed).value());
    if (stamp) Put(key, *stamp, now, value);
    return value;
  }

  uint64_t hits() const {
    std::lock_guard<std::mutex> lock(mu_);
    return hits_;
  }

 private:
  struct Entry {
    uint64_t stamp = 0;
    int64_t stored_at = 0;
    std::shared_ptr<const V> value;
  };

  bool Current(const Entry& e, uint64_t stamp, int64_t now) const {
    return e.stamp == stamp && now - e.stored_at < max_age_ms_ && now >= e.stored_at;
  }

  void Put(const std::string& key, uint64_t stamp, int64_t now, std::shared_ptr<const V> value) {
    std::lock_guard<std::mutex> lock(mu_);
    if (entries_.size() >= capacity_ && !entries_.contains(key)) {
      std::erase_if(entries_, [&](const auto& kv) { return !Current(kv.second, stamp, now); });
      if (entries_.size() >= capacity_) {
        auto oldest = entries_.begin();
        for (auto it = entries_.begin(); it != entries_.end(); ++it) {
          if (it->second.stored_at < oldest->second.stored_at) oldest = it;
        }
        entries_.erase(oldest);
      }
    }
    entries_[key] = Entry{stamp, now, std::move(value)};
  }

  const size_t capacity_;
  const int64_t max_age_ms_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Entry> entries_;
  uint64_t hits_ = 0;
};

}  // namespace salesdb
