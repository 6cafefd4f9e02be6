// SQLite side of DatabaseAdapter (see adapter.h). Uses the C API directly: the online backup API,
// VACUUM INTO, the row walk for content hashes and per-thread connections are not reachable through SOCI.
#include <sqlite3.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <functional>
#include <set>
#include <thread>
#include <vector>

#include "backup/adapter.h"
#include "backup/file_system.h"
#include "base/log.h"
#include "security/crypto.h"

namespace salesdb::backup {

std::unique_ptr<DatabaseAdapter> MakePostgresAdapter(const Config& config, const std::string& pg_bin_dir);
// sqlite_online.cc (SOCI's SQLite header cannot share a file with <sqlite3.h>).
Status CopyIntoLiveSqlite(const std::string& snapshot, Database& db);

namespace {

struct Conn {
  sqlite3* db = nullptr;
  ~Conn() {
    if (db) sqlite3_close_v2(db);
  }
};

Status SqliteError(sqlite3* db, const std::string& what) {
  int code = db ? sqlite3_extended_errcode(db) : SQLITE_ERROR;
  std::string msg = db ? sqlite3_errmsg(db) : "out of memory";
  if ((code & 0xff) == SQLITE_FULL) return ResourceExhausted("disk full: " + what + ": " + msg);
  return Internal(what + ": " + msg);
}

Status Open(Conn& c, const std::string& path, int flags) {
  if (sqlite3_open_v2(path.c_str(), &c.db, flags | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK) {
    return SqliteError(c.db, "open " + path);
  }
  sqlite3_busy_timeout(c.db, 10000);
  return Status::Ok();
}

Status Exec(Conn& c, const std::string& sql) {
  if (sqlite3_exec(c.db, sql.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) return SqliteError(c.db, sql);
  return Status::Ok();
}

int64_t MsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
}

// A debug line per step (see engine.cc's LogPhase): wall time and the process's CPU time so far.
// With the calling thread's own CPU time as well (what a step run on one thread cost).
void LogPhase(const char* phase, std::chrono::steady_clock::time_point start) {
  timespec process{}, thread{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &process);
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &thread);
  log::Debug("backup phase",
             {{"phase", phase},
              {"ms", MsSince(start)},
              {"process_cpu_ms", static_cast<int64_t>(process.tv_sec) * 1000 + process.tv_nsec / 1000000},
              {"thread_cpu_ms", static_cast<int64_t>(thread.tv_sec) * 1000 + thread.tv_nsec / 1000000}});
}

std::string Text(sqlite3_stmt* st, int col) {
  const unsigned char* p = sqlite3_column_text(st, col);
  return p ? reinterpret_cast<const char*>(p) : "";
}

// Runs `sql` (no parameters), handing each result row to `row`.
Status Query(Conn& c, const std::string& sql, const std::function<void(sqlite3_stmt*)>& row) {
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(c.db, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) return SqliteError(c.db, sql);
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) row(st);
  sqlite3_finalize(st);
  if (rc != SQLITE_DONE) return SqliteError(c.db, sql);
  return Status::Ok();
}

// The same with one text parameter (?1).
Status Query(Conn& c, const std::string& sql, const std::string& param, const std::function<void(sqlite3_stmt*)>& row) {
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(c.db, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) return SqliteError(c.db, sql);
  sqlite3_bind_text(st, 1, param.c_str(), -1, SQLITE_TRANSIENT);
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) row(st);
  sqlite3_finalize(st);
  if (rc != SQLITE_DONE) return SqliteError(c.db, sql);
  return Status::Ok();
}

// A file path for a file: URI (RFC 3986 path characters kept, the rest percent-encoded).
std::string UriPath(const std::string& path) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char ch : path) {
    if (std::isalnum(ch) || std::strchr("/-._~", ch)) {
      out += static_cast<char>(ch);
    } else {
      out += '%';
      out += kHex[ch >> 4];
      out += kHex[ch & 15];
    }
  }
  return out;
}

