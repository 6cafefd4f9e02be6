#include "base/log.h"
#include "domain/permissions.h"
#include "domain/services.h"

#include <algorithm>
#include <chrono>

namespace salesdb {

namespace {
constexpr int64_t kMaxAgeMs = 60'000;
constexpr size_t kMaxCachedUsers = 10'000;
// A summary that requests do not wait for is recomputed at most once per this many times its
// computation time.
constexpr int kRefreshSpacing = 4;
// The tables the summary and the renewals read.
constexpr uint32_t kDashboardTables = kCustomersTable | kLicensesTable | kOpportunitiesTable;
}  // namespace

DashboardService::DashboardService(ServiceContext ctx, int64_t slow_compute_ms)
    : ctx_(ctx), slow_compute_ms_(slow_compute_ms), refresher_([this] { RefreshLoop(); }) {}

DashboardService::~DashboardService() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  refresh_cv_.notify_all();
  done_cv_.notify_all();
  refresher_.join();
}

DashboardService::Changes DashboardService::ChangesNow() const {
  return {ctx_.store.ChangeStamp(kDashboardTables), ctx_.store.generation()};
}

// A stamp taken while listening does not cover changes missed while not (the listener counts every
// table as changed when it reconnects), so a summary without one is stale once stamps are back.
bool DashboardService::Covers(const Changes& cached, const Changes& now) {
  if (now.stamp) return cached.stamp && *cached.stamp >= *now.stamp;
  return cached.generation >= now.generation;
}

bool DashboardService::Fresh(const Cached& c, const Changes& changes, int64_t now) const {
  return c.valid && Covers(c.changes, changes) && now - c.computed_at < kMaxAgeMs;
}

bool DashboardService::MissesOwnWrite(const Cached& c, int64_t user_id) const {
  auto it = writes_.find(user_id);
  return it != writes_.end() && !Covers(c.changes, it->second);
}

void DashboardService::NoteWrite(int64_t user_id) {
  Changes changes = ChangesNow();
  std::lock_guard<std::mutex> lock(mu_);
  if (writes_.size() >= kMaxCachedUsers) writes_.clear();
  writes_[user_id] = changes;
}

// Refreshes of a scope that requests do not wait for are at least kRefreshSpacing times their own
// duration apart.
bool DashboardService::RefreshSpacingPassed(const Cached& c) const {
  return std::chrono::steady_clock::now() - c.finished >= std::chrono::milliseconds(kRefreshSpacing * c.compute_ms);
}

void DashboardService::Request(const std::string& scope) {
  if (std::find(pending_.begin(), pending_.end(), scope) != pending_.end()) return;
  pending_.push_back(scope);
  refresh_cv_.notify_one();
}

void DashboardService::Warm() {
  std::lock_guard<std::mutex> lock(mu_);
  Request("");
}

void DashboardService::DropCache() {
  std::lock_guard<std::mutex> lock(mu_);
  ++epoch_;  // a computation running now read the replaced data
  for (auto& [scope, cached] : cache_) {
    cached.valid = false;
    Request(scope);  // for requests waiting on this scope
  }
  renewals_.clear();
}

