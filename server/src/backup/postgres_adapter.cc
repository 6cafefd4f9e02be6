// PostgreSQL side of DatabaseAdapter (see adapter.h), on libpq and the client binaries.
#include <libpq-fe.h>
#include <sodium.h>

#include <chrono>
#include <filesystem>
#include <memory>

#include "backup/adapter.h"
#include "backup/file_system.h"
#include "backup/process.h"
#include "base/log.h"
#include "security/crypto.h"

namespace salesdb::backup {
namespace {

using Env = std::vector<std::pair<std::string, std::string>>;

constexpr int64_t kStaleScratchMs = 3600 * 1000;

struct PgConn {
  PGconn* c = nullptr;
  ~PgConn() {
    if (c) PQfinish(c);
  }
};

struct PgResult {
  PGresult* r = nullptr;
  ~PgResult() {
    if (r) PQclear(r);
  }
};

Status Connect(PgConn& conn, const std::string& url, const std::string& dbname_override) {
  if (dbname_override.empty()) {
    conn.c = PQconnectdb(url.c_str());
  } else {
    // The first dbname is expanded as a connection string; the second overrides its database.
    const char* keys[] = {"dbname", "dbname", nullptr};
    const char* values[] = {url.c_str(), dbname_override.c_str(), nullptr};
    conn.c = PQconnectdbParams(keys, values, 1);
  }
  if (PQstatus(conn.c) != CONNECTION_OK) {
    return Unavailable(std::string("cannot connect to PostgreSQL: ") + PQerrorMessage(conn.c));
  }
  return Status::Ok();
}

Status Exec(PgConn& conn, const std::string& sql, PgResult* out = nullptr) {
  PgResult local;
  PgResult& res = out ? *out : local;
  res.r = PQexec(conn.c, sql.c_str());
  auto st = PQresultStatus(res.r);
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
    return Internal("PostgreSQL: " + std::string(PQresultErrorMessage(res.r)));
  }
  return Status::Ok();
}

std::string QuoteIdent(PgConn& conn, const std::string& name) {
  char* q = PQescapeIdentifier(conn.c, name.data(), name.size());
  std::string out = q ? q : "\"\"";
  PQfreemem(q);
  return out;
}

std::string Hex(const unsigned char* p, size_t n) {
  std::string out(2 * n + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), p, n);
  out.pop_back();
  return out;
}

constexpr char kListTables[] =
    "SELECT tablename FROM pg_catalog.pg_tables WHERE schemaname = 'public' ORDER BY tablename";
constexpr char kPrimaryKey[] =
    "SELECT a.attname FROM pg_catalog.pg_index i JOIN pg_catalog.pg_attribute a "
    "ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) "
    "WHERE i.indrelid = $1::regclass AND i.indisprimary "
    "ORDER BY array_position(i.indkey::int2[], a.attnum)";
constexpr char kSchemaVersion[] = "SELECT COALESCE(MAX(version), 0) FROM schema_migrations";

int SchemaVersion(PgConn& conn) {
  PgResult res;
  if (!Exec(conn, kSchemaVersion, &res).ok() || PQntuples(res.r) != 1) return 0;
  return std::atoi(PQgetvalue(res.r, 0, 0));
}

// Row counts and a SHA-256 per table over COPY text output in primary-key order (one line per row).
StatusOr<TableDigests> Digests(PgConn& conn) {
  PgResult tables;
  RETURN_IF_ERROR(Exec(conn, kListTables, &tables));
  TableDigests out;
  for (int i = 0; i < PQntuples(tables.r); ++i) {
    std::string table = PQgetvalue(tables.r, i, 0);
    std::string qualified = "public." + QuoteIdent(conn, table);
    const char* params[] = {qualified.c_str()};
    PgResult pk;
    pk.r = PQexecParams(conn.c, kPrimaryKey, 1, nullptr, params, nullptr, nullptr, 0);
    if (PQresultStatus(pk.r) != PGRES_TUPLES_OK) return Internal(PQresultErrorMessage(pk.r));
    std::string order;
    for (int k = 0; k < PQntuples(pk.r); ++k) {
      order += (k ? ", " : "") + QuoteIdent(conn, PQgetvalue(pk.r, k, 0));
    }
    if (order.empty()) order = "1";
    std::string copy = "COPY (SELECT * FROM " + qualified + " ORDER BY " + order + ") TO STDOUT";
    PgResult started;
    started.r = PQexec(conn.c, copy.c_str());
    if (PQresultStatus(started.r) != PGRES_COPY_OUT) return Internal(PQresultErrorMessage(started.r));
    crypto::Sha256 sha;
    int64_t rows = 0;
    char* buf = nullptr;
    int n;
    while ((n = PQgetCopyData(conn.c, &buf, 0)) > 0) {
      sha.Update(buf, static_cast<size_t>(n));
      ++rows;  // libpq hands over one row per call in COPY OUT
      PQfreemem(buf);
    }
    PgResult done;
    done.r = PQgetResult(conn.c);
    if (n == -2 || PQresultStatus(done.r) != PGRES_COMMAND_OK) {
      return Internal("COPY of " + table + " failed: " + std::string(PQerrorMessage(conn.c)));
    }
    while (PGresult* extra = PQgetResult(conn.c)) PQclear(extra);
    out[table] = TableDigest{rows, sha.HexDigest()};
  }
  return out;
}

