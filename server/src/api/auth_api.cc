// /auth, /tokens and /users.
#include "api/api.h"
#include "api/json_body.h"

namespace salesdb::api {
namespace {

std::string SessionCookie(const ApiOptions& o, const std::string& value, int64_t max_age_seconds) {
  std::string c = SessionCookieName(o) + "=" + value + "; Path=/; HttpOnly; SameSite=Lax; Max-Age=" +
                  std::to_string(max_age_seconds);
  if (o.secure_cookies) c += "; Secure";
  return c;
}

nlohmann::json Me(const User& u, const std::string& csrf) {
  return {{"user", ToJson(u)}, {"csrf_token", csrf.empty() ? nlohmann::json() : nlohmann::json(csrf)}};
}

}  // namespace

void RegisterAuthRoutes(Router& r, const Services& s, const ApiOptions& o) {
  r.Add("POST", "/api/v1/auth/login", [s, o](Request& req) -> StatusOr<Response> {
    ASSIGN_OR_RETURN(nlohmann::json body, ParseObject(req.body));
    std::string email, password;
    RETURN_IF_ERROR(Fields(body).Str("email", email, true).Str("password", password, true).Done());
    ASSIGN_OR_RETURN(LoginResult login, s.auth.Login(email, password, req.MakeActor()));
    Response resp = Json(200, Me(login.user, login.csrf_token));
    resp.Header("Set-Cookie", SessionCookie(o, login.session_token, int64_t{o.session_absolute_hours} * 3600));
    resp.Header("Cache-Control", "no-store");
    return resp;
  });
  r.Add("POST", "/api/v1/auth/logout", [s, o](Request& req) -> StatusOr<Response> {
    RETURN_IF_ERROR(s.auth.Logout(*req.principal));
    Response resp;
    resp.status = 204;
    resp.Header("Set-Cookie", SessionCookie(o, "", 0));
    return resp;
  });
  r.Add("GET", "/api/v1/auth/me", [](Request& req) -> StatusOr<Response> {
    Response resp = Json(200, Me(req.principal->user, req.principal->csrf_token));
    resp.Header("Cache-Control", "no-store");
    return resp;
  });
  r.Add("POST", "/api/v1/auth/password", [s](Request& req) -> StatusOr<Response> {
    ASSIGN_OR_RETURN(nlohmann::json body, ParseObject(req.body));
    std::string current, next;
    RETURN_IF_ERROR(Fields(body).Str("current_password", current, true).Str("new_password", next, true).Done());
    RETURN_IF_ERROR(s.auth.ChangePassword(*req.principal, current, next));
    Response resp;
    resp.status = 204;
    return resp;
  });

  r.Add("GET", "/api/v1/tokens", [s](Request& req) -> StatusOr<Response> {
    ASSIGN_OR_RETURN(auto tokens, s.auth.ListTokens(req.MakeActor()));
    nlohmann::json items = nlohmann::json::array();
    for (const auto& t : tokens) items.push_back(ToJson(t));
    return Json(200, {{"items", items}, {"next_cursor", nullptr}});
  });
  r.Add("POST", "/api/v1/tokens", [s](Request& req) -> StatusOr<Response> {
    ASSIGN_OR_RETURN(nlohmann::json body, ParseObject(req.body));
    std::string name;
    int days = 0;
    RETURN_IF_ERROR(Fields(body).Str("name", name, true).Int("expires_in_days", days).Done());
    Actor actor = req.MakeActor();
    ASSIGN_OR_RETURN(auto created, s.auth.CreateToken(actor, actor.user_id, name, days));
    nlohmann::json out = ToJson(created.first);
    out["token"] = created.second;
    Response resp = Json(201, out);
    resp.Header("Location", "/api/v1/tokens/" + std::to_string(created.first.id));
    resp.Header("Cache-Control", "no-store");
    return resp;
  });
  r.Add("DELETE", "/api/v1/tokens/{id}", [s](Request& req) -> StatusOr<Response> {
    Actor actor = req.MakeActor();
    RETURN_IF_ERROR(s.auth.RevokeToken(actor, PathId(req)));
    Response resp;
    resp.status = 204;
    return resp;
  });
}

void RegisterUserRoutes(Router& r, const Services& s) {
  r.Add("GET", "/api/v1/users", [s](Request& req) -> StatusOr<Response> {
    ASSIGN_OR_RETURN(PageRequest page, ListPage(req, {{"id", true}, {"name", false}, {"email", false}}, "id"));
    ASSIGN_OR_RETURN(auto users, s.auth.ListUsers(req.MakeActor(), page));
    return PageJson(users);
  });
  r.Add("POST", "/api/v1/users", [s](Request& req) -> StatusOr<Response> {
    ASSIGN_OR_RETURN(nlohmann::json body, ParseObject(req.body));
    User u;
    std::string password;
    RETURN_IF_ERROR(Fields(body)
                        .Str("email", u.email, true)
                        .Str("name", u.name, true)
                        .Str("role", u.role, true)
                        .Str("region", u.region)
                        .Str("password", password, true)
                        .Done());
    ASSIGN_OR_RETURN(User created, s.auth.CreateUser(req.MakeActor(), u, password));
    Response resp = Entity(201, ToJson(created), created.meta.version);
    resp.Header("Location", "/api/v1/users/" + std::to_string(created.id));
    return resp;
  });
  r.Add("PATCH", "/api/v1/users/{id}", [s](Request& req) -> StatusOr<Response> {
    ASSIGN_OR_RETURN(nlohmann::json body, ParseObject(req.body));
    ASSIGN_OR_RETURN(int64_t version, ExpectedVersion(req, &body));
    Change<User> change{version, [&](User& u) {
                          return Fields(body)
                              .Str("name", u.name)
                              .Str("role", u.role)
                              .Str("region", u.region)
                              .Bool("disabled", u.disabled)
                              .Allow("version")
                              .Done();
                        }};
    ASSIGN_OR_RETURN(User updated, s.auth.UpdateUser(req.MakeActor(), PathId(req), change));
    return Entity(200, ToJson(updated), updated.meta.version);
  });
}

}  // namespace salesdb::api