// Computes the requested scopes one at a time. The changes are read before the computation's
// snapshot, so a summary is never older than the changes it is stored with.
void DashboardService::RefreshLoop() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    refresh_cv_.wait(lock, [&] { return stopping_ || !pending_.empty(); });
    if (stopping_) return;
    std::string scope = std::move(pending_.front());
    pending_.pop_front();
    const Cached& last = cache_[scope];
    if (last.valid && last.compute_ms > slow_compute_ms_ && !RefreshSpacingPassed(last)) {
      // Asked for by requests that then took the slow summary just computed: the spacing of slow
      // refreshes holds (the next request after it asks again).
      continue;
    }
    uint64_t epoch = epoch_;
    lock.unlock();
    Changes changes = ChangesNow();
    int64_t now = ctx_.clock.NowMs();
    auto started = std::chrono::steady_clock::now();
    DashboardSummary summary;
    Status computed = ctx_.store.Read([&](Tx& tx) {
      ASSIGN_OR_RETURN(summary, tx.dashboard().Summary(scope, now));
      return Status::Ok();
    });
    auto took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
    if (computed.ok()) {
      log::Debug("dashboard summary computed", {{"scope", scope}, {"ms", took.count()}});
    } else {
      log::Warn("dashboard summary failed", {{"scope", scope}, {"error", computed.ToString()}});
    }
    lock.lock();
    if (epoch == epoch_) {
      Cached& c = cache_[scope];
      ++c.attempts;
      c.error = computed;
      if (computed.ok()) {
        c.valid = true;
        c.changes = changes;
        c.computed_at = now;
        c.compute_ms = took.count();
        c.finished = std::chrono::steady_clock::now();
        c.summary = std::move(summary);
      }
    }
    done_cv_.notify_all();
  }
}

StatusOr<DashboardSummary> DashboardService::Summary(const Actor& actor) {
  RETURN_IF_ERROR(Require(actor, Permission::kDashboardRead));
  std::string scope = ScopeRegion(actor);
  Changes changes = ChangesNow();
  int64_t now = ctx_.clock.NowMs();
  DashboardSummary summary;
  {
    std::unique_lock<std::mutex> lock(mu_);
    Cached& c = cache_[scope];  // one entry per region at most; never erased, so the reference holds
    if (!Fresh(c, changes, now)) {
      bool quick = c.compute_ms <= slow_compute_ms_;
      bool must_wait = !c.valid || (quick && (now - c.computed_at >= kMaxAgeMs || MissesOwnWrite(c, actor.user_id)));
      if (must_wait) {
        Request(scope);
        uint64_t attempts = c.attempts;
        // Waits for a summary that includes every write committed before this request; but once a
        // computation has finished and turned out slow (the first one after a start at a million
        // customers), its summary is answered, as the slow path below would, rather than waiting for
        // yet another one because something was written while it ran.
        done_cv_.wait(lock, [&] {
          return stopping_ || Fresh(c, changes, ctx_.clock.NowMs()) ||
                 (c.attempts > attempts && (!c.error.ok() || (c.valid && c.compute_ms > slow_compute_ms_)));
        });
        if (stopping_) return Unavailable("the server is shutting down");
        if (!Fresh(c, changes, ctx_.clock.NowMs()) && !c.valid) return c.error;
      } else if (RefreshSpacingPassed(c)) {
        // The previous summary is answered (it has every write of this user's), and refreshes are
        // spaced out so that steady writes do not keep a core busy recomputing.
        Request(scope);
      }
    }
    summary = c.summary;
  }
  // "My upcoming renewals" is per user, cached the same way (each dashboard load would read it).
  if (actor.user_id != 0 && (actor.role == "sales_rep" || actor.role == "sales_manager" || actor.role == "admin")) {
    bool renewals_hit = false;
    {
      std::lock_guard<std::mutex> lock(mu_);
      auto it = renewals_.find(actor.user_id);
      if (it != renewals_.end() && Covers(it->second.changes, changes) && now - it->second.computed_at < kMaxAgeMs) {
        summary.my_renewals = it->second.renewals;
        renewals_hit = true;
      }
    }
    if (!renewals_hit) {
      RETURN_IF_ERROR(ctx_.store.Read([&](Tx& tx) {
        ASSIGN_OR_RETURN(summary.my_renewals, tx.dashboard().UpcomingRenewals(actor.user_id, now));
        return Status::Ok();
      }));
      std::lock_guard<std::mutex> lock(mu_);
      if (renewals_.size() >= kMaxCachedUsers) renewals_.clear();
      renewals_[actor.user_id] = {changes, now, summary.my_renewals};
    }
  }
  return summary;
}

}  // namespace salesdb
