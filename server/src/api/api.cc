#include "api/api.h"

#include "api/json_body.h"
#include "api/problem.h"
#include "base/log.h"
#include "domain/validation.h"
#include "security/crypto.h"

namespace salesdb::api {
namespace {

bool IsUnsafe(const std::string& method) { return method != "GET" && method != "HEAD" && method != "OPTIONS"; }

std::string CookieValue(const std::string& header, const std::string& name) {
  size_t pos = 0;
  while (pos < header.size()) {
    while (pos < header.size() && (header[pos] == ' ' || header[pos] == ';')) ++pos;
    size_t eq = header.find('=', pos);
    if (eq == std::string::npos) break;
    size_t end = header.find(';', eq);
    if (end == std::string::npos) end = header.size();
    if (header.compare(pos, eq - pos, name) == 0) return header.substr(eq + 1, end - eq - 1);
    pos = end + 1;
  }
  return {};
}

// Valid UTF-8 without NUL: text that both databases store and compare as given (PostgreSQL
// refuses the others with an error).
bool IsStorableText(const std::string& s) { return s.find('\0') == std::string::npos && IsValidUtf8(s); }

// Stored for an idempotent POST whose answer must not be replayed (it held a secret).
constexpr int kSecretAnswer = 0;

// Routes that work without a principal.
bool IsPublic(const std::string& pattern) { return pattern == "/api/v1/auth/login"; }

}  // namespace

std::string SessionCookieName(const ApiOptions& o) {
  return o.secure_cookies ? "__Host-salesdb_session" : "salesdb_session";
}

Api::Api(Services services, ApiOptions options) : s_(services), options_(options) {
  RegisterAuthRoutes(router_, s_, options_);
  RegisterUserRoutes(router_, s_);
  RegisterCustomerRoutes(router_, s_);
  RegisterChildRoutes(router_, s_);
  RegisterDashboardRoutes(router_, s_);
  RegisterBackupRoutes(router_, s_, options_);
  RegisterAuditRoutes(router_, s_);
}

Status Api::Authenticate(Request& req) {
  Actor from = req.MakeActor();
  std::string auth = req.Header("authorization");
  if (auth.rfind("Bearer ", 0) == 0) {
    ASSIGN_OR_RETURN(Principal p, s_.auth.AuthenticateBearer(auth.substr(7), from));
    req.principal = std::move(p);
    return Status::Ok();
  }
  std::string token = CookieValue(req.Header("cookie"), SessionCookieName(options_));
  if (token.empty()) return Unauthenticated("please log in");
  ASSIGN_OR_RETURN(Principal p, s_.auth.AuthenticateSession(token, from));
  if (IsUnsafe(req.method) && !crypto::ConstantTimeEquals(req.Header("x-csrf-token"), p.csrf_token)) {
    return PermissionDenied("missing or wrong X-CSRF-Token header").WithSlug("csrf-failed");
  }
  req.principal = std::move(p);
  return Status::Ok();
}

bool CredentialsStillValid(const Services& s, const ApiOptions& o, const Request& req) {
  Actor from = req.MakeActor();
  std::string auth = req.Header("authorization");
  if (auth.rfind("Bearer ", 0) == 0) return s.auth.AuthenticateBearer(auth.substr(7), from).ok();
  std::string token = CookieValue(req.Header("cookie"), SessionCookieName(o));
  return !token.empty() && s.auth.AuthenticateSession(token, from).ok();
}

StatusOr<Response> Api::WithIdempotency(Request& req, const Handler& handler) {
  std::string key = req.Header("idempotency-key");
  if (req.method != "POST" || key.empty() || !req.principal) return handler(req);
  if (key.size() > 200) return FieldInvalid("Idempotency-Key", "too_long", "at most 200 characters");
  if (!IsStorableText(key)) return FieldInvalid("Idempotency-Key", "invalid", "must be UTF-8 text");
  const int64_t user_id = req.principal->user.id;
  const std::string request_hash = crypto::Sha256Hex(req.method + " " + req.path + "\n" + req.body);
  // One request per (user, key) at a time on this instance; the stored answer serves the rest.
  std::mutex& lock = idempotency_locks_[std::hash<std::string>{}(std::to_string(user_id) + key) % 64];
  std::lock_guard<std::mutex> guard(lock);
  std::optional<IdempotentAnswer> found;
  RETURN_IF_ERROR(s_.store.Read([&](Tx& tx) {
    ASSIGN_OR_RETURN(found, tx.idempotency().Find(user_id, key));
    return Status::Ok();
  }));
  if (found) {
    if (found->request_hash != request_hash) {
      return FieldInvalid("Idempotency-Key", "reused", "this key was used for a different request");
    }
    if (found->status == kSecretAnswer) {
      return FailedPrecondition("this Idempotency-Key was used; its answer held a secret that is shown only once")
          .WithSlug("idempotency-key-used");
    }
    Response r;
    r.status = found->status;
    r.body = found->body;
    if (!found->location.empty()) r.Header("Location", found->location);
    r.Header("Idempotent-Replayed", "true");
    return r;
  }
  ASSIGN_OR_RETURN(Response r, handler(req));
  if (r.status >= 200 && r.status < 300) {
    IdempotentAnswer a{r.status, r.FindHeader("Location"), r.body, request_hash};
    // An answer marked no-store carries a secret (a new API token) that must not be kept.
    if (r.FindHeader("Cache-Control") == "no-store") a = {kSecretAnswer, "", "", request_hash};
    Status saved = s_.store.Write([&](Tx& tx) { return tx.idempotency().Save(user_id, key, a, s_.clock.NowMs()); });
    if (!saved.ok()) log::Warn("idempotency key not saved", {{"request_id", req.request_id}, {"error", saved.ToString()}});
  }
  return r;
}

StatusOr<Response> Api::Dispatch(Request& req, const Router::Match& match) {
  if (!IsPublic(match.pattern)) RETURN_IF_ERROR(Authenticate(req));
  StatusOr<Response> r = WithIdempotency(req, *match.handler);
  // The writer's next dashboard includes what they changed (others may get the previous one meanwhile).
  if (r.ok() && IsUnsafe(req.method) && req.principal) s_.dashboard.NoteWrite(req.principal->actor.user_id);
  return r;
}

Response Api::Handle(Request& req) {
  try {
    Router::Match match = router_.Find(req);
    req.route = match.pattern;
    if (!match.handler) {
      if (!match.allow.empty()) {
        Response r = Problem(Status(StatusCode::kInvalidArgument, "this resource does not support " + req.method)
                                 .WithHttpStatus(405),
                             req.request_id);
        r.Header("Allow", match.allow);
        return r;
      }
      req.route = "unmatched";
      return Problem(NotFound("no such API resource"), req.request_id);
    }
    for (const auto& [name, value] : req.query) {
      if (!IsStorableText(name) || !IsStorableText(value)) {
        return Problem(InvalidArgument("the query parameter " + (IsStorableText(name) ? name : std::string("?")) +
                                       " is not UTF-8 text"),
                       req.request_id);
      }
    }
    StatusOr<Response> r = Dispatch(req, match);
    if (r.ok()) return std::move(r).value();
    if (r.status().code() == StatusCode::kInternal) {
      log::Error("request failed", {{"request_id", req.request_id}, {"error", r.status().ToString()}});
    }
    return Problem(r.status(), req.request_id);
  } catch (const std::exception& e) {
    log::Error("unhandled exception", {{"request_id", req.request_id}, {"error", e.what()}});
    return Problem(Internal("unhandled exception"), req.request_id);
  }
}

int64_t PathId(const Request& req, const char* name) {
  auto it = req.params.find(name);
  return it == req.params.end() ? 0 : std::stoll(it->second);
}

StatusOr<PageRequest> ListPage(const Request& req, const std::vector<SortField>& allowed, const std::string& def) {
  return MakePageRequest(req.Query("sort"), req.Query("cursor"), req.Query("limit"), allowed, def);
}

Response Entity(int status, const nlohmann::json& body, int64_t version) {
  Response r = Json(status, body);
  r.Header("ETag", "\"v" + std::to_string(version) + "\"");
  return r;
}

}  // namespace salesdb::api
