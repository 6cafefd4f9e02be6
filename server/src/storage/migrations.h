// Versioned schema migrations, one SQL file per version and dialect (storage/migrations/<dialect>/
// NNNN_name.sql), embedded in the binary at build time. Each runs in its own transaction and is
// recorded in schema_migrations. A database whose schema is newer than the binary is refused.
#pragma once

#include <string>
#include <vector>

#include "base/status.h"
#include "storage/database.h"

namespace salesdb {

struct Migration {
  int version;
  std::string name;
  std::string sql;
};

// The migrations built into this binary for a dialect, in version order.
const std::vector<Migration>& BuiltInMigrations(Dialect dialect);
int LatestSchemaVersion(Dialect dialect);

// Applies pending migrations. Returns the versions applied. FailedPrecondition when the database is
// newer than this binary.
StatusOr<std::vector<int>> Migrate(Database& db);
// The database's current schema version (0 when empty).
StatusOr<int> CurrentSchemaVersion(Database& db);
// Runs a multi-statement SQL script on a session (native driver call: SOCI runs one statement).
void ExecScript(soci::session& s, Dialect dialect, const std::string& sql);

}  // namespace salesdb
