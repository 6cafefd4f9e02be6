// /audit (query, detail with diff, CSV export, verification) and /alerts: auditors and admins.
#include "api/api.h"
#include "api/json_body.h"

namespace salesdb::api {
namespace {

StatusOr<int64_t> NumberParam(const Request& req, const char* name) {
  std::string v = req.Query(name);
  if (v.empty()) return int64_t{0};
  if (v.size() > 18 || v.find_first_not_of("0123456789") != std::string::npos) {
    return FieldInvalid(name, "invalid", "must be a non-negative whole number");
  }
  return static_cast<int64_t>(std::stoll(v));
}

StatusOr<std::string> TextParam(const Request& req, const char* name) {
  std::string v = req.Query(name);
  if (v.size() > 200) return FieldInvalid(name, "too_long", "at most 200 characters");
  return v;
}

StatusOr<AuditQuery> ReadFilters(const Request& req, int default_limit) {
  AuditQuery q;
  ASSIGN_OR_RETURN(q.actor_id, NumberParam(req, "actor_id"));
  ASSIGN_OR_RETURN(q.entity_id, NumberParam(req, "entity_id"));
  ASSIGN_OR_RETURN(q.from, NumberParam(req, "from"));
  ASSIGN_OR_RETURN(q.to, NumberParam(req, "to"));
  ASSIGN_OR_RETURN(q.action, TextParam(req, "action"));
  ASSIGN_OR_RETURN(q.entity, TextParam(req, "entity"));
  ASSIGN_OR_RETURN(q.ip, TextParam(req, "ip"));
  ASSIGN_OR_RETURN(q.request_id, TextParam(req, "request_id"));
  if (q.from != 0 && q.to != 0 && q.to <= q.from) return FieldInvalid("to", "invalid", "must be after from");
  ASSIGN_OR_RETURN(int64_t limit, NumberParam(req, "limit"));
  q.limit = limit == 0 ? default_limit : static_cast<int>(std::min<int64_t>(limit, 1'000'000));
  if (!req.Query("limit").empty() && limit == 0) return FieldInvalid("limit", "out_of_range", "must be positive");
  return q;
}

Status Available(const Services& s) {
  return s.audit ? Status::Ok() : Unavailable("the audit trail is not available on this server");
}

nlohmann::json VerifyJson(const AuditVerifyResult& r) {
  nlohmann::json j = {{"intact", r.intact()},     {"entries", r.entries}, {"last_id", r.last_id},
                      {"checkpoints", r.checkpoints}, {"first_bad_id", nullptr}, {"problem", nullptr}};
  if (!r.intact()) {
    j["first_bad_id"] = r.first_bad_id;
    j["problem"] = r.problem;
  }
  return j;
}

}  // namespace

void RegisterAuditRoutes(Router& r, const Services& s) {
  r.Add("GET", "/api/v1/audit", [s](Request& req) -> StatusOr<Response> {
    RETURN_IF_ERROR(Available(s));
    ASSIGN_OR_RETURN(AuditQuery q, ReadFilters(req, 50));
    ASSIGN_OR_RETURN(audit::AuditPage page, s.audit->List(req.MakeActor(), q, req.Query("cursor")));
    nlohmann::json items = nlohmann::json::array();
    for (const auto& e : page.items) items.push_back(audit::EntryJson(e, false));
    return Json(200, {{"items", items},
                      {"next_cursor", page.next_cursor ? nlohmann::json(*page.next_cursor) : nlohmann::json()}});
  });

  r.Add("GET", "/api/v1/audit/export.csv", [s](Request& req) -> StatusOr<Response> {
    RETURN_IF_ERROR(Available(s));
    ASSIGN_OR_RETURN(AuditQuery q, ReadFilters(req, 10000));
    ASSIGN_OR_RETURN(std::string csv, s.audit->ExportCsv(req.MakeActor(), q, q.limit));
    Response resp;
    resp.content_type = "text/csv; charset=utf-8";
    resp.body = std::move(csv);
    resp.Header("Content-Disposition", "attachment; filename=\"audit.csv\"");
    resp.Header("Cache-Control", "no-store");
    return resp;
  });

  r.Add("GET", "/api/v1/audit/verify", [s](Request& req) -> StatusOr<Response> {
    RETURN_IF_ERROR(Available(s));
    ASSIGN_OR_RETURN(AuditVerifyResult result, s.audit->Verify(req.MakeActor()));
    return Json(200, VerifyJson(result));
  });

  r.Add("GET", "/api/v1/audit/{id}", [s](Request& req) -> StatusOr<Response> {
    RETURN_IF_ERROR(Available(s));
    ASSIGN_OR_RETURN(AuditEntry e, s.audit->Get(req.MakeActor(), PathId(req)));
    return Json(200, audit::EntryJson(e, true));
  });

  r.Add("GET", "/api/v1/alerts", [s](Request& req) -> StatusOr<Response> {
    RETURN_IF_ERROR(Available(s));
    ASSIGN_OR_RETURN(int64_t limit, NumberParam(req, "limit"));
    if (!req.Query("limit").empty() && (limit < 1 || limit > 500)) {
      return FieldInvalid("limit", "out_of_range", "must be 1..500");
    }
    ASSIGN_OR_RETURN(auto page, s.audit->Alerts(req.MakeActor(), req.Query("cursor"),
                                                limit == 0 ? 50 : static_cast<int>(limit)));
    nlohmann::json items = nlohmann::json::array();
    for (const auto& a : page.items) items.push_back(audit::AlertJson(a));
    return Json(200, {{"items", items},
                      {"next_cursor", page.next_cursor ? nlohmann::json(*page.next_cursor) : nlohmann::json()}});
  });
}

}  // namespace salesdb::api