std::string RandomSuffix() {
  unsigned char b[6];
  randombytes_buf(b, sizeof b);
  return Hex(b, sizeof b);
}

class PostgresAdapter final : public DatabaseAdapter {
 public:
  PostgresAdapter(std::string url, std::string bin_dir) : url_(std::move(url)), bin_dir_(std::move(bin_dir)) {
    if (bin_dir_.empty()) bin_dir_ = FindBinDir();
  }
  std::string dialect() const override { return "postgresql"; }

  StatusOr<SnapshotInfo> Snapshot(const std::string& out, const std::function<Status()>& alongside) override {
    SnapshotInfo info;
    PgConn conn;
    RETURN_IF_ERROR(Connect(conn, url_, ""));
    auto start = std::chrono::steady_clock::now();
    RETURN_IF_ERROR(Exec(conn, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"));
    PgResult snap;
    RETURN_IF_ERROR(Exec(conn, "SELECT pg_catalog.pg_export_snapshot(), pg_catalog.pg_database_size(current_database())",
                         &snap));
    std::string snapshot_id = PQgetvalue(snap.r, 0, 0);
    info.database_bytes = std::strtoull(PQgetvalue(snap.r, 0, 1), nullptr, 10);
    info.schema_version = SchemaVersion(conn);
    ASSIGN_OR_RETURN(info.tables, Digests(conn));
    {
      auto f = FileSystem::Posix().Create(out, 0600);  // pg_dump keeps the mode of an existing file
      if (!f.ok()) return f.status();
      RETURN_IF_ERROR((*f)->Close());
    }
    RETURN_IF_ERROR(RunProcess({Bin("pg_dump"), "--format=custom", "--compress=0", "--snapshot=" + snapshot_id,
                                "--file=" + out},
                               ClientEnv("")));
    RETURN_IF_ERROR(Exec(conn, "COMMIT"));
    info.snapshot_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
    // The hashes were computed before the dump, in the same snapshot: nothing left to overlap.
    RETURN_IF_ERROR(alongside());
    return info;
  }

  StatusOr<CheckedSnapshot> Check(const std::string& path, const std::string& scratch_dir, bool) override {
    PgConn admin;
    RETURN_IF_ERROR(Connect(admin, url_, ""));
    DropStaleScratch(admin);
    // The creation time in the name tells a scratch database left by a killed verification from
    // one in use by another process.
    std::string scratch = "salesdb_verify_" + std::to_string(NowMs()) + "_" + RandomSuffix();
    RETURN_IF_ERROR(Exec(admin, "CREATE DATABASE " + QuoteIdent(admin, scratch) + " TEMPLATE template0"));
    StatusOr<CheckedSnapshot> result = CheckIn(path, scratch);
    Status dropped = Exec(admin, "DROP DATABASE IF EXISTS " + QuoteIdent(admin, scratch) + " WITH (FORCE)");
    if (result.ok() && !dropped.ok()) return dropped;
    return result;
  }

  Status ReplaceLive(const std::string& path) override {
    PgConn conn;
    RETURN_IF_ERROR(Connect(conn, url_, ""));
    PgResult others;
    RETURN_IF_ERROR(Exec(conn,
                         "SELECT count(*) FROM pg_catalog.pg_stat_activity WHERE datname = current_database() "
                         "AND pid <> pg_catalog.pg_backend_pid()",
                         &others));
    if (std::atoi(PQgetvalue(others.r, 0, 0)) > 0) {
      return FailedPrecondition(std::string("other sessions are connected to the database (") +
                                PQgetvalue(others.r, 0, 0) + "); stop every salesdb server first");
    }
    return Swap(path);
  }

  // The server's own pooled connections are idle (requests are held off): DROP SCHEMA takes its
  // locks, and they see the restored tables after the commit (PostgreSQL re-plans their prepared
  // statements).
  Status ReplaceOnline(const std::string& path, Database&) override { return Swap(path); }

  // The schema dropped and the dump loaded in one transaction: all of it or nothing.
  Status Swap(const std::string& path) {
    std::string script = path + ".sql";
    std::string reset = path + ".reset.sql";
    {
      auto f = FileSystem::Posix().Create(script, 0600);
      if (!f.ok()) return f.status();
      RETURN_IF_ERROR((*f)->Close());
    }
    RETURN_IF_ERROR(FileSystem::Posix().WriteAtomic(reset, "DROP SCHEMA public CASCADE;\nCREATE SCHEMA public;\n", 0600));
    Status st = RunProcess({Bin("pg_restore"), "--no-owner", "--no-privileges", "--file=" + script, path}, {});
    // One transaction: the old schema is dropped and the backup loaded, or nothing changes.
    if (st.ok()) {
      st = RunProcess({Bin("psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "--single-transaction", "-f", reset, "-f",
                       script},
                      ClientEnv(""));
    }
    (void)FileSystem::Posix().Remove(script);
    (void)FileSystem::Posix().Remove(reset);
    return st;
  }

  bool LiveHasData() override {
    PgConn conn;
    if (!Connect(conn, url_, "").ok()) return false;
    return SchemaVersion(conn) > 0;
  }

 private:
  static int64_t NowMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
  }

  // Drops scratch databases of verifications that were killed (older than an hour, or named before
  // the name carried the time) and that nobody is connected to. Failures are not errors.
  void DropStaleScratch(PgConn& admin) {
    PgResult res;
    if (!Exec(admin, "SELECT datname FROM pg_catalog.pg_database WHERE datname LIKE 'salesdb\\_verify\\_%'", &res).ok()) {
      return;
    }
    const int64_t cutoff = NowMs() - kStaleScratchMs;
    for (int i = 0; i < PQntuples(res.r); ++i) {
      std::string name = PQgetvalue(res.r, i, 0);
      std::string rest = name.substr(std::string("salesdb_verify_").size());
      auto underscore = rest.find('_');
      int64_t created = underscore == std::string::npos ? 0 : std::atoll(rest.substr(0, underscore).c_str());
      if (created > cutoff) continue;
      // Without FORCE: a database someone is connected to is left alone.
      Status dropped = Exec(admin, "DROP DATABASE IF EXISTS " + QuoteIdent(admin, name));
      if (dropped.ok()) log::Info("dropped a stale verification database", {{"database", name}});
    }
  }

  StatusOr<CheckedSnapshot> CheckIn(const std::string& path, const std::string& scratch) {
    Status restored = RunProcess({Bin("pg_restore"), "--exit-on-error", "--single-transaction", "--no-owner",
                                  "--no-privileges", "--dbname=" + scratch, path},
                                 ClientEnv(scratch));
    if (!restored.ok()) {
      return FailedPrecondition("integrity: pg_restore into a scratch database failed: " + restored.message())
          .WithSlug("integrity");
    }
    PgConn conn;
    RETURN_IF_ERROR(Connect(conn, url_, scratch));
    CheckedSnapshot out;
    out.schema_version = SchemaVersion(conn);
    ASSIGN_OR_RETURN(out.tables, Digests(conn));
    return out;
  }

  // PG* variables for the client binaries, from the connection string (dbname optionally replaced).
  Env ClientEnv(const std::string& dbname) const {
    Env env;
    char* err = nullptr;
    PQconninfoOption* opts = PQconninfoParse(url_.c_str(), &err);
    if (err) PQfreemem(err);
    if (!opts) return env;
    for (PQconninfoOption* o = opts; o->keyword; ++o) {
      if (!o->envvar || !o->val) continue;
      env.emplace_back(o->envvar, o->val);
    }
    PQconninfoFree(opts);
    if (!dbname.empty()) env.emplace_back("PGDATABASE", dbname);
    return env;
  }

  std::string Bin(const std::string& name) const { return bin_dir_.empty() ? name : bin_dir_ + "/" + name; }

  static std::string FindBinDir() {
    std::string best;
    int best_version = 0;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator("/usr/lib/postgresql", ec)) {
      int v = std::atoi(entry.path().filename().c_str());
      if (v > best_version && std::filesystem::exists(entry.path() / "bin" / "pg_dump", ec)) {
        best_version = v;
        best = (entry.path() / "bin").string();
      }
    }
    return best;
  }

  std::string url_;
  std::string bin_dir_;
};

}  // namespace

std::unique_ptr<DatabaseAdapter> MakePostgresAdapter(const Config& config, const std::string& pg_bin_dir) {
  return std::make_unique<PostgresAdapter>(config.database_url, pg_bin_dir);
}

}  // namespace salesdb::backup
