// How the domain reaches storage: repository interfaces bound to one transaction (Tx), and a Store
// that runs a function inside a read snapshot or a durable write transaction. storage/ implements
// these with SOCI; domain/ sees no SQL. A Tx and its repositories are used by one thread at a time
// and only inside the Store call that handed them out.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/status.h"
#include "domain/entities.h"

namespace salesdb {

// Keyset pagination: rows after the cursor position in the sort order. `sort_field` is one of the
// resource's sortable fields (validated by the service); the cursor is the last row's (value, id).
struct PageRequest {
  std::string sort_field;
  bool numeric = true;  // the sort field holds numbers (else text)
  bool descending = true;
  int limit = 50;
  bool has_cursor = false;
  std::string cursor_text;  // for text sort fields
  int64_t cursor_number = 0;  // for numeric sort fields
  int64_t cursor_id = 0;
};

struct CustomerQuery {
  PageRequest page;
  std::string region, industry, status, tier, tag, q;
  int64_t owner_id = 0;
  bool deleted = false;      // the trash instead of live rows
  std::string scope_region;  // row scope of the caller (sales_manager); empty: all
};

struct ChildQuery {  // contacts, licences, activities, opportunities
  PageRequest page;
  int64_t customer_id = 0;
  std::string scope_region;
  // licences
  std::string status, edition, key;
  int64_t expires_before = 0;  // 0: no filter
  // contacts (exact match)
  std::string email, phone;
  // activities / opportunities
  std::string type, stage;
  int64_t user_id = 0;   // activities.user_id
  int64_t owner_id = 0;  // opportunities.owner_id
};

// A customer with its children (CustomerRepository::GetDetail).
struct CustomerDetail {
  Customer customer;
  std::vector<Contact> contacts;
  std::vector<License> licenses;
  std::vector<Activity> activities;  // 20 latest
  std::vector<Opportunity> opportunities;
};

// What CustomerRepository::GetDetail reads: each list as the child repository's List gives it for
// that query (customer_id is set to the customer's).
struct DetailQuery {
  int64_t customer_id = 0;
  ChildQuery contacts, licenses, activities, opportunities;
};

class UserRepository {
 public:
  virtual ~UserRepository() = default;
  virtual StatusOr<User> Get(int64_t id) = 0;
  virtual StatusOr<User> GetByEmail(const std::string& email) = 0;
  // `region`, when not empty: that region's users only.
  virtual StatusOr<std::vector<User>> List(const PageRequest& page, const std::string& region) = 0;
  virtual StatusOr<int64_t> Insert(const User& u) = 0;
  // Writes every field; Aborted when the row's version is not u.meta.version - 1.
  virtual Status Update(const User& u) = 0;
  virtual Status RecordLoginFailure(int64_t id, int failed_logins, int64_t locked_until) = 0;
  virtual Status RecordLoginSuccess(int64_t id) = 0;
  virtual StatusOr<int64_t> Count() = 0;
};

class SessionRepository {
 public:
  virtual ~SessionRepository() = default;
  virtual StatusOr<int64_t> Insert(const Session& s) = 0;
  virtual StatusOr<Session> GetByTokenHash(const std::string& token_hash) = 0;  // live ones only
  virtual Status Touch(int64_t id, int64_t at) = 0;
  virtual Status Revoke(int64_t id, int64_t at) = 0;
  virtual Status RevokeAllForUser(int64_t user_id, int64_t at, int64_t except_id) = 0;
  virtual Status DeleteExpired(int64_t now) = 0;
};

class ApiTokenRepository {
 public:
  virtual ~ApiTokenRepository() = default;
  virtual StatusOr<int64_t> Insert(const ApiToken& t) = 0;
  virtual StatusOr<ApiToken> GetByHash(const std::string& token_hash) = 0;  // not revoked
  virtual StatusOr<std::vector<ApiToken>> ListForUser(int64_t user_id) = 0;
  // NotFound unless a live token with this id belongs to user_id (user_id 0: any user).
  virtual Status Revoke(int64_t id, int64_t user_id, int64_t at) = 0;
  virtual Status Touch(int64_t id, int64_t at) = 0;
};

// Counters for per-IP login throttling, shared by every instance through the database.
class LoginAttemptRepository {
 public:
  virtual ~LoginAttemptRepository() = default;
  virtual Status Record(const std::string& ip, const std::string& email, bool ok, int64_t at) = 0;
  virtual StatusOr<int64_t> CountFailuresSince(const std::string& ip, int64_t since) = 0;
  virtual Status DeleteBefore(int64_t at) = 0;
};

struct IdempotentAnswer {
  int status = 0;
  std::string location;
  std::string body;
  std::string request_hash;  // method + path + body digest; a different request with the same key is refused
};

class IdempotencyRepository {
 public:
  virtual ~IdempotencyRepository() = default;
  virtual StatusOr<std::optional<IdempotentAnswer>> Find(int64_t user_id, const std::string& key) = 0;
  virtual Status Save(int64_t user_id, const std::string& key, const IdempotentAnswer& a, int64_t at) = 0;
  virtual Status DeleteBefore(int64_t at) = 0;
};

class CustomerRepository {
 public:
  virtual ~CustomerRepository() = default;
  // include_deleted: also rows in the trash.
  virtual StatusOr<Customer> Get(int64_t id, bool include_deleted) = 0;
  // At most page.limit + 1 rows, so that callers know whether a next page exists.
  virtual StatusOr<std::vector<Customer>> List(const CustomerQuery& q) = 0;
  // The live customer with its children: the five reads of a detail page, in one round trip on
  // PostgreSQL. NotFound as Get(id, false).
  virtual StatusOr<CustomerDetail> GetDetail(const DetailQuery& q) = 0;
  virtual StatusOr<int64_t> Insert(const Customer& c) = 0;
  // Aborted when the stored version is not c.meta.version - 1 (c carries the new version).
  virtual Status Update(const Customer& c) = 0;
  virtual Status SetDeleted(int64_t id, int64_t new_version, std::optional<int64_t> deleted_at,
                            int64_t by, int64_t at) = 0;
  virtual StatusOr<int64_t> PurgeDeletedBefore(int64_t at) = 0;
};

class ContactRepository {
 public:
  virtual ~ContactRepository() = default;
  virtual StatusOr<Contact> Get(int64_t id) = 0;
  virtual StatusOr<std::vector<Contact>> List(const ChildQuery& q) = 0;
  virtual StatusOr<int64_t> Insert(const Contact& c) = 0;
  virtual Status Update(const Contact& c) = 0;
  virtual Status Delete(int64_t id, int64_t version) = 0;
  virtual Status ClearPrimary(int64_t customer_id, int64_t except_id) = 0;
};

class LicenseRepository {
 public:
  virtual ~LicenseRepository() = default;
  virtual StatusOr<License> Get(int64_t id) = 0;
  virtual StatusOr<std::vector<License>> List(const ChildQuery& q) = 0;
  virtual StatusOr<int64_t> Insert(const License& l) = 0;
  virtual Status Update(const License& l) = 0;
  virtual Status Delete(int64_t id, int64_t version) = 0;
  virtual StatusOr<int64_t> ExpireDue(int64_t now) = 0;
};

class ActivityRepository {
 public:
  virtual ~ActivityRepository() = default;
  virtual StatusOr<Activity> Get(int64_t id) = 0;
  virtual StatusOr<std::vector<Activity>> List(const ChildQuery& q) = 0;
  virtual StatusOr<int64_t> Insert(const Activity& a) = 0;
  virtual Status Update(const Activity& a) = 0;
  virtual Status Delete(int64_t id, int64_t version) = 0;
};

class OpportunityRepository {
 public:
  virtual ~OpportunityRepository() = default;
  virtual StatusOr<Opportunity> Get(int64_t id) = 0;
  virtual StatusOr<std::vector<Opportunity>> List(const ChildQuery& q) = 0;
  virtual StatusOr<int64_t> Insert(const Opportunity& o) = 0;
  virtual Status Update(const Opportunity& o) = 0;
  virtual Status Delete(int64_t id, int64_t version) = 0;
};

struct DashboardSummary {
  int64_t leads = 0, active = 0, churned = 0;
  int64_t active_licenses = 0;
  std::vector<std::pair<std::string, int64_t>> arr;  // currency → minor units
  int64_t expiring_30 = 0, expiring_60 = 0, expiring_90 = 0;
  std::vector<std::pair<std::string, int64_t>> new_customers_by_month;  // "YYYY-MM" → count
  struct Stage {
    std::string stage;
    int64_t count = 0;
    std::vector<std::pair<std::string, int64_t>> amounts;  // currency → minor units; currencies never summed
  };
  std::vector<Stage> pipeline;
  std::vector<License> my_renewals;
  int64_t generated_at = 0;
};

class DashboardRepository {
 public:
  virtual ~DashboardRepository() = default;
  // Aggregates over live customers (scope_region limits them when non-empty) at time `now`.
  virtual StatusOr<DashboardSummary> Summary(const std::string& scope_region, int64_t now) = 0;
  // The owner's active licences expiring in the next 90 days, soonest first, at most 10.
  virtual StatusOr<std::vector<License>> UpcomingRenewals(int64_t owner_id, int64_t now) = 0;
};

// Filters of the audit query API; 0 / empty: no filter. Newest first, keyset on id.
struct AuditQuery {
  int64_t actor_id = 0;
  std::string action, entity, ip, request_id;
  // Any of these actions; "*.delete" stands for every action ending in ".delete". Empty: all.
  std::vector<std::string> actions;
  int64_t entity_id = 0;
  int64_t from = 0, to = 0;  // at in [from, to); 0: open
  int64_t before_id = 0;     // keyset cursor: entries with id < before_id; 0: from the newest
  int limit = 50;            // the repository returns at most limit + 1 rows
  bool ascending = false;    // oldest first from after_id (baselines, exports in order)
  int64_t after_id = 0;
};

// Whether `action` is one that `pattern` of AuditQuery::actions names ("*.delete": every action
// ending in ".delete"; otherwise that action exactly).
inline bool ActionMatches(std::string_view pattern, std::string_view action) {
  return pattern.starts_with('*') ? action.ends_with(pattern.substr(1)) : action == pattern;
}

// A firing of an anomaly rule (audit/anomaly.h); one per (rule, entry that triggered it).
struct SecurityAlert {
  int64_t id = 0;
  int64_t at = 0;
  std::string rule;
  std::string severity;  // info | warning | critical
  int64_t actor_id = 0;
  std::string subject;  // what the rule counted by: account, ip, user
  int64_t entry_id = 0;  // the audit entry that made it fire
  std::string detail_json;
};

// An audit entry whose content is final (redacted), waiting for its place in the hash chain.
// `canonical` holds the bytes its hash covers besides the predecessor's hash, and `link` gives its
// hash from the predecessor's (audit/audit_log.h owns that format); the repository chains entries
// with it, so that only this cheap step waits for the chain's head.
struct PreparedAuditEntry {
  AuditEntry entry;
  std::string canonical;
  std::string (*link)(const std::string& prev_hash, const std::string& canonical) = nullptr;
};

class AuditRepository {
 public:
  virtual ~AuditRepository() = default;
  // The newest entry's (id, hash); (0, "") when the log is empty. Does not lock.
  virtual StatusOr<std::pair<int64_t, std::string>> Head() = 0;
  virtual StatusOr<AuditEntry> Get(int64_t id) = 0;
  virtual StatusOr<std::vector<AuditEntry>> Find(const AuditQuery& q) = 0;
  // Stores an alert unless one for (rule, entry_id) exists; true when stored.
  virtual StatusOr<bool> InsertAlert(const SecurityAlert& a) = 0;
  // Newest first, id < before_id (0: from the newest), at most limit + 1.
  virtual StatusOr<std::vector<SecurityAlert>> ListAlerts(int64_t before_id, int limit) = 0;
  // Deletes entries with id <= last_id: only for entries already sealed into an archive
  // (audit/archive.h). The one path past the append-only triggers; ordinary writes stay refused.
  virtual Status DeleteArchived(int64_t last_id) = 0;
  // Adds an entry to this write transaction. It is chained and inserted when the transaction's
  // group-commit batch ends, right before COMMIT: the entries of the batch's successful writes, in
  // the order appended, after the chain's head, under one lock of the head that serializes appenders
  // across connections and processes. When this write fails, its entries are dropped with it.
  // FailedPrecondition outside a write transaction.
  virtual Status Append(PreparedAuditEntry e) = 0;
  // Entries with id > after_id in id order, at most limit (verification, export).
  virtual StatusOr<std::vector<AuditEntry>> Scan(int64_t after_id, int limit) = 0;
  // Entries by actor_id at or after `since` whose action ends with `action_suffix` (rate limits),
  // the entries appended in this transaction and its batch but not yet inserted included.
  virtual StatusOr<int64_t> CountByActorSince(int64_t actor_id, const std::string& action_suffix,
                                              int64_t since) = 0;
};

class Tx;

// Records audit entries; implemented by audit/ (hash chain). Called inside the write transaction
// of the change it records.
class AuditSink {
 public:
  virtual ~AuditSink() = default;
  virtual Status Record(Tx& tx, AuditEntry e) = 0;
  // Record() for a change whose before/after states are JSON objects (null pointer: none), which
  // the sink may change (redact) and serialises itself: no text to parse again.
  virtual Status RecordChange(Tx& tx, AuditEntry e, nlohmann::json* before, nlohmann::json* after) {
    if (before) e.before_json = before->dump();
    if (after) e.after_json = after->dump();
    return Record(tx, std::move(e));
  }
  // Notes that `actor` was shown `rows` records of `entity` (lists, detail pages), outside any
  // transaction; the sink records a bulk-read entry when a user reads more than allowed per minute.
  virtual Status NoteRead(const Actor& actor, const std::string& entity, int64_t rows) { return Status::Ok(); }
};

// Tables whose committed changes the Store counts (a bit each), for answers cached in memory.
// A licence's change counts as a customer's too: triggers keep customers.active_licenses.
enum ChangedTable : uint32_t {
  kUsersTable = 1u << 0,
  kCustomersTable = 1u << 1,
  kContactsTable = 1u << 2,
  kLicensesTable = 1u << 3,
  kActivitiesTable = 1u << 4,
  kOpportunitiesTable = 1u << 5,
};
constexpr int kChangedTableCount = 6;
constexpr uint32_t kAllChangedTables = (1u << kChangedTableCount) - 1;

// Repositories bound to one transaction.
class Tx {
 public:
  virtual ~Tx() = default;
  virtual UserRepository& users() = 0;
  virtual SessionRepository& sessions() = 0;
  virtual ApiTokenRepository& api_tokens() = 0;
  virtual LoginAttemptRepository& login_attempts() = 0;
  virtual IdempotencyRepository& idempotency() = 0;
  virtual CustomerRepository& customers() = 0;
  virtual ContactRepository& contacts() = 0;
  virtual LicenseRepository& licenses() = 0;
  virtual ActivityRepository& activities() = 0;
  virtual OpportunityRepository& opportunities() = 0;
  virtual DashboardRepository& dashboard() = 0;
  virtual AuditRepository& audit() = 0;
};

class Store {
 public:
  virtual ~Store() = default;
  // Runs fn on a read-only view. Unavailable when the database cannot be reached.
  virtual Status Read(const std::function<Status(Tx&)>& fn) = 0;
  // Runs fn in one write transaction and returns after the commit is durable. When fn returns an
  // error, or throws, nothing it wrote is kept. Concurrent writes may share one commit (group commit).
  virtual Status Write(const std::function<Status(Tx&)>& fn) = 0;
  // Bumped after every committed write; cached answers key on it.
  virtual uint64_t generation() const = 0;
  // A count of the committed changes to `tables` (ChangedTable bits) that this process knows of,
  // raised before the writer of a change is answered: an answer cached with the stamp is current
  // while the stamp is unchanged. PostgreSQL: other instances' changes arrive by LISTEN/NOTIFY
  // within milliseconds of their commit; nullopt while this instance cannot hear them (cache
  // nothing then).
  virtual std::optional<uint64_t> ChangeStamp(uint32_t tables) const = 0;
  // Counts every table as changed (a restore replaced the data).
  virtual void MarkAllChanged() = 0;
  virtual bool is_postgres() const = 0;
};

}  // namespace salesdb
