#include "http/redirect.h"

#include <cctype>

namespace salesdb::http {
namespace {

bool IsHostName(std::string_view h) {
  if (h.empty() || h.size() > 253) return false;
  for (char c : h) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '.') return false;
  }
  return true;
}

bool IsBracketedIpv6(std::string_view h) {
  if (h.size() < 3 || h.front() != '[' || h.back() != ']') return false;
  for (char c : h.substr(1, h.size() - 2)) {
    if (!std::isxdigit(static_cast<unsigned char>(c)) && c != ':' && c != '.') return false;
  }
  return true;
}

bool IsPort(std::string_view p) {
  if (p.empty() || p.size() > 5) return false;
  for (char c : p) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

}  // namespace

std::optional<std::string> HttpsRedirectLocation(std::string_view host_header, uint16_t tls_port,
                                                 std::string_view target) {
  std::string_view host = host_header;
  if (host.empty()) return std::nullopt;
  // Split off the port: after "]" for IPv6, else after the one colon.
  size_t colon = host.front() == '[' ? host.find("]:") : host.find(':');
  if (colon != std::string_view::npos) {
    size_t port_at = host.front() == '[' ? colon + 2 : colon + 1;
    if (!IsPort(host.substr(port_at))) return std::nullopt;
    host = host.substr(0, host.front() == '[' ? colon + 1 : colon);
  }
  if (!IsHostName(host) && !IsBracketedIpv6(host)) return std::nullopt;
  std::string location = "https://" + std::string(host);
  if (tls_port != 443) location += ":" + std::to_string(tls_port);
  // Origin form only ("/path?query"); absolute or asterisk forms are not ours to follow.
  bool origin_form = !target.empty() && target.front() == '/' && (target.size() == 1 || target[1] != '/');
  for (char c : target) {
    if (static_cast<unsigned char>(c) <= ' ' || c == 0x7f) origin_form = false;
  }
  location += origin_form ? std::string(target) : std::string("/");
  return location;
}

}  // namespace salesdb::http
