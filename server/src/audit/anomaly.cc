#include "audit/anomaly.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>

#include "domain/store.h"

namespace salesdb::audit {
namespace {

using nlohmann::json;
constexpr int64_t kHourMs = 3600 * 1000;


json ParseObject(const std::string& text) {
  json j = json::parse(text, nullptr, false);
  return j.is_object() ? j : json::object();
}

std::string Str(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// Whose account a login event is about: the user id, or the e-mail tried for unknown accounts.
std::string AccountOf(const AuditEntry& e) {
  if (e.entity_id != 0) return "user:" + std::to_string(e.entity_id);
  return "email:" + Str(ParseObject(e.after_json), "email");
}

int RoleRank(const std::string& role) {
  if (role == "admin") return 3;
  if (role == "sales_manager" || role == "auditor") return 2;
  if (role == "sales_rep" || role == "finance") return 1;
  return 0;  // viewer, unknown
}

int HourOfDay(int64_t at_ms) { return static_cast<int>((at_ms / kHourMs) % 24); }

bool IsDeletion(const std::string& action) { return action.ends_with(".delete") || action.ends_with(".purge"); }

// Entries at index ≤ i within `window_ms` before entries[i] that match pred (entries[i] included).
template <typename Pred>
int64_t CountBack(const std::vector<AuditEntry>& entries, size_t i, int64_t window_ms, Pred pred) {
  const int64_t since = entries[i].at - window_ms;
  int64_t n = 0;
  for (size_t k = i + 1; k-- > 0;) {
    if (entries[k].at <= since) {
      // Entries are in id order; times are nearly so. Stop once clearly past the window.
      if (entries[k].at < since - kHourMs) break;
      continue;
    }
    if (pred(entries[k])) ++n;
  }
  return n;
}

Firing Fire(const AuditEntry& e, const char* rule, const char* severity, std::string subject, json detail) {
  return Firing{rule, severity, e.actor_id, std::move(subject), e.id, e.at, detail.dump()};
}

}  // namespace

bool IsSensitiveRead(const std::string& action) {
  return action.ends_with(".export") || action.ends_with(".reveal") || action == "report.run";
}

const std::vector<std::string>& RuleInputActions() {
  // Logins and failed logins, sensitive reads (IsSensitiveRead), bulk reads, role changes, user
  // creation, verification failures, deletions (IsDeletion).
  static const std::vector<std::string> kPatterns = {
      "auth.login_failed", "auth.login", "*.export", "*.reveal",           "report.run", "customer.bulk_read",
      "user.role_change",  "user.create", "audit.verify_failed", "*.delete", "*.purge"};
  return kPatterns;
}

bool RulesRead(const std::string& a) {
  const std::vector<std::string>& patterns = RuleInputActions();
  return std::any_of(patterns.begin(), patterns.end(), [&](const std::string& p) { return ActionMatches(p, a); });
}

const std::vector<std::string>& BaselineActions() {
  static const std::vector<std::string> kActions = {
      "auth.login",    "customer.bulk_read", "customer.export", "contact.export", "license.export",
      "audit.export",  "report.export",      "report.run",      "contact.reveal", "license.reveal",
      "customer.reveal"};
  return kActions;
}

int64_t LongestWindowMs(const AnomalySettings& s) {
  return std::max({s.failed_login_window_ms, s.login_after_failures_window_ms, s.mass_deletion_window_ms, kHourMs});
}

std::vector<Firing> EvaluateRules(const std::vector<AuditEntry>& entries, int64_t last_evaluated_id,
                                  const Baselines& baselines, const AnomalySettings& s) {
  std::vector<Firing> out;
  static const UserBaseline kNoBaseline;
  auto baseline_of = [&](int64_t user) -> const UserBaseline& {
    auto it = baselines.find(user);
    return it == baselines.end() ? kNoBaseline : it->second;
  };
  for (size_t i = 0; i < entries.size(); ++i) {
    const AuditEntry& e = entries[i];
    if (e.id <= last_evaluated_id) continue;
    const std::string& a = e.action;

    if (a == "auth.login_failed") {
      const std::string account = AccountOf(e);
      int64_t by_account = CountBack(entries, i, s.failed_login_window_ms, [&](const AuditEntry& x) {
        return x.action == "auth.login_failed" && AccountOf(x) == account;
      });
      if (by_account == s.failed_logins_per_account) {
        out.push_back(Fire(e, "failed_logins_account", "warning", account,
                           {{"failures", by_account}, {"window_ms", s.failed_login_window_ms}, {"ip", e.ip}}));
      }
      int64_t by_ip = CountBack(entries, i, s.failed_login_window_ms, [&](const AuditEntry& x) {
        return x.action == "auth.login_failed" && x.ip == e.ip;
      });
      if (by_ip == s.failed_logins_per_ip) {
        out.push_back(Fire(e, "failed_logins_ip", "warning", "ip:" + e.ip,
                           {{"failures", by_ip}, {"window_ms", s.failed_login_window_ms}}));
      }
    } else if (a == "auth.login") {
      const std::string account = AccountOf(e);
      int64_t failures = CountBack(entries, i, s.login_after_failures_window_ms, [&](const AuditEntry& x) {
        return x.action == "auth.login_failed" && AccountOf(x) == account;
      });
      if (failures >= s.login_after_failures) {
        out.push_back(Fire(e, "login_after_failures", "critical", account,
                           {{"failures_before", failures}, {"ip", e.ip}}));
      }
      const UserBaseline& b = baseline_of(e.entity_id);
      if (b.logins >= s.unusual_hour_min_logins) {
        int h = HourOfDay(e.at);
        int64_t near = b.login_hours[(h + 23) % 24] + b.login_hours[h] + b.login_hours[(h + 1) % 24];
        double share = static_cast<double>(near) / static_cast<double>(b.logins);
        if (share < s.unusual_hour_max_share) {
          out.push_back(Fire(e, "unusual_login_hour", "warning", account,
                             {{"hour_utc", h}, {"share_of_logins_near_this_hour", share}, {"logins_seen", b.logins}}));
        }
      }
    } else if (IsSensitiveRead(a)) {
      const UserBaseline& b = baseline_of(e.actor_id);
      double limit = std::max<double>(s.sensitive_read_min, s.sensitive_read_factor * b.peak_sensitive_reads_per_hour);
      int64_t n = CountBack(entries, i, kHourMs, [&](const AuditEntry& x) {
        return x.actor_id == e.actor_id && IsSensitiveRead(x.action);
      });
      if (n == static_cast<int64_t>(std::floor(limit)) + 1) {
        out.push_back(Fire(e, "sensitive_read_volume", "warning", "user:" + std::to_string(e.actor_id),
                           {{"last_hour", n}, {"limit", limit}, {"baseline_peak_per_hour", b.peak_sensitive_reads_per_hour}}));
      }
    } else if (a == "customer.bulk_read") {
      const UserBaseline& b = baseline_of(e.actor_id);
      double limit = std::max<double>(s.scraping_min_windows, s.scraping_factor * b.peak_bulk_reads_per_hour);
      int64_t n = CountBack(entries, i, kHourMs, [&](const AuditEntry& x) {
        return x.actor_id == e.actor_id && x.action == "customer.bulk_read";
      });
      if (n == static_cast<int64_t>(std::floor(limit)) + 1) {
        out.push_back(Fire(e, "scraping", "warning", "user:" + std::to_string(e.actor_id),
                           {{"bulk_read_minutes_last_hour", n}, {"limit", limit},
                            {"baseline_peak_per_hour", b.peak_bulk_reads_per_hour}}));
      }
    } else if (a == "user.role_change" || a == "user.create") {
      std::string before = Str(ParseObject(e.before_json), "role");
      std::string after = Str(ParseObject(e.after_json), "role");
      bool raised = a == "user.role_change" ? RoleRank(after) > RoleRank(before) : after == "admin";
      if (raised) {
        out.push_back(Fire(e, "role_escalation", "warning", "user:" + std::to_string(e.entity_id),
                           {{"from", before}, {"to", after}, {"by", e.actor_id}}));
      }
    } else if (a == "audit.verify_failed") {
      out.push_back(Fire(e, "audit_verification_failed", "critical", "audit_log", ParseObject(e.after_json)));
    }
    if (IsDeletion(a)) {
      int64_t n = CountBack(entries, i, s.mass_deletion_window_ms, [&](const AuditEntry& x) {
        return x.actor_id == e.actor_id && IsDeletion(x.action);
      });
      if (n == s.mass_deletion) {
        out.push_back(Fire(e, "mass_deletion", "critical", "user:" + std::to_string(e.actor_id),
                           {{"deletions", n}, {"window_ms", s.mass_deletion_window_ms}}));
      }
    }
  }
  return out;
}

Baselines ComputeBaselines(const std::vector<AuditEntry>& history) {
  Baselines out;
  std::map<std::pair<int64_t, int64_t>, int64_t> sensitive, bulk;  // (user, hour bucket) → count
  for (const AuditEntry& e : history) {
    if (e.action == "auth.login") {
      UserBaseline& b = out[e.entity_id];
      b.login_hours[HourOfDay(e.at)] += 1;
      b.logins += 1;
    } else if (IsSensitiveRead(e.action)) {
      sensitive[{e.actor_id, e.at / kHourMs}] += 1;
    } else if (e.action == "customer.bulk_read") {
      bulk[{e.actor_id, e.at / kHourMs}] += 1;
    }
  }
  for (const auto& [key, n] : sensitive) {
    auto& peak = out[key.first].peak_sensitive_reads_per_hour;
    peak = std::max(peak, n);
  }
  for (const auto& [key, n] : bulk) {
    auto& peak = out[key.first].peak_bulk_reads_per_hour;
    peak = std::max(peak, n);
  }
  return out;
}

}  // namespace salesdb::audit
