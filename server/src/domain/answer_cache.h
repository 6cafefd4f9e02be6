// AnswerCache: answers read from the database, kept in memory while the tables they were read from
// are unchanged (Store::ChangeStamp) and for at most max_age_ms: a backstop for the changes no
// counter sees (another process writing the SQLite file, such as `salesdb user` while the server
// runs). The key must hold everything the answer depends on besides those tables (the query, the
// caller's row scope). The answers kept hold at most `max_bytes` (as `bytes_of` counts them; an
// answer larger than a sixteenth of that is not kept): a full cache drops its stale answers, then
// the oldest. Concurrent misses of one key each compute it. Thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <iterator>
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
  AnswerCache(size_t max_bytes, int64_t max_age_ms, std::function<size_t(const V&)> bytes_of)
      : max_bytes_(max_bytes), max_age_ms_(max_age_ms), bytes_of_(std::move(bytes_of)) {}

  // The answer for `key`: the cached one while current, else compute()'s, kept when it succeeds.
  // The stamp is taken before the computation reads, so a change committed meanwhile makes the
  // kept answer stale at once rather than hide the change.
  StatusOr<std::shared_ptr<const V>> Get(const Store& store, uint32_t tables, const std::string& key, int64_t now,
                                         const std::function<StatusOr<V>()>& compute) {
    std::optional<uint64_t> stamp = store.ChangeStamp(tables);
    if (stamp) {
      std::lock_guard<std::mutex> lock(mu_);
      auto it = entries_.find(key);
      if (it != entries_.end() && Current(it->second, *stamp, now)) return it->second.value;
    }
    StatusOr<V> computed = compute();
    if (!computed.ok()) return computed.status();
    auto value = std::make_shared<const V>(std::move(computed).value());
    if (stamp) Put(key, *stamp, now, value);
    return value;
  }

 private:
  struct Entry {
    uint64_t stamp = 0;
    int64_t stored_at = 0;
    size_t bytes = 0;
    std::shared_ptr<const V> value;
  };

  bool Current(const Entry& e, uint64_t stamp, int64_t now) const {
    return e.stamp == stamp && now - e.stored_at < max_age_ms_ && now >= e.stored_at;
  }

  void Put(const std::string& key, uint64_t stamp, int64_t now, std::shared_ptr<const V> value) {
    size_t bytes = key.size() + bytes_of_(*value);
    if (bytes > max_bytes_ / 16) return;
    std::lock_guard<std::mutex> lock(mu_);
    Erase(entries_.find(key));
    if (bytes_ + bytes > max_bytes_) {
      for (auto it = entries_.begin(); it != entries_.end();) {
        auto next = std::next(it);
        if (!Current(it->second, stamp, now)) Erase(it);
        it = next;
      }
    }
    while (bytes_ + bytes > max_bytes_) {
      auto oldest = entries_.begin();
      for (auto it = entries_.begin(); it != entries_.end(); ++it) {
        if (it->second.stored_at < oldest->second.stored_at) oldest = it;
      }
      Erase(oldest);
    }
    entries_[key] = Entry{stamp, now, bytes, std::move(value)};
    bytes_ += bytes;
  }

  void Erase(typename std::unordered_map<std::string, Entry>::iterator it) {
    if (it == entries_.end()) return;
    bytes_ -= it->second.bytes;
    entries_.erase(it);
  }

  const size_t max_bytes_;
  const int64_t max_age_ms_;
  const std::function<size_t(const V&)> bytes_of_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Entry> entries_;
  size_t bytes_ = 0;  // of the entries kept
};

}  // namespace salesdb