// Memory-mapped reads: a whole-file scan (integrity_check, hashing) then costs no read() per page.
// SQLite caps the size at its compile-time maximum.
void MapForScan(Conn& c) {
  sqlite3_exec(c.db, "PRAGMA mmap_size = 1099511627776; PRAGMA cache_size = -65536", nullptr, nullptr, nullptr);
}

std::string QuoteIdent(const std::string& name) {
  std::string out = "\"";
  for (char ch : name) {
    if (ch == '"') out += '"';
    out += ch;
  }
  return out + "\"";
}

// The snapshot's list of what it left out and a completing Check rebuilds (see adapter.h): one row per
// CREATE INDEX statement (kind 'index'), in the order they are run. Snapshots of earlier versions
// (until 2026-11-26) also left the index of each external-content FTS5 table empty and list it with
// kind 'fts5' (statement: its 'rebuild' command, after the indexes); those still restore.
constexpr char kRebuildTable[] = "salesdb_backup_rebuild";

bool HasTable(Conn& c, const std::string& name) {
  bool found = false;
  Status st = Query(c, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1", name,
                    [&](sqlite3_stmt*) { found = true; });
  return st.ok() && found;
}

// Tables whose rows are not data: the rebuild list and the index tables of the FTS5 indexes an
// older snapshot lists (empty in it and derived from the content table, so they are not hashed).
StatusOr<std::set<std::string>> NotHashed(Conn& c) {
  std::set<std::string> out;
  if (!HasTable(c, kRebuildTable)) return out;
  out.insert(kRebuildTable);
  RETURN_IF_ERROR(Query(c, std::string("SELECT name FROM ") + kRebuildTable + " WHERE kind = 'fts5'", [&](sqlite3_stmt* st) {
    std::string name = Text(st, 0);
    for (const char* shadow : {"_data", "_idx", "_docsize"}) out.insert(name + shadow);
  }));
  return out;
}

// The tables that are hashed: every table but SQLite's own, virtual ones (their shadow tables
// hold the data) and NotHashed.
StatusOr<std::vector<std::string>> HashedTables(Conn& c) {
  ASSIGN_OR_RETURN(std::set<std::string> skip, NotHashed(c));
  std::vector<std::string> tables;
  RETURN_IF_ERROR(Query(c,
                        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                        "AND sql NOT LIKE 'CREATE VIRTUAL TABLE%' ORDER BY name",
                        [&](sqlite3_stmt* st) {
                          std::string t = Text(st, 0);
                          if (!skip.count(t)) tables.push_back(t);
                        }));
  return tables;
}

