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

// The top-level fields masked per entity; no mask function: replaced by "[redacted]".
struct MaskedField {
  const char* entity;
  const char* key;
  std::string (*mask)(const std::string&);
};
const MaskedField kMaskedFields[] = {
    {"contact", "email", &MaskEmail},
    {"contact", "phone", &MaskPhone},
    {"license", "key", &MaskLicenseKey},
    {"activity", "body", nullptr},
};

bool IsMaskedField(const std::string& entity, const std::string& key) {
  for (const MaskedField& f : kMaskedFields) {
    if (entity == f.entity && key == f.key) return true;
  }
  return false;
}

// A value of a masked field that Redact would change: a non-empty string other than the domain's
// marker (MaskString below leaves the others alone).
bool NeedsMask(const std::string& v) { return !v.empty() && v != kEncryptedMarker; }

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
  if (!NeedsMask(v)) return;
  *it = mask ? mask(v) : std::string(kRedacted);
}

// Reads the text once without building it (SAX) and tells whether it is a JSON object that the
// redaction below would leave as it is: no secret key at any depth, no masked field of the entity
// holding a value to mask. Most entries are such objects (the domain has already put its marker in
// place of the sensitive fields), and for them the parse, copy and re-serialisation are skipped.
class CleanObjectScan final : public json::json_sax_t {
 public:
  explicit CleanObjectScan(const std::string& entity) : entity_(entity) {}
  bool clean() const { return object_ && clean_; }

  bool null() override { return Scalar(); }
  bool boolean(bool) override { return Scalar(); }
  bool number_integer(number_integer_t) override { return Scalar(); }
  bool number_unsigned(number_unsigned_t) override { return Scalar(); }
  bool number_float(number_float_t, const string_t&) override { return Scalar(); }
  bool binary(binary_t&) override { return Scalar(); }
  bool string(string_t& v) override {
    if (masked_value_ && NeedsMask(v)) clean_ = false;
    return Scalar() && clean_;
  }
  bool start_object(std::size_t) override {
    if (depth_ == 0) object_ = true;
    return Open();
  }
  bool key(string_t& k) override {
    if (IsSecretKey(k)) clean_ = false;
    masked_value_ = depth_ == 1 && IsMaskedField(entity_, k);
    return clean_;  // stop at the first thing to redact
  }
  bool end_object() override { return Close(); }
  bool start_array(std::size_t) override { return depth_ > 0 && Open(); }  // a top-level array is no object
  bool end_array() override { return Close(); }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override {
    clean_ = false;
    return false;
  }

 private:
  bool Scalar() {
    masked_value_ = false;
    return depth_ > 0;  // a top-level scalar is no object
  }
  bool Open() {
    masked_value_ = false;
    ++depth_;
    return true;
  }
  bool Close() {
    --depth_;
    return true;
  }
  const std::string& entity_;
  int depth_ = 0;
  bool object_ = false;
  bool clean_ = true;
  bool masked_value_ = false;
};

}  // namespace

std::string RedactAuditJson(const std::string& entity, const std::string& text) {
  if (text.empty()) return text;
  CleanObjectScan scan(entity);
  if (json::sax_parse(text, &scan) && scan.clean()) return text;
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return kRedacted;
  RedactSecrets(j);
  for (const MaskedField& f : kMaskedFields) {
    if (entity == f.entity) MaskString(j, f.key, f.mask);
  }
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace salesdb::audit
