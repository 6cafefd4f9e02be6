// /contacts, /activities, /opportunities, /licenses: rows that belong to a customer, filtered by
// ?customer_id=. Licences are issued (key made by the server), renewed and revoked.
#include "api/api.h"
#include "api/json_body.h"

namespace salesdb::api {
namespace {

StatusOr<int64_t> QueryId(const Request& req, const char* name) {
  std::string v = req.Query(name);
  if (v.empty()) return int64_t{0};
  if (v.size() > 18 || v.find_first_not_of("0123456789") != std::string::npos) {
    return FieldInvalid(name, "invalid", "must be a positive whole number");
  }
  return static_cast<int64_t>(std::stoll(v));
}

Status ReadContact(const nlohmann::json& b, Contact& c, bool create) {
  Fields f(b);
  if (create) f.Int("customer_id", c.customer_id, true);
  return f.Str("name", c.name, create)
      .Str("title", c.title)
      .Str("email", c.email)
      .Str("phone", c.phone)
      .Bool("is_primary", c.is_primary)
      .Allow("version")
      .Done();
}

Status ReadActivity(const nlohmann::json& b, Activity& a, bool create) {
  Fields f(b);
  if (create) f.Int("customer_id", a.customer_id, true);
  return f.Str("type", a.type, create)
      .Str("subject", a.subject, create)
      .Str("body", a.body)
      .Int("occurred_at", a.occurred_at)
      .Allow("version")
      .Done();
}

Status ReadOpportunity(const nlohmann::json& b, Opportunity& o, bool create) {
  Fields f(b);
  if (create) f.Int("customer_id", o.customer_id, true);
  return f.Str("name", o.name, create)
      .Str("stage", o.stage)
      .Int("amount_minor", o.amount_minor)
      .Str("currency", o.currency)
      .Int("expected_close_at", o.expected_close_at, create)
      .Int("probability", o.probability)
      .Int("owner_id", o.owner_id)
      .Allow("version")
      .Done();
}

Status ReadLicense(const nlohmann::json& b, License& l, bool create) {
  Fields f(b);
  if (create) f.Int("customer_id", l.customer_id, true);
  return f.Str("edition", l.edition, create)
      .Int("seats", l.seats, create)
      .Int("annual_value_minor", l.annual_value_minor)
      .Str("currency", l.currency)
      .Int("starts_at", l.starts_at, create)
      .Int("expires_at", l.expires_at, create)
      .Str("deployment", l.deployment)
      .Allow("version")
      .Done();
}

// Encrypted fields are found by exact match through blind indexes only; substring and pattern
// searches on them are refused with a 422 that says so.
Status ExactOnly(const Request& req, const char* name, std::string& out) {
  out = req.Query(name);
  if (out.size() > 320) return FieldInvalid(name, "too_long", "at most 320 characters");
  if (out.find_first_of("*%") != std::string::npos) {
    return FieldInvalid(name, "exact_match_only",
                        std::string(name) + " is encrypted: only an exact match is searched, not a pattern or substring");
  }
  return Status::Ok();
}

Status NoSubstringSearch(const Request& req, const char* how) {
  if (req.Query("q").empty()) return Status::Ok();
  return FieldInvalid("q", "unsupported", std::string("substring search is not offered on encrypted fields; ") + how);
}

// POST base/{id}/reveal {"field": …}: one sensitive field's plaintext, audited and rate limited.
template <typename Service>
void RegisterReveal(Router& r, const std::string& base, Service& svc) {
  r.Add("POST", base + "/{id}/reveal", [&svc](Request& req) -> StatusOr<Response> {
    ASSIGN_OR_RETURN(nlohmann::json body, ParseObject(req.body));
    std::string field;
    RETURN_IF_ERROR(Fields(body).Str("field", field, true).Done());
    ASSIGN_OR_RETURN(std::string value, svc.Reveal(req.MakeActor(), PathId(req), field));
    Response resp = Json(200, {{"id", PathId(req)}, {"field", field}, {"value", value}});
    resp.Header("Cache-Control", "no-store");
    return resp;
  });
}

// Registers GET list, GET one, PATCH and DELETE for a child resource; POST is per resource.
template <typename T, typename Service, typename Reader>
void RegisterCrud(Router& r, const std::string& base, Service& svc, Reader read,
                  std::vector<SortField> sorts, std::string default_sort,
                  std::function<Status(const Request&, ChildQuery&)> filters) {
  r.Add("GET", base, [&svc, sorts, default_sort, filters](Request& req) -> StatusOr<Response> {
    ChildQuery q;
    ASSIGN_OR_RETURN(q.page, ListPage(req, sorts, default_sort));
    ASSIGN_OR_RETURN(q.customer_id, QueryId(req, "customer_id"));
    RETURN_IF_ERROR(filters(req, q));
    ASSIGN_OR_RETURN(auto page, svc.List(req.MakeActor(), q));
    return PageJson(page);
  });
  r.Add("GET", base + "/{id}", [&svc](Request& req) -> StatusOr<Response> {
    ASSIGN_OR_RETURN(T row, svc.Get(req.MakeActor(), PathId(req)));
    return Entity(200, ToJson(row), row.meta.version);
  });
  r.Add("PATCH", base + "/{id}", [&svc, read](Request& req) -> StatusOr<Response> {
    ASSIGN_OR_RETURN(nlohmann::json body, ParseObject(req.body));
    ASSIGN_OR_RETURN(int64_t version, ExpectedVersion(req, &body));
    Change<T> change{version, [&](T& row) { return read(body, row, /*create=*/false); }};
    ASSIGN_OR_RETURN(T row, svc.Update(req.MakeActor(), PathId(req), change));
    return Entity(200, ToJson(row), row.meta.version);
  });
  if constexpr (!std::is_same_v<T, License>) {  // licences are revoked, not deleted
    r.Add("DELETE", base + "/{id}", [&svc](Request& req) -> StatusOr<Response> {
      ASSIGN_OR_RETURN(int64_t version, ExpectedVersion(req, nullptr));
      RETURN_IF_ERROR(svc.Delete(req.MakeActor(), PathId(req), version));
      Response resp;
      resp.status = 204;
      return resp;
    });
  }
}

template <typename T>
Response Created(const std::string& base, const T& row) {
  Response resp = Entity(201, ToJson(row), row.meta.version);
  resp.Header("Location", base + "/" + std::to_string(row.id));
  return resp;
}

// POST base: parse with `read`, call `create`.
template <typename T, typename Reader, typename Create>
void RegisterCreate(Router& r, const std::string& base, Reader read, Create create) {
  r.Add("POST", base, [base, read, create](Request& req) -> StatusOr<Response> {
    ASSIGN_OR_RETURN(nlohmann::json body, ParseObject(req.body));
    T row;
    RETURN_IF_ERROR(read(body, row, /*create=*/true));
    ASSIGN_OR_RETURN(T created, create(req.MakeActor(), row));
    return Created(base, created);
  });
}

}  // namespace

void RegisterChildRoutes(Router& r, const Services& s) {
  // Contacts: exact-match search on email and phone.
  RegisterCrud<Contact>(r, "/api/v1/contacts", s.contacts, ReadContact,
                        {{"created_at", true}, {"updated_at", true}, {"name", false}}, "created_at",
                        [](const Request& req, ChildQuery& q) -> Status {
                          RETURN_IF_ERROR(NoSubstringSearch(req, "contacts are found by exact email= or phone= only"));
                          RETURN_IF_ERROR(ExactOnly(req, "email", q.email));
                          return ExactOnly(req, "phone", q.phone);
                        });
  RegisterReveal(r, "/api/v1/contacts", s.contacts);
  RegisterCreate<Contact>(r, "/api/v1/contacts", ReadContact,
                          [&c = s.contacts](const Actor& a, Contact row) { return c.Create(a, row); });

  RegisterCrud<Activity>(r, "/api/v1/activities", s.activities, ReadActivity,
                         {{"occurred_at", true}, {"updated_at", true}}, "-occurred_at",
                         [](const Request& req, ChildQuery& q) -> Status {
                           RETURN_IF_ERROR(NoSubstringSearch(req, "activity bodies are encrypted and not searchable"));
                           q.type = req.Query("type");
                           ASSIGN_OR_RETURN(q.user_id, QueryId(req, "user_id"));
                           return Status::Ok();
                         });
  RegisterReveal(r, "/api/v1/activities", s.activities);
  RegisterCreate<Activity>(r, "/api/v1/activities", ReadActivity,
                           [&c = s.activities](const Actor& a, Activity row) { return c.Create(a, row); });

  RegisterCrud<Opportunity>(r, "/api/v1/opportunities", s.opportunities, ReadOpportunity,
                            {{"updated_at", true}, {"expected_close_at", true}, {"amount_minor", true}},
                            "-updated_at", [](const Request& req, ChildQuery& q) -> Status {
                              q.stage = req.Query("stage");
                              ASSIGN_OR_RETURN(q.owner_id, QueryId(req, "owner_id"));
                              return Status::Ok();
                            });
  RegisterCreate<Opportunity>(r, "/api/v1/opportunities", ReadOpportunity,
                              [&c = s.opportunities](const Actor& a, Opportunity row) { return c.Create(a, row); });

  RegisterCrud<License>(r, "/api/v1/licenses", s.licenses, ReadLicense,
                        {{"updated_at", true}, {"created_at", true}, {"expires_at", true}}, "-updated_at",
                        [&clock = s.clock](const Request& req, ChildQuery& q) -> Status {
                          RETURN_IF_ERROR(NoSubstringSearch(req, "licences are found by exact key= only"));
                          q.status = req.Query("status");
                          q.edition = req.Query("edition");
                          RETURN_IF_ERROR(ExactOnly(req, "key", q.key));
                          std::string days = req.Query("expiring_within_days");
                          if (!days.empty()) {
                            if (days.size() > 4 || days.find_first_not_of("0123456789") != std::string::npos ||
                                std::stoi(days) > 3650) {
                              return FieldInvalid("expiring_within_days", "invalid", "must be 0 to 3650");
                            }
                            q.expires_before = clock.NowMs() + std::stoll(days) * kMsPerDay;
                          }
                          return Status::Ok();
                        });
  RegisterReveal(r, "/api/v1/licenses", s.licenses);
  RegisterCreate<License>(r, "/api/v1/licenses", ReadLicense,
                          [&c = s.licenses](const Actor& a, License row) { return c.Issue(a, row); });
  r.Add("POST", "/api/v1/licenses/{id}/renew", [&c = s.licenses](Request& req) -> StatusOr<Response> {
    ASSIGN_OR_RETURN(nlohmann::json body, ParseObject(req.body));
    ASSIGN_OR_RETURN(int64_t version, ExpectedVersion(req, &body));
    int64_t expires_at = 0;
    RETURN_IF_ERROR(Fields(body).Int("expires_at", expires_at, true).Allow("version").Done());
    ASSIGN_OR_RETURN(License l, c.Renew(req.MakeActor(), PathId(req), version, expires_at));
    return Entity(200, ToJson(l), l.meta.version);
  });
  r.Add("POST", "/api/v1/licenses/{id}/revoke", [&c = s.licenses](Request& req) -> StatusOr<Response> {
    ASSIGN_OR_RETURN(nlohmann::json body, ParseObject(req.body));
    ASSIGN_OR_RETURN(int64_t version, ExpectedVersion(req, &body));
    std::string reason;
    RETURN_IF_ERROR(Fields(body).Str("reason", reason, true).Allow("version").Done());
    ASSIGN_OR_RETURN(License l, c.Revoke(req.MakeActor(), PathId(req), version, reason));
    return Entity(200, ToJson(l), l.meta.version);
  });
}

}  // namespace salesdb::api
