#include "api/router.h"

namespace salesdb::api {

std::vector<std::string> SplitPath(const std::string& path) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string::npos) j = path.size();
    if (j > i) out.push_back(path.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

void Router::Add(std::string method, std::string pattern, Handler handler) {
  routes_.push_back({std::move(method), pattern, SplitPath(pattern), std::move(handler)});
}

namespace {
bool IsId(const std::string& s) {
  if (s.empty() || s.size() > 18 || s[0] == '0') return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}
}  // namespace

Router::Match Router::Find(Request& req) const {
  Match m;
  std::vector<std::string> parts = SplitPath(req.path);
  for (const Route& r : routes_) {
    if (r.segments.size() != parts.size()) continue;
    std::unordered_map<std::string, std::string> params;
    bool ok = true;
    for (size_t i = 0; i < parts.size() && ok; ++i) {
      const std::string& seg = r.segments[i];
      if (seg.size() > 2 && seg.front() == '{' && seg.back() == '}') {
        if (!IsId(parts[i])) ok = false;
        else params[seg.substr(1, seg.size() - 2)] = parts[i];
      } else if (seg != parts[i]) {
        ok = false;
      }
    }
    if (!ok) continue;
    if (r.method != req.method) {
      if (m.allow.find(r.method) == std::string::npos) m.allow += (m.allow.empty() ? "" : ", ") + r.method;
      continue;
    }
    req.params = std::move(params);
    m.handler = &r.handler;
    m.pattern = r.pattern;
    m.allow.clear();
    return m;
  }
  return m;
}

}  // namespace salesdb::api