// Row count and a SHA-256 over typed column values in rowid order. The bytes of many rows are
// gathered before each hash update (fewer calls; the same stream of bytes).
StatusOr<TableDigest> HashTable(Conn& c, const std::string& t) {
  // A WITHOUT ROWID table (FTS5's _config) has no rowid; a plain scan of it walks its primary key in order.
  sqlite3_stmt* st = nullptr;
  std::string sql = "SELECT * FROM " + QuoteIdent(t) + " ORDER BY rowid";
  if (sqlite3_prepare_v2(c.db, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) {
    sql = "SELECT * FROM " + QuoteIdent(t);
    if (sqlite3_prepare_v2(c.db, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) return SqliteError(c.db, sql);
  }
  crypto::Sha256 sha;
  std::string buf;
  buf.reserve(1 << 17);
  auto flush = [&] {
    sha.Update(buf);
    buf.clear();
  };
  int64_t rows = 0;
  int cols = sqlite3_column_count(st);
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    ++rows;
    for (int i = 0; i < cols; ++i) {
      int type = sqlite3_column_type(st, i);
      buf.push_back(static_cast<char>(type));
      if (type == SQLITE_INTEGER) {
        uint64_t v = static_cast<uint64_t>(sqlite3_column_int64(st, i));
        for (int k = 0; k < 8; ++k) buf.push_back(static_cast<char>((v >> (8 * k)) & 0xff));
      } else if (type == SQLITE_FLOAT) {
        double v = sqlite3_column_double(st, i);
        buf.append(reinterpret_cast<const char*>(&v), sizeof v);
      } else if (type != SQLITE_NULL) {
        const void* p = type == SQLITE_BLOB ? sqlite3_column_blob(st, i) : sqlite3_column_text(st, i);
        uint32_t n = static_cast<uint32_t>(sqlite3_column_bytes(st, i));
        buf.append(reinterpret_cast<const char*>(&n), 4);
        if (n > 0) buf.append(static_cast<const char*>(p), n);
      }
    }
    buf.push_back(static_cast<char>(0xff));
    if (buf.size() >= (1 << 16)) flush();
  }
  sqlite3_finalize(st);
  if (rc != SQLITE_DONE) return SqliteError(c.db, "read table " + t);
  flush();
  return TableDigest{rows, sha.HexDigest()};
}

// Read-only connections to one file, each inside a read transaction begun before Run returns
// control to `started`, so that all of them see the same state even if a writer commits later.
// Jobs are handed out in order to one thread per connection (SQLite connections are not shared).
class ReadWorkers {
 public:
  static StatusOr<std::unique_ptr<ReadWorkers>> Open(const std::string& path, int n) {
    auto w = std::make_unique<ReadWorkers>();
    for (int i = 0; i < n; ++i) {
      w->conns_.push_back(std::make_unique<Conn>());
      Conn& c = *w->conns_.back();
      RETURN_IF_ERROR(::salesdb::backup::Open(c, path, SQLITE_OPEN_READWRITE));
      MapForScan(c);
      RETURN_IF_ERROR(Exec(c, "BEGIN"));
      RETURN_IF_ERROR(Query(c, "SELECT count(*) FROM sqlite_master", [](sqlite3_stmt*) {}));
    }
    return w;
  }
  Conn& first() { return *conns_.front(); }
  // Runs job(conn, i) for i in [0, jobs) and waits for all of them.
  void Run(size_t jobs, const std::function<void(Conn&, size_t)>& job) {
    std::atomic<size_t> next{0};
    std::vector<std::jthread> threads;
    for (auto& c : conns_) {
      threads.emplace_back([&, conn = c.get()] {
        for (size_t i; (i = next.fetch_add(1)) < jobs;) job(*conn, i);
      });
    }
  }

 private:
  std::vector<std::unique_ptr<Conn>> conns_;
};

// Hashes every hashed table of `path`, on two connections.
StatusOr<TableDigests> Digests(const std::string& path) {
  ASSIGN_OR_RETURN(auto workers, ReadWorkers::Open(path, 2));
  ASSIGN_OR_RETURN(std::vector<std::string> tables, HashedTables(workers->first()));
  std::vector<StatusOr<TableDigest>> digests(tables.size(), StatusOr<TableDigest>(TableDigest{}));
  workers->Run(tables.size(), [&](Conn& c, size_t i) { digests[i] = HashTable(c, tables[i]); });
  TableDigests out;
  for (size_t i = 0; i < tables.size(); ++i) {
    if (!digests[i].ok()) return digests[i].status();
    out[tables[i]] = *digests[i];
  }
  return out;
}

// PRAGMA integrity_check; slug "integrity" on any problem.
Status IntegrityCheck(Conn& c) {
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(c.db, "PRAGMA integrity_check(20)", -1, &st, nullptr) != SQLITE_OK) {
    return FailedPrecondition("integrity: cannot run integrity_check: " + std::string(sqlite3_errmsg(c.db)))
        .WithSlug("integrity");
  }
  std::string problems;
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    std::string line = Text(st, 0);
    if (line != "ok") problems += (problems.empty() ? "" : "; ") + line;
  }
  sqlite3_finalize(st);
  if (rc != SQLITE_DONE && problems.empty()) problems = sqlite3_errmsg(c.db);
  if (!problems.empty()) {
    return FailedPrecondition("integrity: integrity_check failed: " + problems).WithSlug("integrity");
  }
  return Status::Ok();
}

