// Reading JSON request bodies strictly: the body must be one JSON object of valid UTF-8; each known
// field must have the right type; unknown fields are refused. Errors are 400 (malformed) or 422
// (field errors, all of them at once).
#pragma once

#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "api/http_types.h"
#include "base/status.h"

namespace salesdb::api {

StatusOr<nlohmann::json> ParseObject(const std::string& body);

class Fields {
 public:
  explicit Fields(const nlohmann::json& obj) : obj_(obj) {}
  bool Has(const char* name) const { return obj_.contains(name); }
  Fields& Str(const char* name, std::string& out, bool required = false);
  Fields& Int(const char* name, int64_t& out, bool required = false);
  Fields& Int(const char* name, int& out, bool required = false);
  Fields& Bool(const char* name, bool& out, bool required = false);
  Fields& StrList(const char* name, std::vector<std::string>& out);
  Fields& Allow(const char* name) {  // accepted here, read elsewhere (e.g. "version")
    known_.insert(name);
    return *this;
  }
  // Ok, or a 422 with every type error, missing required field and unknown field.
  Status Done() const;

 private:
  const nlohmann::json* Get(const char* name, bool required);
  void Error(const char* field, const char* code, std::string message);
  const nlohmann::json& obj_;
  std::set<std::string> known_;
  Status status_{StatusCode::kInvalidArgument, "the request has invalid fields"};
  bool any_ = false;
};

// The version the client expects to change: If-Match "v<n>" (strong or weak, with an optional
// ".suffix") or "version" in the body; 0 when neither is given. 400 on a malformed If-Match.
StatusOr<int64_t> ExpectedVersion(const Request& req, const nlohmann::json* body);

// Serializes a JSON answer.
Response Json(int status, const nlohmann::json& body);
std::string Dump(const nlohmann::json& j);

}  // namespace salesdb::api
