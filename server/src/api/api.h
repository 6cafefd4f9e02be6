// The /api/v1 pipeline: route → authenticate (session cookie or bearer token) → CSRF check on
// unsafe methods → idempotent replay of POSTs → handler → problem+json for every error. Handlers
// live in one file per resource (*_api.cc) and only parse, call one service function, and render.
// Thread-safe; Handle() never throws.
#pragma once

#include <array>
#include <mutex>

#include <nlohmann/json.hpp>

#include "api/http_types.h"
#include "api/router.h"
#include "domain/backup_admin.h"
#include "audit/audit_service.h"
#include "domain/services.h"
#include "security/auth_service.h"

namespace salesdb::api {

struct Services {
  AuthService& auth;
  CustomerService& customers;
  ContactService& contacts;
  LicenseService& licenses;
  ActivityService& activities;
  OpportunityService& opportunities;
  DashboardService& dashboard;
  Store& store;
  const Clock& clock;
  BackupAdmin* backups = nullptr;  // null: the backup routes answer 503
  audit::AuditQueryService* audit = nullptr;  // /api/v1/audit and /alerts (503 when absent)
};

struct ApiOptions {
  bool secure_cookies = false;  // TLS: Secure + __Host- prefix
  int session_absolute_hours = 12;
};

// Name of the session cookie for these options.
std::string SessionCookieName(const ApiOptions& o);

class Api {
 public:
  Api(Services services, ApiOptions options);
  Response Handle(Request& req);

 private:
  StatusOr<Response> Dispatch(Request& req, const Router::Match& match);
  Status Authenticate(Request& req);
  StatusOr<Response> WithIdempotency(Request& req, const Handler& handler);

  Services s_;
  ApiOptions options_;
  Router router_;
  std::array<std::mutex, 64> idempotency_locks_;
};

// Route registration, one function per resource file.
void RegisterAuthRoutes(Router& r, const Services& s, const ApiOptions& o);
void RegisterUserRoutes(Router& r, const Services& s);
void RegisterCustomerRoutes(Router& r, const Services& s);
void RegisterChildRoutes(Router& r, const Services& s);
void RegisterDashboardRoutes(Router& r, const Services& s);
void RegisterBackupRoutes(Router& r, const Services& s, const ApiOptions& o);
void RegisterAuditRoutes(Router& r, const Services& s);

// Whether the request's session cookie or bearer token is still accepted (after a restore replaced
// the sessions).
bool CredentialsStillValid(const Services& s, const ApiOptions& o, const Request& req);
// Shared by handlers: the path parameter {name} as an id (the router guarantees digits).
int64_t PathId(const Request& req, const char* name = "id");
// Parses ?limit/cursor/sort for a list.
StatusOr<PageRequest> ListPage(const Request& req, const std::vector<SortField>& allowed, const std::string& def);
// Renders a page of entities as {"items":[…], "next_cursor":…}.
template <typename T>
Response PageJson(const Page<T>& page);
// GET-one answer with ETag "v<version>".
Response Entity(int status, const nlohmann::json& body, int64_t version);

}  // namespace salesdb::api

#include "api/json_writer.h"
#include "domain/entity_json.h"

namespace salesdb::api {
template <typename T>
Response PageJson(const Page<T>& page) {
  Response r;
  if constexpr (requires(JsonWriter& w, const T& row) { VisitFields(w, row); }) {
    JsonWriter w;
    w.StartObject();
    w.Array("items", page.items);
    if (page.next_cursor) w.Field("next_cursor", *page.next_cursor);
    else w.Field("next_cursor", nullptr);
    w.EndObject();
    r.body = w.Take();
  } else {
    // Built in place: an initializer list would copy every row's JSON once more.
    nlohmann::json body = nlohmann::json::object();
    nlohmann::json& items = body["items"] = nlohmann::json::array();
    items.get_ref<nlohmann::json::array_t&>().reserve(page.items.size());
    for (const auto& row : page.items) items.push_back(ToJson(row));
    body["next_cursor"] = page.next_cursor ? nlohmann::json(*page.next_cursor) : nlohmann::json();
    r.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
  return r;
}
}  // namespace salesdb::api