// PRAGMA foreign_key_check; slug "integrity" on a violation.
Status ForeignKeyCheck(Conn& c) {
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(c.db, "PRAGMA foreign_key_check", -1, &st, nullptr) != SQLITE_OK) {
    return FailedPrecondition("integrity: cannot run foreign_key_check").WithSlug("integrity");
  }
  int64_t violations = 0;
  std::string first;
  while (sqlite3_step(st) == SQLITE_ROW) {
    if (violations++ == 0) first = Text(st, 0) + " row " + std::to_string(sqlite3_column_int64(st, 1));
  }
  sqlite3_finalize(st);
  if (violations > 0) {
    return FailedPrecondition("integrity: foreign_key_check found " + std::to_string(violations) +
                              " violation(s), first in " + first)
        .WithSlug("integrity");
  }
  return Status::Ok();
}

// Runs what the snapshot's rebuild list says (see adapter.h) in one transaction, on a connection
// to the file in WAL mode, so that readers that began earlier go on seeing it as it was.
Status Rebuild(Conn& c) {
  // CREATE INDEX sorts in runs of at most the cache size, each handed to a sorter thread while this
  // one reads on: a 32 MiB cache makes runs of every large index (256 MiB held most in one run,
  // sorted on this thread: 49 s of this thread's CPU at 1,000,000 customers against 27 s). No
  // syncs: a work file until it is renamed into place (ReplaceLive syncs it).
  RETURN_IF_ERROR(Exec(c, "PRAGMA synchronous = OFF; PRAGMA threads = 2; PRAGMA cache_size = -32768; "
                          "PRAGMA mmap_size = 1099511627776"));
  std::vector<std::string> statements;
  RETURN_IF_ERROR(Query(c, std::string("SELECT sql FROM ") + kRebuildTable + " ORDER BY seq",
                        [&](sqlite3_stmt* st) { statements.push_back(Text(st, 0)); }));
  RETURN_IF_ERROR(Exec(c, "BEGIN"));
  for (const std::string& sql : statements) {
    Status st = Exec(c, sql);
    if (!st.ok()) {
      (void)Exec(c, "ROLLBACK");
      return Status(st.code(), "rebuild the indexes of the restored database: " + st.message());
    }
  }
  RETURN_IF_ERROR(Exec(c, std::string("DROP TABLE ") + kRebuildTable));
  return Exec(c, "COMMIT");
}

int SchemaVersion(Conn& c) {
  sqlite3_stmt* st = nullptr;
  int v = 0;
  if (sqlite3_prepare_v2(c.db, "SELECT MAX(version) FROM schema_migrations", -1, &st, nullptr) == SQLITE_OK) {
    if (sqlite3_step(st) == SQLITE_ROW) v = sqlite3_column_int(st, 0);
  }
  sqlite3_finalize(st);
  return v;
}

class SqliteAdapter final : public DatabaseAdapter {
 public:
  explicit SqliteAdapter(std::string path) : path_(std::move(path)) {}
  std::string dialect() const override { return "sqlite"; }

  StatusOr<SnapshotInfo> Snapshot(const std::string& out, const std::function<Status()>& alongside) override {
    SnapshotInfo info;
    std::error_code ec;
    if (!std::filesystem::exists(path_, ec)) return NotFound("no database at " + path_);
    info.database_bytes = std::filesystem::file_size(path_, ec);
    // Created 0600 before SQLite opens it, so the snapshot is never readable by others.
    {
      auto f = FileSystem::Posix().Create(out, 0600);
      if (!f.ok()) return f.status();
      RETURN_IF_ERROR((*f)->Close());
    }
    auto start = std::chrono::steady_clock::now();
    Conn dst;
    RETURN_IF_ERROR(Open(dst, out, SQLITE_OPEN_READWRITE | SQLITE_OPEN_URI));
    RETURN_IF_ERROR(CopyLeavingOutWhatCanBeRebuilt(dst, &info.snapshot_ms));
    LogPhase("snapshot: copy without what can be rebuilt", start);
    info.schema_version = SchemaVersion(dst);
    start = std::chrono::steady_clock::now();
    Status beside;
    StatusOr<TableDigests> digests = TableDigests{};
    {
      std::jthread thread([&] { beside = alongside(); });
      digests = Digests(out);
      LogPhase("snapshot: hashes", start);
    }
    if (!digests.ok()) return digests.status();
    RETURN_IF_ERROR(beside);
    info.tables = std::move(digests).value();
    return info;
  }

