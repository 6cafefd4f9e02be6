#include "backup/engine.h"

#include <sodium.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <time.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <exception>
#include <filesystem>
#include <fstream>
#include <optional>
#include <thread>

#include "backup/codec.h"
#include "backup/lock.h"
#include "base/files.h"
#include "base/log.h"
#include "monitoring/metrics.h"
#include "storage/database.h"
#include "storage/migrations.h"

namespace salesdb::backup {
namespace {

namespace fs = std::filesystem;

// A backup is background work: it runs on a thread of its own at this nice value (the threads it
// starts, such as SQLite's sorter threads, inherit it), so that on a busy machine the live writer's
// commits get the CPU first. The thread ends with the backup, so the priority never has to be raised
// again (which an unprivileged process may not do). Restores keep the caller's priority.
constexpr int kBackupNice = 10;

template <typename Fn>
auto OnBackgroundThread(Fn fn) -> decltype(fn()) {
  std::optional<decltype(fn())> result;
  std::exception_ptr failure;  // what fn threw, thrown again on the caller's thread
  std::jthread worker([&] {
    const auto tid = static_cast<id_t>(syscall(SYS_gettid));
    errno = 0;
    const int nice = getpriority(PRIO_PROCESS, tid);
    if (errno == 0 && nice < kBackupNice) setpriority(PRIO_PROCESS, tid, kBackupNice);
    try {
      result.emplace(fn());
    } catch (...) {
      failure = std::current_exception();
    }
  });
  worker.join();
  if (failure) std::rethrow_exception(failure);
  return std::move(*result);
}
using monitoring::Registry;

constexpr char kLastSuccess[] = "salesdb_backup_last_success_timestamp_seconds";
constexpr char kLastVerified[] = "salesdb_backup_last_verified_timestamp_seconds";
constexpr char kDuration[] = "salesdb_backup_duration_seconds";
constexpr char kSize[] = "salesdb_backup_size_bytes";
constexpr char kFailures[] = "salesdb_backup_failures_total";
constexpr size_t kReadChunk = 1 << 20;
constexpr int64_t kNewestCacheMs = 5000;


Status Check(const char* check, const std::string& message) {
  return FailedPrecondition(std::string(check) + ": " + message).WithSlug(check);
}

std::string RandomHex() {
  unsigned char b[6];
  randombytes_buf(b, sizeof b);
  char hex[13];
  sodium_bin2hex(hex, sizeof hex, b, sizeof b);
  return hex;
}

// A restore's work file: kept out of the stale-file clean-up while it is in use, removed after.
struct ScratchFile {
  ScratchFile(std::set<std::string>& in_use, FileSystem& fs, std::string p)
      : in_use(in_use), fs(fs), path(std::move(p)) {
    in_use.insert(path);
  }
  ~ScratchFile() {
    (void)fs.Remove(path);
    in_use.erase(path);
  }
  ScratchFile(const ScratchFile&) = delete;
  ScratchFile& operator=(const ScratchFile&) = delete;
  std::set<std::string>& in_use;
  FileSystem& fs;
  const std::string path;
};

int64_t MsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
}

// CPU time of the whole process so far (all threads), in ms.
int64_t ProcessCpuMs() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

// One line per step of a backup, check or restore: where the time goes at scale (wall time of the
// step, and the process's CPU time so far: on a shared machine the CPU figures are the steadier).
void LogPhase(const char* phase, std::chrono::steady_clock::time_point start) {
  log::Debug("backup phase", {{"phase", phase}, {"ms", MsSince(start)}, {"process_cpu_ms", ProcessCpuMs()}});
}

Dialect DialectOf(const std::string& name) { return name == "postgresql" ? Dialect::kPostgres : Dialect::kSqlite; }

void DescribeMetrics() {
  auto& r = Registry::Global();
  r.Describe(kLastSuccess, "gauge", "Unix time of the last backup that was written and verified.");
  r.Describe(kLastVerified, "gauge", "Unix time of the last successful verification of a backup.");
  r.Describe(kDuration, "gauge", "Seconds the last backup took, verification included.");
  r.Describe(kSize, "gauge", "Size in bytes of the last backup file.");
  r.Describe(kFailures, "counter", "Backups, verifications and off-site copies that failed.");
}

}  // namespace

