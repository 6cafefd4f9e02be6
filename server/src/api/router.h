// A small router over transport-neutral requests. Patterns are literal segments and {name}
// parameters; a {name} parameter only matches a positive integer (typed ids), so /customers/abc is
// a 404, not a handler call. A path that matches with another method answers 405 with Allow.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "api/http_types.h"
#include "base/status.h"

namespace salesdb::api {

using Handler = std::function<StatusOr<Response>(Request&)>;

class Router {
 public:
  void Add(std::string method, std::string pattern, Handler handler);

  struct Match {
    const Handler* handler = nullptr;  // null: no route
    std::string allow;                 // non-empty with a null handler: 405 with these methods
    std::string pattern;
  };
  // Fills req.params on a match.
  Match Find(Request& req) const;

 private:
  struct Route {
    std::string method;
    std::string pattern;
    std::vector<std::string> segments;
    Handler handler;
  };
  std::vector<Route> routes_;
};

std::vector<std::string> SplitPath(const std::string& path);

}  // namespace salesdb::api
