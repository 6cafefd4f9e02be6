#include "backup/scheduler.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "base/files.h"
#include "base/log.h"
#include "base/thread_priority.h"
#include "domain/permissions.h"

namespace salesdb::backup {
namespace {

constexpr int64_t kMaxRetryMs = 10 * kMsPerMinute;
constexpr int64_t kRecheckMs = kMsPerMinute;

BackupOutcome ToOutcome(const Outcome& o) { return BackupOutcome{o.status, o.at, o.check, o.message}; }

}  // namespace

BackupScheduler::BackupScheduler(BackupEngine& engine, ServiceContext& ctx) : engine_(engine), ctx_(ctx) {}

BackupScheduler::~BackupScheduler() { Stop(); }

void BackupScheduler::Start() {
  std::lock_guard<std::mutex> lock(mu_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { Loop(); });
}

void BackupScheduler::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  engine_.Cancel();
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

int64_t BackupScheduler::NextDue() {
  int interval = engine_.settings().interval_minutes;
  if (interval <= 0) return 0;
  int64_t interval_ms = int64_t{interval} * kMsPerMinute;
  int64_t due = engine_.NewestVerifiedAt() + interval_ms;
  if (failed_last_) due = std::max(due, last_finished_at_ + std::min(interval_ms, kMaxRetryMs));
  return due;
}

void BackupScheduler::Loop() {
  RunAtBackgroundPriority();
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    int64_t due = NextDue();
    int64_t now = ctx_.clock.NowMs();
    if (restoring_ || (!queued_ && (due == 0 || now < due))) {
      int64_t wait = due == 0 ? kRecheckMs : std::min(due - now, kRecheckMs);
      cv_.wait_for(lock, std::chrono::milliseconds(wait), [&] { return stopping_ || (queued_ && !restoring_); });
      continue;
    }
    std::string reason = queued_ ? "api" : "scheduled";
    queued_ = false;
    running_ = true;
    last_started_at_ = now;
    lock.unlock();
    Status st = engine_.RunScheduled(reason);
    lock.lock();
    running_ = false;
    last_finished_at_ = ctx_.clock.NowMs();
    failed_last_ = !st.ok();
    last_error_ = st.ok() ? "" : st.message();
  }
}

BackupJobState BackupScheduler::StateLocked() {
  BackupJobState s;
  s.running = running_;
  s.queued = queued_;
  s.last_started_at = last_started_at_;
  s.last_finished_at = last_finished_at_;
  s.last_error = last_error_;
  s.interval_minutes = engine_.settings().interval_minutes;
  s.next_due_at = NextDue();
  return s;
}

Status BackupScheduler::Audit(const Actor& actor, const char* action, int64_t id, const nlohmann::json& detail) {
  return ctx_.store.Write([&](Tx& tx) {
    AuditEntry e = MakeAuditEntry(actor, ctx_.clock.NowMs(), action, "backup", id);
    if (!detail.is_null()) e.after_json = detail.dump();
    return ctx_.audit.Record(tx, std::move(e));
  });
}

void BackupScheduler::EnableOnlineRestore(OnlineRestoreHooks hooks, monitoring::Maintenance& maintenance) {
  std::lock_guard<std::mutex> lock(mu_);
  restore_hooks_ = std::move(hooks);
  maintenance_ = &maintenance;
}

StatusOr<RestoreOutcome> BackupScheduler::Restore(const Actor& actor, int64_t id, const std::string& confirm) {
  RETURN_IF_ERROR(Require(actor, Permission::kBackupAdmin));
  ASSIGN_OR_RETURN(auto entries, engine_.List());
  auto it = std::find_if(entries.begin(), entries.end(), [&](const BackupEntry& e) { return e.manifest.id == id; });
  if (it == entries.end()) return NotFound("no backup with id " + std::to_string(id));
  if (confirm != it->manifest.file) {
    return FieldInvalid("confirm", confirm.empty() ? "required" : "mismatch",
                        "type the backup's name, " + it->manifest.file + ", to confirm the restore");
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!restore_hooks_) return Unavailable("online restore is not available on this server");
    if (stopping_) return Unavailable("the server is shutting down");
    if (running_ || restoring_) {
      return FailedPrecondition("a backup or restore is running; try again when it has finished").WithSlug("busy");
    }
    restoring_ = true;
  }
  StatusOr<RestoreOutcome> out = RestoreEntry(actor, *it);
  {
    std::lock_guard<std::mutex> lock(mu_);
    restoring_ = false;
  }
  cv_.notify_all();
  return out;
}

