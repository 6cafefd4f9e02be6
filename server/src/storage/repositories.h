// SOCI implementations of the domain's repository interfaces. Each object is bound to one session
// for the life of one Store call. SQL lives as named constants at the top of each .cc file.
#pragma once

#include <soci/soci.h>

#include "domain/field_cipher.h"
#include "domain/store.h"
#include "storage/database.h"
#include "storage/sql_query.h"
#include "storage/user_names.h"
#include "storage/writer_state.h"

namespace salesdb {

struct RepoContext {
  soci::session& s;
  Dialect dialect;
  FieldCipher* cipher = nullptr;  // seals contacts, licences and activities (storage/field_encryption.h)
  WriterState* writer = nullptr;  // write transactions: the writer thread's state (audit entries, data key, ids)
  UserNames* names = nullptr;     // the names shown beside user ids
};

// The name of user `id` for a row read in this transaction ("" for none).
inline std::string UserName(const RepoContext& ctx, int64_t id) { return ctx.names->Of(ctx.s, id); }

// The write running changes `tables` (ChangedTable bits, domain/store.h): answers cached from them
// go stale at its commit. Every repository method that changes rows that a cached answer shows says so.
inline void Changed(const RepoContext& ctx, uint32_t tables) {
  if (ctx.writer != nullptr) ctx.writer->Changed(tables);
}

#define SALESDB_REPO_CTOR(Name) \
  explicit Name(RepoContext ctx) : ctx_(ctx) {} \
                                                \
 private:                                       \
  RepoContext ctx_;                             \
                                                \
 public:

class SqlUserRepository final : public UserRepository {
 public:
  SALESDB_REPO_CTOR(SqlUserRepository)
  StatusOr<User> Get(int64_t id) override;
  StatusOr<User> GetByEmail(const std::string& email) override;
  StatusOr<std::vector<User>> List(const PageRequest& page, const std::string& region) override;
  StatusOr<int64_t> Insert(const User& u) override;
  Status Update(const User& u) override;
  Status RecordLoginFailure(int64_t id, int failed_logins, int64_t locked_until) override;
  Status RecordLoginSuccess(int64_t id) override;
  StatusOr<int64_t> Count() override;
};

class SqlSessionRepository final : public SessionRepository {
 public:
  SALESDB_REPO_CTOR(SqlSessionRepository)
  StatusOr<int64_t> Insert(const Session& s) override;
  StatusOr<Session> GetByTokenHash(const std::string& token_hash) override;
  Status Touch(int64_t id, int64_t at) override;
  Status Revoke(int64_t id, int64_t at) override;
  Status RevokeAllForUser(int64_t user_id, int64_t at, int64_t except_id) override;
  Status DeleteExpired(int64_t now) override;
};

class SqlApiTokenRepository final : public ApiTokenRepository {
 public:
  SALESDB_REPO_CTOR(SqlApiTokenRepository)
  StatusOr<int64_t> Insert(const ApiToken& t) override;
  StatusOr<ApiToken> GetByHash(const std::string& token_hash) override;
  StatusOr<std::vector<ApiToken>> ListForUser(int64_t user_id) override;
  Status Revoke(int64_t id, int64_t user_id, int64_t at) override;
  Status Touch(int64_t id, int64_t at) override;
};

class SqlLoginAttemptRepository final : public LoginAttemptRepository {
 public:
  SALESDB_REPO_CTOR(SqlLoginAttemptRepository)
  Status Record(const std::string& ip, const std::string& email, bool ok, int64_t at) override;
  StatusOr<int64_t> CountFailuresSince(const std::string& ip, int64_t since) override;
  Status DeleteBefore(int64_t at) override;
};

class SqlIdempotencyRepository final : public IdempotencyRepository {
 public:
  SALESDB_REPO_CTOR(SqlIdempotencyRepository)
  StatusOr<std::optional<IdempotentAnswer>> Find(int64_t user_id, const std::string& key) override;
  Status Save(int64_t user_id, const std::string& key, const IdempotentAnswer& a, int64_t at) override;
  Status DeleteBefore(int64_t at) override;
};

class SqlCustomerRepository final : public CustomerRepository {
 public:
  SALESDB_REPO_CTOR(SqlCustomerRepository)
  StatusOr<Customer> Get(int64_t id, bool include_deleted) override;
  StatusOr<std::vector<Customer>> List(const CustomerQuery& q) override;
  StatusOr<CustomerDetail> GetDetail(const DetailQuery& q) override;
  StatusOr<int64_t> Insert(const Customer& c) override;
  Status Update(const Customer& c) override;
  Status SetDeleted(int64_t id, int64_t new_version, std::optional<int64_t> deleted_at, int64_t by,
                    int64_t at) override;
  StatusOr<int64_t> PurgeDeletedBefore(int64_t at) override;
};

class SqlContactRepository final : public ContactRepository {
 public:
  SALESDB_REPO_CTOR(SqlContactRepository)
  StatusOr<Contact> Get(int64_t id) override;
  StatusOr<std::vector<Contact>> List(const ChildQuery& q) override;
  StatusOr<int64_t> Insert(const Contact& c) override;
  Status Update(const Contact& c) override;
  Status Delete(int64_t id, int64_t version) override;
  Status ClearPrimary(int64_t customer_id, int64_t except_id) override;
};

class SqlLicenseRepository final : public LicenseRepository {
 public:
  SALESDB_REPO_CTOR(SqlLicenseRepository)
  StatusOr<License> Get(int64_t id) override;
  StatusOr<std::vector<License>> List(const ChildQuery& q) override;
  StatusOr<int64_t> Insert(const License& l) override;
  Status Update(const License& l) override;
  Status Delete(int64_t id, int64_t version) override;
  StatusOr<int64_t> ExpireDue(int64_t now) override;
};

class SqlActivityRepository final : public ActivityRepository {
 public:
  SALESDB_REPO_CTOR(SqlActivityRepository)
  StatusOr<Activity> Get(int64_t id) override;
  StatusOr<std::vector<Activity>> List(const ChildQuery& q) override;
  StatusOr<int64_t> Insert(const Activity& a) override;
  Status Update(const Activity& a) override;
  Status Delete(int64_t id, int64_t version) override;
};

class SqlOpportunityRepository final : public OpportunityRepository {
 public:
  SALESDB_REPO_CTOR(SqlOpportunityRepository)
  StatusOr<Opportunity> Get(int64_t id) override;
  StatusOr<std::vector<Opportunity>> List(const ChildQuery& q) override;
  StatusOr<int64_t> Insert(const Opportunity& o) override;
  Status Update(const Opportunity& o) override;
  Status Delete(int64_t id, int64_t version) override;
};

class SqlDashboardRepository final : public DashboardRepository {
 public:
  SALESDB_REPO_CTOR(SqlDashboardRepository)
  StatusOr<DashboardSummary> Summary(const std::string& scope_region, int64_t now) override;
  StatusOr<std::vector<License>> UpcomingRenewals(int64_t owner_id, int64_t now) override;
};

class SqlAuditRepository final : public AuditRepository {
 public:
  // The end of a batch (AuditBatch::Flush) copies the entries waiting above audit_lookup's mark into
  // it each time the log passes a multiple of this many ids (migration 0007), so a query reads at
  // most about this many entries outside the indexes.
  static constexpr int64_t kLookupBatch = 512;
  SALESDB_REPO_CTOR(SqlAuditRepository)
  Status Append(PreparedAuditEntry e) override;
  StatusOr<std::vector<AuditEntry>> Scan(int64_t after_id, int limit) override;
  StatusOr<int64_t> CountByActorSince(int64_t actor_id, const std::string& action_suffix, int64_t since) override;
  StatusOr<std::pair<int64_t, std::string>> Head() override;
  StatusOr<AuditEntry> Get(int64_t id) override;
  StatusOr<std::vector<AuditEntry>> Find(const AuditQuery& q) override;
  StatusOr<bool> InsertAlert(const SecurityAlert& a) override;
  StatusOr<std::vector<SecurityAlert>> ListAlerts(int64_t before_id, int limit) override;
  Status DeleteArchived(int64_t last_id) override;
};

#undef SALESDB_REPO_CTOR

// A customer's children for CustomerRepository::GetDetail: AddChildLists adds the four list queries of
// `dq` to `batch`, whose rows land in *out when it runs; OpenChildLists then fills in their customer's
// columns from out->customer (read by the same batch) and opens their sealed columns.
Status AddChildLists(RepoContext& ctx, const DetailQuery& dq, QueryBatch& batch, CustomerDetail* out);
Status OpenChildLists(RepoContext& ctx, CustomerDetail& d);

// Appends the keyset condition and ORDER BY/LIMIT for `page` to q. `column` is a trusted column
// expression (chosen by the repository from the service-validated sort field); `id_column` the
// table's id. Asks for page.limit + 1 rows.
void AppendKeyset(Query& q, const std::string& column, bool numeric, const std::string& id_column,
                  const PageRequest& page);

// `text` with LIKE's wildcards and the escape character escaped, for a pattern used with ESCAPE '\'.
std::string LikeEscape(std::string_view text);

}  // namespace salesdb
