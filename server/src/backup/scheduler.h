// The backup thread of `serve`: one backup at start when the newest verified backup is older than
// the interval (or there is none), then one per interval after the newest; a failed run is retried
// after min(interval, 10 minutes). CreateNow() queues an extra run (the admin API). Stop() waits for
// a running backup to stop (it is cancelled at the next chunk). Also the admin API's view of the
// backups (BackupAdmin), with audit entries for requests and downloads. Thread-safe.
#pragma once

#include <condition_variable>
#include <mutex>
#include <thread>

#include "backup/engine.h"
#include "monitoring/maintenance.h"
#include "domain/backup_admin.h"
#include "domain/services.h"

namespace salesdb::backup {

class BackupScheduler final : public BackupAdmin {
 public:
  // interval_minutes 0: runs only when asked.
  BackupScheduler(BackupEngine& engine, ServiceContext& ctx);
  ~BackupScheduler() override;
  void Start();
  void Stop();
  // Enables Restore(): `hooks` without enter_maintenance and progress (filled in here from
  // `maintenance`, which the HTTP front end consults).
  void EnableOnlineRestore(OnlineRestoreHooks hooks, monitoring::Maintenance& maintenance);

  StatusOr<BackupOverview> List(const Actor& actor) override;
  StatusOr<BackupJobState> CreateNow(const Actor& actor) override;
  StatusOr<BackupDownload> Download(const Actor& actor, int64_t id) override;
  StatusOr<RestoreOutcome> Restore(const Actor& actor, int64_t id, const std::string& confirm) override;

 private:
  void Loop();
  int64_t NextDue();
  BackupJobState StateLocked();
  Status Audit(const Actor& actor, const char* action, int64_t id, const nlohmann::json& detail = nullptr);
  StatusOr<RestoreOutcome> RestoreEntry(const Actor& actor, const BackupEntry& entry);

  BackupEngine& engine_;
  ServiceContext& ctx_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  bool queued_ = false;
  bool running_ = false;
  bool restoring_ = false;
  std::optional<OnlineRestoreHooks> restore_hooks_;
  monitoring::Maintenance* maintenance_ = nullptr;
  bool failed_last_ = false;
  int64_t last_started_at_ = 0;
  int64_t last_finished_at_ = 0;
  std::string last_error_;
  std::thread thread_;
};

}  // namespace salesdb::backup
