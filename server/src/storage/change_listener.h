// ChangeListener (PostgreSQL): hears the changes that other salesdb instances commit to the same
// database, so that answers cached in memory (Store::ChangeStamp) go stale on every instance.
// The writer of each batch that changed tables sends pg_notify on channel salesdb_changes with its
// instance id and ChangedTable bits (domain/store.h); PostgreSQL delivers it at the commit.
// The listener runs on a thread and a connection of its own. While that connection is down,
// listening() is false (cache nothing: changes may go unheard); once it is back, every table
// counts as changed, since what was missed is unknown. Thread-safe.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace salesdb {

inline constexpr const char* kChangesChannel = "salesdb_changes";

// The payload of a change notification, and its reading (false: not one of ours).
std::string ChangePayload(const std::string& instance_id, uint32_t tables);
bool ParseChangePayload(const std::string& payload, std::string* instance_id, uint32_t* tables);

class ChangeListener {
 public:
  // `conninfo`: a libpq connection string or URI. `on_change` gets the ChangedTable bits of each
  // change heard from another instance (and all bits after each (re)connection).
  ChangeListener(std::string conninfo, std::string instance_id, std::function<void(uint32_t)> on_change);
  ~ChangeListener();  // stops the thread, within a fraction of a second
  ChangeListener(const ChangeListener&) = delete;
  ChangeListener& operator=(const ChangeListener&) = delete;

  bool listening() const { return listening_.load(std::memory_order_acquire); }

 private:
  void Run();
  bool Sleep(int ms);  // false when stopping

  const std::string conninfo_;
  const std::string instance_id_;
  const std::function<void(uint32_t)> on_change_;
  std::atomic<bool> listening_{false};
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace salesdb
