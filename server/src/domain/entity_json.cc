#include "domain/entity_json.h"

namespace salesdb {
namespace {
void PutMeta(nlohmann::json& j, const RowMeta& m) {
  j["version"] = m.version;
  j["created_at"] = m.created_at;
  j["updated_at"] = m.updated_at;
  j["created_by"] = m.created_by;
  j["updated_by"] = m.updated_by;
}
}  // namespace

nlohmann::json ToJson(const User& u) {
  nlohmann::json j = {{"id", u.id},       {"email", u.email},       {"name", u.name},
                      {"role", u.role},   {"region", u.region},     {"disabled", u.disabled}};
  PutMeta(j, u.meta);
  return j;
}

nlohmann::json ToJson(const Customer& c) {
  nlohmann::json j = {{"id", c.id},
                      {"name", c.name},
                      {"industry", c.industry},
                      {"region", c.region},
                      {"tier", c.tier},
                      {"status", c.status},
                      {"owner_id", c.owner_id},
                      {"owner_name", c.owner_name},
                      {"tags", c.tags},
                      {"website", c.website},
                      {"notes", c.notes},
                      {"active_license_count", c.active_license_count},
                      {"deleted_at", c.deleted_at ? nlohmann::json(*c.deleted_at) : nlohmann::json(nullptr)}};
  PutMeta(j, c.meta);
  return j;
}

nlohmann::json ToJson(const Contact& c) {
  nlohmann::json j = {{"id", c.id},       {"customer_id", c.customer_id}, {"name", c.name},
                      {"title", c.title}, {"email", c.email},             {"phone", c.phone},
                      {"is_primary", c.is_primary}};
  PutMeta(j, c.meta);
  return j;
}

nlohmann::json ToJson(const License& l) {
  nlohmann::json j = {{"id", l.id},
                      {"customer_id", l.customer_id},
                      {"customer_name", l.customer_name},
                      {"key", l.key},
                      {"edition", l.edition},
                      {"seats", l.seats},
                      {"annual_value_minor", l.annual_value_minor},
                      {"currency", l.currency},
                      {"starts_at", l.starts_at},
                      {"expires_at", l.expires_at},
                      {"status", l.status},
                      {"deployment", l.deployment},
                      {"revoked_reason", l.revoked_reason}};
  PutMeta(j, l.meta);
  return j;
}

nlohmann::json ToJson(const Activity& a) {
  nlohmann::json j = {{"id", a.id},           {"customer_id", a.customer_id}, {"type", a.type},
                      {"subject", a.subject}, {"body", a.body},               {"occurred_at", a.occurred_at},
                      {"user_id", a.user_id}, {"user_name", a.user_name}};
  PutMeta(j, a.meta);
  return j;
}

nlohmann::json ToJson(const Opportunity& o) {
  nlohmann::json j = {{"id", o.id},
                      {"customer_id", o.customer_id},
                      {"customer_name", o.customer_name},
                      {"name", o.name},
                      {"stage", o.stage},
                      {"amount_minor", o.amount_minor},
                      {"currency", o.currency},
                      {"expected_close_at", o.expected_close_at},
                      {"probability", o.probability},
                      {"owner_id", o.owner_id},
                      {"owner_name", o.owner_name}};
  PutMeta(j, o.meta);
  return j;
}

nlohmann::json ToJson(const ApiToken& t) {
  return {{"id", t.id},
          {"name", t.name},
          {"prefix", t.prefix},
          {"created_at", t.created_at},
          {"last_used_at", t.last_used_at == 0 ? nlohmann::json(nullptr) : nlohmann::json(t.last_used_at)},
          {"expires_at", t.expires_at == 0 ? nlohmann::json(nullptr) : nlohmann::json(t.expires_at)}};
}

nlohmann::json ToJson(const DashboardSummary& s) {
  nlohmann::json arr = nlohmann::json::array();
  for (const auto& [currency, amount] : s.arr) arr.push_back({{"currency", currency}, {"amount_minor", amount}});
  nlohmann::json months = nlohmann::json::array();
  for (const auto& [month, count] : s.new_customers_by_month) months.push_back({{"month", month}, {"count", count}});
  nlohmann::json pipeline = nlohmann::json::array();
  for (const auto& st : s.pipeline) {
    pipeline.push_back({{"stage", st.stage}, {"count", st.count}, {"amount_minor", st.amount_minor}});
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
          {"arr", arr},
          {"expiring", {{"d30", s.expiring_30}, {"d60", s.expiring_60}, {"d90", s.expiring_90}}},
          {"new_customers_by_month", months},
          {"pipeline", pipeline},
          {"my_renewals", renewals},
          {"generated_at", s.generated_at}};
}

}  // namespace salesdb
