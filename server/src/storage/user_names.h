// UserNames: every user's display name by id, for the rows that show one (a customer's owner, an
// activity's author, an opportunity's owner). The users table is read whole once and kept in memory
// while it is unchanged (Database::ChangeStamp), rather than read by a subquery per row: PostgreSQL
// ran each as a scan of users, 21 of them for a customer's detail page (bench/RESULTS.md,
// 2026-11-27). The names are read again, on the caller's session, when the table changed since they
// were read; when an id is not among them and they are a second old (a user added by another
// process: `salesdb user create` while the server runs); and at least every minute, or every second
// while this instance cannot hear the others' changes. Thread-safe.
#pragma once

#include <soci/soci.h>

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "base/clock.h"
#include "storage/database.h"

namespace salesdb {

class UserNames {
 public:
  explicit UserNames(const Database& db, const Clock& clock = SystemClock::Get()) : db_(db), clock_(clock) {}
  UserNames(const UserNames&) = delete;
  UserNames& operator=(const UserNames&) = delete;

  // The name of user `id`, "" for 0 (the system) and for an id that is not a user's.
  std::string Of(soci::session& s, int64_t id);

 private:
  struct Snapshot {
    std::optional<uint64_t> stamp;  // users' change stamp before they were read; none: not heard
    int64_t read_at = 0;            // Clock::NowMs
    std::unordered_map<int64_t, std::string> names;
  };

  std::shared_ptr<const Snapshot> Read(soci::session& s, std::optional<uint64_t> stamp) const;

  const Database& db_;
  const Clock& clock_;
  std::mutex mu_;
  std::shared_ptr<const Snapshot> current_;  // guarded by mu_; null until first read
};

}  // namespace salesdb
