// SQLite side of DatabaseAdapter (see adapter.h). Uses the C API directly: the online backup API
// and the row walk for content hashes are not reachable through SOCI.
#include <sodium.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>
#include <cstdio>

#include "backup/adapter.h"
#include "backup/file_system.h"

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

Status Exec(Conn& c, const char* sql) {
  if (sqlite3_exec(c.db, sql, nullptr, nullptr, nullptr) != SQLITE_OK) return SqliteError(c.db, sql);
  return Status::Ok();
}

std::string Hex(const unsigned char* p, size_t n) {
  std::string out(2 * n + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), p, n);
  out.pop_back();
  return out;
}

std::string QuoteIdent(const std::string& name) {
  std::string out = "\"";
  for (char ch : name) {
    if (ch == '"') out += '"';
    out += ch;
  }
  return out + "\"";
}

// Row counts and a SHA-256 per table over typed column values in rowid order.
StatusOr<TableDigests> Digests(Conn& c) {
  std::vector<std::string> tables;
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(c.db,
                         "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                         "AND sql NOT LIKE 'CREATE VIRTUAL TABLE%' ORDER BY name",
                         -1, &st, nullptr) != SQLITE_OK) {
    return SqliteError(c.db, "list tables");
  }
  while (sqlite3_step(st) == SQLITE_ROW) tables.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)));
  sqlite3_finalize(st);
  TableDigests out;
  for (const std::string& t : tables) {
    // Virtual tables are skipped: their shadow tables hold the data. A WITHOUT ROWID table (FTS5's
    // _config) has no rowid; a plain scan of it walks its primary key in order.
    std::string sql = "SELECT * FROM " + QuoteIdent(t) + " ORDER BY rowid";
    if (sqlite3_prepare_v2(c.db, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) {
      sql = "SELECT * FROM " + QuoteIdent(t);
      if (sqlite3_prepare_v2(c.db, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) return SqliteError(c.db, sql);
    }
    crypto_hash_sha256_state sha;
    crypto_hash_sha256_init(&sha);
    int64_t rows = 0;
    int cols = sqlite3_column_count(st);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
      ++rows;
      for (int i = 0; i < cols; ++i) {
        unsigned char type = static_cast<unsigned char>(sqlite3_column_type(st, i));
        crypto_hash_sha256_update(&sha, &type, 1);
        if (type == SQLITE_INTEGER) {
          int64_t v = sqlite3_column_int64(st, i);
          unsigned char b[8];
          for (int k = 0; k < 8; ++k) b[k] = static_cast<unsigned char>((static_cast<uint64_t>(v) >> (8 * k)) & 0xff);
          crypto_hash_sha256_update(&sha, b, 8);
        } else if (type == SQLITE_FLOAT) {
          double v = sqlite3_column_double(st, i);
          crypto_hash_sha256_update(&sha, reinterpret_cast<const unsigned char*>(&v), sizeof v);
        } else if (type != SQLITE_NULL) {
          const void* p = type == SQLITE_BLOB ? sqlite3_column_blob(st, i) : sqlite3_column_text(st, i);
          uint32_t n = static_cast<uint32_t>(sqlite3_column_bytes(st, i));
          crypto_hash_sha256_update(&sha, reinterpret_cast<const unsigned char*>(&n), 4);
          if (n > 0) crypto_hash_sha256_update(&sha, static_cast<const unsigned char*>(p), n);
        }
      }
      unsigned char end = 0xff;
      crypto_hash_sha256_update(&sha, &end, 1);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) return SqliteError(c.db, "read table " + t);
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_final(&sha, h);
    out[t] = TableDigest{rows, Hex(h, sizeof h)};
  }
  return out;
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

  StatusOr<SnapshotInfo> Snapshot(const std::string& out) override {
    SnapshotInfo info;
    std::error_code ec;
    if (!std::filesystem::exists(path_, ec)) return NotFound("no database at " + path_);
    info.database_bytes = std::filesystem::file_size(path_, ec);
    {
      // Created 0600 before SQLite opens it, so the copy is never readable by others.
      auto f = FileSystem::Posix().Create(out, 0600);
      if (!f.ok()) return f.status();
      RETURN_IF_ERROR((*f)->Close());
    }
    Conn src, dst;
    RETURN_IF_ERROR(Open(src, path_, SQLITE_OPEN_READONLY));
    RETURN_IF_ERROR(Open(dst, out, SQLITE_OPEN_READWRITE));
    RETURN_IF_ERROR(Exec(dst, "PRAGMA journal_mode = OFF"));
    sqlite3_backup* b = sqlite3_backup_init(dst.db, "main", src.db, "main");
    if (!b) return SqliteError(dst.db, "start the online backup");
    // One step of all pages: one read transaction, one moment, and WAL writers are not blocked.
    auto start = std::chrono::steady_clock::now();
    int rc;
    for (int attempt = 0;; ++attempt) {
      rc = sqlite3_backup_step(b, -1);
      if ((rc == SQLITE_BUSY || rc == SQLITE_LOCKED) && attempt < 200) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        continue;
      }
      break;
    }
    info.snapshot_ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start)
                           .count();
    sqlite3_backup_finish(b);
    if (rc != SQLITE_DONE) return SqliteError(dst.db, "online backup");
    // Self-contained file in rollback mode: a restored copy needs no -wal beside it.
    RETURN_IF_ERROR(Exec(dst, "PRAGMA journal_mode = DELETE"));
    info.schema_version = SchemaVersion(dst);
    ASSIGN_OR_RETURN(info.tables, Digests(dst));
    return info;
  }

  StatusOr<CheckedSnapshot> Check(const std::string& path, const std::string& scratch_dir) override {
    // The decoded file is the scratch database: it is checked in place and removed by the caller.
    Conn c;
    RETURN_IF_ERROR(Open(c, path, SQLITE_OPEN_READWRITE));
    sqlite3_stmt* st = nullptr;
    std::string problems;
    if (sqlite3_prepare_v2(c.db, "PRAGMA integrity_check(20)", -1, &st, nullptr) != SQLITE_OK) {
      return FailedPrecondition("integrity: cannot run integrity_check: " + std::string(sqlite3_errmsg(c.db)))
          .WithSlug("integrity");
    }
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
      std::string line = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
      if (line != "ok") problems += (problems.empty() ? "" : "; ") + line;
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE && problems.empty()) problems = sqlite3_errmsg(c.db);
    if (!problems.empty()) {
      return FailedPrecondition("integrity: integrity_check failed: " + problems).WithSlug("integrity");
    }
    if (sqlite3_prepare_v2(c.db, "PRAGMA foreign_key_check", -1, &st, nullptr) != SQLITE_OK) {
      return FailedPrecondition("integrity: cannot run foreign_key_check").WithSlug("integrity");
    }
    int64_t violations = 0;
    std::string first;
    while (sqlite3_step(st) == SQLITE_ROW) {
      if (violations++ == 0) {
        first = std::string(reinterpret_cast<const char*>(sqlite3_column_text(st, 0))) + " row " +
                std::to_string(sqlite3_column_int64(st, 1));
      }
    }
    sqlite3_finalize(st);
    if (violations > 0) {
      return FailedPrecondition("integrity: foreign_key_check found " + std::to_string(violations) +
                                " violation(s), first in " + first)
          .WithSlug("integrity");
    }
    CheckedSnapshot out;
    out.schema_version = SchemaVersion(c);
    ASSIGN_OR_RETURN(out.tables, Digests(c));
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
  std::string path_;
};

}  // namespace

std::unique_ptr<DatabaseAdapter> MakeAdapter(const Config& config, const std::string& pg_bin_dir) {
  if (config.IsPostgres()) return MakePostgresAdapter(config, pg_bin_dir);
  return std::make_unique<SqliteAdapter>(config.SqlitePath());
}

}  // namespace salesdb::backup
