#include "http/frontend.h"

#include <sodium.h>
#include <zlib.h>

#include <chrono>
#include <cstdio>
#include <functional>
#include <string_view>
#include <filesystem>

#include "api/problem.h"
#include "base/clock.h"
#include "base/files.h"
#include "base/log.h"
#include "base/request_id.h"
#include "base/unique_random.h"
#include "monitoring/metrics.h"

namespace salesdb::http {
namespace {

namespace fs = std::filesystem;
using api::Request;
using api::Response;

constexpr int kMaintenanceRetrySeconds = 5;

constexpr char kCsp[] =
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'";

const char* ContentTypeFor(const std::string& ext) {
  static const std::unordered_map<std::string, const char*> kTypes = {
      {".html", "text/html; charset=utf-8"},  {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"}, {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},          {".svg", "image/svg+xml"},
      {".png", "image/png"},                  {".ico", "image/x-icon"},
      {".woff2", "font/woff2"},               {".woff", "font/woff"},
      {".txt", "text/plain; charset=utf-8"},  {".webmanifest", "application/manifest+json"}};
  auto it = kTypes.find(ext);
  return it == kTypes.end() ? "application/octet-stream" : it->second;
}

bool AcceptsEncoding(const Request& req, const char* enc) {
  return req.Header("accept-encoding").find(enc) != std::string::npos;
}

// A validator for If-None-Match, not a signature: a 64-bit non-cryptographic hash of the body is
// plenty to tell versions of one resource apart, and costs a fraction of a cryptographic digest on
// every API answer.
std::string WeakEtag(const std::string& body) {
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016zx", std::hash<std::string_view>{}(body));
  return std::string("W/\"") + hex + "\"";
}

bool EtagMatches(const std::string& if_none_match, const std::string& etag) {
  if (if_none_match.empty() || etag.empty()) return false;
  if (if_none_match == "*") return true;
  // Weak comparison: ignore W/ on both sides.
  auto strip = [](std::string s) { return s.rfind("W/", 0) == 0 ? s.substr(2) : s; };
  std::string want = strip(etag);
  size_t pos = 0;
  while (pos < if_none_match.size()) {
    size_t comma = if_none_match.find(',', pos);
    if (comma == std::string::npos) comma = if_none_match.size();
    std::string tag = if_none_match.substr(pos, comma - pos);
    tag.erase(0, tag.find_first_not_of(' '));
    tag.erase(tag.find_last_not_of(' ') + 1);
    if (strip(tag) == want) return true;
    pos = comma + 1;
  }
  return false;
}

}  // namespace

namespace {

// "/<digits>" after a collection's path, or nothing.
bool IsCollectionOrRow(std::string_view path, std::string_view collection) {
  if (!path.starts_with(collection)) return false;
  std::string_view rest = path.substr(collection.size());
  if (rest.empty()) return true;
  if (rest.size() < 2 || rest[0] != '/') return false;
  return rest.substr(1).find_first_not_of("0123456789") == std::string_view::npos;
}

}  // namespace

bool IsQuickRead(const api::Request& req) {
  if (req.method != "GET" && req.method != "HEAD") return false;
  std::string_view path = req.path;
  if (!path.starts_with("/api/")) return true;  // static assets, /livez, /readyz, /metrics
  if (req.query.contains("q")) return false;     // a text search may scan
  if (path == "/api/v1" || path == "/api/v1/auth/me") return true;
  for (std::string_view collection : {"/api/v1/customers", "/api/v1/contacts", "/api/v1/licenses",
                                      "/api/v1/activities", "/api/v1/opportunities"}) {
    if (IsCollectionOrRow(path, collection)) return true;
  }
  return false;
}

std::string RequestIdFor(const std::string& client_value) {
  bool plain = !client_value.empty() && client_value.size() <= 64;
  for (char c : client_value) {
    plain = plain && (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_');
  }
  if (plain) return client_value;
  return TimeOrderedRequestId(SystemClock::Get().NowMs(), static_cast<uint32_t>(UniqueRandom64()));
}

bool IsLoopback(const std::string& ip) {
  return ip.rfind("127.", 0) == 0 || ip == "::1" || ip.rfind("::ffff:127.", 0) == 0;
}

std::string Gzip(const std::string& data) {
  z_stream zs{};
  if (deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) return {};
  std::string out(deflateBound(&zs, data.size()), '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  int rc = deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return rc == Z_STREAM_END ? out : std::string();
}

Frontend::Frontend(api::Api& api, monitoring::Health& health, FrontendOptions options)
    : api_(api), health_(health), options_(std::move(options)) {
  auto& m = monitoring::Registry::Global();
  m.Describe("salesdb_http_requests_total", "counter", "HTTP requests by route template, method and status.");
  m.Describe("salesdb_http_request_duration_seconds", "histogram", "HTTP request duration by route and method.");
  m.Describe("salesdb_http_requests_in_flight", "gauge", "HTTP requests being handled now.");
  LoadAssets();
}

void Frontend::LoadAssets() {
  std::error_code ec;
  if (options_.web_dir.empty() || !fs::is_directory(options_.web_dir, ec)) {
    log::Warn("web UI assets not found; serving the API only", {{"web_dir", options_.web_dir}});
    return;
  }
  fs::path root = fs::canonical(options_.web_dir, ec);
  for (auto it = fs::recursive_directory_iterator(root, ec); it != fs::recursive_directory_iterator(); ++it) {
    if (!it->is_regular_file()) continue;
    fs::path p = it->path();
    std::string ext = p.extension().string();
    if (ext == ".gz" || ext == ".br" || (p.filename() == "manifest.json" && p.parent_path().filename() == ".vite")) {
      continue;
    }
    std::string rel = "/" + fs::relative(p, root).generic_string();
    auto body = files::ReadAll(p.string());
    if (!body.ok()) continue;
    Asset a;
    a.content_type = ContentTypeFor(ext);
    a.body = std::move(*body);
    if (auto gz = files::ReadAll(p.string() + ".gz"); gz.ok()) a.gzip = std::move(*gz);
    if (auto br = files::ReadAll(p.string() + ".br"); br.ok()) a.brotli = std::move(*br);
    a.immutable = rel.rfind("/assets/", 0) == 0;
    a.etag = WeakEtag(a.body);
    assets_.emplace(rel, std::move(a));
  }
  log::Info("web UI assets loaded", {{"files", assets_.size()}, {"web_dir", root.string()}});
}

Response Frontend::Static(const Request& req) {
  if (req.method != "GET" && req.method != "HEAD") {
    return api::Problem(Status(StatusCode::kInvalidArgument, "only GET here").WithHttpStatus(405), req.request_id);
  }
  auto it = assets_.find(req.path);
  bool fallback = false;
  if (it == assets_.end()) {
    // Missing hashed assets are 404s; any other path is a client-side route of the SPA.
    if (req.path.rfind("/assets/", 0) == 0 || req.path.find('.') != std::string::npos) {
      return api::Problem(NotFound("no such file"), req.request_id);
    }
    it = assets_.find("/index.html");
    fallback = true;
  }
  Response r;
  if (it == assets_.end()) {
    r.content_type = "text/plain; charset=utf-8";
    r.body = "salesdb: the web UI is not built (run `make build`). The API is at /api/v1.\n";
    r.Header("Cache-Control", "no-cache");
    return r;
  }
  const Asset& a = it->second;
  r.content_type = a.content_type;
  r.Header("Cache-Control", a.immutable && !fallback ? "public, max-age=31536000, immutable" : "no-cache");
  r.Header("ETag", a.etag);
  r.Header("Vary", "Accept-Encoding");
  if (EtagMatches(req.Header("if-none-match"), a.etag)) {
    r.status = 304;
    return r;
  }
  if (!a.brotli.empty() && AcceptsEncoding(req, "br")) {
    r.body = a.brotli;
    r.Header("Content-Encoding", "br");
  } else if (!a.gzip.empty() && AcceptsEncoding(req, "gzip")) {
    r.body = a.gzip;
    r.Header("Content-Encoding", "gzip");
  } else {
    r.body = a.body;
  }
  return r;
}

Response Frontend::Ops(Request& req) {
  Response r;
  if (req.path == "/livez") {
    r.body = R"({"status":"pass"})";
    r.content_type = "application/health+json";
  } else if (req.path == "/readyz" && options_.maintenance && options_.maintenance->active()) {
    // The other checks would touch the database being replaced.
    nlohmann::json body = {{"status", "fail"},
                           {"checks",
                            {{"maintenance",
                              {{{"status", "fail"}, {"output", "restoring a backup: " + options_.maintenance->phase()}}}}}}};
    r.status = 503;
    r.content_type = "application/health+json";
    r.body = body.dump();
    r.Header("Retry-After", std::to_string(kMaintenanceRetrySeconds));
  } else if (req.path == "/readyz") {
    std::string overall;
    nlohmann::json body = health_.Evaluate(&overall);
    r.status = overall == "fail" ? 503 : 200;
    r.content_type = "application/health+json";
    r.body = body.dump();
  } else {  // /metrics
    bool allowed = IsLoopback(req.ip);
    std::string auth = req.Header("authorization");
    if (!options_.metrics_token.empty() && auth.rfind("Bearer ", 0) == 0) {
      allowed = allowed || (sodium_memcmp(auth.data() + 7, options_.metrics_token.data(),
                                          std::min(auth.size() - 7, options_.metrics_token.size())) == 0 &&
                            auth.size() - 7 == options_.metrics_token.size());
    }
    if (!allowed) return api::Problem(PermissionDenied("metrics need the scrape token"), req.request_id);
    r.content_type = "text/plain; version=0.0.4; charset=utf-8";
    monitoring::Registry::Global().Set("salesdb_http_requests_in_flight", {}, static_cast<double>(in_flight_.load()));
    r.body = monitoring::Registry::Global().Render() + monitoring::RenderProcessMetrics(options_.version);
  }
  r.Header("Cache-Control", "no-store");
  return r;
}

Response Frontend::Route(Request& req) {
  if (req.path == "/livez" || req.path == "/readyz" || req.path == "/metrics") {
    req.route = req.path;
    return Ops(req);
  }
  if (options_.maintenance) {
    if (!options_.maintenance->Admit()) {
      req.route = "maintenance";
      return api::Problem(Unavailable("the server is in maintenance: a backup is being restored; try again shortly")
                              .WithSlug("maintenance")
                              .WithRetryAfter(kMaintenanceRetrySeconds),
                          req.request_id);
    }
    // In flight until answered: a restore waits for it before it replaces the database.
    struct Admitted {
      monitoring::Maintenance* m;
      ~Admitted() { m->Release(); }
    } admitted{options_.maintenance};
    return RouteAdmitted(req);
  }
  return RouteAdmitted(req);
}

Response Frontend::RouteAdmitted(Request& req) {
  if (req.path.rfind("/api/", 0) != 0) {
    req.route = "static";
    return Static(req);
  }
  if (static_cast<int64_t>(req.body.size()) > options_.max_body_bytes) {
    req.route = "limit";
    return api::Problem(InvalidArgument("the body is larger than " + std::to_string(options_.max_body_bytes) +
                                        " bytes")
                            .WithHttpStatus(413),
                        req.request_id);
  }
  if (!req.body.empty()) {
    std::string ct = req.Header("content-type");
    if (ct.rfind("application/json", 0) != 0) {
      req.route = "limit";
      return api::Problem(InvalidArgument("send bodies as application/json").WithHttpStatus(415), req.request_id);
    }
  }
  return api_.Handle(req);
}

void Frontend::Finish(const Request& req, Response& resp) {
  // Conditional GET for API answers: a strong ETag from the handler, else a weak one of the body.
  if (req.method == "GET" && resp.status == 200 && req.route != "static" && resp.content_type == "application/json") {
    std::string etag = resp.FindHeader("ETag");
    if (etag.empty()) {
      etag = WeakEtag(resp.body);
      resp.Header("ETag", etag);
    }
    if (EtagMatches(req.Header("if-none-match"), etag)) {
      resp.status = 304;
      resp.body.clear();
    }
    if (resp.FindHeader("Cache-Control").empty()) resp.Header("Cache-Control", "private, no-cache");
  }
  if (resp.body.size() > 1024 && resp.FindHeader("Content-Encoding").empty() && req.route != "static" &&
      AcceptsEncoding(req, "gzip")) {
    std::string gz = Gzip(resp.body);
    if (!gz.empty()) {
      resp.body = std::move(gz);
      resp.Header("Content-Encoding", "gzip");
      resp.Header("Vary", "Accept-Encoding");
    }
  }
  resp.Header("X-Request-Id", req.request_id);
  resp.Header("X-Content-Type-Options", "nosniff");
  resp.Header("Referrer-Policy", "no-referrer");
  resp.Header("X-Frame-Options", "DENY");
  resp.Header("Content-Security-Policy", kCsp);
  if (options_.tls) resp.Header("Strict-Transport-Security", "max-age=63072000; includeSubDomains");
}

Response Frontend::Reject(Request& req, const Status& why) {
  req.request_id = RequestIdFor(req.Header("x-request-id"));
  req.route = "malformed";
  Response resp = api::Problem(why, req.request_id);
  Finish(req, resp);
  monitoring::Registry::Global().Inc("salesdb_http_requests_total",
                                     {{"route", req.route}, {"method", req.method}, {"status", std::to_string(resp.status)}});
  return resp;
}

Response Frontend::Handle(Request& req) {
  auto start = std::chrono::steady_clock::now();
  ++in_flight_;
  req.request_id = RequestIdFor(req.Header("x-request-id"));
  Response resp;
  try {
    resp = Route(req);
  } catch (const std::exception& e) {
    log::Error("unhandled exception", {{"request_id", req.request_id}, {"error", e.what()}});
    resp = api::Problem(Internal("unhandled exception"), req.request_id);
  }
  Finish(req, resp);
  --in_flight_;
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::string route = req.route.empty() ? "unmatched" : req.route;
  auto& m = monitoring::Registry::Global();
  m.Inc("salesdb_http_requests_total", {{"route", route}, {"method", req.method}, {"status", std::to_string(resp.status)}});
  m.Observe("salesdb_http_request_duration_seconds", {{"route", route}, {"method", req.method}}, seconds,
            monitoring::LatencyBuckets());
  if (route != "static" || resp.status >= 400) {
    log::Info("request", {{"request_id", req.request_id},
                          {"user_id", req.principal ? req.principal->user.id : 0},
                          {"method", req.method},
                          {"route", route},
                          {"status", resp.status},
                          {"duration_ms", seconds * 1000},
                          {"ip", req.ip}});
  }
  return resp;
}

}  // namespace salesdb::http
