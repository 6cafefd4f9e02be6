// Transport-neutral request and response: http/ converts RESTinio's types to these, so that the
// API can be driven and tested without sockets.
#pragma once

#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "security/auth_service.h"

namespace salesdb::api {

struct Request {
  std::string method;  // upper case
  std::string path;    // decoded, without the query string
  std::unordered_map<std::string, std::string> query;
  std::vector<std::pair<std::string, std::string>> headers;  // names lower case
  std::string body;
  std::string ip;
  std::string request_id;
  bool secure = false;  // arrived over TLS
  std::unordered_map<std::string, std::string> params;  // path parameters, set by the router
  std::optional<Principal> principal;                    // set by authentication
  std::string route;                                     // matched route template, e.g. /api/v1/customers/{id}

  std::string Header(std::string_view lower_name) const {
    for (const auto& [k, v] : headers) {
      if (k == lower_name) return v;
    }
    return {};
  }
  std::string Query(const std::string& name) const {
    auto it = query.find(name);
    return it == query.end() ? std::string() : it->second;
  }
  // The actor for service calls (request context plus the principal).
  Actor MakeActor() const {
    Actor a = principal ? principal->actor : Actor();
    a.ip = ip;
    // Stored with sessions and audit entries: printable ASCII only (a cut could split a UTF-8
    // character, and PostgreSQL refuses invalid UTF-8).
    a.user_agent = Header("user-agent").substr(0, 300);
    for (char& c : a.user_agent) {
      if (c < 0x20 || c > 0x7E) c = '?';
    }
    a.request_id = request_id;
    return a;
  }
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // When set, the body is this file, sent by the kernel in chunks (sendfile) rather than read into
  // memory: backup files are as large as the database.
  std::string file;

  Response& Header(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
    return *this;
  }
  std::string FindHeader(std::string_view name) const {
    for (const auto& [k, v] : headers) {
      if (k == name) return v;
    }
    return {};
  }
};

}  // namespace salesdb::api
