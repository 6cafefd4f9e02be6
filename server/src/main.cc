// salesdb: the one place where everything is wired together. Subcommands are thin layers over the
// same services the HTTP API uses.
#include <CLI/CLI.hpp>
#include <sodium.h>
#include <sys/stat.h>

#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <thread>
#include <utility>

#include "api/api.h"
#include "audit/archive.h"
#include "audit/audit_daemon.h"
#include "audit/audit_log.h"
#include "backup/engine.h"
#include "backup/key_source.h"
#include "backup/lock.h"
#include "backup/scheduler.h"
#include "audit/audit_service.h"
#include "base/config.h"
#include "base/files.h"
#include "base/log.h"
#include "domain/services.h"
#include "http/frontend.h"
#include "http/server.h"
#include "monitoring/health.h"
#include "monitoring/maintenance.h"
#include "monitoring/metrics.h"
#include "security/auth_service.h"
#include "security/crypto.h"
#include "security/field_crypto.h"
#include "storage/database.h"
#include "storage/field_encryption.h"
#include "storage/migrations.h"
#include "storage/seed.h"
#include "storage/sql_store.h"

namespace salesdb {
namespace {

constexpr char kVersion[] = "0.1.0";

// Fails the command with a one-line reason.
[[noreturn]] void Die(const std::string& why) {
  std::fprintf(stderr, "salesdb: %s\n", why.c_str());
  log::Flush();
  std::exit(1);
}

void Check(const Status& s) {
  if (!s.ok()) Die(s.message() + (s.field_errors().empty() ? "" : " (" + s.ToString() + ")"));
}

#ifdef SALESDB_BENCH_WITHOUT_AUDIT
// Only in build/salesdb_bench_no_audit, the comparison binary of bench/run.sh (issue 6: what the audit
// trail adds to the create-activity route); built with the benchmarks, never installed or served.
// The services' changes are not recorded.
class DiscardingAuditSink final : public AuditSink {
 public:
  Status Record(Tx&, AuditEntry) override { return Status::Ok(); }
  Status RecordChange(Tx&, AuditEntry, nlohmann::json*, nlohmann::json*) override { return Status::Ok(); }
};
#endif

// Everything a command needs, built from the configuration.
struct App {
  Config config;
  std::unique_ptr<Database> db;
  std::unique_ptr<security::KeyRing> keyring;  // seals the encrypted columns
  std::unique_ptr<SqlStore> store;
  AuditLog audit;
#ifdef SALESDB_BENCH_WITHOUT_AUDIT
  DiscardingAuditSink discarding;
#endif
  std::unique_ptr<ServiceContext> ctx;
  std::unique_ptr<AuthService> auth;
  std::unique_ptr<CustomerService> customers;
  std::unique_ptr<ContactService> contacts;
  std::unique_ptr<LicenseService> licenses;
  std::unique_ptr<ActivityService> activities;
  std::unique_ptr<OpportunityService> opportunities;
  std::unique_ptr<DashboardService> dashboard;
  std::unique_ptr<audit::AuditQueryService> audit_query;

