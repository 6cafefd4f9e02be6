// The hash-chained audit log: every entry carries the SHA-256 of the previous entry's hash and its
// own canonical content, so editing, deleting, inserting or reordering rows breaks the chain.
// Record() runs inside the write transaction of the change it records. Thread-safe (stateless).
#pragma once

#include <string>

#include "domain/store.h"

namespace salesdb {

class AuditLog final : public AuditSink {
 public:
  Status Record(Tx& tx, AuditEntry e) override;
  // The hash an entry must carry, given its predecessor's hash.
  static std::string ComputeHash(const AuditEntry& e, const std::string& prev_hash);
};

struct AuditVerifyResult {
  int64_t entries = 0;
  int64_t first_bad_id = 0;  // 0: the chain is intact
  std::string problem;
};

// Walks the whole chain in id order and reports the first entry that does not match.
StatusOr<AuditVerifyResult> VerifyAuditChain(Store& store);

}  // namespace salesdb