  StatusOr<CheckedSnapshot> Check(const std::string& path, const std::string& scratch_dir, bool complete) override {
    // The decoded file is the scratch database: it is checked in place and removed by the caller.
    // integrity_check, the foreign-key check and each table's hash are jobs for two reading
    // connections and threads (two cores). To complete the file, another connection rebuilds
    // what the snapshot left out meanwhile, in WAL mode and one transaction: the readers began
    // before it and see the file as it was decoded. The rebuild is the longer path (it also keeps
    // sorter threads busy), so the checks then get one reading connection.
    auto start = std::chrono::steady_clock::now();
    Conn builder;
    bool rebuild = false;
    if (complete) {
      RETURN_IF_ERROR(Open(builder, path, SQLITE_OPEN_READWRITE));
      rebuild = HasTable(builder, kRebuildTable);
      if (rebuild) RETURN_IF_ERROR(Exec(builder, "PRAGMA journal_mode = WAL"));
    }
    CheckedSnapshot out;
    Status built;
    {
      ASSIGN_OR_RETURN(auto workers, ReadWorkers::Open(path, rebuild ? 1 : 2));
      out.schema_version = SchemaVersion(workers->first());
      ASSIGN_OR_RETURN(std::vector<std::string> tables, HashedTables(workers->first()));
      std::jthread rebuilder;
      if (rebuild) {
        rebuilder = std::jthread([&] {
          built = Rebuild(builder);
          LogPhase("check: rebuild indexes", start);
        });
      }
      // Jobs 0 and 1: integrity_check, foreign_key_check; then one per table.
      std::vector<Status> checks(2);
      std::vector<StatusOr<TableDigest>> digests(tables.size(), StatusOr<TableDigest>(TableDigest{}));
      workers->Run(2 + tables.size(), [&](Conn& c, size_t i) {
        if (i == 0) {
          checks[0] = IntegrityCheck(c);
          LogPhase("check: integrity_check", start);
        } else if (i == 1) {
          checks[1] = ForeignKeyCheck(c);
        } else {
          digests[i - 2] = HashTable(c, tables[i - 2]);
        }
      });
      LogPhase("check: integrity, foreign keys, hashes", start);
      bool failed = !checks[0].ok() || !checks[1].ok();
      for (const auto& d : digests) failed = failed || !d.ok();
      if (failed && rebuild) sqlite3_interrupt(builder.db);  // the file is thrown away: stop early
      for (const Status& st : checks) RETURN_IF_ERROR(st);
      for (size_t i = 0; i < tables.size(); ++i) {
        if (!digests[i].ok()) return digests[i].status();
        out.tables[tables[i]] = *digests[i];
      }
    }
    if (rebuild) {
      RETURN_IF_ERROR(built);
      // Back to one self-contained file: the WAL is folded in once the readers are gone.
      RETURN_IF_ERROR(Exec(builder, "PRAGMA wal_checkpoint(TRUNCATE); PRAGMA journal_mode = DELETE"));
    }
    return out;
  }