std::string FailedCheck(const Status& st) { return st.slug().empty() ? "error" : st.slug(); }

BackupSettings BackupSettings::FromConfig(const Config& c, const std::string& app_version) {
  BackupSettings s;
  s.dir = c.EffectiveBackupDir();
  s.interval_minutes = c.backup_interval_minutes;
  s.zstd_level = c.backup_zstd_level;
  s.retention = RetentionPolicy{c.backup_keep_hourly, c.backup_keep_daily, c.backup_keep_weekly,
                                c.backup_keep_monthly};
  s.offsite.s3_endpoint = c.backup_s3_endpoint;
  s.offsite.s3_bucket = c.backup_s3_bucket;
  s.offsite.s3_prefix = c.backup_s3_prefix;
  s.offsite.s3_region = c.backup_s3_region;
  s.offsite.s3_access_key = c.backup_s3_access_key;
  s.offsite.s3_secret_key = c.backup_s3_secret_key;
  s.offsite.ca_file = c.tls_outbound_ca_file;
  s.offsite.copy_dir = c.backup_copy_dir;
  s.offsite.retries = c.backup_offsite_retries;
  s.offsite.backoff_ms = c.backup_offsite_backoff_ms;
  s.pg_bin_dir = c.backup_pg_bin_dir;
  s.app_version = app_version;
  return s;
}

BackupEngine::BackupEngine(Config config, BackupSettings settings, BackupKey key, const Clock& clock, FileSystem& fs)
    : config_(std::move(config)),
      settings_(std::move(settings)),
      key_(std::move(key)),
      clock_(clock),
      fs_(fs),
      adapter_(MakeAdapter(config_, settings_.pg_bin_dir)),
      sleep_ms_([](int64_t ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }) {
  DescribeMetrics();
}

BackupEngine::~BackupEngine() = default;

void BackupEngine::RecordFailure(const Status& st, const char* stage) {
  Registry::Global().Inc(kFailures);
  log::Error("backup failed", {{"stage", stage}, {"check", FailedCheck(st)}, {"error", st.message()}});
}

void BackupEngine::CleanUpWorkFiles() {
  std::error_code ec;
  std::vector<std::string> data_files;
  for (const auto& e : fs::directory_iterator(settings_.dir, ec)) {
    std::string n = e.path().filename().string();
    bool work = n.ends_with(".partial") || n.ends_with(".tmp") || n.rfind(".snapshot-", 0) == 0 ||
                n.rfind(".verify-", 0) == 0;
    if (work && !in_use_.count(e.path().string())) {
      (void)fs_.Remove(e.path().string());
    } else if (n.ends_with(kBackupSuffix)) {
      data_files.push_back(e.path().string());
    }
  }
  // A data file without a manifest was cut off before it was complete.
  for (const auto& p : data_files) {
    if (!fs::exists(p + kManifestSuffix, ec)) {
      log::Warn("removing an incomplete backup", {{"file", p}});
      (void)fs_.Remove(p);
    }
  }
}

Status BackupEngine::WriteManifest(const std::string& data_path, const Manifest& m) {
  Status st = fs_.WriteAtomic(data_path + kManifestSuffix, m.ToJson().dump(2) + "\n", 0600);
  std::lock_guard<std::mutex> lock(cache_mu_);
  cached_newest_ = -1;
  return st;
}

