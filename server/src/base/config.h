// The one documented configuration struct. Sources, later wins: these defaults, the TOML file named
// by --config or SALESDB_CONFIG, SALESDB_* environment variables, command-line flags (main.cc).
// Validate() names the key that is wrong; a bad config stops the process at start.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"

namespace salesdb {

struct Config {
  // Folder for the SQLite file, keys and backups.            toml: data_dir       env: SALESDB_DATA_DIR
  std::string data_dir = "./data";
  // host:port to listen on.                                   toml: listen         env: SALESDB_LISTEN
  std::string listen = "127.0.0.1:8080";
  // Empty: SQLite at <data_dir>/salesdb.db. Else sqlite:///path or postgresql://...
  //                                                           toml: database_url   env: SALESDB_DATABASE_URL
  std::string database_url;
  // First admin, created by `serve` on an empty database.    env: SALESDB_ADMIN_EMAIL / _PASSWORD
  std::string admin_email = "admin@example.com";
  std::string admin_password;  // empty: generated and printed once
  // Master key (base64 of 32 bytes) or a 0600 key file.       env: SALESDB_MASTER_KEY / SALESDB_MASTER_KEY_FILE
  std::string master_key;
  std::string master_key_file;
  // Bearer token that may scrape /metrics from other hosts.   env: SALESDB_METRICS_TOKEN
  std::string metrics_token;
  // Backup folder; empty: <data_dir>/backups.                 toml: backup_dir     env: SALESDB_BACKUP_DIR
  std::string backup_dir;
  // Built web UI assets served at /.                          toml: web_dir        env: SALESDB_WEB_DIR
  std::string web_dir = "web/dist";
  // HTTP worker threads (writes, logins, exports, ...); 0: 64. toml: threads        env: SALESDB_THREADS
  int threads = 0;
  // HTTP I/O threads (parse requests, answer quick reads); 0: two per core, at least 2.
  //                                                           toml: io_threads     env: SALESDB_IO_THREADS
  int io_threads = 0;
  std::string log_level = "info";  // toml: log.level  env: SALESDB_LOG_LEVEL
  std::string log_file;            // toml: log.file   env: SALESDB_LOG_FILE (empty: stdout)
  // TLS: serve HTTPS when both are set.                      toml: tls.cert/tls.key env: SALESDB_TLS_CERT/_KEY
  std::string tls_cert;
  std::string tls_key;
  // With TLS: a plain-HTTP host:port that answers every request with 308 to the same path on
  // https://<host>:<TLS port>, and nothing else.   toml: tls.redirect_http  env: SALESDB_TLS_REDIRECT_HTTP
  std::string tls_redirect_http;
  // PEM CA bundle that outbound HTTPS (S3) trusts instead of the system's (a private CA).
  //                                                toml: tls.outbound_ca_file env: SALESDB_TLS_OUTBOUND_CA_FILE
  std::string tls_outbound_ca_file;
  bool insecure_http = false;  // allow plain HTTP on a non-loopback address
  // Sessions and login protection.                           toml: auth.*
  int session_idle_minutes = 30;
  int session_absolute_hours = 12;
  int login_max_failures = 5;       // per account, then locked out
  int login_lockout_minutes = 15;
  int login_ip_max_failures = 20;   // per client IP per window
  int login_ip_window_minutes = 10;
  int64_t max_body_bytes = 1 << 20;  // toml: http.max_body_bytes
  int trash_retention_days = 30;     // toml: trash_retention_days
  // Backups (docs/backups.md).                                toml: backup.*       env: SALESDB_BACKUP_*
  int backup_interval_minutes = 60;  // schedule of `serve`; 0: none      backup.interval_minutes
  int backup_zstd_level = 3;         //                                    backup.zstd_level
  int backup_keep_hourly = 24;       // GFS retention                      backup.retention.hourly
  int backup_keep_daily = 14;        //                                    backup.retention.daily
  int backup_keep_weekly = 8;        //                                    backup.retention.weekly
  int backup_keep_monthly = 12;      //                                    backup.retention.monthly
  std::string backup_s3_endpoint;    // off-site S3 (path-style URLs)      backup.s3_endpoint
  std::string backup_s3_bucket;      //                                    backup.s3_bucket
  std::string backup_s3_prefix;      //                                    backup.s3_prefix
  std::string backup_s3_region = "us-east-1";  //                         backup.s3_region
  std::string backup_s3_access_key;  //                                    backup.s3_access_key
  std::string backup_s3_secret_key;  //                                    backup.s3_secret_key
  std::string backup_copy_dir;       // off-site second folder             backup.copy_dir
  int backup_offsite_retries = 5;    //                                    backup.offsite_retries
  int backup_offsite_backoff_ms = 1000;  //                                backup.offsite_backoff_ms
  std::string backup_pg_bin_dir;     // pg_dump/pg_restore/psql folder     backup.pg_bin_dir
  // Audit trail (docs/audit.md).                              toml: audit.*  env: SALESDB_AUDIT_*
  int audit_bulk_read_rows_per_minute = 500;  // rows of customer data per user per minute before a bulk_read entry
  int audit_checkpoint_interval_seconds = 60;  // sign the chain head this often (when it moved)
  int audit_evaluate_interval_seconds = 15;    // run the anomaly rules this often (≤ 30)
  int audit_full_verify_minutes = 60;          // verify the whole log this often in the background
  int audit_retention_days = 400;              // older entries move to sealed archive files (daily)
  // Anomaly rule thresholds.                                  toml: audit.rules.*
  int audit_failed_logins_per_account = 8;
  int audit_failed_logins_per_ip = 8;
  int audit_failed_login_window_seconds = 120;
  int audit_login_after_failures = 5;
  int audit_unusual_hour_min_logins = 10;
  int audit_unusual_hour_max_share_percent = 2;
  int audit_sensitive_read_min_per_hour = 5;
  int audit_sensitive_read_factor = 3;
  int audit_scraping_min_minutes_per_hour = 5;
  int audit_scraping_factor = 3;
  int audit_mass_deletion = 20;
  int audit_mass_deletion_window_seconds = 300;
  int audit_baseline_days = 14;

  // Applies the TOML file at `path` (must exist when non-empty).
  Status LoadToml(const std::string& path);
  // Applies SALESDB_* variables from the environment.
  Status LoadEnv();
  Status Validate() const;

  std::string SqlitePath() const;  // for the default or sqlite:// URL
  bool IsPostgres() const;
  std::string EffectiveBackupDir() const;
  // Workers mostly wait for their write's group commit (on the writer's connection); 64 of them let
  // every concurrent write join the next batch instead of queueing for a worker first.
  int EffectiveThreads() const { return threads > 0 ? threads : 64; }
  int EffectiveIoThreads() const;
  // Read connections to open (SQLite caps them further by cores): the I/O threads' and 16 workers';
  // more workers than that take turns, which is what the cores allow anyway.
  int ReadConnections() const { return EffectiveIoThreads() + std::min(EffectiveThreads(), 16); }
};

// Splits "host:port"; error names `listen`.
StatusOr<std::pair<std::string, uint16_t>> ParseListen(const std::string& listen);

}  // namespace salesdb