  Status ReplaceLive(const std::string& path) override {
    std::string dir = std::filesystem::path(path_).parent_path().string();
    if (dir.empty()) dir = ".";
    std::string staged = path_ + ".restoring";
    std::error_code ec;
    // Moved when on the same file system, else copied next to the database.
    if (::rename(path.c_str(), staged.c_str()) != 0) {
      std::filesystem::copy_file(path, staged, std::filesystem::copy_options::overwrite_existing, ec);
      if (ec) return Internal("copy the snapshot next to the database: " + ec.message());
    }
    ::chmod(staged.c_str(), 0600);
    {
      Conn c;
      RETURN_IF_ERROR(Open(c, staged, SQLITE_OPEN_READWRITE));
      RETURN_IF_ERROR(Exec(c, "PRAGMA journal_mode = DELETE"));
    }
    {
      auto f = std::fopen(staged.c_str(), "r+b");
      if (!f) return Internal("open " + staged);
      ::fsync(fileno(f));
      std::fclose(f);
    }
    // Fold any WAL of the old database away first, so no stale -wal is applied to the new file.
    if (std::filesystem::exists(path_, ec)) {
      Conn live;
      RETURN_IF_ERROR(Open(live, path_, SQLITE_OPEN_READWRITE));
      RETURN_IF_ERROR(Exec(live, "PRAGMA wal_checkpoint(TRUNCATE)"));
    }
    std::filesystem::remove(path_ + "-wal", ec);
    std::filesystem::remove(path_ + "-shm", ec);
    RETURN_IF_ERROR(FileSystem::Posix().Rename(staged, path_));
    return FileSystem::Posix().SyncDir(dir);
  }

  Status ReplaceOnline(const std::string& path, Database& db) override { return CopyIntoLiveSqlite(path, db); }

  bool LiveHasData() override {
    std::error_code ec;
    return std::filesystem::exists(path_, ec) && std::filesystem::file_size(path_, ec) > 0;
  }