StatusOr<Manifest> BackupEngine::Create(const std::string& reason, Manifest* written) {
  std::lock_guard<std::recursive_mutex> guard(mu_);
  auto start = std::chrono::steady_clock::now();
  RETURN_IF_ERROR(files::EnsureDir(settings_.dir, 0700));
  auto lock = FileLock::Acquire(settings_.dir + "/.lock", FileLock::Mode::kExclusive, true);
  if (!lock.ok()) return lock.status();
  StatusOr<Manifest> m = OnBackgroundThread([&] { return CreateLocked(reason, written); });
  if (!m.ok()) {
    RecordFailure(m.status(), "create");
    return m;
  }
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  auto& r = Registry::Global();
  r.Set(kLastSuccess, {}, static_cast<double>(clock_.NowMs()) / 1000.0);
  r.Set(kLastVerified, {}, static_cast<double>(m->verification.at) / 1000.0);
  r.Set(kDuration, {}, secs);
  r.Set(kSize, {}, static_cast<double>(m->file_bytes));
  log::Info("backup created", {{"file", m->file}, {"bytes", m->file_bytes}, {"seconds", secs}, {"reason", reason}});
  return m;
}

StatusOr<Manifest> BackupEngine::CreateLocked(const std::string& reason, Manifest* written) {
  cancelled_ = false;
  CleanUpWorkFiles();
  auto start = std::chrono::steady_clock::now();
  Manifest m;
  m.id = std::max(clock_.NowMs(), last_id_ + 1);
  std::error_code ec;
  while (fs::exists(PathOf(BackupFileName(m.id)), ec)) ++m.id;
  last_id_ = m.id;
  m.created_at = m.id;
  m.file = BackupFileName(m.id);
  m.dialect = adapter_->dialect();
  m.app_version = settings_.app_version;
  m.key_id = key_.id;
  m.reason = reason;
  const std::string final_path = PathOf(m.file);
  const std::string partial = final_path + ".partial";
  const std::string snapshot = PathOf(".snapshot-" + std::to_string(m.id) + ".tmp");
  auto fail = [&](Status st) {
    (void)fs_.Remove(partial);
    (void)fs_.RemoveWorkFile(snapshot);
    return st;
  };

  // Compressed and encrypted as soon as the snapshot file is complete, while the adapter hashes
  // its tables (two cores).
  auto encode = [&]() -> Status {
    auto phase = std::chrono::steady_clock::now();
    auto out = fs_.Create(partial, 0600);
    if (!out.ok()) return out.status();
    Encoder enc(key_, **out, settings_.zstd_level);
    std::ifstream in(snapshot, std::ios::binary);
    if (!in) return Internal("cannot read the snapshot " + snapshot);
    std::string buf(kReadChunk, '\0');
    while (in) {
      if (cancelled_) return Unavailable("the backup was cancelled (shutdown)");
      in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
      if (in.gcount() <= 0) break;
      RETURN_IF_ERROR(enc.Write(std::string_view(buf.data(), static_cast<size_t>(in.gcount()))));
    }
    Status st = enc.Finish();
    if (st.ok()) st = (*out)->Sync();
    Status closed = (*out)->Close();
    if (st.ok()) st = closed;
    RETURN_IF_ERROR(st);
    m.plain_bytes = enc.plain_bytes();
    m.file_bytes = enc.file_bytes();
    m.sha256 = enc.sha256_hex();
    LogPhase("compress, encrypt, sync", phase);
    return Status::Ok();
  };
  auto phase = std::chrono::steady_clock::now();
  auto info = adapter_->Snapshot(snapshot, encode);
  if (!info.ok()) return fail(info.status());
  LogPhase("snapshot, hashes, compress, encrypt", phase);
  m.schema_version = info->schema_version;
  m.tables = info->tables;
  m.database_bytes = info->database_bytes;
  m.snapshot_ms = info->snapshot_ms;
  (void)fs_.RemoveWorkFile(snapshot);

  // Verified under its temporary name: nothing is called a backup before it has been restored once.
  Status verified = VerifyData(partial, m, "");
  m.verification = Outcome{verified.ok() ? "passed" : "failed", clock_.NowMs(), verified.ok() ? "" : FailedCheck(verified),
                           verified.ok() ? "" : verified.message()};
  Status st = fs_.Rename(partial, final_path);
  if (!st.ok()) return fail(st);
  m.duration_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
  st = WriteManifest(final_path, m);  // also fsyncs the folder, making both renames durable
  if (!st.ok()) {
    (void)fs_.Remove(final_path + kManifestSuffix + ".tmp");
    (void)fs_.Remove(final_path);
    return st;
  }
  if (!verified.ok()) {
    if (written) *written = m;
    return Status(verified).WithSlug(FailedCheck(verified));
  }
  return m;
}

