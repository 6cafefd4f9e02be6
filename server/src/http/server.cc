#include "http/server.h"

#include <asio/post.hpp>
#include <asio/thread_pool.hpp>
#include <restinio/all.hpp>
#include <restinio/tls.hpp>
#include <signal.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include "base/log.h"
#include "http/redirect.h"

namespace salesdb::http {
namespace {

const char* Reason(int status) {
  switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 204: return "No Content";
    case 304: return "Not Modified";
    case 308: return "Permanent Redirect";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 412: return "Precondition Failed";
    case 413: return "Content Too Large";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Content";
    case 428: return "Precondition Required";
    case 429: return "Too Many Requests";
    case 503: return "Service Unavailable";
    default: return status < 400 ? "OK" : "Error";
  }
}

// Converts a RESTinio request; *malformed is set when the query string cannot be parsed.
api::Request Convert(const restinio::request_handle_t& req, bool secure, bool* malformed) {
  api::Request r;
  const auto& h = req->header();
  r.method = h.method().c_str();
  r.path = std::string(h.path());
  if (!h.query().empty()) {
    try {
      auto params = restinio::parse_query(h.query());
      for (const auto& [k, v] : params) r.query[std::string(k)] = std::string(v);
    } catch (const std::exception&) {
      *malformed = true;
    }
  }
  h.for_each_field([&](const restinio::http_header_field_t& f) {
    std::string name = f.name();
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    r.headers.emplace_back(std::move(name), f.value());
  });
  r.body = req->body();
  r.ip = req->remote_endpoint().address().to_string();
  r.secure = secure;
  return r;
}

// Writes the frontend's answer to `r` (from any thread: RESTinio hands the response to the
// connection's own executor).
void Respond(Frontend& frontend, const restinio::request_handle_t& req, api::Request& r, bool malformed) {
  api::Response resp = malformed ? frontend.Reject(r, InvalidArgument("the query string is malformed"))
                                 : frontend.Handle(r);
  std::optional<restinio::sendfile_t> file;
  if (!resp.file.empty()) {
    try {
      file.emplace(restinio::sendfile(resp.file));  // opened now: a file removed later still goes out whole
    } catch (const std::exception&) {
      resp = frontend.Reject(r, NotFound("the file is no longer there"));
    }
  }
  auto out = req->create_response(
      restinio::http_status_line_t{restinio::http_status_code_t{static_cast<std::uint16_t>(resp.status)},
                                   Reason(resp.status)});
  if (resp.status != 204 && resp.status != 304) out.append_header(restinio::http_field::content_type, resp.content_type);
  for (auto& [k, v] : resp.headers) out.append_header(k, v);
  if (file) {
    if (r.method != "HEAD") out.set_body(std::move(*file));
  } else if (r.method != "HEAD") {
    out.set_body(std::move(resp.body));
  }
  out.done();
}

// The worker threads, and how many requests are queued for them or running there.
struct Workers {
  explicit Workers(int threads) : pool(static_cast<size_t>(threads)) {}
  asio::thread_pool pool;
  std::atomic<int64_t> pending{0};
};

// Quick reads are answered on the I/O thread; everything else is queued for the workers
// (frontend.h: IsQuickRead).
restinio::request_handling_status_t Serve(Frontend& frontend, Workers& workers, const restinio::request_handle_t& req,
                                          bool secure) {
  bool malformed = false;
  api::Request r = Convert(req, secure, &malformed);
  if (malformed || IsQuickRead(r)) {
    Respond(frontend, req, r, malformed);
    return restinio::request_accepted();
  }
  workers.pending.fetch_add(1);
  asio::post(workers.pool, [&frontend, &workers, req, r = std::move(r)]() mutable {
    try {
      Respond(frontend, req, r, false);
    } catch (const std::exception& e) {  // RESTinio's own catch does not reach a worker thread
      log::Warn("could not send a response", {{"error", std::string(e.what())}});
    }
    workers.pending.fetch_sub(1);
  });
  return restinio::request_accepted();
}

using plain_traits = restinio::traits_t<restinio::asio_timer_manager_t, restinio::null_logger_t>;
using redirect_server = restinio::http_server_t<plain_traits>;

// tls.redirect_http: every request gets 308 to the HTTPS listener, and nothing else is served.
restinio::request_handling_status_t Redirect(const restinio::request_handle_t& req, uint16_t tls_port) {
  const auto& h = req->header();
  const std::string host = h.get_field_or(restinio::http_field::host, restinio::string_view_t{});
  std::optional<std::string> location = HttpsRedirectLocation(host, tls_port, h.request_target());
  auto out = req->create_response(location ? restinio::status_permanent_redirect() : restinio::status_bad_request());
  if (location) out.append_header(restinio::http_field::location, *location);
  out.append_header(restinio::http_field::content_type, "text/plain; charset=utf-8");
  out.set_body(location ? "" : "a Host header is required\n");
  return out.done();
}

// The redirect listener on the main server's I/O threads; nullptr when not configured.
StatusOr<std::unique_ptr<redirect_server>> OpenRedirect(const ServerOptions& options, asio::io_context& io) {
  if (options.redirect_port == 0) return std::unique_ptr<redirect_server>();
  uint16_t tls_port = options.port;
  auto settings = restinio::server_settings_t<plain_traits>{}
                      .address(options.redirect_host)
                      .port(options.redirect_port)
                      .handle_request_timeout(std::chrono::seconds(10))
                      .read_next_http_message_timelimit(std::chrono::seconds(10))
                      .incoming_http_msg_limits(restinio::incoming_http_msg_limits_t{}.max_body_size(64u << 10))
                      .request_handler([tls_port](const restinio::request_handle_t& req) {
                        return Redirect(req, tls_port);
                      });
  auto server = std::make_unique<redirect_server>(restinio::external_io_context(io), std::move(settings));
  try {
    server->open_sync();
  } catch (const std::exception& e) {
    return Unavailable("cannot listen on " + options.redirect_host + ":" + std::to_string(options.redirect_port) +
                       " (tls.redirect_http): " + e.what());
  }
  log::Info("redirecting plain HTTP to HTTPS",
            {{"address", options.redirect_host}, {"port", options.redirect_port}, {"https_port", options.port}});
  return server;
}

template <typename Traits, typename Configure>
Status RunWith(const ServerOptions& options, Frontend& frontend, monitoring::Health& health,
               const std::function<void()>& on_shutdown, bool secure, Configure configure) {
  using settings_t = restinio::server_settings_t<Traits>;
  Workers workers(options.threads);
  auto settings = settings_t{}
                      .address(options.host)
                      .port(options.port)
                      .handle_request_timeout(std::chrono::seconds(60))
                      .read_next_http_message_timelimit(std::chrono::seconds(60))
                      .incoming_http_msg_limits(
                          restinio::incoming_http_msg_limits_t{}.max_body_size(options.max_read_body_bytes))
                      .request_handler([&frontend, &workers, secure](const restinio::request_handle_t& req) {
                        return Serve(frontend, workers, req, secure);
                      });
  configure(settings);
  restinio::http_server_t<Traits> server{restinio::own_io_context(), std::move(settings)};
  try {
    server.open_sync();
  } catch (const std::exception& e) {
    return Unavailable("cannot listen on " + options.host + ":" + std::to_string(options.port) + ": " + e.what());
  }
  log::Info("listening", {{"address", options.host}, {"port", options.port}, {"tls", secure},
                          {"io_threads", options.io_threads}, {"threads", options.threads}});
  auto redirect = OpenRedirect(secure ? options : ServerOptions{}, server.io_context());
  if (!redirect.ok()) {
    server.close_sync();
    return redirect.status();
  }
  std::vector<std::thread> pool;
  for (int i = 0; i < options.io_threads; ++i) pool.emplace_back([&] { server.io_context().run(); });

  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  int sig = 0;
  sigwait(&set, &sig);
  log::Info("shutting down", {{"signal", sig}});
  health.SetShuttingDown();
  on_shutdown();
  // Stop accepting, let in-flight requests finish, then stop the I/O threads.
  asio::post(server.io_context(), [&] {
    if (*redirect) (*redirect)->close_sync();
    server.close_sync();
  });
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(options.shutdown_grace_ms);
  while ((frontend.in_flight() > 0 || workers.pending.load() > 0) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // let the last answers be written
  workers.pool.stop();  // past the grace period: queued requests are dropped with their connections
  workers.pool.join();
  server.io_context().stop();
  for (auto& t : pool) t.join();
  return Status::Ok();
}

}  // namespace

void BlockShutdownSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  signal(SIGPIPE, SIG_IGN);
}

Status Run(const ServerOptions& options, Frontend& frontend, monitoring::Health& health,
           const std::function<void()>& on_shutdown) {
  if (options.tls_cert.empty()) {
    return RunWith<plain_traits>(options, frontend, health, on_shutdown, false, [](auto&) {});
  }
  asio::ssl::context tls(asio::ssl::context::tls_server);
  try {
    tls.set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                    asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1 |
                    asio::ssl::context::single_dh_use);
    SSL_CTX_set_min_proto_version(tls.native_handle(), TLS1_2_VERSION);
    SSL_CTX_set_cipher_list(tls.native_handle(),
                            "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
                            "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305");
    tls.use_certificate_chain_file(options.tls_cert);
    tls.use_private_key_file(options.tls_key, asio::ssl::context::pem);
  } catch (const std::exception& e) {
    return InvalidArgument("TLS certificate or key cannot be used: " + std::string(e.what()));
  }
  using tls_traits = restinio::tls_traits_t<restinio::asio_timer_manager_t, restinio::null_logger_t>;
  return RunWith<tls_traits>(options, frontend, health, on_shutdown, true,
                             [&tls](auto& settings) { settings.tls_context(std::move(tls)); });
}

}  // namespace salesdb::http