  void OpenKeys();
  // Opens the database, applies migrations and builds the services.
  void Open(bool migrate) {
    Check(crypto::InitCrypto());
    Check(files::EnsureDir(config.data_dir, 0700));
    auto opened = Database::Open(config, config.ReadConnections());
    if (!opened.ok()) Die(opened.status().message());
    db = std::move(opened).value();
    if (migrate) {
      auto applied = Migrate(*db);
      if (!applied.ok()) Die(applied.status().message());
    } else {
      auto current = CurrentSchemaVersion(*db);
      if (!current.ok()) Die(current.status().message());
      if (*current != LatestSchemaVersion(db->dialect())) Die("the database is not migrated; run `salesdb migrate`");
    }
    OpenKeys();
    store = std::make_unique<SqlStore>(*db, keyring.get());
#ifdef SALESDB_BENCH_WITHOUT_AUDIT
    ctx = std::make_unique<ServiceContext>(ServiceContext{*store, discarding, SystemClock::Get()});
#else
    ctx = std::make_unique<ServiceContext>(ServiceContext{*store, audit, SystemClock::Get()});
#endif
    AuthSettings a{config.session_idle_minutes, config.session_absolute_hours, config.login_max_failures,
                   config.login_lockout_minutes, config.login_ip_max_failures, config.login_ip_window_minutes};
    auth = std::make_unique<AuthService>(*ctx, a);
    customers = std::make_unique<CustomerService>(*ctx);
    contacts = std::make_unique<ContactService>(*ctx);
    licenses = std::make_unique<LicenseService>(*ctx);
    activities = std::make_unique<ActivityService>(*ctx);
    opportunities = std::make_unique<OpportunityService>(*ctx);
    dashboard = std::make_unique<DashboardService>(*ctx);
    audit_query = std::make_unique<audit::AuditQueryService>(*store, audit, SystemClock::Get(), config.data_dir);
  }
};

// Field encryption keys: the master key (SALESDB_MASTER_KEY, --master-key-file, or
// <data_dir>/keys/master.key created on a database without keys), checked against the database's
// key check value; then rows from before migration 0002 are sealed. A wrong or missing master key
// stops the command here, before anything is served.
void App::OpenKeys() {
  auto has_keys = HasFieldKeys(*db);
  if (!has_keys.ok()) Die(has_keys.status().message());
  security::MasterKeySource src{config.master_key, config.master_key_file, config.data_dir};
  auto master = security::LoadMasterKey(src, /*may_create=*/!*has_keys);
  if (!master.ok()) Die("cannot start: " + master.status().message());
  keyring = std::make_unique<security::KeyRing>(master->key);
  sodium_memzero(master->key.data(), master->key.size());
  bool had_keys = false;
  Status init = InitFieldKeys(*db, *keyring, SystemClock::Get().NowMs(), &had_keys);
  if (!init.ok()) Die("cannot start: " + init.message() + " (master key from " + master->source + ")");
  if (!had_keys) log::Info("field encryption keys created", {{"master_key_source", master->source}});
  auto status = GetKeyStatus(*db);
  if (!status.ok()) Die(status.status().message());
  if (status->plaintext_rows > 0) {
    log::Info("sealing rows stored before field encryption", {{"rows", status->plaintext_rows}});
    // Overwrite the freed plaintext rather than leave it in free pages (SQLite).
    if (db->dialect() == Dialect::kSqlite) {
      Check(db->Exclusive([](soci::session& s) {
        s << "PRAGMA secure_delete = ON";
        return Status::Ok();
      }));
    }
    auto left = ReencryptAll(*db, *keyring, 1000, 0, nullptr, /*plaintext_only=*/true);
    if (!left.ok()) Die("sealing plaintext rows failed: " + left.status().message());
    Check(db->Checkpoint());
    log::Info("rows sealed", {{"rows", status->plaintext_rows}});
  }
}

// Creates the first admin on an empty database; prints a generated password once.
void EnsureFirstAdmin(App& app) {
  auto count = app.auth->CountUsers();
  Check(count.status());
  if (*count > 0) return;
  std::string password = app.config.admin_password;
  bool generated = password.empty();
  if (generated) password = crypto::RandomToken(15);
  User u;
  u.email = app.config.admin_email;
  u.name = "Administrator";
  u.role = "admin";
  auto created = app.auth->CreateUser(Actor::System(), u, password);
  Check(created.status());
  if (generated) {
    std::printf("\n  First admin created: %s\n  Password (shown once): %s\n\n", u.email.c_str(), password.c_str());
  } else {
    std::printf("First admin created: %s (password from SALESDB_ADMIN_PASSWORD)\n", u.email.c_str());
  }
  std::fflush(stdout);
}

// Periodic housekeeping on its own thread: expire licences, purge the trash, drop stale sessions.
// After the first pass it starts the dashboard's first summary (computed beside the pass, it would be
// stale at once whenever the pass expires a licence, and computed again).
class Housekeeping {
 public:
  explicit Housekeeping(App& app) : app_(app), thread_([this] { Loop(); }) {}
  ~Housekeeping() { Stop(); }
  void Stop() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stopping_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

