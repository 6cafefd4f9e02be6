// The one place where a Status becomes an HTTP answer: RFC 9457 application/problem+json with
// type, title, status, detail, request_id and errors[{field, code, message}]. What the client sees
// is the Status's client message; internal details are logged by whoever made the Status.
#pragma once

#include "api/http_types.h"
#include "base/status.h"

namespace salesdb::api {

int HttpStatusFor(const Status& s);
Response Problem(const Status& s, const std::string& request_id);

}  // namespace salesdb::api
