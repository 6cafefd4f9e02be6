#include "domain/entity_json.h"

namespace salesdb {
namespace {

// VisitFields output into an nlohmann::json object.
struct ObjectBuilder {
  nlohmann::json& j;
  template <typename T>
  void Field(const char* key, const T& value) {
    j[key] = value;
  }
};

template <typename T>
nlohmann::json Build(const T& entity) {
  nlohmann::json j = nlohmann::json::object();
  ObjectBuilder b{j};
  VisitFields(b, entity);
  return j;
}

}  // namespace

nlohmann::json ToJson(const User& u) {
  nlohmann::json j = {{"id", u.id},       {"email", u.email},       {"name", u.name},
                      {"role", u.role},   {"region", u.region},     {"disabled", u.disabled}};
  ObjectBuilder b{j};
  VisitFields(b, u.meta);
  return j;
}

nlohmann::json ToJson(const Customer& c) { return Build(c); }
nlohmann::json ToJson(const Contact& c) { return Build(c); }
nlohmann::json ToJson(const License& l) { return Build(l); }
nlohmann::json ToJson(const Activity& a) { return Build(a); }
nlohmann::json ToJson(const Opportunity& o) { return Build(o); }

nlohmann::json ToJson(const ApiToken& t) {
  return {{"id", t.id},
          {"name", t.name},
          {"prefix", t.prefix},
          {"created_at", t.created_at},
          {"last_used_at", t.last_used_at == 0 ? nlohmann::json(nullptr) : nlohmann::json(t.last_used_at)},
          {"expires_at", t.expires_at == 0 ? nlohmann::json(nullptr) : nlohmann::json(t.expires_at)}};
}

nlohmann::json ToJson(const DashboardSummary& s) {
  auto by_currency = [](const std::vector<std::pair<std::string, int64_t>>& amounts) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& [currency, amount] : amounts) out.push_back({{"currency", currency}, {"amount_minor", amount}});
    return out;
  };
  nlohmann::json months = nlohmann::json::array();
  for (const auto& [month, count] : s.new_customers_by_month) months.push_back({{"month", month}, {"count", count}});
  nlohmann::json pipeline = nlohmann::json::array();
  for (const auto& st : s.pipeline) {
    pipeline.push_back({{"stage", st.stage}, {"count", st.count}, {"amounts", by_currency(st.amounts)}});
  }
  nlohmann::json renewals = nlohmann::json::array();
  for (const auto& l : s.my_renewals) {
    renewals.push_back({{"license_id", l.id},
                        {"customer_id", l.customer_id},
                        {"customer_name", l.customer_name},
                        {"edition", l.edition},
                        {"expires_at", l.expires_at}});
  }
  return {{"customers_by_status", {{"lead", s.leads}, {"active", s.active}, {"churned", s.churned}}},
          {"active_licenses", s.active_licenses},
          {"arr", by_currency(s.arr)},
          {"expiring", {{"d30", s.expiring_30}, {"d60", s.expiring_60}, {"d90", s.expiring_90}}},
          {"new_customers_by_month", months},
          {"pipeline", pipeline},
          {"my_renewals", renewals},
          {"generated_at", s.generated_at}};
}

}  // namespace salesdb
