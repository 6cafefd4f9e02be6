// Frontend: everything between the socket and the API that does not need the socket — the chain
// of cross-cutting steps: request id → operations endpoints (/livez, /readyz, /metrics) →
// maintenance gate (503 while a restore replaces the database) → body and
// content-type limits → API or static assets → conditional GET (ETag/304) → compression →
// security headers → access log and metrics. RESTinio glue (server.cc) only converts types.
// Thread-safe.
#pragma once

#include <atomic>
#include <string>
#include <unordered_map>

#include "api/api.h"
#include "monitoring/health.h"
#include "monitoring/maintenance.h"

namespace salesdb::http {

struct FrontendOptions {
  std::string web_dir;
  int64_t max_body_bytes = 1 << 20;
  std::string metrics_token;  // empty: loopback only
  bool tls = false;
  std::string version;
  // While on, every request but /livez, /readyz and /metrics answers 503 (null: never).
  monitoring::Maintenance* maintenance = nullptr;
};

class Frontend {
 public:
  Frontend(api::Api& api, monitoring::Health& health, FrontendOptions options);
  // Handles one request; never throws.
  api::Response Handle(api::Request& req);
  // Answers a request that could not even be parsed with a problem, through the same finishing steps.
  api::Response Reject(api::Request& req, const Status& why);
  int64_t in_flight() const { return in_flight_.load(); }

 private:
  api::Response Route(api::Request& req);
  api::Response RouteAdmitted(api::Request& req);  // past the maintenance gate
  api::Response Static(const api::Request& req);
  api::Response Ops(api::Request& req);
  void Finish(const api::Request& req, api::Response& resp);
  void LoadAssets();

  struct Asset {
    std::string content_type;
    std::string body;
    std::string gzip;    // precompressed .gz, if present
    std::string brotli;  // precompressed .br, if present
    bool immutable = false;
    std::string etag;
  };
  api::Api& api_;
  monitoring::Health& health_;
  FrontendOptions options_;
  std::unordered_map<std::string, Asset> assets_;  // path → asset; loaded at start, read-only after
  std::atomic<int64_t> in_flight_{0};
};

// Whether a request is a quick read, run on the I/O thread that parsed it: a GET or HEAD of a page or
// one row of customer data (without a text search), of the caller's identity, of a probe or of a
// static file — short CPU work that waits for no commit. Every other request (writes and logins,
// which wait for a durable commit or hash a password; searches, exports, reports, audit queries, the
// dashboard summary, which may take long) runs on the worker threads, so that it never holds an I/O
// thread (http/server.h).
bool IsQuickRead(const api::Request& req);

// Generates a request id (base/request_id.h: time-ordered), or keeps the client's when it is short
// and plain.
std::string RequestIdFor(const std::string& client_value);
bool IsLoopback(const std::string& ip);
// gzip of `data` (zlib), or empty on failure.
std::string Gzip(const std::string& data);

}  // namespace salesdb::http
