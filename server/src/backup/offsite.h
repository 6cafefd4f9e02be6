// Off-site copies of finished backups: an S3-compatible bucket (libcurl with CURLOPT_AWS_SIGV4,
// path-style URLs: <endpoint>/<bucket>/<prefix><name>) and/or a second folder (a mounted disk or
// network share). Each call has timeouts; PutWithRetries retries with exponential backoff. An upload
// counts as confirmed only when the remote copy answers with the full size. Thread-compatible.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "base/status.h"

namespace salesdb::backup {

struct OffsiteSettings {
  std::string s3_endpoint;  // e.g. https://s3.eu-central-1.amazonaws.com or http://127.0.0.1:4569
  std::string s3_bucket;
  std::string s3_prefix;    // e.g. "salesdb/"
  std::string s3_region = "us-east-1";
  std::string s3_access_key;
  std::string s3_secret_key;
  // HTTPS endpoints must present a certificate that verifies (peer and host name, TLS 1.2+) against
  // the system CA store, or against this PEM bundle when set (a private CA).
  std::string ca_file;
  std::string copy_dir;     // second folder
  int retries = 5;          // attempts after the first
  int64_t backoff_ms = 1000;  // first wait; doubles, capped at 60 s
  int timeout_seconds = 600;  // per request
};

class OffsiteTarget {
 public:
  virtual ~OffsiteTarget() = default;
  virtual std::string name() const = 0;  // "s3" | "copy_dir"
  // Copies the local file as `name` and confirms it arrived whole.
  virtual Status Put(const std::string& local_path, const std::string& name) = 0;
  // Names of the stored objects (without prefix).
  virtual StatusOr<std::vector<std::string>> List() = 0;
  virtual Status Delete(const std::string& name) = 0;
};

// The targets the settings enable (none, one or both).
std::vector<std::unique_ptr<OffsiteTarget>> MakeOffsiteTargets(const OffsiteSettings& settings);

// Runs fn until it succeeds or `retries` more attempts failed, sleeping backoff, 2×backoff, … in
// between (through `sleep_ms`, so tests need not wait). Returns the last error.
Status WithRetries(const std::function<Status()>& fn, int retries, int64_t backoff_ms,
                   const std::function<void(int64_t)>& sleep_ms);

}  // namespace salesdb::backup
