// Anomaly rules over the audit log: a pure function from a window of entries and per-user
// baselines to rule firings, so that tests replay labelled event sequences and the background
// detector (audit/audit_daemon.h) runs the very same code over new entries. Thread-safe (pure).
//
// Rules (names are the `rule` label of salesdb_security_alerts_total and of stored alerts):
//   failed_logins_account   N failed logins for one account in a window        (auth.login_failed)
//   failed_logins_ip        N failed logins from one IP in a window            (auth.login_failed)
//   login_after_failures    a successful login after ≥ N failures on that account in a window
//   unusual_login_hour      a login at an hour (±1 h, UTC) at which the user almost never logs in
//   sensitive_read_volume   exports/reveals/report runs in an hour far above the user's peak hour
//   scraping                bulk reads of customer records in an hour far above the user's peak hour
//   role_escalation         a user's role raised (or an admin created)
//   mass_deletion           N deletions by one actor in a window
//   audit_verification_failed  an audit.verify_failed entry
// Counting rules fire once, on the entry that makes the count reach the threshold.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "domain/entities.h"

namespace salesdb::audit {

struct AnomalySettings {
  int failed_logins_per_account = 8;
  int failed_logins_per_ip = 8;
  int64_t failed_login_window_ms = 2 * 60 * 1000;
  int login_after_failures = 5;
  int64_t login_after_failures_window_ms = 30 * 60 * 1000;
  int unusual_hour_min_logins = 10;        // history needed before the rule speaks
  double unusual_hour_max_share = 0.02;    // share of the user's logins within ±1 h of this hour
  int sensitive_read_min = 5;              // per hour, whatever the baseline
  double sensitive_read_factor = 3.0;      // × the user's busiest hour in the baseline period
  int scraping_min_windows = 5;            // bulk-read minutes per hour, whatever the baseline
  double scraping_factor = 3.0;
  int mass_deletion = 20;
  int64_t mass_deletion_window_ms = 5 * 60 * 1000;
  int baseline_days = 14;
};

struct UserBaseline {
  std::array<int64_t, 24> login_hours{};  // logins per UTC hour of day
  int64_t logins = 0;
  int64_t peak_sensitive_reads_per_hour = 0;
  int64_t peak_bulk_reads_per_hour = 0;
};
using Baselines = std::unordered_map<int64_t, UserBaseline>;  // by user id

struct Firing {
  std::string rule;
  std::string severity;  // info | warning | critical
  int64_t actor_id = 0;
  std::string subject;  // "user:7", "ip:10.0.0.9", "email:x@y"
  int64_t entry_id = 0;
  int64_t at = 0;
  std::string detail_json;
};

// Exports, reveals and report runs: actions ending in ".export" or ".reveal", or "report.run".
bool IsSensitiveRead(const std::string& action);
// Whether any rule reads entries with this action, as the entry evaluated or in its look-back
// (logins, failed logins, sensitive and bulk reads, role changes, user creation, deletions, audit
// verification failures). EvaluateRules gives the same firings with or without the others.
bool RulesRead(const std::string& action);
// Those actions as patterns for AuditQuery::actions (ActionMatches), so that the look-back is filtered
// in its query; RulesRead is defined by them.
const std::vector<std::string>& RuleInputActions();
// The actions baselines are computed from (for indexed queries by action).
const std::vector<std::string>& BaselineActions();
// The longest look-back any rule needs before the first entry it evaluates.
int64_t LongestWindowMs(const AnomalySettings& s);

// Evaluates every entry with id > last_evaluated_id. `entries` are sorted by id and include the
// look-back (LongestWindowMs) before the first entry evaluated.
std::vector<Firing> EvaluateRules(const std::vector<AuditEntry>& entries, int64_t last_evaluated_id,
                                  const Baselines& baselines, const AnomalySettings& s);

// Per-user baselines from history entries (any order; only BaselineActions() matter).
Baselines ComputeBaselines(const std::vector<AuditEntry>& history);

}  // namespace salesdb::audit