Status BackupEngine::VerifyData(const std::string& data_path, const Manifest& m, const std::string& keep_plain) {
  if (m.dialect != adapter_->dialect()) {
    return Check("manifest", "the backup is of a " + m.dialect + " database; this server uses " + adapter_->dialect());
  }
  if (m.key_id != key_.id) {
    return Check("wrong-key", "the backup was encrypted with key " + m.key_id + "; this server has key " + key_.id);
  }
  std::error_code ec;
  uint64_t size = fs::file_size(data_path, ec);
  if (ec) return Check("manifest", "cannot open " + data_path + ": " + ec.message());
  if (size < m.file_bytes) {
    return Check("truncated", "the file has " + std::to_string(size) + " bytes; the manifest says " +
                                  std::to_string(m.file_bytes));
  }
  if (size != m.file_bytes) {
    return Check("checksum", "the file has " + std::to_string(size) + " bytes; the manifest says " +
                                 std::to_string(m.file_bytes));
  }
  std::string plain = keep_plain.empty() ? PathOf(".verify-" + std::to_string(m.id) + "-" + RandomHex() + ".tmp")
                                         : keep_plain;
  auto cleanup = [&](Status st) {
    if (keep_plain.empty() || !st.ok()) (void)fs_.RemoveWorkFile(plain);
    return st;
  };
  auto phase = std::chrono::steady_clock::now();
  {
    // The file's SHA-256 is computed on a second thread while it is decrypted and decompressed; a
    // differing checksum is the finding that counts, before any error of the decoding.
    StatusOr<std::string> sha = std::string();
    std::jthread hasher([&] { sha = FileSha256(data_path, nullptr); });
    auto out = fs_.Create(plain, 0600);
    if (!out.ok()) return out.status();
    DecodeStats stats;
    Status st = DecodeFile(data_path, key_, [&](std::string_view chunk) { return (*out)->Append(chunk); }, &stats);
    Status closed = (*out)->Close();
    if (st.ok()) st = closed;
    hasher.join();
    if (!sha.ok()) return cleanup(Check("manifest", sha.status().message()));
    if (*sha != m.sha256) {
      return cleanup(
          Check("checksum", "the file's SHA-256 differs from the manifest: its content changed (a flipped bit?)"));
    }
    if (!st.ok()) return cleanup(st);
    if (stats.plain_bytes != m.plain_bytes) {
      return cleanup(Check("manifest-mismatch", "the snapshot has " + std::to_string(stats.plain_bytes) +
                                                    " bytes; the manifest says " + std::to_string(m.plain_bytes)));
    }
  }
  LogPhase("verify: sha256, decrypt, decompress", phase);
  phase = std::chrono::steady_clock::now();
  // A snapshot kept for a restore is also completed (its indexes rebuilt) while it is checked.
  auto checked = adapter_->Check(plain, settings_.dir, !keep_plain.empty());
  LogPhase("verify: integrity, foreign keys, hashes", phase);
  if (!checked.ok()) return cleanup(checked.status());
  if (checked->schema_version != m.schema_version) {
    return cleanup(Check("manifest-mismatch", "schema version " + std::to_string(checked->schema_version) +
                                                  "; the manifest says " + std::to_string(m.schema_version)));
  }
  for (const auto& [table, want] : m.tables) {
    auto it = checked->tables.find(table);
    if (it == checked->tables.end()) {
      return cleanup(Check("manifest-mismatch", "table " + table + " is missing from the backup"));
    }
    if (it->second.rows != want.rows) {
      return cleanup(Check("manifest-mismatch", "table " + table + " has " + std::to_string(it->second.rows) +
                                                    " rows; the manifest says " + std::to_string(want.rows)));
    }
    if (it->second.sha256 != want.sha256) {
      return cleanup(Check("manifest-mismatch", "table " + table + " content hash differs from the manifest"));
    }
  }
  for (const auto& [table, got] : checked->tables) {
    if (!m.tables.count(table)) {
      return cleanup(Check("manifest-mismatch", "table " + table + " is in the backup but not in the manifest"));
    }
  }
  return cleanup(Status::Ok());
}