 private:
  void Loop() {
    std::unique_lock<std::mutex> lock(mu_);
    bool first = true;
    while (!stopping_) {
      lock.unlock();
      RunOnce();
      if (std::exchange(first, false)) app_.dashboard->Warm();
      lock.lock();
      cv_.wait_for(lock, std::chrono::minutes(5), [&] { return stopping_; });
    }
  }
  void RunOnce() {
    auto expired = app_.licenses->ExpireDue();
    auto purged = app_.customers->PurgeTrash(int64_t{app_.config.trash_retention_days} * kMsPerDay);
    Status cleaned = app_.auth->CleanUp();
    if (!expired.ok() || !purged.ok() || !cleaned.ok()) {
      log::Warn("housekeeping failed", {{"error", !expired.ok() ? expired.status().ToString()
                                                  : !purged.ok() ? purged.status().ToString()
                                                                 : cleaned.ToString()}});
    }
  }
  App& app_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

std::unique_ptr<backup::BackupEngine> MakeBackupEngine(const Config& config) {
  Check(crypto::InitCrypto());
  auto key = backup::LoadBackupKey(config);
  Check(key.status());
  return std::make_unique<backup::BackupEngine>(config, backup::BackupSettings::FromConfig(config, kVersion),
                                                std::move(key).value(), SystemClock::Get());
}

// Held shared by every running server; `restore` needs it exclusively.
std::string ServeLockPath(const Config& config) { return config.data_dir + "/serve.lock"; }

audit::AuditDaemonOptions AuditDaemonOptions(const Config& c) {
  audit::AuditDaemonOptions o;
  o.data_dir = c.data_dir;
  o.checkpoint_interval_ms = int64_t{c.audit_checkpoint_interval_seconds} * 1000;
  o.evaluate_interval_ms = int64_t{c.audit_evaluate_interval_seconds} * 1000;
  o.full_verify_interval_ms = int64_t{c.audit_full_verify_minutes} * kMsPerMinute;
  o.retention_ms = int64_t{c.audit_retention_days} * kMsPerDay;
  audit::AnomalySettings& r = o.rules;
  r.failed_logins_per_account = c.audit_failed_logins_per_account;
  r.failed_logins_per_ip = c.audit_failed_logins_per_ip;
  r.failed_login_window_ms = int64_t{c.audit_failed_login_window_seconds} * 1000;
  r.login_after_failures = c.audit_login_after_failures;
  r.unusual_hour_min_logins = c.audit_unusual_hour_min_logins;
  r.unusual_hour_max_share = c.audit_unusual_hour_max_share_percent / 100.0;
  r.sensitive_read_min = c.audit_sensitive_read_min_per_hour;
  r.sensitive_read_factor = c.audit_sensitive_read_factor;
  r.scraping_min_windows = c.audit_scraping_min_minutes_per_hour;
  r.scraping_factor = c.audit_scraping_factor;
  r.mass_deletion = c.audit_mass_deletion;
  r.mass_deletion_window_ms = int64_t{c.audit_mass_deletion_window_seconds} * 1000;
  r.baseline_days = c.audit_baseline_days;
  return o;
}

int Serve(App& app) {
  auto listen = ParseListen(app.config.listen);
  Check(listen.status());
  bool tls = !app.config.tls_cert.empty();
  if (!tls && !http::IsLoopback(listen->first) && listen->first != "localhost" && !app.config.insecure_http) {
    Die("refusing to serve plain HTTP on " + listen->first +
        " (not loopback); give tls.cert and tls.key, or --insecure-http behind a TLS proxy");
  }
  http::BlockShutdownSignals();
  Check(files::EnsureDir(app.config.data_dir, 0700));
  auto serve_lock = backup::FileLock::Acquire(ServeLockPath(app.config), backup::FileLock::Mode::kShared, false);
  if (!serve_lock.ok()) Die("a restore is running on this data folder; start the server when it has finished");
  app.Open(/*migrate=*/true);
  app.db->ListenForChanges();
  EnsureFirstAdmin(app);

  monitoring::Health health;
  Database& db = *app.db;
  health.Add("database", [&db] {
    Status s = db.Ping();
    return s.ok() ? monitoring::CheckResult{} : monitoring::CheckResult{"fail", s.message(), nullptr};
  });
  health.Add("migrations", [&db] {
    auto v = CurrentSchemaVersion(db);
    if (!v.ok()) return monitoring::CheckResult{"fail", v.status().message(), nullptr};
    int latest = LatestSchemaVersion(db.dialect());
    if (*v != latest) return monitoring::CheckResult{"fail", "schema not at the latest version", *v};
    return monitoring::CheckResult{"pass", "", *v};
  });
  std::string data_dir = app.config.data_dir;
  health.Add("disk", [data_dir] {
    auto free = files::FreeBytes(data_dir);
    if (!free.ok()) return monitoring::CheckResult{"fail", free.status().message(), nullptr};
    if (*free < (256LL << 20)) return monitoring::CheckResult{"fail", "less than 256 MiB free", *free};
    if (*free < (2LL << 30)) return monitoring::CheckResult{"warn", "less than 2 GiB free", *free};
    return monitoring::CheckResult{"pass", "", *free};
  });

  auto backups = MakeBackupEngine(app.config);
  backups->InitMetrics();
  backup::BackupScheduler backup_scheduler(*backups, *app.ctx);
  const int64_t backup_interval_ms = int64_t{app.config.backup_interval_minutes} * kMsPerMinute;
  health.Add("backups", [&backups, backup_interval_ms] {
    int64_t newest = backups->NewestVerifiedAt();
    if (newest == 0) return monitoring::CheckResult{"warn", "no verified backup yet", nullptr};
    int64_t age_s = (SystemClock::Get().NowMs() - newest) / 1000;
    if (backup_interval_ms > 0 && age_s * 1000 > 2 * backup_interval_ms) {
      return monitoring::CheckResult{"warn", "the newest verified backup is older than twice the interval", age_s};
    }
    return monitoring::CheckResult{"pass", "", age_s};
  });

  api::Services services{*app.auth,          *app.customers,     *app.contacts, *app.licenses,
                         *app.activities,    *app.opportunities, *app.dashboard, *app.store,
                         SystemClock::Get(), &backup_scheduler, app.audit_query.get()};
  app.audit.EnableBulkReadAudit(*app.store, SystemClock::Get(), app.config.audit_bulk_read_rows_per_minute);
  audit::AuditDaemon audit_daemon(*app.store, app.audit, SystemClock::Get(), AuditDaemonOptions(app.config));
  Check(audit_daemon.Start());
  // Online restore (docs/backups.md): requests held off by the maintenance gate, the audit daemon
  // around the swap, then what the server keeps of the data reloaded.
  monitoring::Maintenance maintenance;
  backup::OnlineRestoreHooks restore_hooks;
  restore_hooks.db = app.db.get();
  restore_hooks.around_swap = [&audit_daemon](const std::function<Status()>& swap) {
    return audit_daemon.AroundRestore(swap);
  };
  restore_hooks.after_replace = [&app]() -> Status {
    // The restored database's keys must open with this master key; rows from before field
    // encryption are sealed as at start.
    bool had_keys = false;
    RETURN_IF_ERROR(InitFieldKeys(*app.db, *app.keyring, SystemClock::Get().NowMs(), &had_keys));
    ASSIGN_OR_RETURN(KeyStatus keys, GetKeyStatus(*app.db));
    if (keys.plaintext_rows > 0) {
      RETURN_IF_ERROR(ReencryptAll(*app.db, *app.keyring, 1000, 0, nullptr, /*plaintext_only=*/true).status());
    }
    app.store->MarkAllChanged();  // cached customer lists
    app.auth->DropCache();
    app.dashboard->DropCache();
    return Status::Ok();
  };
  backup_scheduler.EnableOnlineRestore(restore_hooks, maintenance);
  api::Api api(services, api::ApiOptions{tls, app.config.session_absolute_hours});
  http::Frontend frontend(api, health,
                          http::FrontendOptions{app.config.web_dir, app.config.max_body_bytes,
                                                app.config.metrics_token, tls, kVersion, &maintenance});
  Housekeeping housekeeping(app);
  http::ServerOptions options;
  options.host = listen->first;
  options.port = listen->second;
  options.threads = app.config.EffectiveThreads();
  options.io_threads = app.config.EffectiveIoThreads();
  options.tls_cert = app.config.tls_cert;
  options.tls_key = app.config.tls_key;
  if (!app.config.tls_redirect_http.empty()) {
    auto redirect = ParseListen(app.config.tls_redirect_http);
    Check(redirect.status());
    options.redirect_host = redirect->first;
    options.redirect_port = redirect->second;
  }
  backup_scheduler.Start();
  Status st = http::Run(options, frontend, health, [&] {
    housekeeping.Stop();
    backup_scheduler.Stop();
    audit_daemon.Stop();
  });
  Check(st);
  Check(db.Checkpoint());
  log::Info("stopped");
  log::Flush();
  return 0;
}

std::string HumanBytes(uint64_t n) {
  char buf[32];
  if (n >= (1ull << 30)) std::snprintf(buf, sizeof buf, "%.1f GiB", n / double(1ull << 30));
  else if (n >= (1ull << 20)) std::snprintf(buf, sizeof buf, "%.1f MiB", n / double(1ull << 20));
  else if (n >= 1024) std::snprintf(buf, sizeof buf, "%.1f KiB", n / 1024.0);
  else std::snprintf(buf, sizeof buf, "%llu B", static_cast<unsigned long long>(n));
  return buf;
}

// `backup create|list|verify|prune` and `restore`: they work on the configured database without
// opening it through App (a restore replaces the file underneath).
int RunBackupCommand(const Config& config, bool create, bool list, bool verify, bool prune, const std::string& file) {
  auto engine = MakeBackupEngine(config);
  if (create) {
    auto m = engine->Create("manual");
    if (!m.ok()) Die("backup failed (" + backup::FailedCheck(m.status()) + "): " + m.status().message());
    int64_t rows = 0;
    for (const auto& [name, t] : m->tables) rows += t.rows;
    std::printf("created %s/%s\n", engine->settings().dir.c_str(), m->file.c_str());
    std::printf("%s (database %s), %zu tables, %lld rows, verified, %.1f s\n", HumanBytes(m->file_bytes).c_str(),
                HumanBytes(m->database_bytes).c_str(), m->tables.size(), static_cast<long long>(rows),
                m->duration_ms / 1000.0);
    Status copied = engine->CopyOffsite(engine->settings().dir + "/" + m->file);
    if (!copied.ok()) Die(copied.message() + " (the local backup is kept)");
    return 0;
  }
  if (list) {
    auto entries = engine->List();
    Check(entries.status());
    int64_t now = SystemClock::Get().NowMs();
    for (const auto& e : *entries) {
      const auto& m = e.manifest;
      std::string offsite;
      for (const auto& [name, o] : m.offsite) offsite += " " + name + ":" + o.status;
      std::printf("%s\t%s\t%s\tage %llds\tschema %d\t%s%s%s\n", m.file.c_str(),
                  m.verification.status == "passed" ? "verified" : ("FAILED " + m.verification.check).c_str(),
                  HumanBytes(m.file_bytes).c_str(), static_cast<long long>((now - m.created_at) / 1000),
                  m.schema_version, m.reason.c_str(), offsite.empty() ? "" : "\toffsite", offsite.c_str());
    }
    if (entries->empty()) std::printf("no backups in %s\n", engine->settings().dir.c_str());
    return 0;
  }
  if (verify) {
    auto m = engine->Verify(file, /*record=*/true);
    if (!m.ok()) Die("verification failed (" + backup::FailedCheck(m.status()) + "): " + m.status().message());
    int64_t rows = 0;
    for (const auto& [name, t] : m->tables) rows += t.rows;
    std::printf("%s: verified: sha256, decryption, decompression, restore into a scratch database, integrity and "
                "foreign keys, %zu tables and %lld rows match the manifest\n",
                m->file.c_str(), m->tables.size(), static_cast<long long>(rows));
    return 0;
  }
  if (prune) {
    auto report = engine->Prune();
    Check(report.status());
    for (const auto& f : report->deleted) std::printf("deleted %s\n", f.c_str());
    for (const auto& f : report->remote_deleted) std::printf("deleted %s\n", f.c_str());
    for (const auto& f : report->kept_unconfirmed) std::printf("kept %s (off-site copy not confirmed)\n", f.c_str());
    std::printf("%zu deleted locally, %zu off-site\n", report->deleted.size(), report->remote_deleted.size());
    return 0;
  }
  Check(files::EnsureDir(config.data_dir, 0700));
  auto lock = backup::FileLock::Acquire(ServeLockPath(config), backup::FileLock::Mode::kExclusive, false);
  if (!lock.ok()) Die("the server is running on this data folder; stop it before a restore");
  auto report = engine->Restore(file);
  if (!report.ok()) Die(report.status().message());
  const auto& m = report->manifest;
  std::printf("restored %s (taken %s, schema %d, app %s) in %.1f s\n", m.file.c_str(),
              backup::IsoTime(m.created_at).c_str(), m.schema_version, m.app_version.c_str(),
              report->duration_ms / 1000.0);
  for (const auto& [name, t] : m.tables) {
    std::printf("  %-20s %lld rows\n", name.c_str(), static_cast<long long>(t.rows));
  }
  if (report->migrated_to != report->migrated_from) {
    std::printf("migrated the schema from version %d to %d\n", report->migrated_from, report->migrated_to);
  }
  if (!report->safety_backup.empty()) {
    std::printf("the database before the restore is in %s\n", report->safety_backup.c_str());
    if (!report->safety_backup_warning.empty()) {
      std::printf("warning: that safety backup failed verification (the database was damaged): %s\n",
                  report->safety_backup_warning.c_str());
    }
  }
  return 0;
}

std::string ReadPasswordArg(const std::string& given) {
  if (!given.empty()) return given;
  if (const char* env = std::getenv("SALESDB_PASSWORD")) return env;
  Die("give --password or SALESDB_PASSWORD");
}

}  // namespace
}  // namespace salesdb

int main(int argc, char** argv) {
  using namespace salesdb;
  App app;
  CLI::App cli{"salesdb — the Dify Sales Database: customers, contacts, licences, activities, opportunities"};
  cli.require_subcommand(1);
  cli.fallthrough();  // global options such as --data-dir may follow the subcommand
  cli.set_version_flag("--version", kVersion);
  std::string config_file;
  cli.add_option("--config", config_file, "TOML configuration file (or SALESDB_CONFIG)");
  std::string data_dir, listen, database_url, master_key_file, backup_dir, web_dir, log_level, redirect_http;
  int threads = -1;
  int io_threads = -1;
  bool insecure_http = false;
  cli.add_option("--data-dir", data_dir, "data folder (SALESDB_DATA_DIR, default ./data)");
  cli.add_option("--database-url", database_url, "sqlite:///path or postgresql://… (SALESDB_DATABASE_URL)");
  cli.add_option("--master-key-file", master_key_file, "0600 file holding the master key");
  cli.add_option("--backup-dir", backup_dir, "backup folder (SALESDB_BACKUP_DIR)");
  cli.add_option("--log-level", log_level, "debug, info, warn or error");

  auto* serve = cli.add_subcommand("serve", "serve the API and web UI");
  serve->add_option("--listen", listen, "host:port (SALESDB_LISTEN, default 127.0.0.1:8080)");
  serve->add_option("--web-dir", web_dir, "built web UI assets (default web/dist)");
  serve->add_option("--threads", threads, "HTTP worker threads for writes and slow requests (default 64)");
  serve->add_option("--io-threads", io_threads, "HTTP I/O threads, which also answer quick reads (default: 2 per core)");
  serve->add_flag("--insecure-http", insecure_http, "allow plain HTTP on a non-loopback address");
  serve->add_option("--redirect-http", redirect_http,
                    "with TLS: also listen on this host:port for plain HTTP and answer it only with 308 to "
                    "HTTPS (SALESDB_TLS_REDIRECT_HTTP)");

  auto* migrate = cli.add_subcommand("migrate", "apply pending schema migrations");

  int64_t seed_customers = 1000;
  uint64_t seed_random = 42;
  auto* seed = cli.add_subcommand("seed", "add deterministic demo data");
  seed->add_option("--customers", seed_customers, "number of customers (default 1000)")->check(CLI::Range(1, 10000000));
  seed->add_option("--random-seed", seed_random, "random seed (default 42)");

  auto* user = cli.add_subcommand("user", "manage users");
  user->require_subcommand(1);
  std::string email, name, role = "sales_rep", region, password;
  auto* user_create = user->add_subcommand("create", "create a user");
  user_create->add_option("--email", email, "email")->required();
  user_create->add_option("--name", name, "display name")->required();
  user_create->add_option("--role", role, "admin, sales_manager, sales_rep, finance, viewer or auditor")->required();
  user_create->add_option("--region", region, "region (sales managers and reps)");
  user_create->add_option("--password", password, "password (or SALESDB_PASSWORD)");
  auto* user_passwd = user->add_subcommand("passwd", "set a user's password (revokes their sessions)");
  user_passwd->add_option("--email", email, "email")->required();
  user_passwd->add_option("--password", password, "new password (or SALESDB_PASSWORD)");
  auto* user_disable = user->add_subcommand("disable", "disable a user (revokes their sessions)");
  user_disable->add_option("--email", email, "email")->required();
  auto* user_list = user->add_subcommand("list", "list users");

  auto* token = cli.add_subcommand("token", "manage API tokens");
  token->require_subcommand(1);
  std::string token_name = "cli";
  int token_days = 0;
  int64_t token_id = 0;
  auto* token_create = token->add_subcommand("create", "create an API token for a user (printed once)");
  token_create->add_option("--user", email, "the user's email")->required();
  token_create->add_option("--name", token_name, "a name for the token");
  token_create->add_option("--expires-in-days", token_days, "days until it expires (0: never)");
  auto* token_revoke = token->add_subcommand("revoke", "revoke an API token");
  token_revoke->add_option("--id", token_id, "token id")->required();

  auto* keys = cli.add_subcommand("keys", "field encryption keys");
  keys->require_subcommand(1);
  int rotate_batch = 1000, rotate_max_batches = 0;
  auto* keys_rotate = keys->add_subcommand(
      "rotate", "make a new data key and re-encrypt every sealed value under it, in batches, while the server "
                "serves; resumes an unfinished rotation; prints the rows left");
  keys_rotate->add_option("--batch-size", rotate_batch, "rows per transaction (default 1000)")->check(CLI::Range(1, 100000));
  keys_rotate->add_option("--max-batches", rotate_max_batches, "stop after this many batches (0: run to the end); "
                                                               "run again to resume");
  auto* keys_status = keys->add_subcommand("status", "active data key, unfinished rotation, rows left");

  auto* audit = cli.add_subcommand("audit", "the audit trail");
  audit->require_subcommand(1);
  auto* audit_verify = audit->add_subcommand(
      "verify", "check the audit hash chain against the signed checkpoints; names the first bad entry");
  int older_than_days = -1;
  auto* audit_archive = audit->add_subcommand(
      "archive", "move entries older than the retention into sealed archive files under <data>/audit");
  audit_archive->add_option("--older-than-days", older_than_days,
                            "archive entries older than this (default audit.retention_days)")
      ->check(CLI::Range(0, 100000));
  int64_t fill_entries = 0;
  auto* audit_fill = audit->add_subcommand("bench-fill", "append synthetic entries (benchmarks only)");
  audit_fill->add_option("--entries", fill_entries, "how many")->required()->check(CLI::Range(1, 100000000));
  audit_fill->group("");  // hidden from --help

  auto* backup_cmd = cli.add_subcommand("backup", "encrypted, verified backups (docs/backups.md)");
  backup_cmd->require_subcommand(1);
  std::string backup_file;
  auto* backup_create = backup_cmd->add_subcommand("create", "take, verify and copy off-site a backup now");
  auto* backup_list = backup_cmd->add_subcommand("list", "list backups with status, size and age");
  auto* backup_verify = backup_cmd->add_subcommand("verify", "fully verify a backup file; names the failed check");
  backup_verify->add_option("FILE", backup_file, "backup file (.sdbk), a path or a name in the backup folder")
      ->required();
  auto* backup_prune = backup_cmd->add_subcommand("prune", "apply the retention policy (local and off-site)");
  auto* restore = cli.add_subcommand("restore", "restore a backup (server stopped): verifies it, takes a safety "
                                                "backup, replaces the database, migrates it forward");
  restore->add_option("FILE", backup_file, "backup file (.sdbk), a path or a name in the backup folder")->required();

  CLI11_PARSE(cli, argc, argv);

  Config& c = app.config;
  if (config_file.empty()) {
    if (const char* env = std::getenv("SALESDB_CONFIG")) config_file = env;
  }
  Check(c.LoadToml(config_file));
  Check(c.LoadEnv());
  if (!data_dir.empty()) c.data_dir = data_dir;
  if (!listen.empty()) c.listen = listen;
  if (!database_url.empty()) c.database_url = database_url;
  if (!master_key_file.empty()) c.master_key_file = master_key_file;
  if (!backup_dir.empty()) c.backup_dir = backup_dir;
  if (!web_dir.empty()) c.web_dir = web_dir;
  if (!log_level.empty()) c.log_level = log_level;
  if (threads >= 0) c.threads = threads;
  if (io_threads >= 0) c.io_threads = io_threads;
  if (insecure_http) c.insecure_http = true;
  if (!redirect_http.empty()) c.tls_redirect_http = redirect_http;
  Check(c.Validate());
  Check(log::Init(c.log_level, c.log_file));

  if (*serve) return Serve(app);
  if (*backup_cmd || *restore) {
    return RunBackupCommand(c, backup_create->parsed(), backup_list->parsed(), backup_verify->parsed(),
                            backup_prune->parsed(), backup_file);
  }
  if (*migrate) {
    app.Open(/*migrate=*/true);
    std::printf("schema at version %d\n", LatestSchemaVersion(app.db->dialect()));
    return 0;
  }
  app.Open(/*migrate=*/true);
  if (*seed) {
    EnsureFirstAdmin(app);
    std::string demo = c.admin_password.empty() ? crypto::RandomToken(12) : c.admin_password;
    if (const char* env = std::getenv("SALESDB_DEMO_PASSWORD")) demo = env;
    auto hash = crypto::HashPassword(demo);
    Check(hash.status());
    auto start = std::chrono::steady_clock::now();
    auto report =
        Seed(*app.db, SeedOptions{seed_customers, seed_random, SystemClock::Get().NowMs(), *hash, app.keyring.get()});
    Check(report.status());
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("seeded %lld customers, %lld contacts, %lld licences, %lld activities, %lld opportunities in %.1f s\n",
                static_cast<long long>(report->customers), static_cast<long long>(report->contacts),
                static_cast<long long>(report->licenses), static_cast<long long>(report->activities),
                static_cast<long long>(report->opportunities), secs);
    if (report->users > 0) {
      std::printf("demo users (rep1.east_china@example.com, manager.east_china@example.com, finance@example.com, "
                  "viewer@example.com, …) have the password: %s\n",
                  demo.c_str());
    }
    return 0;
  }
  if (*user_create) {
    User u;
    u.email = email;
    u.name = name;
    u.role = role;
    u.region = region;
    auto created = app.auth->CreateUser(Actor::System(), u, ReadPasswordArg(password));
    Check(created.status());
    std::printf("created user %lld %s (%s)\n", static_cast<long long>(created->id), created->email.c_str(),
                created->role.c_str());
    return 0;
  }
  if (*user_passwd) {
    auto updated = app.auth->SetPassword(Actor::System(), email, ReadPasswordArg(password));
    Check(updated.status());
    std::printf("password set for %s; their sessions were revoked\n", updated->email.c_str());
    return 0;
  }
  if (*user_disable || *user_list || *token_create) {
    PageRequest page;
    page.sort_field = "id";
    page.descending = false;
    page.limit = 500;
    std::vector<User> all;
    for (;;) {
      auto users = app.auth->ListUsers(Actor::System(), page);
      Check(users.status());
      all.insert(all.end(), users->items.begin(), users->items.end());
      if (!users->next_cursor) break;
      page.has_cursor = true;
      page.cursor_number = all.back().id;
      page.cursor_id = all.back().id;
    }
    if (*user_list) {
      for (const auto& u : all) {
        std::printf("%lld\t%s\t%s\t%s\t%s\n", static_cast<long long>(u.id), u.email.c_str(), u.role.c_str(),
                    u.region.c_str(), u.disabled ? "disabled" : "active");
      }
      return 0;
    }
    auto it = std::find_if(all.begin(), all.end(), [&](const User& u) { return u.email == email; });
    if (it == all.end()) Die("no user with email " + email);
    if (*user_disable) {
      Change<User> change{it->meta.version, [](User& u) {
                            u.disabled = true;
                            return Status::Ok();
                          }};
      Check(app.auth->UpdateUser(Actor::System(), it->id, change).status());
      std::printf("disabled %s; their sessions were revoked\n", email.c_str());
      return 0;
    }
    auto created = app.auth->CreateToken(Actor::System(), it->id, token_name, token_days);
    Check(created.status());
    std::printf("%s\n", created->second.c_str());
    return 0;
  }
  if (*token_revoke) {
    Check(app.auth->RevokeToken(Actor::System(), token_id));
    std::printf("revoked token %lld\n", static_cast<long long>(token_id));
    return 0;
  }
  if (*keys_status) {
    auto st = GetKeyStatus(*app.db);
    Check(st.status());
    std::printf("active data key: %lld\n", static_cast<long long>(st->active_version));
    for (int64_t v : st->retiring) std::printf("rotation unfinished: data key %lld retiring\n", static_cast<long long>(v));
    std::printf("rows left under older keys: %lld\n", static_cast<long long>(st->rows_left));
    return 0;
  }
  if (*keys_rotate) {
    bool resumed = false;
    auto target = BeginRotation(*app.db, *app.keyring, SystemClock::Get().NowMs(), &resumed);
    Check(target.status());
    auto before = GetKeyStatus(*app.db);
    Check(before.status());
    std::printf("%s rotation to data key %lld: %lld rows to re-encrypt\n", resumed ? "resuming" : "starting",
                static_cast<long long>(*target), static_cast<long long>(before->rows_left));
    std::fflush(stdout);
    auto start = std::chrono::steady_clock::now();
    auto left = ReencryptAll(*app.db, *app.keyring, rotate_batch, rotate_max_batches, [](int64_t done, int64_t left) {
      std::printf("re-encrypted %lld rows, %lld left\n", static_cast<long long>(done), static_cast<long long>(left));
      std::fflush(stdout);
    });
    Check(left.status());
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (*left > 0) {
      std::printf("stopped with %lld rows left after %.1f s; run `salesdb keys rotate` again to resume\n",
                  static_cast<long long>(*left), secs);
      return 0;
    }
    std::printf("rotation to data key %lld complete in %.1f s; 0 rows left\n", static_cast<long long>(*target), secs);
    return 0;
  }
  if (*audit_verify) {
    auto options = audit::VerifyOptionsFor(c.data_dir);
    Check(options.status());
    auto start = std::chrono::steady_clock::now();
    auto result = VerifyAuditChain(*app.store, *options);
    Check(result.status());
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (!result->intact()) {
      std::fprintf(stderr, "salesdb: audit chain broken at entry %lld: %s\n",
                   static_cast<long long>(result->first_bad_id), result->problem.c_str());
      return 1;
    }
    std::printf("audit chain intact: %lld entries, %lld signed checkpoints matched, %.1f s\n",
                static_cast<long long>(result->entries), static_cast<long long>(result->checkpoints), secs);
    return 0;
  }
  if (*audit_archive) {
    auto key = audit::SigningKey::LoadOrCreate(audit::KeyDir(c.data_dir));
    Check(key.status());
    int days = older_than_days >= 0 ? older_than_days : c.audit_retention_days;
    auto r = audit::ArchiveOldEntries(*app.store, app.audit, *key, c.data_dir,
                                      SystemClock::Get().NowMs() - int64_t{days} * kMsPerDay, SystemClock::Get());
    Check(r.status());
    if (r->archived == 0) {
      std::printf("nothing to archive (no entries older than %d days)\n", days);
    } else {
      std::printf("archived %lld entries (%lld..%lld) into %s/audit/%s\n", static_cast<long long>(r->archived),
                  static_cast<long long>(r->first_id), static_cast<long long>(r->last_id), c.data_dir.c_str(),
                  r->file.c_str());
    }
    return 0;
  }
  if (*audit_fill) {
    auto start = std::chrono::steady_clock::now();
    Check(AppendSyntheticEntries(*app.store, app.audit, fill_entries, SystemClock::Get()));
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("appended %lld entries in %.1f s\n", static_cast<long long>(fill_entries), secs);
    return 0;
  }
  return 0;
}
