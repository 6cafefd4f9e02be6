#include "storage/sql_store.h"

#include <memory>

#include "storage/repositories.h"

namespace salesdb {
namespace {

// Repositories bound to one session; built on first use.
class SqlTx final : public Tx {
 public:
  SqlTx(soci::session& s, Dialect d, FieldCipher* cipher, UserNames& names, WriterState* writer = nullptr)
      : ctx_{s, d, cipher, writer, &names} {}
  UserRepository& users() override { return Lazy(users_); }
  SessionRepository& sessions() override { return Lazy(sessions_); }
  ApiTokenRepository& api_tokens() override { return Lazy(api_tokens_); }
  LoginAttemptRepository& login_attempts() override { return Lazy(login_attempts_); }
  IdempotencyRepository& idempotency() override { return Lazy(idempotency_); }
  CustomerRepository& customers() override { return Lazy(customers_); }
  ContactRepository& contacts() override { return Lazy(contacts_); }
  LicenseRepository& licenses() override { return Lazy(licenses_); }
  ActivityRepository& activities() override { return Lazy(activities_); }
  OpportunityRepository& opportunities() override { return Lazy(opportunities_); }
  DashboardRepository& dashboard() override { return Lazy(dashboard_); }
  AuditRepository& audit() override { return Lazy(audit_); }

 private:
  template <typename T>
  T& Lazy(std::unique_ptr<T>& p) {
    if (!p) p = std::make_unique<T>(ctx_);
    return *p;
  }
  RepoContext ctx_;
  std::unique_ptr<SqlUserRepository> users_;
  std::unique_ptr<SqlSessionRepository> sessions_;
  std::unique_ptr<SqlApiTokenRepository> api_tokens_;
  std::unique_ptr<SqlLoginAttemptRepository> login_attempts_;
  std::unique_ptr<SqlIdempotencyRepository> idempotency_;
  std::unique_ptr<SqlCustomerRepository> customers_;
  std::unique_ptr<SqlContactRepository> contacts_;
  std::unique_ptr<SqlLicenseRepository> licenses_;
  std::unique_ptr<SqlActivityRepository> activities_;
  std::unique_ptr<SqlOpportunityRepository> opportunities_;
  std::unique_ptr<SqlDashboardRepository> dashboard_;
  std::unique_ptr<SqlAuditRepository> audit_;
};

}  // namespace

Status SqlStore::Read(const std::function<Status(Tx&)>& fn) {
  return db_.Read([&](soci::session& s) {
    SqlTx tx(s, db_.dialect(), cipher_, names_);
    return fn(tx);
  });
}

Status SqlStore::Write(const std::function<Status(Tx&)>& fn) {
  return db_.Write([&](soci::session& s) {
    SqlTx tx(s, db_.dialect(), cipher_, names_, &db_.writer_state());
    return fn(tx);
  });
}

std::string LikeEscape(std::string_view text) {
  std::string out;
  for (char ch : text) {
    if (ch == '%' || ch == '_' || ch == '\\') out += '\\';
    out += ch;
  }
  return out;
}

void AppendKeyset(Query& q, const std::string& column, bool numeric, const std::string& id_column,
                  const PageRequest& page) {
  const char* cmp = page.descending ? " < " : " > ";
  if (page.has_cursor) {
    q.Sql(" AND (" + column + cmp + ":kv1 OR (" + column + " = :kv2 AND " + id_column + cmp + ":kid))");
    if (numeric) {
      q.Bind("kv1", static_cast<long long>(page.cursor_number)).Bind("kv2", static_cast<long long>(page.cursor_number));
    } else {
      q.Bind("kv1", page.cursor_text).Bind("kv2", page.cursor_text);
    }
    q.Bind("kid", static_cast<long long>(page.cursor_id));
  }
  const char* dir = page.descending ? " DESC" : " ASC";
  q.Sql(" ORDER BY " + column + dir + ", " + id_column + dir + " LIMIT :lim");
  q.Bind("lim", static_cast<long long>(page.limit + 1));
}

}  // namespace salesdb
