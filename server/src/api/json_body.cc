#include "api/json_body.h"

#include "domain/validation.h"

namespace salesdb::api {

StatusOr<nlohmann::json> ParseObject(const std::string& body) {
  if (!IsValidUtf8(body)) return InvalidArgument("the body is not valid UTF-8");
  nlohmann::json j = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return InvalidArgument("the body is not valid JSON");
  if (!j.is_object()) return InvalidArgument("the body must be a JSON object");
  return j;
}

const nlohmann::json* Fields::Get(const char* name, bool required) {
  known_.insert(name);
  auto it = obj_.find(name);
  if (it == obj_.end()) {
    if (required) Error(name, "required", "is required");
    return nullptr;
  }
  return &*it;
}

void Fields::Error(const char* field, const char* code, std::string message) {
  status_.AddFieldError(field, code, std::move(message));
  any_ = true;
}

Fields& Fields::Str(const char* name, std::string& out, bool required) {
  if (const auto* v = Get(name, required)) {
    // NUL cannot be stored in a PostgreSQL text column (and SQLite would cut it short).
    if (v->is_string() && v->get_ref<const std::string&>().find('\0') != std::string::npos) {
      Error(name, "invalid", "must not contain NUL characters");
    } else if (v->is_string()) out = v->get<std::string>();
    else if (v->is_null() && !required) out.clear();
    else Error(name, "type", "must be a string");
  }
  return *this;
}

Fields& Fields::Int(const char* name, int64_t& out, bool required) {
  if (const auto* v = Get(name, required)) {
    if (v->is_number_unsigned() && v->get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)) {
      Error(name, "out_of_range", "is out of range");
    } else if (v->is_number_integer()) {
      out = v->get<int64_t>();
    } else {
      Error(name, "type", "must be a whole number");
    }
  }
  return *this;
}

Fields& Fields::Int(const char* name, int& out, bool required) {
  int64_t wide = out;
  Int(name, wide, required);
  if (wide < INT32_MIN || wide > INT32_MAX) Error(name, "out_of_range", "is out of range");
  else out = static_cast<int>(wide);
  return *this;
}

Fields& Fields::Bool(const char* name, bool& out, bool required) {
  if (const auto* v = Get(name, required)) {
    if (v->is_boolean()) out = v->get<bool>();
    else Error(name, "type", "must be true or false");
  }
  return *this;
}

Fields& Fields::StrList(const char* name, std::vector<std::string>& out) {
  if (const auto* v = Get(name, false)) {
    bool ok = v->is_array() && v->size() <= 100;
    if (ok) {
      for (const auto& e : *v) ok = ok && e.is_string() && e.get_ref<const std::string&>().find('\0') == std::string::npos;
    }
    if (!ok) {
      Error(name, "type", "must be a list of strings");
      return *this;
    }
    out.clear();
    for (const auto& e : *v) out.push_back(e.get<std::string>());
  }
  return *this;
}

Status Fields::Done() const {
  Status s = status_;
  bool any = any_;
  for (auto it = obj_.begin(); it != obj_.end(); ++it) {
    if (!known_.count(it.key())) {
      s.AddFieldError(it.key(), "unknown_field", "is not a field of this resource");
      any = true;
    }
  }
  return any ? s : Status::Ok();
}

StatusOr<int64_t> ExpectedVersion(const Request& req, const nlohmann::json* body) {
  std::string tag = req.Header("if-match");
  if (!tag.empty()) {
    if (tag.rfind("W/", 0) == 0) tag = tag.substr(2);
    if (tag.size() < 4 || tag.front() != '"' || tag.back() != '"' || tag[1] != 'v') {
      return InvalidArgument("If-Match must be an ETag of this API, like \"v3\"");
    }
    std::string digits = tag.substr(2, tag.size() - 3);
    digits = digits.substr(0, digits.find('.'));
    if (digits.empty() || digits.size() > 18 || digits.find_first_not_of("0123456789") != std::string::npos) {
      return InvalidArgument("If-Match must be an ETag of this API, like \"v3\"");
    }
    return static_cast<int64_t>(std::stoll(digits));
  }
  if (body && body->contains("version")) {
    const auto& v = (*body)["version"];
    if (!v.is_number_integer() || v.get<int64_t>() < 1) {
      return FieldInvalid("version", "type", "must be a positive whole number");
    }
    return v.get<int64_t>();
  }
  return int64_t{0};
}

std::string Dump(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Response Json(int status, const nlohmann::json& body) {
  Response r;
  r.status = status;
  r.body = Dump(body);
  return r;
}

}  // namespace salesdb::api