 private:
  // Writes the snapshot into `c` (an empty file) from the live database, attached, in
  // one transaction: one read transaction of the live database, so one moment, and WAL writers go
  // on meanwhile. The copy has what the live database has (tables and their rows with the same
  // rowids, UNIQUE/PRIMARY KEY indexes, virtual tables, triggers, views, planner statistics, the
  // AUTOINCREMENT counters, FTS5 indexes) except the secondary indexes, which can be rebuilt from the
  // rows: they are not created but listed in the rebuild table (adapter.h). Like VACUUM, it copies each table with SQLite's transfer optimisation
  // (INSERT INTO t SELECT * FROM live.t into an empty table with the same definition and no
  // triggers yet: records and UNIQUE index entries are appended in order, not decoded). Only the
  // snapshot's own size is written, without journal or syncs (a work file, removed on any failure):
  // no page copy of the whole database whose writeback and fsync would compete with the live
  // database's commits on the same file system. `read_ms`: how long the read transaction was open.
  Status CopyLeavingOutWhatCanBeRebuilt(Conn& c, int64_t* read_ms) {
    RETURN_IF_ERROR(Exec(c, "PRAGMA main.journal_mode = OFF; PRAGMA main.synchronous = OFF; "
                            "PRAGMA main.cache_size = -65536; PRAGMA foreign_keys = OFF"));
    {
      Conn live;  // the page size (which a page copy kept) is taken over before anything is created
      RETURN_IF_ERROR(Open(live, path_, SQLITE_OPEN_READONLY));
      int page_size = 4096;
      RETURN_IF_ERROR(Query(live, "PRAGMA page_size", [&](sqlite3_stmt* st) { page_size = sqlite3_column_int(st, 0); }));
      RETURN_IF_ERROR(Exec(c, "PRAGMA main.page_size = " + std::to_string(page_size)));
    }
    sqlite3_stmt* attach = nullptr;
    if (sqlite3_prepare_v2(c.db, "ATTACH ?1 AS live", -1, &attach, nullptr) != SQLITE_OK) return SqliteError(c.db, "ATTACH");
    // Attached read-write (it is only read here): SQLite drops the CHECK constraints of a read-only
    // database's tables, which makes them differ from the copies' and stops the transfer optimisation.
    const std::string uri = "file:" + UriPath(path_) + "?mode=rw";
    sqlite3_bind_text(attach, 1, uri.c_str(), -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(attach);
    sqlite3_finalize(attach);
    if (rc != SQLITE_DONE) return SqliteError(c.db, "attach the live database");
    auto start = std::chrono::steady_clock::now();
    RETURN_IF_ERROR(Exec(c, "BEGIN"));
    Status st = CopyInTransaction(c);
    *read_ms = MsSince(start);
    if (!st.ok()) {
      (void)Exec(c, "ROLLBACK");
      return st;
    }
    RETURN_IF_ERROR(Exec(c, "COMMIT"));
    return Exec(c, "DETACH live");
  }

  Status CopyInTransaction(Conn& c) {
    struct Object {
      std::string type, name, sql;
    };
    std::vector<Object> objects;  // the live schema, in the order it was created
    RETURN_IF_ERROR(Query(c, "SELECT type, name, sql FROM live.sqlite_schema WHERE sql IS NOT NULL ORDER BY rowid",
                          [&](sqlite3_stmt* st) { objects.push_back({Text(st, 0), Text(st, 1), Text(st, 2)}); }));
    auto in_main = [&](const std::string& name) { return HasTable(c, name); };
    // Virtual tables first: they create their shadow tables, which are then not created again. An
    // FTS5 index travels with the backup (its shadow tables are copied like any table): it
    // compresses to about an eighth of its size and costs a restore more to rebuild than any index.
    for (const Object& o : objects) {
      if (o.type == "table" && o.sql.rfind("CREATE VIRTUAL TABLE", 0) == 0) RETURN_IF_ERROR(Exec(c, o.sql));
    }
    std::vector<std::string> tables, created_by_vtab;
    for (const Object& o : objects) {
      if (o.type != "table" || o.sql.rfind("CREATE VIRTUAL TABLE", 0) == 0 || o.name.rfind("sqlite_", 0) == 0) continue;
      if (in_main(o.name)) {
        created_by_vtab.push_back(o.name);
      } else {
        RETURN_IF_ERROR(Exec(c, o.sql));
        tables.push_back(o.name);
      }
    }
    // Statistics tables cannot be created by name: ANALYZE of the still empty tables creates them.
    std::vector<std::string> stats;
    RETURN_IF_ERROR(Query(c, "SELECT name FROM live.sqlite_schema WHERE type = 'table' AND name LIKE 'sqlite_stat%'",
                          [&](sqlite3_stmt* st) { stats.push_back(Text(st, 0)); }));
    if (!stats.empty()) RETURN_IF_ERROR(Exec(c, "ANALYZE main"));
    // The rows. Shadow tables a virtual table created hold its fresh state: replaced by the live rows.
    for (const std::string& t : created_by_vtab) {
      RETURN_IF_ERROR(Exec(c, "DELETE FROM main." + QuoteIdent(t)));
      RETURN_IF_ERROR(CopyRows(c, t));
    }
    for (const std::string& t : tables) RETURN_IF_ERROR(CopyRows(c, t));
    std::vector<std::string> main_stats;
    RETURN_IF_ERROR(Query(c, "SELECT name FROM main.sqlite_schema WHERE type = 'table' AND name LIKE 'sqlite_stat%'",
                          [&](sqlite3_stmt* st) { main_stats.push_back(Text(st, 0)); }));
    for (const std::string& t : main_stats) {
      RETURN_IF_ERROR(Exec(c, "DELETE FROM main." + QuoteIdent(t)));
      if (std::find(stats.begin(), stats.end(), t) != stats.end()) {
        RETURN_IF_ERROR(Exec(c, "INSERT INTO main." + QuoteIdent(t) + " SELECT * FROM live." + QuoteIdent(t)));
      } else {
        RETURN_IF_ERROR(Exec(c, "DROP TABLE main." + QuoteIdent(t)));
      }
    }
    if (HasTable(c, "sqlite_sequence")) {
      RETURN_IF_ERROR(Exec(c, "DELETE FROM main.sqlite_sequence; INSERT INTO main.sqlite_sequence SELECT * FROM live.sqlite_sequence"));
    }
    // Triggers and views once the rows are in (a trigger on the destination would stop the transfer
    // optimisation); secondary indexes go to the rebuild list.
    std::vector<std::pair<std::string, std::string>> indexes;
    for (const Object& o : objects) {
      if (o.type == "trigger" || o.type == "view") {
        RETURN_IF_ERROR(Exec(c, o.sql));
      } else if (o.type == "index") {
        indexes.emplace_back(o.name, o.sql);
      }
    }
    RETURN_IF_ERROR(Exec(c, std::string("CREATE TABLE ") + kRebuildTable +
                                " (seq INTEGER PRIMARY KEY, kind TEXT NOT NULL, name TEXT NOT NULL, sql TEXT NOT NULL)"));
    std::vector<std::array<std::string, 3>> rows;
    for (const auto& [name, sql] : indexes) rows.push_back({"index", name, sql});
    sqlite3_stmt* st = nullptr;
    std::string insert = std::string("INSERT INTO main.") + kRebuildTable + " (kind, name, sql) VALUES (?1, ?2, ?3)";
    if (sqlite3_prepare_v2(c.db, insert.c_str(), -1, &st, nullptr) != SQLITE_OK) return SqliteError(c.db, insert);
    for (const auto& row : rows) {
      for (int i = 0; i < 3; ++i) sqlite3_bind_text(st, i + 1, row[i].c_str(), -1, SQLITE_TRANSIENT);
      int rc = sqlite3_step(st);
      sqlite3_reset(st);
      if (rc != SQLITE_DONE) {
        sqlite3_finalize(st);
        return SqliteError(c.db, insert);
      }
    }
    sqlite3_finalize(st);
    return Status::Ok();
  }

  // Copies the rows of table `t` from live into main, keeping their rowids: the transfer optimisation
  // keeps them when the table has an INTEGER PRIMARY KEY or a UNIQUE index; a rowid table with
  // neither names its rowid (which SQLite would otherwise renumber).
  Status CopyRows(Conn& c, const std::string& t) {
    bool rowid_kept = false;
    std::string columns;
    RETURN_IF_ERROR(Query(c,
                          "SELECT (SELECT count(*) FROM pragma_index_list(?1, 'main')) > 0 "
                          "OR (SELECT wr FROM pragma_table_list WHERE schema = 'main' AND name = ?1) = 1 "
                          "OR ((SELECT count(*) FROM pragma_table_info(?1, 'main') WHERE pk > 0) = 1 "
                          "AND (SELECT upper(type) FROM pragma_table_info(?1, 'main') WHERE pk = 1) = 'INTEGER'), "
                          "(SELECT group_concat('\"' || replace(name, '\"', '\"\"') || '\"', ', ') "
                          "FROM pragma_table_info(?1, 'main'))",
                          t, [&](sqlite3_stmt* st) {
                            rowid_kept = sqlite3_column_int(st, 0) != 0;
                            columns = Text(st, 1);
                          }));
    if (rowid_kept) return Exec(c, "INSERT INTO main." + QuoteIdent(t) + " SELECT * FROM live." + QuoteIdent(t));
    return Exec(c, "INSERT INTO main." + QuoteIdent(t) + " (rowid, " + columns + ") SELECT rowid, " + columns +
                       " FROM live." + QuoteIdent(t) + " ORDER BY rowid");
  }

  std::string path_;
};

}  // namespace

std::unique_ptr<DatabaseAdapter> MakeAdapter(const Config& config, const std::string& pg_bin_dir) {
  if (config.IsPostgres()) return MakePostgresAdapter(config, pg_bin_dir);
  return std::make_unique<SqliteAdapter>(config.SqlitePath());
}

}  // namespace salesdb::backup
