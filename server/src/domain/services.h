// The domain services: every read and write of the sales data goes through here. Each public
// function checks the actor's permissions (domain/permissions.h), validates input
// (domain/validation.h), runs in one transaction, and records its audit entry in that transaction.
// Errors: InvalidArgument (422, with field errors), NotFound (also for rows outside the actor's
// scope), PermissionDenied, Aborted (stale version → 412), AlreadyExists (409), Unavailable.
// Thread-safe: services hold no per-request state.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>

#include "base/clock.h"
#include "domain/answer_cache.h"
#include "domain/entities.h"
#include "domain/masking.h"
#include "domain/paging.h"
#include "domain/store.h"

namespace salesdb {

struct ServiceContext {
  Store& store;
  AuditSink& audit;
  const Clock& clock;
};

// A change to an existing row: `apply` sets the requested fields on a copy of the stored row.
template <typename T>
struct Change {
  int64_t expected_version = 0;  // 0: the caller gave none → 428 precondition required
  std::function<Status(T&)> apply;
};

struct TimelineItem {
  std::string kind;  // activity | license | opportunity
  int64_t at = 0;
  int64_t id = 0;
  std::string title;   // a one-line summary in English, for scripts
  std::string detail;
  // The row itself, masked for the reader as its own GET shows it: the one of `kind`.
  std::optional<Activity> activity;
  std::optional<License> license;
  std::optional<Opportunity> opportunity;
};

// Customer lists are answered from an AnswerCache (domain/answer_cache.h) while the customers and
// users tables are unchanged: a list is the page most often asked for, by many users at once.
class CustomerService {
 public:
  explicit CustomerService(ServiceContext ctx) : ctx_(ctx) {}
  StatusOr<std::shared_ptr<const Page<Customer>>> List(const Actor& actor, CustomerQuery q);
  StatusOr<CustomerDetail> Get(const Actor& actor, int64_t id);
  StatusOr<Customer> Create(const Actor& actor, Customer c);
  StatusOr<Customer> Update(const Actor& actor, int64_t id, const Change<Customer>& change);
  Status Delete(const Actor& actor, int64_t id, int64_t expected_version);  // to the trash
  StatusOr<Customer> Restore(const Actor& actor, int64_t id);
  StatusOr<std::vector<TimelineItem>> Timeline(const Actor& actor, int64_t id, int limit, int64_t before);
  StatusOr<int64_t> PurgeTrash(int64_t older_than_ms);  // job

  static constexpr size_t kListCacheBytes = 16 << 20;
  static constexpr int64_t kListCacheMaxAgeMs = 60'000;

 private:
  ServiceContext ctx_;
  static size_t ListBytes(const Page<Customer>& page);
  AnswerCache<Page<Customer>> lists_{kListCacheBytes, kListCacheMaxAgeMs, ListBytes};
};

// Contacts, activities and opportunities share one shape; licences add issue/renew/revoke.
class ContactService {
 public:
  explicit ContactService(ServiceContext ctx) : ctx_(ctx) {}
  StatusOr<Page<Contact>> List(const Actor& actor, ChildQuery q);
  StatusOr<Contact> Get(const Actor& actor, int64_t id);
  StatusOr<Contact> Create(const Actor& actor, Contact c);
  StatusOr<Contact> Update(const Actor& actor, int64_t id, const Change<Contact>& change);
  Status Delete(const Actor& actor, int64_t id, int64_t expected_version);
  // One field's plaintext (email or phone) for a role the masking table lets reveal it; rate
  // limited (ResourceExhausted) and recorded in the audit log.
  StatusOr<std::string> Reveal(const Actor& actor, int64_t id, const std::string& field);

 private:
  ServiceContext ctx_;
};

class ActivityService {
 public:
  explicit ActivityService(ServiceContext ctx) : ctx_(ctx) {}
  StatusOr<Page<Activity>> List(const Actor& actor, ChildQuery q);
  StatusOr<Activity> Get(const Actor& actor, int64_t id);
  StatusOr<Activity> Create(const Actor& actor, Activity a);
  StatusOr<Activity> Update(const Actor& actor, int64_t id, const Change<Activity>& change);
  Status Delete(const Actor& actor, int64_t id, int64_t expected_version);
  StatusOr<std::string> Reveal(const Actor& actor, int64_t id, const std::string& field);  // body

 private:
  ServiceContext ctx_;
};

class OpportunityService {
 public:
  explicit OpportunityService(ServiceContext ctx) : ctx_(ctx) {}
  StatusOr<Page<Opportunity>> List(const Actor& actor, ChildQuery q);
  StatusOr<Opportunity> Get(const Actor& actor, int64_t id);
  StatusOr<Opportunity> Create(const Actor& actor, Opportunity o);
  StatusOr<Opportunity> Update(const Actor& actor, int64_t id, const Change<Opportunity>& change);
  Status Delete(const Actor& actor, int64_t id, int64_t expected_version);

