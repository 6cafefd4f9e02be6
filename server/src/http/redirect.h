// The plain-HTTP → HTTPS redirect (tls.redirect_http): where a request to the plain listener is
// sent. Pure and thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace salesdb::http {

// The Location of the 308 answer to a plain-HTTP request: https://<host>[:<tls_port>]<target>, where
// host is the request's Host header without its port (a name, an IPv4 address or a bracketed IPv6
// address), the port is left out when it is 443, and target is the request target (path and query;
// anything else becomes "/"). nullopt when the Host header is missing or not a valid host: the caller
// answers 400.
std::optional<std::string> HttpsRedirectLocation(std::string_view host_header, uint16_t tls_port,
                                                 std::string_view target);

}  // namespace salesdb::http
