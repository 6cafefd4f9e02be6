#include "domain/masking.h"

namespace salesdb {
namespace {

constexpr Visibility F = Visibility::kFull;
constexpr Visibility P = Visibility::kPartial;
constexpr Visibility H = Visibility::kHidden;

}  // namespace

const std::vector<MaskRule>& MaskingTable() {
  // Columns: admin, sales_manager, sales_rep (own customer), sales_rep (another rep's customer),
  // finance, viewer, auditor.
  static const std::vector<MaskRule> kTable = {
      {SensitiveField::kContactEmail, "contact", "email", "contacts", "email",
       {F, F, F, P, F, P, H}, {true, true, true, true, true, false, false}},
      {SensitiveField::kContactPhone, "contact", "phone", "contacts", "phone",
       {F, F, F, P, F, P, H}, {true, true, true, true, true, false, false}},
      {SensitiveField::kLicenseKey, "license", "key", "licenses", "license_key",
       {F, F, F, P, F, P, H}, {true, true, true, true, true, false, false}},
      {SensitiveField::kActivityBody, "activity", "body", "activities", "body",
       {F, F, F, H, F, H, H}, {true, true, true, true, true, false, false}},
  };
  return kTable;
}

const MaskRule* FindMaskRule(std::string_view entity, std::string_view name) {
  for (const auto& r : MaskingTable()) {
    if (entity == r.entity && name == r.name) return &r;
  }
  return nullptr;
}

const char* AudienceName(Audience a) {
  switch (a) {
    case Audience::kAdmin: return "admin";
    case Audience::kSalesManager: return "sales_manager";
    case Audience::kSalesRepOwn: return "sales_rep (own customer)";
    case Audience::kSalesRepOther: return "sales_rep (another rep's customer)";
    case Audience::kFinance: return "finance";
    case Audience::kViewer: return "viewer";
    case Audience::kAuditor: return "auditor";
  }
  return "?";
}

Audience AudienceFor(const Actor& actor, int64_t customer_owner_id) {
  const std::string& r = actor.role;
  if (r == "admin") return Audience::kAdmin;
  if (r == "sales_manager") return Audience::kSalesManager;
  if (r == "sales_rep") return customer_owner_id == actor.user_id ? Audience::kSalesRepOwn : Audience::kSalesRepOther;
  if (r == "finance") return Audience::kFinance;
  if (r == "viewer") return Audience::kViewer;
  return Audience::kAuditor;  // auditors, and any role not listed: the least
}

static const MaskRule& RuleOf(SensitiveField f) {
  for (const auto& r : MaskingTable()) {
    if (r.field == f) return r;
  }
  return MaskingTable().front();  // unreachable: the unit test checks every field has a row
}

Visibility VisibilityFor(SensitiveField f, const Actor& actor, int64_t customer_owner_id) {
  return RuleOf(f).visibility[static_cast<int>(AudienceFor(actor, customer_owner_id))];
}

bool MayReveal(SensitiveField f, const Actor& actor, int64_t customer_owner_id) {
  return RuleOf(f).may_reveal[static_cast<int>(AudienceFor(actor, customer_owner_id))];
}

bool MaySearchMatch(SensitiveField f, const Actor& actor, int64_t customer_owner_id) {
  return VisibilityFor(f, actor, customer_owner_id) == Visibility::kFull;
}

std::string MaskEmail(const std::string& email) {
  auto at = email.find('@');
  if (at == std::string::npos || at == 0) return email.empty() ? email : "***";
  return email.substr(0, 1) + "***" + email.substr(at);
}

std::string MaskPhone(const std::string& phone) {
  std::string digits;
  for (char ch : phone) {
    if (ch >= '0' && ch <= '9') digits += ch;
  }
  if (digits.size() < 7) return phone.empty() ? phone : "****";
  return digits.substr(0, 3) + "****" + digits.substr(digits.size() - 4);
}

std::string MaskLicenseKey(const std::string& key) {
  if (key.size() < 4) return "XXXX";
  return "XXXX-…-" + key.substr(key.size() - 4);
}

std::string PartialValue(SensitiveField f, const std::string& value) {
  switch (f) {
    case SensitiveField::kContactEmail: return MaskEmail(value);
    case SensitiveField::kContactPhone: return MaskPhone(value);
    case SensitiveField::kLicenseKey: return MaskLicenseKey(value);
    case SensitiveField::kActivityBody: return std::string();  // no meaningful partial form
  }
  return std::string();
}

static void Apply(SensitiveField f, const Actor& actor, int64_t owner, std::string& value) {
  switch (VisibilityFor(f, actor, owner)) {
    case Visibility::kFull: return;
    case Visibility::kPartial: value = PartialValue(f, value); return;
    case Visibility::kHidden: value.clear(); return;
  }
}

void ApplyMasking(const Actor& actor, Contact& c) {
  Apply(SensitiveField::kContactEmail, actor, c.customer_owner_id, c.email);
  Apply(SensitiveField::kContactPhone, actor, c.customer_owner_id, c.phone);
}

void ApplyMasking(const Actor& actor, License& l) {
  Apply(SensitiveField::kLicenseKey, actor, l.customer_owner_id, l.key);
}

void ApplyMasking(const Actor& actor, Activity& a) {
  Apply(SensitiveField::kActivityBody, actor, a.customer_owner_id, a.body);
}

void RedactForAudit(std::string_view entity, nlohmann::json& j) {
  if (!j.is_object()) return;
  for (const auto& r : MaskingTable()) {
    if (entity == r.entity && j.contains(r.name)) j[r.name] = kEncryptedMarker;
  }
}

}  // namespace salesdb
