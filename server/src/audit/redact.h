// The one redaction policy for audit entries: personal data and secrets never enter the audit log,
// so that the log (kept a year and more, read by auditors) does not become a second copy of them.
// Redacted values keep their shape where that helps an auditor read a diff (masked e-mail and phone,
// licence key with its last group), free text becomes "[redacted]". Pure and thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace salesdb::audit {

inline constexpr char kRedacted[] = "[redacted]";

// Returns `json` (an entity or detail object as stored in before_json/after_json) with the
// sensitive fields of `entity` replaced: contact email/phone (masked), license key (masked),
// activity body ("[redacted]"), and for every entity any password, secret or token field.
// Text that is not a JSON object is returned as "[redacted]" unless empty.
std::string RedactAuditJson(const std::string& entity, const std::string& json);
// The same on a parsed value, in place; a value that is not an object becomes "[redacted]" (null
// stays null: no state).
void RedactAuditJson(const std::string& entity, nlohmann::json& j);

}  // namespace salesdb::audit
