#include "audit/audit_service.h"

#include <set>

#include "audit/audit_daemon.h"
#include "base/semaphore_turn.h"
#include "domain/permissions.h"
#include "domain/services.h"

namespace salesdb::audit {
namespace {

using nlohmann::json;

StatusOr<int64_t> ParseCursor(const std::string& cursor) {
  if (cursor.empty()) return int64_t{0};
  if (cursor.size() > 18 || cursor.find_first_not_of("0123456789") != std::string::npos) {
    return FieldInvalid("cursor", "invalid", "not a cursor from this server");
  }
  return static_cast<int64_t>(std::stoll(cursor));
}

json ParseOrString(const std::string& text) {
  if (text.empty()) return nullptr;
  json j = json::parse(text, nullptr, false);
  return j.is_discarded() ? json(text) : j;
}

json FiltersJson(const AuditQuery& q) {
  json f = json::object();
  if (q.actor_id) f["actor_id"] = q.actor_id;
  if (!q.action.empty()) f["action"] = q.action;
  if (!q.entity.empty()) f["entity"] = q.entity;
  if (q.entity_id) f["entity_id"] = q.entity_id;
  if (q.from) f["from"] = q.from;
  if (q.to) f["to"] = q.to;
  if (!q.ip.empty()) f["ip"] = q.ip;
  if (!q.request_id.empty()) f["request_id"] = q.request_id;
  return f;
}

}  // namespace

json EntryJson(const AuditEntry& e, bool with_detail) {
  json j = {{"id", e.id},
            {"at", e.at},
            {"actor_id", e.actor_id},
            {"actor_role", e.actor_role},
            {"ip", e.ip},
            {"user_agent", e.user_agent},
            {"request_id", e.request_id},
            {"action", e.action},
            {"entity", e.entity},
            {"entity_id", e.entity_id},
            {"prev_hash", e.prev_hash},
            {"hash", e.hash}};
  if (with_detail) {
    j["before"] = ParseOrString(e.before_json);
    j["after"] = ParseOrString(e.after_json);
    j["diff"] = AuditDiff(e.before_json, e.after_json);
  }
  return j;
}

json AuditDiff(const std::string& before_json, const std::string& after_json) {
  json before = ParseOrString(before_json), after = ParseOrString(after_json);
  if (!before.is_object()) before = json::object();
  if (!after.is_object()) after = json::object();
  json out = json::array();
  std::set<std::string> keys;
  for (auto it = before.begin(); it != before.end(); ++it) keys.insert(it.key());
  for (auto it = after.begin(); it != after.end(); ++it) keys.insert(it.key());
  for (const std::string& k : keys) {
    json b = before.contains(k) ? before[k] : json(nullptr);
    json a = after.contains(k) ? after[k] : json(nullptr);
    if (b != a) out.push_back({{"field", k}, {"before", b}, {"after", a}});
  }
  return out;
}

json AlertJson(const SecurityAlert& a) {
  json detail = json::parse(a.detail_json, nullptr, false);
  return {{"id", a.id},           {"at", a.at},           {"rule", a.rule},
          {"severity", a.severity}, {"actor_id", a.actor_id}, {"subject", a.subject},
          {"entry_id", a.entry_id}, {"detail", detail.is_discarded() ? json(a.detail_json) : detail}};
}

std::string CsvField(const std::string& v) {
  std::string s = v;
  if (!s.empty() && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@')) s = "'" + s;
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

StatusOr<AuditPage> AuditQueryService::List(const Actor& actor, AuditQuery q, const std::string& cursor) {
  RETURN_IF_ERROR(Require(actor, Permission::kAuditRead));
  if (q.limit < 1 || q.limit > 500) return FieldInvalid("limit", "out_of_range", "must be 1..500");
  ASSIGN_OR_RETURN(q.before_id, ParseCursor(cursor));
  q.ascending = false;
  std::vector<AuditEntry> rows;
  RETURN_IF_ERROR(store_.Read([&](Tx& tx) {
    ASSIGN_OR_RETURN(rows, tx.audit().Find(q));
    return Status::Ok();
  }));
  AuditPage page;
  if (static_cast<int>(rows.size()) > q.limit) {
    rows.resize(q.limit);
    page.next_cursor = std::to_string(rows.back().id);
  }
  page.items = std::move(rows);
  return page;
}

StatusOr<AuditEntry> AuditQueryService::Get(const Actor& actor, int64_t id) {
  RETURN_IF_ERROR(Require(actor, Permission::kAuditRead));
  AuditEntry e;
  RETURN_IF_ERROR(store_.Read([&](Tx& tx) {
    ASSIGN_OR_RETURN(e, tx.audit().Get(id));
    return Status::Ok();
  }));
  return e;
}

StatusOr<std::string> AuditQueryService::ExportCsv(const Actor& actor, AuditQuery q, int max_rows) {
  RETURN_IF_ERROR(Require(actor, Permission::kAuditRead));
  if (max_rows < 1 || max_rows > 100000) return FieldInvalid("limit", "out_of_range", "must be 1..100000");
  SemaphoreTurn turn(heavy_);
  std::string csv =
      "id,at,actor_id,actor_role,ip,user_agent,request_id,action,entity,entity_id,before_json,after_json,"
      "prev_hash,hash\r\n";
  q.ascending = false;
  q.before_id = 0;
  q.limit = std::min(max_rows, 5000);
  int64_t rows_out = 0;
  while (rows_out < max_rows) {
    std::vector<AuditEntry> rows;
    RETURN_IF_ERROR(store_.Read([&](Tx& tx) {
      ASSIGN_OR_RETURN(rows, tx.audit().Find(q));
      return Status::Ok();
    }));
    bool more = static_cast<int>(rows.size()) > q.limit;
    if (more) rows.resize(q.limit);
    for (const AuditEntry& e : rows) {
      if (rows_out >= max_rows) break;
      csv += std::to_string(e.id) + "," + std::to_string(e.at) + "," + std::to_string(e.actor_id) + "," +
             CsvField(e.actor_role) + "," + CsvField(e.ip) + "," + CsvField(e.user_agent) + "," +
             CsvField(e.request_id) + "," + CsvField(e.action) + "," + CsvField(e.entity) + "," +
             std::to_string(e.entity_id) + "," + CsvField(e.before_json) + "," + CsvField(e.after_json) + "," +
             e.prev_hash + "," + e.hash + "\r\n";
      ++rows_out;
    }
    if (!more || rows.empty()) break;
    q.before_id = rows.back().id;
  }
  json detail = {{"filters", FiltersJson(q)}, {"rows", rows_out}, {"format", "csv"}};
  RETURN_IF_ERROR(RecordSensitiveRead(store_, sink_, actor, "audit.export", "audit_log", 0, detail, clock_));
  return csv;
}

StatusOr<AuditVerifyResult> AuditQueryService::Verify(const Actor& actor) {
  RETURN_IF_ERROR(Require(actor, Permission::kAuditRead));
  SemaphoreTurn turn(heavy_);
  ASSIGN_OR_RETURN(AuditVerifyOptions o, VerifyOptionsFor(data_dir_));
  ASSIGN_OR_RETURN(AuditVerifyResult r, VerifyAuditChain(store_, o));
  json detail = {{"entries", r.entries}, {"checkpoints", r.checkpoints}, {"last_id", r.last_id}};
  if (!r.intact()) {
    detail["first_bad_id"] = r.first_bad_id;
    detail["problem"] = r.problem;
  }
  RETURN_IF_ERROR(RecordAdminAction(store_, sink_, actor, r.intact() ? "audit.verify" : "audit.verify_failed",
                                    detail, clock_));
  return r;
}

StatusOr<Page<SecurityAlert>> AuditQueryService::Alerts(const Actor& actor, const std::string& cursor, int limit) {
  RETURN_IF_ERROR(Require(actor, Permission::kAuditRead));
  if (limit < 1 || limit > 500) return FieldInvalid("limit", "out_of_range", "must be 1..500");
  ASSIGN_OR_RETURN(int64_t before, ParseCursor(cursor));
  std::vector<SecurityAlert> rows;
  RETURN_IF_ERROR(store_.Read([&](Tx& tx) {
    ASSIGN_OR_RETURN(rows, tx.audit().ListAlerts(before, limit));
    return Status::Ok();
  }));
  Page<SecurityAlert> page;
  if (static_cast<int>(rows.size()) > limit) {
    rows.resize(limit);
    page.next_cursor = std::to_string(rows.back().id);
  }
  page.items = std::move(rows);
  return page;
}

}  // namespace salesdb::audit
