// The backup engine: create (snapshot → zstd → secretstream → temp file → fsync → rename → folder
// fsync, verified before it is named complete), list, verify, prune (GFS, local and remote),
// off-site copies, and restore. Also keeps the salesdb_backup_* metrics.
//
// Files in the backup folder (0700; files 0600):
//   salesdb-<UTC time>-<id>.sdbk                 the backup (see codec.h)
//   salesdb-<UTC time>-<id>.sdbk.manifest.json   its manifest; written last: its presence marks a
//                                                complete, verified (or failed-verification) backup
//   *.partial, .snapshot-*, .verify-*, *.tmp     work files; removed by the next run
//   .lock                                        serialises create, prune and restore across processes
// A crash at any point leaves either no manifest (the data file is ignored and cleaned up) or a
// complete backup. Thread-safe: calls are serialised by a mutex and the folder lock.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "backup/adapter.h"
#include "backup/file_system.h"
#include "backup/key_source.h"
#include "backup/manifest.h"
#include "backup/offsite.h"
#include "backup/retention.h"
#include "base/clock.h"
#include "base/config.h"
#include "base/status.h"

namespace salesdb::backup {

struct BackupSettings {
  std::string dir;               // the backup folder
  int interval_minutes = 60;     // schedule; 0: no schedule
  int zstd_level = 3;
  RetentionPolicy retention;
  OffsiteSettings offsite;
  std::string pg_bin_dir;        // empty: found automatically
  std::string app_version;

  static BackupSettings FromConfig(const Config& config, const std::string& app_version);
};

struct BackupEntry {
  Manifest manifest;
  std::string path;           // the backup file
  std::string manifest_path;
  bool verified() const { return manifest.verification.status == "passed"; }
};

struct PruneReport {
  std::vector<std::string> deleted;         // local files
  std::vector<std::string> kept_unconfirmed;  // would go, but an off-site copy is not confirmed yet
  std::vector<std::string> remote_deleted;  // "<target>:<name>"
};

struct RestoreReport {
  Manifest manifest;
  std::string safety_backup;  // file name of the backup taken before the restore ("" if none)
  std::string safety_backup_warning;  // why the safety backup failed verification (the current db was damaged)
  int migrated_from = 0;
  int migrated_to = 0;
  int64_t duration_ms = 0;
};

// What an online restore needs from the running server (wired in main.cc).
struct OnlineRestoreHooks {
  Database* db = nullptr;  // the server's database
  // Called once the backup verified: turns maintenance mode on and waits for requests in flight.
  // An error stops the restore with nothing changed.
  std::function<Status()> enter_maintenance;
  // Runs `swap` (replace, migrate, after_replace) with the server's background work on the database
  // held off; afterwards records what the server keeps of the restored data (audit chain state).
  std::function<Status(const std::function<Status()>& swap)> around_swap;
  // Checks the restored database and reloads what the server keeps of it (key ring, caches); an
  // error puts the previous database back.
  std::function<Status()> after_replace;
  std::function<void(const std::string& phase)> progress;  // optional
};

class BackupEngine {
 public:
  BackupEngine(Config config, BackupSettings settings, BackupKey key, const Clock& clock,
               FileSystem& fs = FileSystem::Posix());
  ~BackupEngine();

  // Takes, writes and verifies a backup; on success the manifest records "passed". On a failed
  // verification the backup is kept with a "failed" manifest and the error names the check. Any
  // other failure leaves no file behind. Counts a failure in the metrics either way.
  // `written`, when given, receives the manifest of a backup that was written but failed verification.
  StatusOr<Manifest> Create(const std::string& reason, Manifest* written = nullptr);
  // Complete backups (those with a manifest), newest first.
  StatusOr<std::vector<BackupEntry>> List();
  // Full verification of a backup file against its manifest (<file>.manifest.json): sizes and
  // sha256, key, decryption, decompression, restore into a scratch database, integrity and
  // foreign-key checks, row counts and per-table hashes. The error's slug names the failed check:
  // manifest, truncated, checksum, wrong-key, not-a-backup, damaged, decompress, integrity,
  // manifest-mismatch. With record=true the outcome is written into the manifest.
  StatusOr<Manifest> Verify(const std::string& file, bool record);
  // Uploads one backup to every off-site target that has not confirmed it; records the outcome.
  Status CopyOffsite(const std::string& file);
  // GFS retention on the local folder and on each off-site target.
  StatusOr<PruneReport> Prune();
  // Verifies the backup, refuses a newer schema or another dialect, takes a safety backup of the
  // live database, replaces it, migrates it forward. The server must be stopped.
  StatusOr<RestoreReport> Restore(const std::string& file);
  // The same while the server runs: verifies (serving goes on), enters maintenance, takes a
  // verified safety backup, replaces the live database in one transaction, migrates it, runs
  // after_replace. A failure before the swap changes nothing; one after it puts the safety backup
  // back. The caller ends maintenance.
  StatusOr<RestoreReport> RestoreOnline(const std::string& file, const OnlineRestoreHooks& hooks);
  // The scheduled job: create, copy off-site (also earlier copies still pending), prune.
  Status RunScheduled(const std::string& reason);

  // Creation time (ms) of the newest verified backup, 0 when none. Cached for a few seconds.
  int64_t NewestVerifiedAt();
  const BackupSettings& settings() const { return settings_; }
  const BackupKey& key() const { return key_; }
  // Asks a running Create to stop at the next chunk (shutdown).
  void Cancel() { cancelled_ = true; }
  // For tests: how the engine sleeps between off-site retries.
  void SetSleeper(std::function<void(int64_t)> sleep_ms) { sleep_ms_ = std::move(sleep_ms); }

  // Sets the gauges from the newest backups on disk (at start).
  void InitMetrics();

 private:
  StatusOr<Manifest> CreateLocked(const std::string& reason, Manifest* written);
  // Loads and checks a backup for a restore and verifies it, leaving the decoded snapshot at `plain`.
  StatusOr<BackupEntry> PrepareRestore(const std::string& file, const std::string& plain);
  // Online: replaces the live database by a safety backup again.
  Status PutBack(const Manifest& safety, Database& db);
  // Verifies `data_path` against `m`; when keep_plain is given, the decoded snapshot stays there,
  // completed into a whole database for a restore (adapter.h).
  Status VerifyData(const std::string& data_path, const Manifest& m, const std::string& keep_plain);
  void CleanUpWorkFiles();
  Status WriteManifest(const std::string& data_path, const Manifest& m);
  std::string PathOf(const std::string& file_name) const { return settings_.dir + "/" + file_name; }
  StatusOr<BackupEntry> Load(const std::string& file);
  void RecordFailure(const Status& st, const char* stage);

  Config config_;
  BackupSettings settings_;
  BackupKey key_;
  const Clock& clock_;
  FileSystem& fs_;
  std::unique_ptr<DatabaseAdapter> adapter_;
  std::recursive_mutex mu_;
  std::atomic<bool> cancelled_{false};
  std::function<void(int64_t)> sleep_ms_;
  int64_t last_id_ = 0;
  std::set<std::string> in_use_;  // work files a restore still needs (not cleaned up)
  std::mutex cache_mu_;
  int64_t cached_newest_ = -1;
  int64_t cached_at_ = 0;
};

// The error's check name (its slug), for messages: "checksum", "truncated", …
std::string FailedCheck(const Status& st);

}  // namespace salesdb::backup
