// /customers: list, detail (with children, one round trip), create, patch, trash, restore, timeline.
#include <cstdio>

#include "api/api.h"
#include "api/json_body.h"

namespace salesdb::api {
namespace {

Status ReadCustomer(const nlohmann::json& body, Customer& c, bool create) {
  return Fields(body)
      .Str("name", c.name, create)
      .Str("industry", c.industry)
      .Str("region", c.region, create)
      .Str("tier", c.tier)
      .Str("status", c.status)
      .Int("owner_id", c.owner_id)
      .StrList("tags", c.tags)
      .Str("website", c.website)
      .Str("notes", c.notes)
      .Allow("version")
      .Done();
}

StatusOr<int64_t> OptionalId(const Request& req, const char* name) {
  std::string v = req.Query(name);
  if (v.empty()) return int64_t{0};
  if (v.size() > 18 || v.find_first_not_of("0123456789") != std::string::npos) {
    return FieldInvalid(name, "invalid", "must be a positive whole number");
  }
  return static_cast<int64_t>(std::stoll(v));
}

}  // namespace

void RegisterCustomerRoutes(Router& r, const Services& s) {
  r.Add("GET", "/api/v1/customers", [s](Request& req) -> StatusOr<Response> {
    CustomerQuery q;
    ASSIGN_OR_RETURN(q.page, ListPage(req, {{"updated_at", true}, {"created_at", true}, {"name", false}},
                                      "-updated_at"));
    q.region = req.Query("region");
    q.industry = req.Query("industry");
    q.status = req.Query("status");
    q.tier = req.Query("tier");
    q.tag = req.Query("tag");
    q.q = req.Query("q");
    if (q.q.size() > 200) return FieldInvalid("q", "too_long", "at most 200 characters");
    ASSIGN_OR_RETURN(q.owner_id, OptionalId(req, "owner_id"));
    std::string deleted = req.Query("deleted");
    if (!deleted.empty() && deleted != "true" && deleted != "false") {
      return FieldInvalid("deleted", "invalid", "must be true or false");
    }
    q.deleted = deleted == "true";
    ASSIGN_OR_RETURN(auto page, s.customers.List(req.MakeActor(), q));
    return PageJson(*page);
  });

  r.Add("GET", "/api/v1/customers/{id}", [s](Request& req) -> StatusOr<Response> {
    ASSIGN_OR_RETURN(CustomerDetail d, s.customers.Get(req.MakeActor(), PathId(req)));
    JsonWriter w;
    w.StartObject();
    VisitFields(w, d.customer);
    w.Array("contacts", d.contacts);
    w.Array("licenses", d.licenses);
    w.Array("activities", d.activities);
    w.Array("opportunities", d.opportunities);
    w.EndObject();
    Response resp;
    resp.status = 200;
    resp.body = w.Take();
    // The version answers If-Match; the suffix changes with the children, for If-None-Match.
    char suffix[20];
    std::snprintf(suffix, sizeof suffix, "%016zx", std::hash<std::string>{}(resp.body));
    resp.Header("ETag", "\"v" + std::to_string(d.customer.meta.version) + "." + suffix + "\"");
    return resp;
  });

  r.Add("POST", "/api/v1/customers", [s](Request& req) -> StatusOr<Response> {
    ASSIGN_OR_RETURN(nlohmann::json body, ParseObject(req.body));
    Customer c;
    RETURN_IF_ERROR(ReadCustomer(body, c, /*create=*/true));
    ASSIGN_OR_RETURN(Customer created, s.customers.Create(req.MakeActor(), c));
    Response resp = Entity(201, ToJson(created), created.meta.version);
    resp.Header("Location", "/api/v1/customers/" + std::to_string(created.id));
    return resp;
  });

  r.Add("PATCH", "/api/v1/customers/{id}", [s](Request& req) -> StatusOr<Response> {
    ASSIGN_OR_RETURN(nlohmann::json body, ParseObject(req.body));
    ASSIGN_OR_RETURN(int64_t version, ExpectedVersion(req, &body));
    Change<Customer> change{version, [&](Customer& c) { return ReadCustomer(body, c, /*create=*/false); }};
    ASSIGN_OR_RETURN(Customer updated, s.customers.Update(req.MakeActor(), PathId(req), change));
    return Entity(200, ToJson(updated), updated.meta.version);
  });

  r.Add("DELETE", "/api/v1/customers/{id}", [s](Request& req) -> StatusOr<Response> {
    ASSIGN_OR_RETURN(int64_t version, ExpectedVersion(req, nullptr));
    RETURN_IF_ERROR(s.customers.Delete(req.MakeActor(), PathId(req), version));
    Response resp;
    resp.status = 204;
    return resp;
  });

  r.Add("POST", "/api/v1/customers/{id}/restore", [s](Request& req) -> StatusOr<Response> {
    ASSIGN_OR_RETURN(Customer restored, s.customers.Restore(req.MakeActor(), PathId(req)));
    return Entity(200, ToJson(restored), restored.meta.version);
  });

  r.Add("GET", "/api/v1/customers/{id}/timeline", [s](Request& req) -> StatusOr<Response> {
    int limit = 50;
    std::string l = req.Query("limit");
    if (!l.empty()) {
      if (l.size() > 4 || l.find_first_not_of("0123456789") != std::string::npos) {
        return FieldInvalid("limit", "out_of_range", "must be between 1 and 200");
      }
      limit = std::stoi(l);
    }
    ASSIGN_OR_RETURN(int64_t before, OptionalId(req, "cursor"));
    ASSIGN_OR_RETURN(auto items, s.customers.Timeline(req.MakeActor(), PathId(req), limit, before));
    nlohmann::json out = nlohmann::json::array();
    for (const auto& t : items) {
      nlohmann::json item = {{"kind", t.kind}, {"at", t.at}, {"id", t.id}, {"title", t.title}, {"detail", t.detail}};
      if (t.activity) item["activity"] = ToJson(*t.activity);
      if (t.license) item["license"] = ToJson(*t.license);
      if (t.opportunity) item["opportunity"] = ToJson(*t.opportunity);
      out.push_back(std::move(item));
    }
    nlohmann::json next = static_cast<int>(items.size()) == limit && !items.empty()
                              ? nlohmann::json(std::to_string(items.back().at))
                              : nlohmann::json();
    return Json(200, {{"items", out}, {"next_cursor", next}});
  });
}

}  // namespace salesdb::api
