#include "audit/redact.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "domain/masking.h"

namespace salesdb::audit {
namespace {

using nlohmann::json;

TEST(RedactTest, ContactEmailAndPhoneAreMasked) {
  json in = {{"id", 4}, {"name", "Li Wei"}, {"email", "li.wei@example.com"}, {"phone", "+86 138 0013 8000"}};
  json out = json::parse(RedactAuditJson("contact", in.dump()));
  EXPECT_EQ(out["name"], "Li Wei");
  EXPECT_EQ(out["email"], "l***@example.com");
  EXPECT_EQ(out["phone"].get<std::string>().find("0013"), std::string::npos);
  EXPECT_NE(out["phone"], in["phone"]);
}

TEST(RedactTest, LicenseKeyMaskedActivityBodyRedacted) {
  json lic = json::parse(RedactAuditJson("license", json{{"key", "DIFY-ABCD-EFGH-JKLM-NPQR"}}.dump()));
  EXPECT_NE(lic["key"], "DIFY-ABCD-EFGH-JKLM-NPQR");
  json act = json::parse(RedactAuditJson("activity", json{{"body", "called, they want a discount"}, {"type", "call"}}.dump()));
  EXPECT_EQ(act["body"], kRedacted);
  EXPECT_EQ(act["type"], "call");
}

TEST(RedactTest, SecretsRedactedEverywhereAndOtherFieldsKept) {
  json in = {{"email", "admin@example.com"}, {"password_hash", "$argon2id$..."}, {"nested", {{"token", "sdb_x"}}}};
  json out = json::parse(RedactAuditJson("user", in.dump()));
  EXPECT_EQ(out["email"], "admin@example.com");  // a user's login name is not customer data
  EXPECT_EQ(out["password_hash"], kRedacted);
  EXPECT_EQ(out["nested"]["token"], kRedacted);
}

TEST(RedactTest, TheDomainsEncryptedMarkerIsKept) {
  json in = {{"email", kEncryptedMarker}, {"phone", kEncryptedMarker}};
  EXPECT_EQ(json::parse(RedactAuditJson("contact", in.dump())), in);
  json key = {{"key", kEncryptedMarker}};
  EXPECT_EQ(json::parse(RedactAuditJson("license", key.dump())), key);
  json body = {{"body", kEncryptedMarker}};
  EXPECT_EQ(json::parse(RedactAuditJson("activity", body.dump())), body);
}

TEST(RedactTest, ParsedValuesGetTheSamePolicyAsText) {
  const json samples[] = {
      {{"id", 4}, {"email", "li.wei@example.com"}, {"phone", "+86 138 0013 8000"}, {"amount", 1234.5}},
      {{"nested", {{"token", "sdb_x"}, {"list", {1, 2.25, "x"}}}}, {"password", "hunter2"}, {"name", "李伟"}},
      {{"email", kEncryptedMarker}, {"phone", ""}}};
  for (const json& in : samples) {
    json parsed = in;
    RedactAuditJson("contact", parsed);
    EXPECT_EQ(parsed.dump(), RedactAuditJson("contact", in.dump()));  // byte for byte: entries hash the text
  }
  json array = json::array({1, 2});
  RedactAuditJson("contact", array);
  EXPECT_EQ(array, kRedacted);
  json none;
  RedactAuditJson("contact", none);
  EXPECT_TRUE(none.is_null());
}

TEST(RedactTest, EmptyStaysEmptyAndNonObjectsAreRedacted) {
  EXPECT_EQ(RedactAuditJson("contact", ""), "");
  EXPECT_EQ(RedactAuditJson("contact", "not json"), kRedacted);
  json out = json::parse(RedactAuditJson("contact", json{{"email", ""}}.dump()));
  EXPECT_EQ(out["email"], "");
}

TEST(RedactTest, SecretsAnywhereAndNonObjectsAreCaught) {
  // Secrets deep inside arrays, a masked field given twice, escaped key names.
  json nested = json::parse(RedactAuditJson("customer", R"({"items":[{"a":1},{"secret":"s3"}]})"));
  EXPECT_EQ(nested["items"][1]["secret"], kRedacted);
  json twice = json::parse(RedactAuditJson("contact", R"({"email":"[encrypted]","email":"li@example.com"})"));
  EXPECT_EQ(twice["email"], "l***@example.com");
  json escaped = json::parse(RedactAuditJson("user", R"({"pass\u0077ord":"hunter2"})"));
  EXPECT_EQ(escaped["password"], kRedacted);
  // Not one JSON object: redacted whole.
  EXPECT_EQ(RedactAuditJson("customer", R"([{"a":1}])"), kRedacted);
  EXPECT_EQ(RedactAuditJson("customer", "42"), kRedacted);
  EXPECT_EQ(RedactAuditJson("customer", R"({"a":1} trailing)"), kRedacted);
}

}  // namespace
}  // namespace salesdb::audit
