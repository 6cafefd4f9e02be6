// The domain services: every read and write of the sales data goes through here. Each public
// function checks the actor's permissions (domain/permissions.h), validates input
// (domain/validation.h), runs in one transaction, and records its audit entry in that transaction.
// Errors: InvalidArgument (422, with field errors), NotFound (also for rows outside the actor's
// scope), PermissionDenied, Aborted (stale version → 412), AlreadyExists (409), Unavailable.
// Thread-safe: services hold no per-request state.
#pragma once

#include <atomic>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "base/clock.h"
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

struct CustomerDetail {
  Customer customer;
  std::vector<Contact> contacts;
  std::vector<License> licenses;
  std::vector<Activity> activities;  // 20 latest
  std::vector<Opportunity> opportunities;
};

struct TimelineItem {
  std::string kind;  // activity | license | opportunity
  int64_t at = 0;
  int64_t id = 0;
  std::string title;
  std::string detail;
};

class CustomerService {
 public:
  explicit CustomerService(ServiceContext ctx) : ctx_(ctx) {}
  StatusOr<Page<Customer>> List(const Actor& actor, CustomerQuery q);
  StatusOr<CustomerDetail> Get(const Actor& actor, int64_t id);
  StatusOr<Customer> Create(const Actor& actor, Customer c);
  StatusOr<Customer> Update(const Actor& actor, int64_t id, const Change<Customer>& change);
  Status Delete(const Actor& actor, int64_t id, int64_t expected_version);  // to the trash
  StatusOr<Customer> Restore(const Actor& actor, int64_t id);
  StatusOr<std::vector<TimelineItem>> Timeline(const Actor& actor, int64_t id, int limit, int64_t before);
  StatusOr<int64_t> PurgeTrash(int64_t older_than_ms);  // job

 private:
  ServiceContext ctx_;
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

// Dashboard aggregates, cached per scope until the next committed write.
class DashboardService {
 public:
  explicit DashboardService(ServiceContext ctx) : ctx_(ctx) {}
  StatusOr<DashboardSummary> Summary(const Actor& actor);
  // Forgets the cached aggregates (after an online restore replaced the data).
  void DropCache() {
    std::lock_guard<std::mutex> lock(mu_);
    cache_.clear();
    renewals_.clear();
  }

 private:
  ServiceContext ctx_;
  struct Cached {
    uint64_t generation = 0;
    int64_t computed_at = 0;
    DashboardSummary summary;
  };
  struct CachedRenewals {
    uint64_t generation = 0;
    int64_t computed_at = 0;
    std::vector<License> renewals;
  };
  std::mutex mu_;
  std::unordered_map<std::string, Cached> cache_;            // by scope region
  std::unordered_map<int64_t, CachedRenewals> renewals_;     // by user id
};

// Builds an audit entry for `actor` (the caller fills before/after).
AuditEntry MakeAuditEntry(const Actor& actor, int64_t at, std::string action, std::string entity, int64_t entity_id);

// Reveals allowed per user in kRevealWindowMs (counted in the audit log, so shared by instances).
inline constexpr int kRevealLimit = 20;
inline constexpr int64_t kRevealWindowMs = 10 * 60 * 1000;

}  // namespace salesdb
