// The rules every input must meet; the web UI mirrors them (web/src/lib/validation.ts).
// Each Validate* returns Ok or an InvalidArgument carrying one FieldError per bad field.
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"
#include "domain/entities.h"

namespace salesdb {

inline constexpr std::string_view kRegions[] = {"north_china", "east_china", "south_china", "west_china",
                                                "apac",        "emea",       "americas"};
inline constexpr std::string_view kTiers[] = {"strategic", "key", "standard"};
inline constexpr std::string_view kCustomerStatuses[] = {"lead", "active", "churned"};
inline constexpr std::string_view kEditions[] = {"community", "team", "enterprise"};
inline constexpr std::string_view kLicenseStatuses[] = {"active", "expired", "revoked"};
inline constexpr std::string_view kDeployments[] = {"cloud", "self_hosted"};
inline constexpr std::string_view kActivityTypes[] = {"call", "meeting", "email", "note"};
inline constexpr std::string_view kStages[] = {"prospect", "qualified", "proposal", "negotiation", "won", "lost"};

bool IsValidEmail(std::string_view email);
bool IsValidUtf8(std::string_view s);
size_t Utf8Length(std::string_view s);

Status ValidateCustomer(const Customer& c);
Status ValidateContact(const Contact& c);
Status ValidateLicense(const License& l);
Status ValidateActivity(const Activity& a);
Status ValidateOpportunity(const Opportunity& o);
Status ValidateUser(const User& u);
Status ValidatePassword(std::string_view password);

}  // namespace salesdb
