// The SQLite side of an online restore: the snapshot file is copied into the live database with the
// online backup API, on the server's writer connection (Database::Exclusive), in one step: one write
// transaction, so readers see the old content until the commit and the new content after it (SQLite
// re-prepares their statements after the schema change). The destination stays in WAL mode.
// Uses the sqlite_api names that SOCI's header wraps <sqlite3.h> in.
#include <soci/sqlite3/soci-sqlite3.h>

#include <chrono>
#include <thread>

#include "base/status.h"
#include "storage/database.h"
#include "storage/statement_cache.h"

namespace salesdb::backup {

Status CopyIntoLiveSqlite(const std::string& snapshot, Database& db) {
  using namespace sqlite_api;
  return db.Exclusive([&](soci::session& s) -> Status {
    sqlite3* live = StatementCache::Handle(s);
    sqlite3* src = nullptr;
    if (sqlite3_open_v2(snapshot.c_str(), &src, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK) {
      std::string msg = src ? sqlite3_errmsg(src) : "out of memory";
      sqlite3_close_v2(src);
      return Internal("open the restored snapshot: " + msg);
    }
    sqlite3_backup* b = sqlite3_backup_init(live, "main", src, "main");
    if (!b) {
      std::string msg = sqlite3_errmsg(live);
      sqlite3_close_v2(src);
      return Internal("start copying into the live database: " + msg);
    }
    int rc;
    for (int attempt = 0;; ++attempt) {
      rc = sqlite3_backup_step(b, -1);
      // A checkpoint by another connection can hold the lock for a moment.
      if ((rc == SQLITE_BUSY || rc == SQLITE_LOCKED) && attempt < 200) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        continue;
      }
      break;
    }
    // finish rolls back an unfinished copy: the live database is then unchanged.
    int finished = sqlite3_backup_finish(b);
    std::string msg = sqlite3_errmsg(live);
    sqlite3_close_v2(src);
    if (rc != SQLITE_DONE) return Internal("copy into the live database failed (nothing changed): " + std::string(sqlite3_errstr(rc)));
    if (finished != SQLITE_OK) return Internal("copy into the live database failed (nothing changed): " + msg);
    return Status::Ok();
  });
}

}  // namespace salesdb::backup
