#include "api/problem.h"

#include <nlohmann/json.hpp>

namespace salesdb::api {
namespace {

const char* DefaultSlug(int status) {
  switch (status) {
    case 400: return "bad-request";
    case 401: return "unauthenticated";
    case 403: return "forbidden";
    case 404: return "not-found";
    case 405: return "method-not-allowed";
    case 409: return "conflict";
    case 412: return "precondition-failed";
    case 413: return "payload-too-large";
    case 415: return "unsupported-media-type";
    case 422: return "validation-failed";
    case 428: return "precondition-required";
    case 429: return "too-many-requests";
    case 503: return "unavailable";
    default: return "internal-error";
  }
}

const char* Title(int status) {
  switch (status) {
    case 400: return "Bad request";
    case 401: return "Not logged in";
    case 403: return "Forbidden";
    case 404: return "Not found";
    case 405: return "Method not allowed";
    case 409: return "Conflict";
    case 412: return "Precondition failed";
    case 413: return "Payload too large";
    case 415: return "Unsupported media type";
    case 422: return "Validation failed";
    case 428: return "Precondition required";
    case 429: return "Too many requests";
    case 503: return "Service unavailable";
    default: return "Internal server error";
  }
}

}  // namespace

int HttpStatusFor(const Status& s) {
  if (s.http_status() != 0) return s.http_status();
  switch (s.code()) {
    case StatusCode::kOk: return 200;
    case StatusCode::kInvalidArgument: return s.field_errors().empty() ? 400 : 422;
    case StatusCode::kNotFound: return 404;
    case StatusCode::kAlreadyExists: return 409;
    case StatusCode::kFailedPrecondition: return 409;
    case StatusCode::kAborted: return 412;
    case StatusCode::kUnauthenticated: return 401;
    case StatusCode::kPermissionDenied: return 403;
    case StatusCode::kResourceExhausted: return 429;
    case StatusCode::kUnavailable: return 503;
    case StatusCode::kInternal: return 500;
  }
  return 500;
}

Response Problem(const Status& s, const std::string& request_id) {
  int status = HttpStatusFor(s);
  std::string slug = s.slug().empty() ? DefaultSlug(status) : s.slug();
  nlohmann::json body = {{"type", "https://salesdb.dev/problems/" + slug},
                         {"title", Title(status)},
                         {"status", status},
                         {"detail", status == 500 ? std::string("an internal error occurred; it has been logged")
                                                  : s.message()},
                         {"request_id", request_id}};
  if (!s.field_errors().empty()) {
    nlohmann::json errors = nlohmann::json::array();
    for (const auto& f : s.field_errors()) {
      errors.push_back({{"field", f.field}, {"code", f.code}, {"message", f.message}});
    }
    body["errors"] = errors;
  }
  if (s.current_version) body["current_version"] = *s.current_version;
  Response r;
  r.status = status;
  r.content_type = "application/problem+json";
  r.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  if (s.retry_after_seconds() > 0) r.Header("Retry-After", std::to_string(s.retry_after_seconds()));
  return r;
}

}  // namespace salesdb::api
