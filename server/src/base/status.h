// Errors as values: Status and StatusOr<T>, in the spirit of leveldb/abseil.
//
// A Status carries a code, a message meant for the client, optional field errors (for 422 answers),
// and optional hints that the one error→HTTP mapping (api/problem.cc) may use: an HTTP status
// override (413, 415, 428) and a Retry-After in seconds. Thread-compatible value type.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace salesdb {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,     // 400 (malformed) or 422 (with field errors)
  kNotFound,            // 404
  kAlreadyExists,       // 409
  kFailedPrecondition,  // 409
  kAborted,             // 412: optimistic-concurrency version conflict
  kUnauthenticated,     // 401
  kPermissionDenied,    // 403
  kResourceExhausted,   // 429
  kUnavailable,         // 503
  kInternal,            // 500
};

struct FieldError {
  std::string field;
  std::string code;  // machine-readable: required, invalid, too_long, unknown_field, ...
  std::string message;
};

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }
  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

  const std::vector<FieldError>& field_errors() const { return field_errors_; }
  Status& AddFieldError(std::string field, std::string code, std::string message) {
    field_errors_.push_back({std::move(field), std::move(code), std::move(message)});
    return *this;
  }
  int http_status() const { return http_status_; }
  Status& WithHttpStatus(int status) {
    http_status_ = status;
    return *this;
  }
  int retry_after_seconds() const { return retry_after_seconds_; }
  Status& WithRetryAfter(int seconds) {
    retry_after_seconds_ = seconds;
    return *this;
  }
  // A problem-type slug more specific than the code's default (e.g. "locked-out").
  const std::string& slug() const { return slug_; }
  Status& WithSlug(std::string slug) {
    slug_ = std::move(slug);
    return *this;
  }
  // Current version of the row, reported with kAborted so that clients can show both versions.
  std::optional<int64_t> current_version;

  std::string ToString() const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
  std::vector<FieldError> field_errors_;
  int http_status_ = 0;
  int retry_after_seconds_ = 0;
  std::string slug_;
};

inline Status InvalidArgument(std::string m) { return {StatusCode::kInvalidArgument, std::move(m)}; }
inline Status NotFound(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
inline Status AlreadyExists(std::string m) { return {StatusCode::kAlreadyExists, std::move(m)}; }
inline Status FailedPrecondition(std::string m) { return {StatusCode::kFailedPrecondition, std::move(m)}; }
inline Status Aborted(std::string m) { return {StatusCode::kAborted, std::move(m)}; }
inline Status Unauthenticated(std::string m) { return {StatusCode::kUnauthenticated, std::move(m)}; }
inline Status PermissionDenied(std::string m) { return {StatusCode::kPermissionDenied, std::move(m)}; }
inline Status ResourceExhausted(std::string m) { return {StatusCode::kResourceExhausted, std::move(m)}; }
inline Status Unavailable(std::string m) { return {StatusCode::kUnavailable, std::move(m)}; }
inline Status Internal(std::string m) { return {StatusCode::kInternal, std::move(m)}; }

// A 422 answer with one field error.
inline Status FieldInvalid(std::string field, std::string code, std::string message) {
  Status s(StatusCode::kInvalidArgument, "the request has invalid fields");
  s.AddFieldError(std::move(field), std::move(code), std::move(message));
  return s;
}

const char* StatusCodeName(StatusCode code);

template <typename T>
class [[nodiscard]] StatusOr {
 public:
  StatusOr(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  StatusOr(Status status) : v_(std::move(status)) {}  // NOLINT: must not be Ok
  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(v_);
  }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T* operator->() { return &std::get<T>(v_); }
  const T* operator->() const { return &std::get<T>(v_); }
  T& operator*() & { return std::get<T>(v_); }
  const T& operator*() const& { return std::get<T>(v_); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace salesdb

#define SALESDB_CONCAT_INNER(a, b) a##b
#define SALESDB_CONCAT(a, b) SALESDB_CONCAT_INNER(a, b)

#define RETURN_IF_ERROR(expr)                          \
  do {                                                 \
    ::salesdb::Status salesdb_status_ = (expr);        \
    if (!salesdb_status_.ok()) return salesdb_status_; \
  } while (0)

#define ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                          \
  if (!tmp.ok()) return tmp.status();         \
  lhs = std::move(tmp).value()

#define ASSIGN_OR_RETURN(lhs, expr) \
  ASSIGN_OR_RETURN_IMPL(SALESDB_CONCAT(statusor_, __LINE__), lhs, expr)
