// The form of the request ids the server makes (X-Request-Id, log lines, audit entries).
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

namespace salesdb {

// 11 hex digits of the time in epoch milliseconds, then 8 of `random`: ids sort by the time they
// were made, so an index on them (audit_lookup.request_id) grows at its right end like one on a
// time, instead of touching a random page for every entry as purely random ids did.
inline std::string TimeOrderedRequestId(int64_t now_ms, uint32_t random) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%011llx%08x", static_cast<unsigned long long>(now_ms) & 0xFFFFFFFFFFFull,
                static_cast<unsigned>(random));
  return buf;
}

}  // namespace salesdb
