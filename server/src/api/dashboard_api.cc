#include "api/api.h"
#include "api/json_body.h"

namespace salesdb::api {

void RegisterDashboardRoutes(Router& r, const Services& s) {
  r.Add("GET", "/api/v1/dashboard/summary", [s](Request& req) -> StatusOr<Response> {
    ASSIGN_OR_RETURN(DashboardSummary summary, s.dashboard.Summary(req.MakeActor()));
    Response resp = Json(200, ToJson(summary));
    resp.Header("Cache-Control", "private, max-age=0, must-revalidate");
    return resp;
  });
}

}  // namespace salesdb::api
