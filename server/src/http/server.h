// The RESTinio listener: converts RESTinio requests to api::Request, hands them to the Frontend and
// writes the answers. A few I/O threads (about one or two per core) parse requests and answer quick
// reads themselves; requests that may wait (writes, logins, exports, ...) go to a pool of worker
// threads, so that waiting requests never hold the threads that keep every connection moving and the
// cores are not shared among more threads than needed. HTTPS when a certificate and key are given
// (TLS 1.2+ only, modern ciphers), optionally with a plain-HTTP listener that only redirects to it. Run() blocks until SIGTERM or SIGINT, then shuts down
// gracefully: /readyz turns 503, in-flight requests finish (up to a grace period), the listener
// closes, and Run() returns 0.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "base/status.h"
#include "http/frontend.h"

namespace salesdb::http {

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8080;
  // I/O threads: read requests, run quick reads (frontend.h: IsQuickRead) and write answers.
  int io_threads = 4;
  // Worker threads: every other request (writes wait there for their group commit).
  int threads = 64;
  std::string tls_cert;  // PEM chain; with tls_key: HTTPS
  std::string tls_key;
  // With TLS: a plain-HTTP listener that answers every request with 308 to https://<Host>:<port>
  // with the same path and query (400 without a valid Host header). Port 0: none.
  std::string redirect_host;
  uint16_t redirect_port = 0;
  int shutdown_grace_ms = 10000;
  // Largest body RESTinio reads. Bodies over http.max_body_bytes (at most 16 MiB) and up to this
  // size are read and answered 413 problem+json by the frontend; RESTinio 0.6 has no hook to answer
  // once its own limit is crossed and closes the connection, so this cap stays well above the API
  // limit while bounding what one request can make the server buffer.
  uint64_t max_read_body_bytes = 64u << 20;
};

// Blocks SIGTERM/SIGINT in the calling thread (call before starting any thread), so that Run()
// can wait for them.
void BlockShutdownSignals();

// Serves until a shutdown signal. `on_shutdown` runs first (e.g. mark not ready, stop jobs).
Status Run(const ServerOptions& options, Frontend& frontend, monitoring::Health& health,
           const std::function<void()>& on_shutdown);

}  // namespace salesdb::http
