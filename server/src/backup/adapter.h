// What the backup pipeline needs from each database dialect: a consistent snapshot of the live
// database written to a plain file (with the row counts and content hashes of that same moment), a
// check of such a file restored into a scratch database, and the replacement of the live database.
//
// SQLite: a connection of its own writes the snapshot from the live database (attached, only read) in
// one transaction, one moment, while writers go on (WAL). What can be rebuilt from the rows is left
// out: tables are created as in the live database and filled with SQLite's transfer optimisation
// (as VACUUM does), secondary indexes are not created but listed in a table `salesdb_backup_rebuild`
// (rollback-journal file). That makes the backup smaller (index b-trees of sealed values hardly
// compress) and its check cheaper (integrity_check need not match every index against its table); a
// completing Check rebuilds them at restore. FTS5 indexes are kept: they compress well and take
// longer to rebuild than any index (snapshots of earlier versions, until 2026-11-26, left them empty
// and listed them too; those still restore). A snapshot without that table (format version 1: a
// page copy with its indexes) needs no rebuild.
// PostgreSQL: a REPEATABLE READ transaction exports its snapshot; the hashes are computed in it and
// pg_dump (custom format, uncompressed: zstd does that) dumps that same snapshot. Checks restore
// with pg_restore into a scratch database that is dropped afterwards. Client binaries are found in
// backup.pg_bin_dir, else the newest /usr/lib/postgresql/*/bin, else PATH; connection settings reach
// them through PG* environment variables (never a password on a command line).
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "backup/manifest.h"
#include "base/config.h"
#include "base/status.h"

namespace salesdb {
class Database;
}

namespace salesdb::backup {

struct SnapshotInfo {
  int schema_version = 0;
  TableDigests tables;
  uint64_t database_bytes = 0;
  int64_t snapshot_ms = 0;  // how long the snapshot's read transaction was open
};

struct CheckedSnapshot {
  int schema_version = 0;
  TableDigests tables;
};

class DatabaseAdapter {
 public:
  virtual ~DatabaseAdapter() = default;
  virtual std::string dialect() const = 0;  // "sqlite" | "postgresql"
  // Writes a snapshot of the live database to `path` (mode 0600). `alongside` runs once the file
  // is complete (SQLite: on another thread while the tables are hashed); its error fails the snapshot.
  virtual StatusOr<SnapshotInfo> Snapshot(const std::string& path, const std::function<Status()>& alongside) = 0;
  // Restores the snapshot file into a scratch database (a file in scratch_dir for SQLite), runs the
  // integrity checks (slug "integrity"), returns its digests; the scratch database is removed.
  // With `complete`, the file also becomes a complete database for ReplaceLive/ReplaceOnline
  // (SQLite rebuilds what the snapshot left out, while the checks run); it is fit for that only
  // when the result is OK. PostgreSQL: pg_restore builds everything; nothing more to do.
  virtual StatusOr<CheckedSnapshot> Check(const std::string& path, const std::string& scratch_dir, bool complete) = 0;
  // Replaces the live database by the snapshot file. The server must be stopped; FailedPrecondition
  // when it evidently is not (PostgreSQL: other sessions on the database).
  virtual Status ReplaceLive(const std::string& path) = 0;
  // Replaces the live database by the snapshot file while the server runs (online restore), in one
  // transaction: it is wholly replaced or unchanged. SQLite: the online backup API copies the
  // snapshot through the server's writer connection (`db`), so its readers see the new content
  // after the commit; PostgreSQL: DROP SCHEMA and the dump in one psql --single-transaction. The
  // caller holds requests and background work off.
  virtual Status ReplaceOnline(const std::string& path, Database& db) = 0;
  // Whether there is a live database with data to protect (a safety backup before a restore).
  virtual bool LiveHasData() = 0;
};

std::unique_ptr<DatabaseAdapter> MakeAdapter(const Config& config, const std::string& pg_bin_dir);

}  // namespace salesdb::backup
