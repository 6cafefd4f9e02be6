#include "base/config.h"

#include <algorithm>
#include <cstdlib>
#include <functional>
#include <thread>
#include <toml++/toml.h>
#include <unistd.h>

namespace salesdb {
namespace {

// One row per setting: where it lives in TOML and in the environment, and how to set it.
struct Setting {
  const char* toml_key;  // dotted path
  const char* env;
  std::function<Status(Config&, const std::string&)> set;
};

Status SetInt(int& field, const char* name, const std::string& v) {
  try {
    size_t pos = 0;
    long long n = std::stoll(v, &pos);
    if (pos != v.size() || n < 0 || n > 1'000'000'000) throw std::invalid_argument(v);
    field = static_cast<int>(n);
    return Status::Ok();
  } catch (...) {
    return InvalidArgument(std::string("config ") + name + ": expected a whole number, got '" + v + "'");
  }
}

Status SetBool(bool& field, const char* name, const std::string& v) {
  if (v == "1" || v == "true" || v == "yes") field = true;
  else if (v == "0" || v == "false" || v == "no") field = false;
  else return InvalidArgument(std::string("config ") + name + ": expected true or false, got '" + v + "'");
  return Status::Ok();
}

#define STR(key, env, member) \
  Setting{key, env, [](Config& c, const std::string& v) { c.member = v; return Status::Ok(); }}
#define INT(key, env, member) \
  Setting{key, env, [](Config& c, const std::string& v) { return SetInt(c.member, key, v); }}
#define BOOL(key, env, member) \
  Setting{key, env, [](Config& c, const std::string& v) { return SetBool(c.member, key, v); }}

const std::vector<Setting>& Settings() {
  static const std::vector<Setting> kSettings = {
      STR("data_dir", "SALESDB_DATA_DIR", data_dir),
      STR("listen", "SALESDB_LISTEN", listen),
      STR("database_url", "SALESDB_DATABASE_URL", database_url),
      STR("admin_email", "SALESDB_ADMIN_EMAIL", admin_email),
      STR("admin_password", "SALESDB_ADMIN_PASSWORD", admin_password),
      STR("master_key", "SALESDB_MASTER_KEY", master_key),
      STR("master_key_file", "SALESDB_MASTER_KEY_FILE", master_key_file),
      STR("metrics_token", "SALESDB_METRICS_TOKEN", metrics_token),
      STR("backup_dir", "SALESDB_BACKUP_DIR", backup_dir),
      STR("web_dir", "SALESDB_WEB_DIR", web_dir),
      INT("threads", "SALESDB_THREADS", threads),
      INT("io_threads", "SALESDB_IO_THREADS", io_threads),
      STR("log.level", "SALESDB_LOG_LEVEL", log_level),
      STR("log.file", "SALESDB_LOG_FILE", log_file),
      STR("tls.cert", "SALESDB_TLS_CERT", tls_cert),
      STR("tls.key", "SALESDB_TLS_KEY", tls_key),
      STR("tls.redirect_http", "SALESDB_TLS_REDIRECT_HTTP", tls_redirect_http),
      STR("tls.outbound_ca_file", "SALESDB_TLS_OUTBOUND_CA_FILE", tls_outbound_ca_file),
      BOOL("insecure_http", "SALESDB_INSECURE_HTTP", insecure_http),
      INT("auth.session_idle_minutes", "SALESDB_SESSION_IDLE_MINUTES", session_idle_minutes),
      INT("auth.session_absolute_hours", "SALESDB_SESSION_ABSOLUTE_HOURS", session_absolute_hours),
      INT("auth.login_max_failures", "SALESDB_LOGIN_MAX_FAILURES", login_max_failures),
      INT("auth.login_lockout_minutes", "SALESDB_LOGIN_LOCKOUT_MINUTES", login_lockout_minutes),
      INT("auth.login_ip_max_failures", "SALESDB_LOGIN_IP_MAX_FAILURES", login_ip_max_failures),
      INT("auth.login_ip_window_minutes", "SALESDB_LOGIN_IP_WINDOW_MINUTES", login_ip_window_minutes),
      INT("trash_retention_days", "SALESDB_TRASH_RETENTION_DAYS", trash_retention_days),
      INT("backup.interval_minutes", "SALESDB_BACKUP_INTERVAL_MINUTES", backup_interval_minutes),
      INT("backup.zstd_level", "SALESDB_BACKUP_ZSTD_LEVEL", backup_zstd_level),
      INT("backup.retention.hourly", "SALESDB_BACKUP_KEEP_HOURLY", backup_keep_hourly),
      INT("backup.retention.daily", "SALESDB_BACKUP_KEEP_DAILY", backup_keep_daily),
      INT("backup.retention.weekly", "SALESDB_BACKUP_KEEP_WEEKLY", backup_keep_weekly),
      INT("backup.retention.monthly", "SALESDB_BACKUP_KEEP_MONTHLY", backup_keep_monthly),
      STR("backup.s3_endpoint", "SALESDB_BACKUP_S3_ENDPOINT", backup_s3_endpoint),
      STR("backup.s3_bucket", "SALESDB_BACKUP_S3_BUCKET", backup_s3_bucket),
      STR("backup.s3_prefix", "SALESDB_BACKUP_S3_PREFIX", backup_s3_prefix),
      STR("backup.s3_region", "SALESDB_BACKUP_S3_REGION", backup_s3_region),
      STR("backup.s3_access_key", "SALESDB_BACKUP_S3_ACCESS_KEY", backup_s3_access_key),
      STR("backup.s3_secret_key", "SALESDB_BACKUP_S3_SECRET_KEY", backup_s3_secret_key),
      STR("backup.copy_dir", "SALESDB_BACKUP_COPY_DIR", backup_copy_dir),
      INT("backup.offsite_retries", "SALESDB_BACKUP_OFFSITE_RETRIES", backup_offsite_retries),
      INT("backup.offsite_backoff_ms", "SALESDB_BACKUP_OFFSITE_BACKOFF_MS", backup_offsite_backoff_ms),
      STR("backup.pg_bin_dir", "SALESDB_BACKUP_PG_BIN_DIR", backup_pg_bin_dir),
      INT("audit.bulk_read_rows_per_minute", "SALESDB_AUDIT_BULK_READ_ROWS_PER_MINUTE", audit_bulk_read_rows_per_minute),
      INT("audit.checkpoint_interval_seconds", "SALESDB_AUDIT_CHECKPOINT_INTERVAL_SECONDS",
          audit_checkpoint_interval_seconds),
      INT("audit.evaluate_interval_seconds", "SALESDB_AUDIT_EVALUATE_INTERVAL_SECONDS", audit_evaluate_interval_seconds),
      INT("audit.full_verify_minutes", "SALESDB_AUDIT_FULL_VERIFY_MINUTES", audit_full_verify_minutes),
      INT("audit.retention_days", "SALESDB_AUDIT_RETENTION_DAYS", audit_retention_days),
      INT("audit.rules.failed_logins_per_account", "SALESDB_AUDIT_FAILED_LOGINS_PER_ACCOUNT",
          audit_failed_logins_per_account),
      INT("audit.rules.failed_logins_per_ip", "SALESDB_AUDIT_FAILED_LOGINS_PER_IP", audit_failed_logins_per_ip),
      INT("audit.rules.failed_login_window_seconds", "SALESDB_AUDIT_FAILED_LOGIN_WINDOW_SECONDS",
          audit_failed_login_window_seconds),
      INT("audit.rules.login_after_failures", "SALESDB_AUDIT_LOGIN_AFTER_FAILURES", audit_login_after_failures),
      INT("audit.rules.unusual_hour_min_logins", "SALESDB_AUDIT_UNUSUAL_HOUR_MIN_LOGINS", audit_unusual_hour_min_logins),
      INT("audit.rules.unusual_hour_max_share_percent", "SALESDB_AUDIT_UNUSUAL_HOUR_MAX_SHARE_PERCENT",
          audit_unusual_hour_max_share_percent),
      INT("audit.rules.sensitive_read_min_per_hour", "SALESDB_AUDIT_SENSITIVE_READ_MIN_PER_HOUR",
          audit_sensitive_read_min_per_hour),
      INT("audit.rules.sensitive_read_factor", "SALESDB_AUDIT_SENSITIVE_READ_FACTOR", audit_sensitive_read_factor),
      INT("audit.rules.scraping_min_minutes_per_hour", "SALESDB_AUDIT_SCRAPING_MIN_MINUTES_PER_HOUR",
          audit_scraping_min_minutes_per_hour),
      INT("audit.rules.scraping_factor", "SALESDB_AUDIT_SCRAPING_FACTOR", audit_scraping_factor),
      INT("audit.rules.mass_deletion", "SALESDB_AUDIT_MASS_DELETION", audit_mass_deletion),
      INT("audit.rules.mass_deletion_window_seconds", "SALESDB_AUDIT_MASS_DELETION_WINDOW_SECONDS",
          audit_mass_deletion_window_seconds),
      INT("audit.rules.baseline_days", "SALESDB_AUDIT_BASELINE_DAYS", audit_baseline_days),
  };
  return kSettings;
}

#undef STR
#undef INT
#undef BOOL

}  // namespace

Status Config::LoadToml(const std::string& path) {
  if (path.empty()) return Status::Ok();
  toml::table table;
  try {
    table = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    return InvalidArgument("config file " + path + ": " + std::string(e.description()));
  }
  for (const auto& s : Settings()) {
    auto node = table.at_path(s.toml_key);
    if (!node) continue;
    std::string value;
    if (auto v = node.value<std::string>(); v && node.is_string()) value = *v;
    else if (auto i = node.value<int64_t>(); i && node.is_integer()) value = std::to_string(*i);
    else if (auto b = node.value<bool>(); b && node.is_boolean()) value = *b ? "true" : "false";
    else return InvalidArgument(std::string("config ") + s.toml_key + ": unsupported value type");
    RETURN_IF_ERROR(s.set(*this, value));
  }
  if (auto node = table.at_path("http.max_body_bytes")) {
    auto n = node.value<int64_t>();
    if (!n || !node.is_integer()) return InvalidArgument("config http.max_body_bytes: expected a whole number");
    max_body_bytes = *n;
  }
  // A misspelt key would otherwise be ignored without a word: refuse keys that are not settings.
  std::vector<std::string> unknown;
  std::function<void(const toml::table&, const std::string&)> walk = [&](const toml::table& t, const std::string& prefix) {
    for (const auto& [key, node] : t) {
      std::string path = prefix + std::string(key.str());
      if (const toml::table* sub = node.as_table()) {
        walk(*sub, path + ".");
        continue;
      }
      bool known = path == "http.max_body_bytes";
      for (const auto& s : Settings()) known = known || path == s.toml_key;
      if (!known) unknown.push_back(path);
    }
  };
  walk(table, "");
  if (!unknown.empty()) return InvalidArgument("config " + unknown.front() + ": unknown setting (in " + path + ")");
  return Status::Ok();
}

Status Config::LoadEnv() {
  for (const auto& s : Settings()) {
    if (const char* v = std::getenv(s.env); v != nullptr && *v != '\0') RETURN_IF_ERROR(s.set(*this, v));
  }
  return Status::Ok();
}

StatusOr<std::pair<std::string, uint16_t>> ParseListen(const std::string& listen) {
  auto colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0) {
    return InvalidArgument("config listen: expected host:port, got '" + listen + "'");
  }
  std::string host = listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  int port = 0;
  Status s = SetInt(port, "listen", listen.substr(colon + 1));
  if (!s.ok() || port > 65535) return InvalidArgument("config listen: bad port in '" + listen + "'");
  return std::make_pair(host, static_cast<uint16_t>(port));
}

Status Config::Validate() const {
  if (data_dir.empty()) return InvalidArgument("config data_dir: must not be empty");
  RETURN_IF_ERROR(ParseListen(listen).status());
  if (!database_url.empty() && database_url.rfind("sqlite://", 0) != 0 && !IsPostgres()) {
    return InvalidArgument("config database_url: expected sqlite:///path or postgresql://...");
  }
  if (threads < 0 || threads > 256) return InvalidArgument("config threads: must be 0..256");
  if (io_threads < 0 || io_threads > 64) return InvalidArgument("config io_threads: must be 0..64");
  if (log_level != "debug" && log_level != "info" && log_level != "warn" && log_level != "error") {
    return InvalidArgument("config log.level: one of debug, info, warn, error");
  }
  if (tls_cert.empty() != tls_key.empty()) {
    return InvalidArgument("config tls.cert and tls.key: give both or neither");
  }
  if (!tls_redirect_http.empty()) {
    if (tls_cert.empty()) return InvalidArgument("config tls.redirect_http: needs tls.cert and tls.key (HTTPS to redirect to)");
    auto redirect = ParseListen(tls_redirect_http);
    if (!redirect.ok()) return InvalidArgument("config tls.redirect_http: expected host:port, got '" + tls_redirect_http + "'");
    if (tls_redirect_http == listen) return InvalidArgument("config tls.redirect_http: must differ from listen");
  }
  if (!tls_outbound_ca_file.empty() && ::access(tls_outbound_ca_file.c_str(), R_OK) != 0) {
    return InvalidArgument("config tls.outbound_ca_file: cannot read " + tls_outbound_ca_file);
  }
  struct Bound {
    const char* key;
    int value, lo, hi;
  };
  for (const Bound& b : {Bound{"auth.session_idle_minutes", session_idle_minutes, 1, 24 * 60},
                         Bound{"auth.session_absolute_hours", session_absolute_hours, 1, 24 * 30},
                         Bound{"auth.login_max_failures", login_max_failures, 1, 1000},
                         Bound{"auth.login_lockout_minutes", login_lockout_minutes, 1, 24 * 60},
                         Bound{"auth.login_ip_max_failures", login_ip_max_failures, 1, 1'000'000},
                         Bound{"auth.login_ip_window_minutes", login_ip_window_minutes, 1, 24 * 60},
                         Bound{"trash_retention_days", trash_retention_days, 1, 3650}}) {
    if (b.value < b.lo || b.value > b.hi) {
      return InvalidArgument(std::string("config ") + b.key + ": must be " + std::to_string(b.lo) + " to " +
                             std::to_string(b.hi) + ", got " + std::to_string(b.value));
    }
  }
  if (backup_zstd_level < 1 || backup_zstd_level > 19) return InvalidArgument("config backup.zstd_level: 1..19");
  if (backup_keep_hourly + backup_keep_daily + backup_keep_weekly + backup_keep_monthly < 1) {
    return InvalidArgument("config backup.retention.*: keep at least one backup");
  }
  if (!backup_s3_endpoint.empty() && (backup_s3_bucket.empty() || backup_s3_access_key.empty() ||
                                      backup_s3_secret_key.empty())) {
    return InvalidArgument("config backup.s3_*: s3_endpoint needs s3_bucket, s3_access_key and s3_secret_key");
  }
  if (backup_offsite_retries > 20) return InvalidArgument("config backup.offsite_retries: at most 20");
  // Above 16 MiB the server could not read the oversize bodies it must answer 413 (see
  // http::ServerOptions::max_read_body_bytes).
  if (max_body_bytes < 1024 || max_body_bytes > (16 << 20)) {
    return InvalidArgument("config http.max_body_bytes: must be 1024 to 16777216 (16 MiB)");
  }
  if (audit_checkpoint_interval_seconds < 1 || audit_checkpoint_interval_seconds > 60) {
    return InvalidArgument("config audit.checkpoint_interval_seconds: must be 1..60");
  }
  if (audit_evaluate_interval_seconds < 1 || audit_evaluate_interval_seconds > 30) {
    return InvalidArgument("config audit.evaluate_interval_seconds: must be 1..30");
  }
  if (audit_full_verify_minutes < 1) return InvalidArgument("config audit.full_verify_minutes: must be positive");
  if (audit_retention_days < 365) {
    return InvalidArgument("config audit.retention_days: at least 365 (entries are kept a year before archiving)");
  }
  if (audit_failed_logins_per_account < 1 || audit_failed_logins_per_ip < 1 || audit_login_after_failures < 1 ||
      audit_mass_deletion < 1 || audit_failed_login_window_seconds < 1 || audit_mass_deletion_window_seconds < 1 ||
      audit_baseline_days < 1) {
    return InvalidArgument("config audit.rules.*: counts, windows and baseline_days must be positive");
  }
  if (audit_unusual_hour_max_share_percent > 100) {
    return InvalidArgument("config audit.rules.unusual_hour_max_share_percent: must be 0..100");
  }
  return Status::Ok();
}

bool Config::IsPostgres() const {
  return database_url.rfind("postgresql://", 0) == 0 || database_url.rfind("postgres://", 0) == 0 ||
         database_url.find("dbname=") != std::string::npos;
}

int Config::EffectiveIoThreads() const {
  if (io_threads > 0) return io_threads;
  return std::clamp(2 * static_cast<int>(std::thread::hardware_concurrency()), 2, 16);
}

std::string Config::SqlitePath() const {
  if (database_url.rfind("sqlite://", 0) == 0) return database_url.substr(9);
  return data_dir + "/salesdb.db";
}

std::string Config::EffectiveBackupDir() const {
  return backup_dir.empty() ? data_dir + "/backups" : backup_dir;
}

}  // namespace salesdb
