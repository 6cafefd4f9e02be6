// Entities as JSON, in the shapes of docs/api.md. Used for API answers and audit before/after.
// Secrets (password hashes, token hashes) are never rendered.
//
// The sales entities name their fields once, in VisitFields, for any output: ToJson builds an
// nlohmann::json from them, and the API's streaming writer (api/json_writer.h) renders list pages
// and customer details straight into the response body. An output has Field(key, value) for
// int64_t, int, bool, std::string, std::vector<std::string> and std::nullptr_t.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>

#include "domain/entities.h"
#include "domain/store.h"

namespace salesdb {

template <typename Out>
void VisitFields(Out& out, const RowMeta& m) {
  out.Field("version", m.version);
  out.Field("created_at", m.created_at);
  out.Field("updated_at", m.updated_at);
  out.Field("created_by", m.created_by);
  out.Field("updated_by", m.updated_by);
}

template <typename Out>
void VisitFields(Out& out, const Customer& c) {
  out.Field("id", c.id);
  out.Field("name", c.name);
  out.Field("industry", c.industry);
  out.Field("region", c.region);
  out.Field("tier", c.tier);
  out.Field("status", c.status);
  out.Field("owner_id", c.owner_id);
  out.Field("owner_name", c.owner_name);
  out.Field("tags", c.tags);
  out.Field("website", c.website);
  out.Field("notes", c.notes);
  out.Field("active_license_count", c.active_license_count);
  if (c.deleted_at) out.Field("deleted_at", *c.deleted_at);
  else out.Field("deleted_at", nullptr);
  VisitFields(out, c.meta);
}

template <typename Out>
void VisitFields(Out& out, const Contact& c) {
  out.Field("id", c.id);
  out.Field("customer_id", c.customer_id);
  out.Field("name", c.name);
  out.Field("title", c.title);
  out.Field("email", c.email);
  out.Field("phone", c.phone);
  out.Field("is_primary", c.is_primary);
  VisitFields(out, c.meta);
}

template <typename Out>
void VisitFields(Out& out, const License& l) {
  out.Field("id", l.id);
  out.Field("customer_id", l.customer_id);
  out.Field("customer_name", l.customer_name);
  out.Field("customer_owner_id", l.customer_owner_id);
  out.Field("key", l.key);
  out.Field("edition", l.edition);
  out.Field("seats", l.seats);
  out.Field("annual_value_minor", l.annual_value_minor);
  out.Field("currency", l.currency);
  out.Field("starts_at", l.starts_at);
  out.Field("expires_at", l.expires_at);
  out.Field("status", l.status);
  out.Field("deployment", l.deployment);
  out.Field("revoked_reason", l.revoked_reason);
  VisitFields(out, l.meta);
}

template <typename Out>
void VisitFields(Out& out, const Activity& a) {
  out.Field("id", a.id);
  out.Field("customer_id", a.customer_id);
  out.Field("type", a.type);
  out.Field("subject", a.subject);
  out.Field("body", a.body);
  out.Field("occurred_at", a.occurred_at);
  out.Field("user_id", a.user_id);
  out.Field("user_name", a.user_name);
  VisitFields(out, a.meta);
}

template <typename Out>
void VisitFields(Out& out, const Opportunity& o) {
  out.Field("id", o.id);
  out.Field("customer_id", o.customer_id);
  out.Field("customer_name", o.customer_name);
  out.Field("customer_owner_id", o.customer_owner_id);
  out.Field("name", o.name);
  out.Field("stage", o.stage);
  out.Field("amount_minor", o.amount_minor);
  out.Field("currency", o.currency);
  out.Field("expected_close_at", o.expected_close_at);
  out.Field("probability", o.probability);
  out.Field("owner_id", o.owner_id);
  out.Field("owner_name", o.owner_name);
  VisitFields(out, o.meta);
}

nlohmann::json ToJson(const User& u);
nlohmann::json ToJson(const Customer& c);
nlohmann::json ToJson(const Contact& c);
nlohmann::json ToJson(const License& l);
nlohmann::json ToJson(const Activity& a);
nlohmann::json ToJson(const Opportunity& o);
nlohmann::json ToJson(const ApiToken& t);
nlohmann::json ToJson(const DashboardSummary& s);

}  // namespace salesdb