StatusOr<BackupEntry> BackupEngine::Load(const std::string& file) {
  BackupEntry e;
  e.path = file.find('/') == std::string::npos && !fs::exists(file) ? PathOf(file) : file;
  e.manifest_path = e.path + kManifestSuffix;
  std::error_code ec;
  if (!fs::exists(e.path, ec)) return NotFound("no backup file " + e.path);
  auto text = files::ReadAll(e.manifest_path);
  if (!text.ok()) {
    return Check("manifest", "no manifest " + e.manifest_path + " (an incomplete backup, or copied without it)");
  }
  auto m = Manifest::FromJson(*text);
  if (!m.ok()) return Check("manifest", m.status().message());
  e.manifest = std::move(m).value();
  return e;
}

StatusOr<std::vector<BackupEntry>> BackupEngine::List() {
  std::vector<BackupEntry> out;
  std::error_code ec;
  if (!fs::exists(settings_.dir, ec)) return out;
  for (const auto& d : fs::directory_iterator(settings_.dir, ec)) {
    std::string n = d.path().filename().string();
    if (!n.ends_with(kBackupSuffix) || n[0] == '.') continue;
    auto e = Load(d.path().string());
    if (e.ok()) out.push_back(std::move(e).value());
  }
  std::sort(out.begin(), out.end(), [](const BackupEntry& a, const BackupEntry& b) {
    return a.manifest.created_at > b.manifest.created_at;
  });
  return out;
}

StatusOr<Manifest> BackupEngine::Verify(const std::string& file, bool record) {
  std::lock_guard<std::recursive_mutex> guard(mu_);
  ASSIGN_OR_RETURN(BackupEntry e, Load(file));
  Status st = VerifyData(e.path, e.manifest, "");
  if (record && fs::path(e.path).parent_path() == fs::path(settings_.dir)) {
    e.manifest.verification =
        Outcome{st.ok() ? "passed" : "failed", clock_.NowMs(), st.ok() ? "" : FailedCheck(st), st.ok() ? "" : st.message()};
    Status written = WriteManifest(e.path, e.manifest);
    if (!written.ok()) log::Warn("verification result not recorded", {{"error", written.message()}});
  }
  if (!st.ok()) {
    RecordFailure(st, "verify");
    return st;
  }
  Registry::Global().Set(kLastVerified, {}, static_cast<double>(clock_.NowMs()) / 1000.0);
  return e.manifest;
}

Status BackupEngine::CopyOffsite(const std::string& file) {
  std::lock_guard<std::recursive_mutex> guard(mu_);
  auto targets = MakeOffsiteTargets(settings_.offsite);
  if (targets.empty()) return Status::Ok();
  ASSIGN_OR_RETURN(BackupEntry e, Load(file));
  if (!e.verified()) return FailedPrecondition("only verified backups are copied off-site");
  Status overall;
  for (auto& t : targets) {
    auto it = e.manifest.offsite.find(t->name());
    if (it != e.manifest.offsite.end() && it->second.status == "confirmed") continue;
    std::string name = e.manifest.file;
    Status st = WithRetries(
        [&] {
          Status put = t->Put(e.path, name);
          if (put.ok()) put = t->Put(e.manifest_path, name + kManifestSuffix);
          if (!put.ok()) log::Warn("off-site copy attempt failed", {{"target", t->name()}, {"error", put.message()}});
          return put;
        },
        settings_.offsite.retries, settings_.offsite.backoff_ms, sleep_ms_);
    e.manifest.offsite[t->name()] =
        Outcome{st.ok() ? "confirmed" : "failed", clock_.NowMs(), st.ok() ? "" : "offsite", st.ok() ? "" : st.message()};
    if (!st.ok()) {
      RecordFailure(st, "offsite");
      if (overall.ok()) overall = Unavailable("off-site copy to " + t->name() + " failed: " + st.message());
    } else {
      log::Info("backup copied off-site", {{"target", t->name()}, {"file", name}});
    }
  }
  RETURN_IF_ERROR(WriteManifest(e.path, e.manifest));
  return overall;
}

