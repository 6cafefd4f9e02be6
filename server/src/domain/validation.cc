#include "domain/validation.h"

#include <algorithm>
#include <regex>

namespace salesdb {
namespace {

template <size_t N>
bool OneOf(std::string_view v, const std::string_view (&set)[N]) {
  return std::find(std::begin(set), std::end(set), v) != std::end(set);
}

template <size_t N>
std::string List(const std::string_view (&set)[N]) {
  std::string out;
  for (auto s : set) out += (out.empty() ? "" : ", ") + std::string(s);
  return out;
}

// Collects field errors; Done() is Ok when none were added.
class Checker {
 public:
  void Text(const char* field, const std::string& v, size_t min, size_t max) {
    size_t n = Utf8Length(v);
    if (min > 0 && n == 0) Add(field, "required", "is required");
    else if (n < min) Add(field, "too_short", "must be at least " + std::to_string(min) + " characters");
    else if (n > max) Add(field, "too_long", "must be at most " + std::to_string(max) + " characters");
  }
  template <size_t N>
  void Enum(const char* field, const std::string& v, const std::string_view (&set)[N]) {
    if (!OneOf(v, set)) Add(field, "invalid", "must be one of " + List(set));
  }
  void Range(const char* field, int64_t v, int64_t lo, int64_t hi) {
    if (v < lo || v > hi) {
      Add(field, "out_of_range", "must be between " + std::to_string(lo) + " and " + std::to_string(hi));
    }
  }
  void Currency(const char* field, const std::string& v) {
    bool ok = v.size() == 3 && std::all_of(v.begin(), v.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
    if (!ok) Add(field, "invalid", "must be a three-letter ISO 4217 code such as CNY or USD");
  }
  void Add(const char* field, const char* code, std::string message) {
    status_.AddFieldError(field, code, std::move(message));
    any_ = true;
  }
  Status Done() { return any_ ? status_ : Status::Ok(); }

 private:
  Status status_{StatusCode::kInvalidArgument, "the request has invalid fields"};
  bool any_ = false;
};

constexpr int64_t kMaxMoney = 10'000'000'000'000;  // 100 billion in major units
constexpr int64_t kMinTime = 0;
constexpr int64_t kMaxTime = 32503680000000;  // year 3000

}  // namespace

size_t Utf8Length(std::string_view s) {
  size_t n = 0;
  for (unsigned char ch : s) n += (ch & 0xC0) != 0x80;
  return n;
}

bool IsValidUtf8(std::string_view s) {
  // RFC 3629: no overlong forms, no UTF-16 surrogates, nothing above U+10FFFF (PostgreSQL refuses
  // all of these, so they must be refused before they reach it).
  size_t i = 0;
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  while (i < s.size()) {
    unsigned char c = byte(i);
    if (c < 0x80) {
      ++i;
      continue;
    }
    int len = 0;
    unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
    if (c >= 0xC2 && c <= 0xDF) len = 2;
    else if (c == 0xE0) len = 3, lo = 0xA0;
    else if (c >= 0xE1 && c <= 0xEC) len = 3;
    else if (c == 0xED) len = 3, hi = 0x9F;
    else if (c >= 0xEE && c <= 0xEF) len = 3;
    else if (c == 0xF0) len = 4, lo = 0x90;
    else if (c >= 0xF1 && c <= 0xF3) len = 4;
    else if (c == 0xF4) len = 4, hi = 0x8F;
    else return false;
    if (i + len > s.size()) return false;
    if (byte(i + 1) < lo || byte(i + 1) > hi) return false;
    for (int k = 2; k < len; ++k) {
      if ((byte(i + k) & 0xC0) != 0x80) return false;
    }
    i += len;
  }
  return true;
}

bool IsValidEmail(std::string_view email) {
  static const std::regex kEmail(R"(^[A-Za-z0-9._%+\-']+@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)+$)");
  return email.size() <= 254 && std::regex_match(email.begin(), email.end(), kEmail);
}

Status ValidateCustomer(const Customer& c) {
  Checker k;
  k.Text("name", c.name, 1, 200);
  k.Text("industry", c.industry, 0, 100);
  k.Enum("region", c.region, kRegions);
  k.Enum("tier", c.tier, kTiers);
  k.Enum("status", c.status, kCustomerStatuses);
  k.Text("website", c.website, 0, 300);
  k.Text("notes", c.notes, 0, 10000);
  if (c.tags.size() > 20) k.Add("tags", "too_many", "at most 20 tags");
  for (const auto& t : c.tags) {
    if (t.empty() || Utf8Length(t) > 40 || t.find(',') != std::string::npos) {
      k.Add("tags", "invalid", "each tag is 1 to 40 characters without commas");
      break;
    }
  }
  return k.Done();
}

Status ValidateContact(const Contact& c) {
  Checker k;
  k.Text("name", c.name, 1, 200);
  k.Text("title", c.title, 0, 200);
  if (!c.email.empty() && !IsValidEmail(c.email)) k.Add("email", "invalid", "is not an email address");
  static const std::regex kPhone(R"(^\+?[0-9 ()\-]{5,40}$)");
  if (!c.phone.empty() && !std::regex_match(c.phone, kPhone)) {
    k.Add("phone", "invalid", "digits, spaces, ()+- only, 5 to 40 characters");
  }
  return k.Done();
}

Status ValidateLicense(const License& l) {
  Checker k;
  k.Enum("edition", l.edition, kEditions);
  k.Range("seats", l.seats, 1, 1'000'000);
  k.Range("annual_value_minor", l.annual_value_minor, 0, kMaxMoney);
  k.Currency("currency", l.currency);
  k.Range("starts_at", l.starts_at, kMinTime, kMaxTime);
  k.Range("expires_at", l.expires_at, kMinTime, kMaxTime);
  if (l.expires_at <= l.starts_at) k.Add("expires_at", "invalid", "must be after starts_at");
  k.Enum("status", l.status, kLicenseStatuses);
  k.Enum("deployment", l.deployment, kDeployments);
  k.Text("revoked_reason", l.revoked_reason, 0, 500);
  return k.Done();
}

Status ValidateActivity(const Activity& a) {
  Checker k;
  k.Enum("type", a.type, kActivityTypes);
  k.Text("subject", a.subject, 1, 300);
  k.Text("body", a.body, 0, 20000);
  k.Range("occurred_at", a.occurred_at, 1, kMaxTime);
  return k.Done();
}

Status ValidateOpportunity(const Opportunity& o) {
  Checker k;
  k.Text("name", o.name, 1, 200);
  k.Enum("stage", o.stage, kStages);
  k.Range("amount_minor", o.amount_minor, 0, kMaxMoney);
  k.Currency("currency", o.currency);
  k.Range("expected_close_at", o.expected_close_at, 1, kMaxTime);
  k.Range("probability", o.probability, 0, 100);
  return k.Done();
}

Status ValidateUser(const User& u) {
  Checker k;
  if (!IsValidEmail(u.email)) k.Add("email", "invalid", "is not an email address");
  k.Text("name", u.name, 1, 200);
  static const std::string_view kRoleSet[] = {"admin", "sales_manager", "sales_rep", "finance", "viewer", "auditor"};
  k.Enum("role", u.role, kRoleSet);
  if (!u.region.empty()) k.Enum("region", u.region, kRegions);
  return k.Done();
}

Status ValidatePassword(std::string_view password) {
  size_t n = Utf8Length(password);
  if (n < 10 || n > 200) {
    return FieldInvalid("password", "invalid", "must be 10 to 200 characters");
  }
  return Status::Ok();
}

}  // namespace salesdb
