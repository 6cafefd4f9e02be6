// What the admin API may ask of the backup layer (implemented in backup/, wired in main.cc), so that
// api/ does not depend on backup/ or storage/. Every call checks Permission::kBackupAdmin.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "base/status.h"
#include "domain/entities.h"

namespace salesdb {

struct BackupOutcome {
  std::string status;  // passed | failed (verification); confirmed | failed (off-site)
  int64_t at = 0;
  std::string check;
  std::string message;
};

struct BackupSummary {
  int64_t id = 0;
  std::string file;
  int64_t created_at = 0;
  std::string reason;
  std::string dialect;
  int schema_version = 0;
  std::string app_version;
  std::string key_id;
  uint64_t size_bytes = 0;
  uint64_t database_bytes = 0;
  int64_t duration_ms = 0;
  int64_t rows = 0;  // all tables
  BackupOutcome verification;
  std::map<std::string, BackupOutcome> offsite;
};

struct BackupJobState {
  bool running = false;
  bool queued = false;
  int64_t last_started_at = 0;
  int64_t last_finished_at = 0;
  std::string last_error;  // empty when the last run succeeded
  int interval_minutes = 0;
  int64_t next_due_at = 0;  // 0: no schedule
};

struct BackupOverview {
  std::vector<BackupSummary> items;  // newest first
  BackupJobState job;
};

struct BackupDownload {
  std::string file_name;
  std::string path;  // sent from the file as it is (backups are immutable once written)
};

// What an online restore did (the API shows it; the admin may have to log in again).
struct RestoreOutcome {
  std::string file;
  int64_t backup_created_at = 0;
  int schema_version = 0;               // of the backup
  std::map<std::string, int64_t> rows;  // per table, as restored
  std::string safety_backup;            // the database before the restore
  int migrated_from = 0;
  int migrated_to = 0;
  int64_t duration_ms = 0;
};

class BackupAdmin {
 public:
  virtual ~BackupAdmin() = default;
  virtual StatusOr<BackupOverview> List(const Actor& actor) = 0;
  // Queues a backup on the backup thread; returns at once.
  virtual StatusOr<BackupJobState> CreateNow(const Actor& actor) = 0;
  // The encrypted file (NotFound for an unknown id). Audited.
  virtual StatusOr<BackupDownload> Download(const Actor& actor, int64_t id) = 0;
  // Restores backup `id` while the server runs, in maintenance mode (every other request answers
  // 503); returns when done. `confirm` must repeat the backup's file name (else a 422 on field
  // "confirm", nothing done). FailedPrecondition (409) while a backup or restore runs, for a failed
  // verification, a newer schema or a failed safety backup; nothing changed then. Audited.
  virtual StatusOr<RestoreOutcome> Restore(const Actor& actor, int64_t id, const std::string& confirm) = 0;
};

}  // namespace salesdb