StatusOr<PruneReport> BackupEngine::Prune() {
  std::lock_guard<std::recursive_mutex> guard(mu_);
  RETURN_IF_ERROR(files::EnsureDir(settings_.dir, 0700));
  auto lock = FileLock::Acquire(settings_.dir + "/.lock", FileLock::Mode::kExclusive, true);
  if (!lock.ok()) return lock.status();
  CleanUpWorkFiles();
  PruneReport report;
  ASSIGN_OR_RETURN(auto entries, List());
  std::vector<RetentionItem> items;
  for (const auto& e : entries) items.push_back({e.manifest.id, e.manifest.created_at, e.verified()});
  auto doomed = SelectForDeletion(items, settings_.retention);
  auto targets = MakeOffsiteTargets(settings_.offsite);
  for (const auto& e : entries) {
    if (std::find(doomed.begin(), doomed.end(), e.manifest.id) == doomed.end()) continue;
    bool unconfirmed = false;
    if (e.verified()) {
      for (const auto& t : targets) {
        auto it = e.manifest.offsite.find(t->name());
        if (it == e.manifest.offsite.end() || it->second.status != "confirmed") unconfirmed = true;
      }
    }
    if (unconfirmed) {
      report.kept_unconfirmed.push_back(e.manifest.file);
      continue;
    }
    // Manifest first: a data file without one is an incomplete backup and is cleaned up anyway.
    RETURN_IF_ERROR(fs_.Remove(e.manifest_path));
    RETURN_IF_ERROR(fs_.Remove(e.path));
    report.deleted.push_back(e.manifest.file);
  }
  RETURN_IF_ERROR(fs_.SyncDir(settings_.dir));
  {
    std::lock_guard<std::mutex> c(cache_mu_);
    cached_newest_ = -1;
  }
  // The same policy on each remote side: everything there was verified before it was sent.
  for (auto& t : targets) {
    auto names = t->List();
    if (!names.ok()) {
      RecordFailure(names.status(), "offsite-prune");
      continue;
    }
    std::vector<RetentionItem> remote;
    for (const auto& n : *names) {
      if (!n.ends_with(kBackupSuffix)) continue;
      auto dash = n.rfind('-');
      int64_t id = std::atoll(n.substr(dash + 1).c_str());
      if (id > 0) remote.push_back({id, id, true});
    }
    for (int64_t id : SelectForDeletion(remote, settings_.retention)) {
      std::string n = BackupFileName(id);
      Status st = t->Delete(n + kManifestSuffix);
      if (st.ok()) st = t->Delete(n);
      if (st.ok()) report.remote_deleted.push_back(t->name() + ":" + n);
      else RecordFailure(st, "offsite-prune");
    }
  }
  return report;
}

StatusOr<BackupEntry> BackupEngine::PrepareRestore(const std::string& file, const std::string& plain) {
  ASSIGN_OR_RETURN(BackupEntry e, Load(file));
  if (e.manifest.dialect != adapter_->dialect()) {
    return FailedPrecondition("the backup is of a " + e.manifest.dialect + " database; this server uses " +
                              adapter_->dialect());
  }
  int latest = LatestSchemaVersion(DialectOf(e.manifest.dialect));
  if (e.manifest.schema_version > latest) {
    return FailedPrecondition("the backup has schema version " + std::to_string(e.manifest.schema_version) +
                              ", newer than this binary's " + std::to_string(latest) + "; restore it with a newer salesdb")
        .WithSlug("newer-schema");
  }
  RETURN_IF_ERROR(files::EnsureDir(settings_.dir, 0700));
  // Verified first, keeping the decoded snapshot for the restore itself.
  auto lock = FileLock::Acquire(settings_.dir + "/.lock", FileLock::Mode::kExclusive, true);
  if (!lock.ok()) return lock.status();
  Status verified = VerifyData(e.path, e.manifest, plain);
  if (!verified.ok()) {
    (void)fs_.Remove(plain);
    return Status(FailedPrecondition("the backup failed verification, nothing was restored: " + verified.message()))
        .WithSlug(FailedCheck(verified));
  }
  return e;
}