StatusOr<RestoreOutcome> BackupScheduler::RestoreEntry(const Actor& actor, const BackupEntry& entry) {
  const Manifest& m = entry.manifest;
  OnlineRestoreHooks hooks = *restore_hooks_;
  monitoring::Maintenance& maintenance = *maintenance_;
  bool in_maintenance = false;
  hooks.progress = [&](const std::string& phase) { maintenance.SetPhase(phase); };
  hooks.enter_maintenance = [&]() -> Status {
    // The caller's own request is the one left in flight.
    RETURN_IF_ERROR(maintenance.Begin("waiting for requests in flight", 1, std::chrono::seconds(30)));
    in_maintenance = true;
    // In the replaced chain (and so in the safety backup): who started which restore.
    return Audit(actor, "backup.restore_start", m.id, {{"file", m.file}});
  };
  auto report = engine_.RestoreOnline(entry.path, hooks);
  if (!report.ok()) {
    Status failed = Audit(actor, "backup.restore_failed", m.id,
                          {{"file", m.file}, {"check", FailedCheck(report.status())}, {"error", report.status().message()}});
    if (!failed.ok()) log::Warn("restore failure not audited", {{"error", failed.message()}});
    if (in_maintenance) maintenance.End();
    log::Error("online restore failed", {{"file", m.file}, {"error", report.status().message()}});
    return report.status();
  }
  RestoreOutcome out;
  out.file = m.file;
  out.backup_created_at = m.created_at;
  out.schema_version = m.schema_version;
  for (const auto& [name, t] : m.tables) out.rows[name] = t.rows;
  out.safety_backup = report->safety_backup;
  out.migrated_from = report->migrated_from;
  out.migrated_to = report->migrated_to;
  out.duration_ms = report->duration_ms;
  // In the restored chain, after the restore marker: the restore itself.
  Status audited = Audit(actor, "backup.restore", m.id,
                         {{"file", m.file},
                          {"backup_created_at", m.created_at},
                          {"safety_backup", out.safety_backup},
                          {"migrated_from", out.migrated_from},
                          {"migrated_to", out.migrated_to},
                          {"duration_ms", out.duration_ms}});
  maintenance.End();
  if (!audited.ok()) log::Error("restore not audited", {{"error", audited.message()}});
  return out;
}

StatusOr<BackupOverview> BackupScheduler::List(const Actor& actor) {
  RETURN_IF_ERROR(Require(actor, Permission::kBackupAdmin));
  BackupOverview out;
  ASSIGN_OR_RETURN(auto entries, engine_.List());
  for (const auto& e : entries) {
    const Manifest& m = e.manifest;
    BackupSummary s;
    s.id = m.id;
    s.file = m.file;
    s.created_at = m.created_at;
    s.reason = m.reason;
    s.dialect = m.dialect;
    s.schema_version = m.schema_version;
    s.app_version = m.app_version;
    s.key_id = m.key_id;
    s.size_bytes = m.file_bytes;
    s.database_bytes = m.database_bytes;
    s.duration_ms = m.duration_ms;
    for (const auto& [name, t] : m.tables) s.rows += t.rows;
    s.verification = ToOutcome(m.verification);
    for (const auto& [name, o] : m.offsite) s.offsite[name] = ToOutcome(o);
    out.items.push_back(std::move(s));
  }
  std::lock_guard<std::mutex> lock(mu_);
  out.job = StateLocked();
  return out;
}

StatusOr<BackupJobState> BackupScheduler::CreateNow(const Actor& actor) {
  RETURN_IF_ERROR(Require(actor, Permission::kBackupAdmin));
  RETURN_IF_ERROR(Audit(actor, "backup.create", 0));
  std::lock_guard<std::mutex> lock(mu_);
  if (stopping_) return Unavailable("the server is shutting down");
  if (!running_) queued_ = true;
  cv_.notify_all();
  return StateLocked();
}

StatusOr<BackupDownload> BackupScheduler::Download(const Actor& actor, int64_t id) {
  RETURN_IF_ERROR(Require(actor, Permission::kBackupAdmin));
  ASSIGN_OR_RETURN(auto entries, engine_.List());
  for (const auto& e : entries) {
    if (e.manifest.id != id) continue;
    RETURN_IF_ERROR(Audit(actor, "backup.download", id));
    return BackupDownload{e.manifest.file, e.path};
  }
  return NotFound("no backup with id " + std::to_string(id));
}

}  // namespace salesdb::backup
