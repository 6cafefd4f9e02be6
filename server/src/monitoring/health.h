// Readiness checks for /readyz, answered as application/health+json
// (draft-inadarei-api-health-check): {"status":"pass|warn|fail","checks":{"name":[{...}]}}.
// Checks are registered at start (main.cc) and run on each /readyz call. Thread-safe.
#pragma once

#include <atomic>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace salesdb::monitoring {

struct CheckResult {
  std::string status = "pass";  // pass | warn | fail
  std::string output;           // why, when not pass
  nlohmann::json observed;      // optional observed value
};

class Health {
 public:
  void Add(std::string name, std::function<CheckResult()> check);
  // Runs every check; the overall status is the worst one (fail while shutting down).
  nlohmann::json Evaluate(std::string* overall) const;
  void SetShuttingDown() { shutting_down_ = true; }
  bool shutting_down() const { return shutting_down_; }

 private:
  std::vector<std::pair<std::string, std::function<CheckResult()>>> checks_;
  std::atomic<bool> shutting_down_{false};
};

}  // namespace salesdb::monitoring
