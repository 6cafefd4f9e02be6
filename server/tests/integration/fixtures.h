// Request bodies and row builders shared by the integration tests. Every builder asserts through
// the returned answer only; callers check the status they expect.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "harness.h"

namespace salesdb::testing {

inline constexpr int64_t kJan2026 = 1767225600000;  // 2026-01-01T00:00:00Z
inline constexpr int64_t kJan2027 = 1798761600000;

inline nlohmann::json ContactBody(int64_t customer_id, const std::string& name = "Li Wei") {
  return {{"customer_id", customer_id}, {"name", name},           {"title", "CTO"},
          {"email", "li.wei@example.cn"}, {"phone", "+86 138 0013 8000"}};
}

inline nlohmann::json ActivityBody(int64_t customer_id, const std::string& subject = "Intro call") {
  return {{"customer_id", customer_id}, {"type", "call"}, {"subject", subject}, {"body", "Talked about Dify"}};
}

inline nlohmann::json OpportunityBody(int64_t customer_id, const std::string& name = "Enterprise upgrade") {
  return {{"customer_id", customer_id}, {"name", name},          {"stage", "prospect"},
          {"amount_minor", 5000000},    {"currency", "CNY"},     {"expected_close_at", kJan2027},
          {"probability", 20}};
}

inline nlohmann::json LicenseBody(int64_t customer_id) {
  return {{"customer_id", customer_id}, {"edition", "team"},  {"seats", 10},
          {"annual_value_minor", 990000}, {"currency", "CNY"}, {"starts_at", kJan2026},
          {"expires_at", kJan2027},       {"deployment", "cloud"}};
}

// The "items" of a list answer, by value: `for (x : r.json()["items"])` would iterate a member of a
// temporary that is already gone.
inline nlohmann::json Items(const HttpResponse& r) {
  nlohmann::json j = r.json();
  return j.is_object() && j["items"].is_array() ? j["items"] : nlohmann::json::array();
}

// POSTs `body` to `path` and returns the new row's id, failing the test on anything but 201.
inline int64_t CreateRow(Client& c, const std::string& path, const nlohmann::json& body) {
  HttpResponse r = c.Post(path, body);
  EXPECT_EQ(r.status, 201) << path << " " << body.dump() << " → " << r.body;
  if (r.status != 201) return 0;
  return r.json()["id"].get<int64_t>();
}

// A customer owned by `owner_id` in `region`.
inline int64_t CreateCustomer(Client& admin, const std::string& name, const std::string& region, int64_t owner_id) {
  nlohmann::json body = CustomerBody(name, region);
  if (owner_id != 0) body["owner_id"] = owner_id;
  return CreateRow(admin, "/api/v1/customers", body);
}

// True when the answer is RFC 9457 problem+json with the given status.
inline ::testing::AssertionResult IsProblem(const HttpResponse& r, long status) {
  if (r.status != status) return ::testing::AssertionFailure() << "status " << r.status << " ≠ " << status << ": " << r.body;
  if (r.header("content-type") != "application/problem+json") {
    return ::testing::AssertionFailure() << "content-type " << r.header("content-type");
  }
  nlohmann::json j = r.json();
  if (!j.is_object() || j["status"] != status || !j["type"].is_string() || !j["title"].is_string() ||
      !j["request_id"].is_string()) {
    return ::testing::AssertionFailure() << "not a problem body: " << r.body;
  }
  return ::testing::AssertionSuccess();
}

}  // namespace salesdb::testing
