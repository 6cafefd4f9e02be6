#include "storage/migrations.h"

#include <soci/postgresql/soci-postgresql.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <chrono>

#include "base/log.h"

namespace salesdb {

// Defined in the generated migrations_embedded.cc.
extern const std::vector<Migration> kSqliteMigrations;
extern const std::vector<Migration> kPostgresMigrations;

const std::vector<Migration>& BuiltInMigrations(Dialect dialect) {
  return dialect == Dialect::kSqlite ? kSqliteMigrations : kPostgresMigrations;
}

int LatestSchemaVersion(Dialect dialect) {
  const auto& all = BuiltInMigrations(dialect);
  return all.empty() ? 0 : all.back().version;
}

void ExecScript(soci::session& s, Dialect dialect, const std::string& sql) {
  if (dialect == Dialect::kSqlite) {
    auto* be = static_cast<soci::sqlite3_session_backend*>(s.get_backend());
    char* err = nullptr;
    if (sqlite_api::sqlite3_exec(be->conn_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
      std::string msg = err ? err : "unknown error";
      sqlite_api::sqlite3_free(err);
      throw soci::soci_error("migration failed: " + msg);
    }
    return;
  }
  auto* be = static_cast<soci::postgresql_session_backend*>(s.get_backend());
  PGresult* res = PQexec(be->conn_, sql.c_str());
  ExecStatusType st = PQresultStatus(res);
  std::string msg = PQresultErrorMessage(res);
  PQclear(res);
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) throw soci::soci_error("migration failed: " + msg);
}

namespace {
void EnsureTable(soci::session& s) {
  s << "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, "
       "applied_at BIGINT NOT NULL)";
}
}  // namespace

StatusOr<int> CurrentSchemaVersion(Database& db) {
  int version = 0;
  Status st = db.Exclusive([&](soci::session& s) {
    EnsureTable(s);
    soci::indicator ind = soci::i_ok;
    long long v = 0;
    s << "SELECT MAX(version) FROM schema_migrations", soci::into(v, ind);
    version = ind == soci::i_null ? 0 : static_cast<int>(v);
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return version;
}

StatusOr<std::vector<int>> Migrate(Database& db) {
  ASSIGN_OR_RETURN(int current, CurrentSchemaVersion(db));
  int latest = LatestSchemaVersion(db.dialect());
  if (current > latest) {
    return FailedPrecondition("the database schema is version " + std::to_string(current) +
                              ", newer than this binary's " + std::to_string(latest) +
                              "; run a newer salesdb");
  }
  std::vector<int> applied;
  for (const Migration& m : BuiltInMigrations(db.dialect())) {
    if (m.version <= current) continue;
    Status st = db.Exclusive([&](soci::session& s) {
      soci::transaction tr(s);
      ExecScript(s, db.dialect(), m.sql);
      long long version = m.version;
      long long now = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
      std::string name = m.name;
      s << "INSERT INTO schema_migrations (version, name, applied_at) VALUES (:v, :n, :a)",
          soci::use(version), soci::use(name), soci::use(now);
      tr.commit();
      return Status::Ok();
    });
    if (!st.ok()) {
      return Status(st.code(), "migration " + std::to_string(m.version) + " (" + m.name + ") failed: " +
                                   st.message());
    }
    log::Info("migration applied", {{"version", m.version}, {"name", m.name}});
    applied.push_back(m.version);
  }
  return applied;
}

}  // namespace salesdb