StatusOr<RestoreReport> BackupEngine::Restore(const std::string& file) {
  std::lock_guard<std::recursive_mutex> guard(mu_);
  auto start = std::chrono::steady_clock::now();
  RestoreReport report;
  ScratchFile scratch(in_use_, fs_, PathOf(".verify-restore-" + RandomHex() + ".tmp"));
  const std::string& plain = scratch.path;
  ASSIGN_OR_RETURN(BackupEntry e, PrepareRestore(file, plain));
  report.manifest = e.manifest;
  if (adapter_->LiveHasData()) {
    // A damaged current database is often why one restores: a safety backup that was written but
    // fails verification is kept (marked failed) and the restore goes on; one that could not be
    // written at all stops it.
    Manifest written;
    auto safety = Create("pre-restore", &written);
    if (safety.ok()) {
      report.safety_backup = safety->file;
    } else if (!written.file.empty()) {
      report.safety_backup = written.file;
      report.safety_backup_warning = safety.status().message();
    } else {
      return FailedPrecondition("the safety backup of the current database failed, nothing was restored: " +
                                safety.status().message());
    }
  }
  Status replaced;
  {
    auto lock = FileLock::Acquire(settings_.dir + "/.lock", FileLock::Mode::kExclusive, true);
    if (!lock.ok()) return lock.status();
    auto phase = std::chrono::steady_clock::now();
    replaced = adapter_->ReplaceLive(plain);
    LogPhase("replace", phase);
  }
  if (!replaced.ok()) {
    return Status(replaced.code(), "restore failed: " + replaced.message() +
                                       (report.safety_backup.empty() ? "" : "; the previous database is in " + report.safety_backup));
  }
  report.migrated_from = e.manifest.schema_version;
  auto db = Database::Open(config_, 1);
  if (!db.ok()) return db.status();
  auto applied = Migrate(**db);
  if (!applied.ok()) return applied.status();
  report.migrated_to = applied->empty() ? e.manifest.schema_version : applied->back();
  report.duration_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
  log::Info("backup restored", {{"file", e.manifest.file}, {"ms", report.duration_ms}});
  return report;
}

StatusOr<RestoreReport> BackupEngine::RestoreOnline(const std::string& file, const OnlineRestoreHooks& hooks) {
  std::lock_guard<std::recursive_mutex> guard(mu_);
  auto start = std::chrono::steady_clock::now();
  auto progress = [&](const char* phase) {
    if (hooks.progress) hooks.progress(phase);
  };
  RestoreReport report;
  ScratchFile scratch(in_use_, fs_, PathOf(".verify-restore-" + RandomHex() + ".tmp"));
  const std::string& plain = scratch.path;
  progress("verifying the backup");
  ASSIGN_OR_RETURN(BackupEntry e, PrepareRestore(file, plain));
  report.manifest = e.manifest;
  report.migrated_from = report.migrated_to = e.manifest.schema_version;

  RETURN_IF_ERROR(hooks.enter_maintenance());
  // Taken in maintenance mode, so it holds exactly the state the restore replaces. Online it must
  // verify: it is what a failure after the swap is rolled back to.
  progress("taking a safety backup");
  auto safety = Create("pre-restore");
  if (!safety.ok()) {
    return Status(FailedPrecondition("the safety backup of the current database failed, nothing was restored: " +
                                     safety.status().message()))
        .WithSlug("safety-backup");
  }
  report.safety_backup = safety->file;

  progress("replacing the database");
  bool restored = false;
  Status st = hooks.around_swap([&]() -> Status {
    {
      auto lock = FileLock::Acquire(settings_.dir + "/.lock", FileLock::Mode::kExclusive, true);
      if (!lock.ok()) return lock.status();
      RETURN_IF_ERROR(adapter_->ReplaceOnline(plain, *hooks.db));  // all or nothing
    }
    progress("migrating");
    Status post;
    auto applied = Migrate(*hooks.db);
    if (!applied.ok()) {
      post = applied.status();
    } else {
      if (!applied->empty()) report.migrated_to = applied->back();
      if (hooks.after_replace) post = hooks.after_replace();
    }
    if (post.ok()) {
      restored = true;
      return post;
    }
    progress("putting the previous database back");
    Status back = PutBack(*safety, *hooks.db);
    if (!back.ok()) {
      return Internal("the restored database failed (" + post.message() + ") and putting the previous one back failed too (" +
                      back.message() + "); restore " + safety->file + " with `salesdb restore`");
    }
    return Status(post.code(), "the restored database failed (" + post.message() +
                                   "); the previous database was put back");
  });
  if (!st.ok()) {
    if (restored) return Internal("the backup was restored, but: " + st.message());
    return st;
  }
  report.duration_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
  log::Info("backup restored online", {{"file", e.manifest.file}, {"ms", report.duration_ms},
                                       {"safety_backup", report.safety_backup}});
  return report;
}

