// Masking of sensitive fields by role: ONE table (field × audience → full / partial / hidden, and
// whether the audience may reveal the field). Every place where customer data leaves the server
// (lists, details, search, exports, audit entries) goes through the functions below; a unit test
// checks that the table covers every encrypted column (storage/field_encryption.h) and every role.
//
//                         admin  manager  rep(own)  rep(other)  finance  viewer   auditor
//   contact.email         full   full     full      partial*    full     partial  hidden
//   contact.phone         full   full     full      partial*    full     partial  hidden
//   license.key           full   full     full      partial*    full     partial  hidden
//   activity.body         full   full     full      hidden*     full     hidden   hidden
//   (* may reveal: POST /api/v1/<resource>/{id}/reveal, rate limited and audited)
//
// partial: emails z***@example.com, phones 138****5678, licence keys XXXX-…-1A2B; hidden: "".
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>
#include <vector>

#include "domain/entities.h"

namespace salesdb {

enum class SensitiveField { kContactEmail, kContactPhone, kLicenseKey, kActivityBody };
enum class Visibility { kFull, kPartial, kHidden };
// Who looks, relative to the customer that owns the data.
enum class Audience { kAdmin, kSalesManager, kSalesRepOwn, kSalesRepOther, kFinance, kViewer, kAuditor };
inline constexpr int kAudienceCount = 7;

struct MaskRule {
  SensitiveField field;
  const char* entity;  // contact, license, activity
  const char* name;    // the JSON field: email, phone, key, body
  const char* table;   // where it is stored, encrypted
  const char* column;
  Visibility visibility[kAudienceCount];  // by Audience
  bool may_reveal[kAudienceCount];
};

// The table above.
const std::vector<MaskRule>& MaskingTable();
const MaskRule* FindMaskRule(std::string_view entity, std::string_view name);
const char* AudienceName(Audience a);

Audience AudienceFor(const Actor& actor, int64_t customer_owner_id);
Visibility VisibilityFor(SensitiveField f, const Actor& actor, int64_t customer_owner_id);
bool MayReveal(SensitiveField f, const Actor& actor, int64_t customer_owner_id);

// The partial form of a value of field f.
std::string PartialValue(SensitiveField f, const std::string& value);
std::string MaskEmail(const std::string& email);
std::string MaskPhone(const std::string& phone);
std::string MaskLicenseKey(const std::string& key);

// Applies the table to one row as `actor` sees it.
void ApplyMasking(const Actor& actor, Contact& c);
void ApplyMasking(const Actor& actor, License& l);
void ApplyMasking(const Actor& actor, Activity& a);
inline void ApplyMasking(const Actor&, Opportunity&) {}

// Exact-match search on a field through its blind index must not let an actor confirm a value it
// may not see: true when `row` may be returned to a search on field f.
bool MaySearchMatch(SensitiveField f, const Actor& actor, int64_t customer_owner_id);

// Audit entries keep no sensitive value: replaces each of `entity`'s sensitive fields in `j`
// with kEncryptedMarker.
inline constexpr char kEncryptedMarker[] = "[encrypted]";
void RedactForAudit(std::string_view entity, nlohmann::json& j);

}  // namespace salesdb
