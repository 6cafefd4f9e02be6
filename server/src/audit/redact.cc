#include "audit/redact.h"

#include <nlohmann/json.hpp>

#include "domain/masking.h"
#include "domain/services.h"

namespace salesdb::audit {
namespace {

using nlohmann::json;

bool IsSecretKey(const std::string& key) {
  return key == "password" || key == "password_hash" || key == "token" || key == "token_hash" ||
         key == "secret" || key == "csrf_token" || key == "master_key";
}

void RedactSecrets(json& j) {
  if (j.is_object()) {
    for (auto it = j.begin(); it != j.end(); ++it) {
      if (IsSecretKey(it.key())) it.value() = kRedacted;
      else RedactSecrets(it.value());
    }
  } else if (j.is_array()) {
    for (auto& v : j) RedactSecrets(v);
  }
}

void MaskString(json& obj, const char* key, std::string (*mask)(const std::string&)) {
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_string()) return;
  std::string v = it->get<std::string>();
  if (v == kEncryptedMarker) return;  // the domain already took the value out
  *it = v.empty() ? v : (mask ? mask(v) : std::string(kRedacted));
}

}  // namespace

void RedactAuditJson(const std::string& entity, json& j) {
  if (j.is_null()) return;
  if (!j.is_object()) {
    j = kRedacted;
    return;
  }
  RedactSecrets(j);
  if (entity == "contact") {
    MaskString(j, "email", &MaskEmail);
    MaskString(j, "phone", &MaskPhone);
  } else if (entity == "license") {
    MaskString(j, "key", &MaskLicenseKey);
  } else if (entity == "activity") {
    MaskString(j, "body", nullptr);
  }
}

std::string RedactAuditJson(const std::string& entity, const std::string& text) {
  if (text.empty()) return text;
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return kRedacted;
  RedactAuditJson(entity, j);
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace salesdb::audit
