// Entities as JSON, in the shapes of docs/api.md. Used for API answers and audit before/after.
// Secrets (password hashes, token hashes) are never rendered.
#pragma once

#include <nlohmann/json.hpp>

#include "domain/entities.h"
#include "domain/store.h"

namespace salesdb {

nlohmann::json ToJson(const User& u);
nlohmann::json ToJson(const Customer& c);
nlohmann::json ToJson(const Contact& c);
nlohmann::json ToJson(const License& l);
nlohmann::json ToJson(const Activity& a);
nlohmann::json ToJson(const Opportunity& o);
nlohmann::json ToJson(const ApiToken& t);
nlohmann::json ToJson(const DashboardSummary& s);

}  // namespace salesdb