Status BackupEngine::PutBack(const Manifest& safety, Database& db) {
  ScratchFile scratch(in_use_, fs_, PathOf(".verify-putback-" + RandomHex() + ".tmp"));
  Status st = VerifyData(PathOf(safety.file), safety, scratch.path);
  if (st.ok()) st = adapter_->ReplaceOnline(scratch.path, db);
  return st;
}

Status BackupEngine::RunScheduled(const std::string& reason) {
  auto created = Create(reason);
  Status result = created.status();
  if (!MakeOffsiteTargets(settings_.offsite).empty()) {
    // The new backup first, then up to three older ones whose copy is still pending.
    auto entries = List();
    int tried = 0;
    if (entries.ok()) {
      for (const auto& e : *entries) {
        if (!e.verified() || tried >= 4) continue;
        bool pending = false;
        for (const auto& t : MakeOffsiteTargets(settings_.offsite)) {
          auto it = e.manifest.offsite.find(t->name());
          if (it == e.manifest.offsite.end() || it->second.status != "confirmed") pending = true;
        }
        if (!pending) continue;
        ++tried;
        Status st = CopyOffsite(e.path);
        if (result.ok() && !st.ok()) result = st;
      }
    }
  }
  auto pruned = Prune();
  if (result.ok() && !pruned.ok()) result = pruned.status();
  return result;
}

int64_t BackupEngine::NewestVerifiedAt() {
  {
    std::lock_guard<std::mutex> lock(cache_mu_);
    if (cached_newest_ >= 0 && clock_.NowMs() - cached_at_ < kNewestCacheMs) return cached_newest_;
  }
  int64_t newest = 0;
  auto entries = List();
  if (entries.ok()) {
    for (const auto& e : *entries) {
      if (e.verified()) {
        newest = std::max(newest, e.manifest.created_at);
      }
    }
  }
  std::lock_guard<std::mutex> lock(cache_mu_);
  cached_newest_ = newest;
  cached_at_ = clock_.NowMs();
  return newest;
}

void BackupEngine::InitMetrics() {
  auto entries = List();
  if (!entries.ok()) return;
  for (const auto& e : *entries) {
    if (!e.verified()) continue;
    auto& r = Registry::Global();
    r.Set(kLastSuccess, {}, static_cast<double>(e.manifest.created_at) / 1000.0);
    r.Set(kLastVerified, {}, static_cast<double>(e.manifest.verification.at) / 1000.0);
    r.Set(kDuration, {}, static_cast<double>(e.manifest.duration_ms) / 1000.0);
    r.Set(kSize, {}, static_cast<double>(e.manifest.file_bytes));
    break;
  }
  Registry::Global().Inc(kFailures, {}, 0);
}

}  // namespace salesdb::backup