 private:
  ServiceContext ctx_;
};

class LicenseService {
 public:
  explicit LicenseService(ServiceContext ctx) : ctx_(ctx) {}
  StatusOr<Page<License>> List(const Actor& actor, ChildQuery q);
  StatusOr<License> Get(const Actor& actor, int64_t id);
  // Issues a licence with a fresh key (DIFY-XXXX-XXXX-XXXX-XXXX); status active.
  StatusOr<License> Issue(const Actor& actor, License l);
  StatusOr<License> Update(const Actor& actor, int64_t id, const Change<License>& change);
  StatusOr<License> Renew(const Actor& actor, int64_t id, int64_t expected_version, int64_t new_expires_at);
  StatusOr<License> Revoke(const Actor& actor, int64_t id, int64_t expected_version, const std::string& reason);
  StatusOr<int64_t> ExpireDue();  // job
  StatusOr<std::string> Reveal(const Actor& actor, int64_t id, const std::string& field);  // key

 private:
  ServiceContext ctx_;
};

// Dashboard aggregates, cached per scope until the next committed change to a table they read
// (customers, licences, opportunities; Store::ChangeStamp, so a write through another instance counts
// too; while this instance cannot hear the others, any write through this one), and for at most a
// minute, so that the 30/60/90-day windows move with the clock. One refresher thread computes them, one
// scope at a time. A request that finds its scope's summary out of date gets it at once while a newer
// one is computed, unless the summary lacks a write of the requester's own (NoteWrite) or is a minute
// old: then it waits for the refresh when the last computation was quick. When that was slow
// (seconds at a million customers), every request is answered the previous summary (its generated_at
// says when) while the refresh runs. Without any previous summary a request always waits.
class DashboardService {
 public:
  // slow_compute_ms: a computation that took longer is not waited for when a previous summary exists.
  explicit DashboardService(ServiceContext ctx, int64_t slow_compute_ms = 500);
  ~DashboardService();
  StatusOr<DashboardSummary> Summary(const Actor& actor);
  // Notes that `user_id` has just changed data (a successful write request), so that their next
  // summary includes it.
  void NoteWrite(int64_t user_id);
  // Starts computing the company-wide summary (at server start, so the first visit is served).
  void Warm();
  // Forgets the cached aggregates (after an online restore replaced the data).
  void DropCache();

 private:
  // What a summary is current with: the changes to the tables it reads, or (while this instance
  // cannot hear the others, stamp nullopt) this process's write generation.
  struct Changes {
    std::optional<uint64_t> stamp;
    uint64_t generation = 0;
  };
  struct Cached {
    bool valid = false;
    Changes changes;
    int64_t computed_at = 0;
    int64_t compute_ms = 0;  // how long the last computation took
    std::chrono::steady_clock::time_point finished;
    DashboardSummary summary;
    Status error;  // of the last computation, for requests that have no summary to fall back on
    uint64_t attempts = 0;
  };
  struct CachedRenewals {
    Changes changes;
    int64_t computed_at = 0;
    std::vector<License> renewals;
  };
  Changes ChangesNow() const;
  static bool Covers(const Changes& cached, const Changes& now);
  bool Fresh(const Cached& c, const Changes& changes, int64_t now) const;
  bool RefreshSpacingPassed(const Cached& c) const;
  bool MissesOwnWrite(const Cached& c, int64_t user_id) const;  // with mu_ held
  void Request(const std::string& scope);  // with mu_ held
  void RefreshLoop();

  ServiceContext ctx_;
  int64_t slow_compute_ms_;
  std::mutex mu_;
  std::condition_variable refresh_cv_;  // work for the refresher
  std::condition_variable done_cv_;     // a computation finished
  std::deque<std::string> pending_;     // scopes to compute, each at most once
  bool stopping_ = false;
  uint64_t epoch_ = 0;  // DropCache() discards computations that were running
  std::unordered_map<std::string, Cached> cache_;         // by scope region
  std::unordered_map<int64_t, CachedRenewals> renewals_;  // by user id
  std::unordered_map<int64_t, Changes> writes_;           // by user id: the changes after their last write
  std::thread refresher_;
};

// Builds an audit entry for `actor` (the caller fills before/after).
AuditEntry MakeAuditEntry(const Actor& actor, int64_t at, std::string action, std::string entity, int64_t entity_id);

// Reveals allowed per user in kRevealWindowMs (counted in the audit log, so shared by instances).
inline constexpr int kRevealLimit = 20;
inline constexpr int64_t kRevealWindowMs = 10 * 60 * 1000;

}  // namespace salesdb
