#include "storage/user_names.h"

#include "storage/sql_query.h"

namespace salesdb {
namespace {

constexpr int64_t kMaxAgeMs = 60'000;
constexpr int64_t kMaxAgeUnheardMs = 1'000;  // while the other instances' changes are not heard
constexpr int64_t kMissRetryMs = 1'000;      // an id not among the names reads them again after

}  // namespace

std::string UserNames::Of(soci::session& s, int64_t id) {
  if (id == 0) return "";
  const std::optional<uint64_t> stamp = db_.ChangeStamp(kUsersTable);
  const int64_t now = clock_.NowMs();
  std::shared_ptr<const Snapshot> snap;
  {
    std::lock_guard<std::mutex> lock(mu_);
    snap = current_;
  }
  if (snap != nullptr && snap->stamp == stamp && now >= snap->read_at &&
      now - snap->read_at < (stamp ? kMaxAgeMs : kMaxAgeUnheardMs)) {
    auto it = snap->names.find(id);
    if (it != snap->names.end()) return it->second;
    if (now - snap->read_at < kMissRetryMs) return "";
  }
  snap = Read(s, stamp);
  {
    std::lock_guard<std::mutex> lock(mu_);
    current_ = snap;
  }
  auto it = snap->names.find(id);
  return it == snap->names.end() ? "" : it->second;
}

std::shared_ptr<const UserNames::Snapshot> UserNames::Read(soci::session& s, std::optional<uint64_t> stamp) const {
  auto snap = std::make_shared<Snapshot>();
  snap->stamp = stamp;  // taken before the read: a change committed meanwhile makes it stale at once
  snap->read_at = clock_.NowMs();
  long long id = 0;
  std::string name;
  Query q(s, "SELECT id, name FROM users");
  q.Into(id).Into(name);
  q.Each([&] { snap->names.emplace(id, name); });
  return snap;
}

}  // namespace salesdb
