#include "monitoring/health.h"

namespace salesdb::monitoring {

void Health::Add(std::string name, std::function<CheckResult()> check) {
  checks_.emplace_back(std::move(name), std::move(check));
}

nlohmann::json Health::Evaluate(std::string* overall) const {
  std::string worst = shutting_down_ ? "fail" : "pass";
  nlohmann::json checks = nlohmann::json::object();
  for (const auto& [name, fn] : checks_) {
    CheckResult r;
    try {
      r = fn();
    } catch (const std::exception& e) {
      r = {"fail", e.what(), nullptr};
    }
    nlohmann::json entry = {{"status", r.status}};
    if (!r.output.empty()) entry["output"] = r.output;
    if (!r.observed.is_null()) entry["observedValue"] = r.observed;
    checks[name] = nlohmann::json::array({entry});
    if (r.status == "fail") worst = "fail";
    else if (r.status == "warn" && worst == "pass") worst = "warn";
  }
  if (shutting_down_) checks["shutdown"] = nlohmann::json::array({{{"status", "fail"}, {"output", "shutting down"}}});
  *overall = worst;
  return {{"status", worst}, {"checks", checks}};
}

}  // namespace salesdb::monitoring
