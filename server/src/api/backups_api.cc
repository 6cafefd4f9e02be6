// /backups (admin): list with status, size, age and verification; create now; download; restore
// online (maintenance mode) with a typed confirmation.
#include "api/api.h"
#include "api/json_body.h"

#include <algorithm>

namespace salesdb::api {
namespace {

nlohmann::json OutcomeJson(const BackupOutcome& o) {
  if (o.status.empty()) return nullptr;
  nlohmann::json j = {{"status", o.status}, {"at", o.at}};
  if (!o.check.empty()) j["check"] = o.check;
  if (!o.message.empty()) j["message"] = o.message;
  return j;
}

nlohmann::json JobJson(const BackupJobState& s) {
  return {{"running", s.running},
          {"queued", s.queued},
          {"last_started_at", s.last_started_at ? nlohmann::json(s.last_started_at) : nlohmann::json()},
          {"last_finished_at", s.last_finished_at ? nlohmann::json(s.last_finished_at) : nlohmann::json()},
          {"last_error", s.last_error.empty() ? nlohmann::json() : nlohmann::json(s.last_error)},
          {"interval_minutes", s.interval_minutes},
          {"next_due_at", s.next_due_at ? nlohmann::json(s.next_due_at) : nlohmann::json()}};
}

nlohmann::json SummaryJson(const BackupSummary& b, int64_t now) {
  nlohmann::json offsite = nlohmann::json::object();
  for (const auto& [name, o] : b.offsite) offsite[name] = OutcomeJson(o);
  return {{"id", b.id},
          {"file", b.file},
          {"created_at", b.created_at},
          {"age_seconds", std::max<int64_t>(0, (now - b.created_at) / 1000)},
          {"reason", b.reason},
          {"status", b.verification.status == "passed" ? "verified" : "failed"},
          {"size_bytes", b.size_bytes},
          {"database_bytes", b.database_bytes},
          {"duration_ms", b.duration_ms},
          {"rows", b.rows},
          {"dialect", b.dialect},
          {"schema_version", b.schema_version},
          {"app_version", b.app_version},
          {"key_id", b.key_id},
          {"verification", OutcomeJson(b.verification)},
          {"offsite", offsite}};
}

Status NotConfigured() { return Unavailable("backups are not available on this server"); }

}  // namespace

void RegisterBackupRoutes(Router& r, const Services& s, const ApiOptions& o) {
  r.Add("GET", "/api/v1/backups", [s](Request& req) -> StatusOr<Response> {
    if (!s.backups) return NotConfigured();
    ASSIGN_OR_RETURN(BackupOverview o, s.backups->List(req.MakeActor()));
    nlohmann::json items = nlohmann::json::array();
    int64_t now = s.clock.NowMs();
    for (const auto& b : o.items) items.push_back(SummaryJson(b, now));
    Response resp = Json(200, {{"items", items}, {"job", JobJson(o.job)}});
    resp.Header("Cache-Control", "no-store");
    return resp;
  });

  r.Add("POST", "/api/v1/backups", [s](Request& req) -> StatusOr<Response> {
    if (!s.backups) return NotConfigured();
    if (!req.body.empty()) {
      ASSIGN_OR_RETURN(nlohmann::json body, ParseObject(req.body));
      RETURN_IF_ERROR(Fields(body).Done());  // no options yet: any field is unknown
    }
    ASSIGN_OR_RETURN(BackupJobState job, s.backups->CreateNow(req.MakeActor()));
    Response resp = Json(202, {{"job", JobJson(job)}});
    resp.Header("Location", "/api/v1/backups");
    return resp;
  });

  r.Add("POST", "/api/v1/backups/{id}/restore", [s, o](Request& req) -> StatusOr<Response> {
    if (!s.backups) return NotConfigured();
    std::string confirm;
    if (!req.body.empty()) {
      ASSIGN_OR_RETURN(nlohmann::json body, ParseObject(req.body));
      RETURN_IF_ERROR(Fields(body).Str("confirm", confirm).Done());
    }
    ASSIGN_OR_RETURN(RestoreOutcome r, s.backups->Restore(req.MakeActor(), PathId(req), confirm));
    nlohmann::json rows = nlohmann::json::object();
    int64_t total = 0;
    for (const auto& [table, n] : r.rows) {
      rows[table] = n;
      total += n;
    }
    Response resp = Json(200, {{"file", r.file},
                               {"backup_created_at", r.backup_created_at},
                               {"schema_version", r.schema_version},
                               {"migrated_from", r.migrated_from},
                               {"migrated_to", r.migrated_to},
                               {"rows", rows},
                               {"total_rows", total},
                               {"safety_backup", r.safety_backup},
                               {"duration_ms", r.duration_ms},
                               // The sessions are those of the restored database now.
                               {"signed_in", CredentialsStillValid(s, o, req)}});
    resp.Header("Cache-Control", "no-store");
    return resp;
  });

  r.Add("GET", "/api/v1/backups/{id}/download", [s](Request& req) -> StatusOr<Response> {
    if (!s.backups) return NotConfigured();
    ASSIGN_OR_RETURN(BackupDownload d, s.backups->Download(req.MakeActor(), PathId(req)));
    Response resp;
    resp.content_type = "application/octet-stream";
    resp.file = std::move(d.path);
    resp.Header("Content-Disposition", "attachment; filename=\"" + d.file_name + "\"");
    resp.Header("Cache-Control", "no-store");
    return resp;
  });
}

}  // namespace salesdb::api
